package dev.cairn.materializers.ml;

import dev.cairn.api.MetadataKeys;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Type;
import java.nio.channels.SeekableByteChannel;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.Visualization;
import dev.cairn.api.artifact.VisualizationType;
import dev.cairn.api.spi.ArtifactReader;
import dev.cairn.api.spi.ArtifactWriter;
import dev.cairn.api.spi.Materializer;
import org.apiguardian.api.API;

/**
 * Stores a {@link TensorMap} — or a single {@link Tensor}, as a map with one tensor called {@value #SINGLE_TENSOR} —
 * as {@code tensors.safetensors}. Loading memory-maps the file when the store is local (no copy). Equal tensors give
 * equal bytes, so a step that recomputes the same weights is an early cut-off for the steps below it.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class TensorMapMaterializer implements Materializer<Object> {
    public static final String ID = "cairn.ml.safetensors";
    public static final String FILE = "tensors.safetensors";
    /** The name of the one tensor when a single {@link Tensor} is stored. */
    public static final String SINGLE_TENSOR = "tensor";
    private static final int LISTED_TENSORS = 100;

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String version() {
        return "1";
    }

    @Override
    public List<Class<?>> handledTypes() {
        return List.of(TensorMap.class, Tensor.class);
    }

    @Override
    public void save(Object value, ArtifactWriter writer) throws IOException {
        SafeTensors.Encoded encoded;
        try {
            encoded = SafeTensors.encode(asMap(value));
        } catch (CairnException e) {
            throw ModelFiles.savingFailed(ID, writer, e.getMessage(), e);
        }
        try (OutputStream out = writer.create(FILE)) {
            encoded.writeTo(out);
        }
    }

    @Override
    public Object load(Type type, ArtifactReader reader) throws IOException {
        if (!reader.files().contains(FILE)) {
            throw new CairnException(ErrorCode.INTEGRITY_VIOLATION, "Artifact " + reader.artifactName() + " at " + reader.uri() + " has no " + FILE
                    + " (files: " + reader.files() + "); re-run the step that produced it.");
        }
        TensorMap tensors;
        try (SeekableByteChannel channel = reader.openRandomAccess(FILE)) {
            tensors = SafeTensors.read(channel, FILE + " of artifact " + reader.artifactName());
        }
        if (type == Tensor.class) {
            if (tensors.tensors().size() != 1) {
                throw new CairnException(ErrorCode.TYPE_MISMATCH, "Artifact " + reader.artifactName() + " holds " + tensors.tensors().size()
                        + " tensors " + tensors.tensors().keySet() + ", not one; load it as a TensorMap.");
            }
            return tensors.tensors().values().iterator().next();
        }
        return tensors;
    }

    @Override
    public Map<String, Object> extractMetadata(Object value) {
        TensorMap tensors = asMap(value);
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put(MetadataKeys.FORMAT, "safetensors");
        metadata.put(MetadataKeys.TENSOR_COUNT, (long) tensors.tensors().size());
        metadata.put(MetadataKeys.TOTAL_BYTES, tensors.byteSize());
        Map<String, Object> listed = new LinkedHashMap<>();
        tensors.tensors().entrySet().stream().limit(LISTED_TENSORS).forEach(e -> listed.put(e.getKey(),
                e.getValue().dtype() + " " + Arrays.toString(e.getValue().shape())));
        metadata.put(MetadataKeys.TENSORS, listed);
        if (!tensors.metadata().isEmpty()) {
            metadata.put(MetadataKeys.SAFETENSORS_METADATA, new LinkedHashMap<>(tensors.metadata()));
        }
        return metadata;
    }

    @Override
    public List<Visualization> visualizations(Object value) {
        TensorMap tensors = asMap(value);
        StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>tensors</title></head><body>\n<h3>")
                .append(tensors.tensors().size()).append(" tensors, ").append(tensors.byteSize()).append(" bytes</h3>\n<table>\n")
                .append("<tr><th>name</th><th>dtype</th><th>shape</th><th>bytes</th></tr>\n");
        tensors.tensors().entrySet().stream().limit(LISTED_TENSORS).forEach(e -> html.append("<tr><td>").append(ModelSummaryHtml.escape(e.getKey()))
                .append("</td><td>").append(e.getValue().dtype()).append("</td><td>").append(Arrays.toString(e.getValue().shape())).append("</td><td>")
                .append(e.getValue().byteSize()).append("</td></tr>\n"));
        html.append("</table>\n");
        if (!tensors.metadata().isEmpty()) {
            html.append("<h3>Metadata</h3>\n<table>\n");
            tensors.metadata().forEach((k, v) -> html.append("<tr><td>").append(ModelSummaryHtml.escape(k)).append("</td><td>")
                    .append(ModelSummaryHtml.escape(v)).append("</td></tr>\n"));
            html.append("</table>\n");
        }
        html.append("</body></html>\n");
        return List.of(Visualization.text("tensors", VisualizationType.HTML, html.toString()));
    }

    private static TensorMap asMap(Object value) {
        return value instanceof Tensor tensor ? TensorMap.of(Map.of(SINGLE_TENSOR, tensor)) : (TensorMap) value;
    }
}
