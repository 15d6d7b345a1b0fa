package dev.cairn.materializers.ml;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import org.apiguardian.api.API;

/**
 * Named tensors plus optional string metadata: what a {@code .safetensors} file holds (model weights, embeddings,
 * a batch of features). Names are sorted; stored as {@code tensors.safetensors}, with deterministic bytes for equal
 * content. Immutable; the tensors are shared, not copied.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class TensorMap {
    /** The header key safetensors reserves for metadata; not allowed as a tensor name. */
    public static final String METADATA_KEY = "__metadata__";

    private final SortedMap<String, Tensor> tensors;
    private final SortedMap<String, String> metadata;

    private TensorMap(SortedMap<String, Tensor> tensors, SortedMap<String, String> metadata) {
        this.tensors = Collections.unmodifiableSortedMap(tensors);
        this.metadata = Collections.unmodifiableSortedMap(metadata);
    }

    /** A map of {@code tensors} without metadata. */
    public static TensorMap of(Map<String, Tensor> tensors) {
        return of(tensors, Map.of());
    }

    /** A map of {@code tensors} with string {@code metadata} (the safetensors {@code __metadata__}). */
    public static TensorMap of(Map<String, Tensor> tensors, Map<String, String> metadata) {
        requireNonNull(tensors, "tensors is null");
        requireNonNull(metadata, "metadata is null");
        SortedMap<String, Tensor> sorted = new TreeMap<>();
        tensors.forEach((name, tensor) -> {
            requireNonNull(name, "a tensor name is null");
            requireNonNull(tensor, "tensor '" + name + "' is null");
            if (name.isEmpty() || name.equals(METADATA_KEY)) {
                throw new CairnException(ErrorCode.INVALID_ARGUMENT, "'" + name + "' cannot name a tensor: names must be non-empty and not "
                        + METADATA_KEY + " (reserved by safetensors).");
            }
            sorted.put(name, tensor);
        });
        SortedMap<String, String> sortedMetadata = new TreeMap<>();
        metadata.forEach((key, value) -> sortedMetadata.put(requireNonNull(key, "a metadata key is null"),
                requireNonNull(value, "metadata '" + key + "' is null")));
        return new TensorMap(sorted, sortedMetadata);
    }

    /** The tensors by name, sorted by name. */
    public SortedMap<String, Tensor> tensors() {
        return tensors;
    }

    /** The string metadata, sorted by key; empty when none. */
    public SortedMap<String, String> metadata() {
        return metadata;
    }

    /** The tensor called {@code name}, if any. */
    public Optional<Tensor> get(String name) {
        return Optional.ofNullable(tensors.get(requireNonNull(name, "name is null")));
    }

    /** The tensor called {@code name}; a {@link CairnException} naming the tensors there are when absent. */
    public Tensor require(String name) {
        return get(name).orElseThrow(() -> new CairnException(ErrorCode.INVALID_ARGUMENT, "No tensor named '" + name + "'; there are "
                + tensors.keySet() + "."));
    }

    /** Total bytes of tensor data. */
    public long byteSize() {
        long total = 0;
        for (Tensor tensor : tensors.values()) {
            total += tensor.byteSize();
        }
        return total;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorMap other && tensors.equals(other.tensors) && metadata.equals(other.metadata);
    }

    @Override
    public int hashCode() {
        return 31 * tensors.hashCode() + metadata.hashCode();
    }

    @Override
    public String toString() {
        return "TensorMap" + tensors.values().stream().map(Object::toString).toList() + " with keys " + tensors.keySet();
    }
}
