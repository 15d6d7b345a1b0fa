package dev.cairn.materializers.ml;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apiguardian.api.API;

/** What a model takes and gives: named, typed, shaped inputs and outputs, read from the model itself where it can be. */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record ModelSignature(List<TensorSpec> inputs, List<TensorSpec> outputs) {
    /** A signature with no inputs or outputs, for models that do not tell. */
    public static final ModelSignature UNKNOWN = new ModelSignature(List.of(), List.of());

    public ModelSignature {
        inputs = List.copyOf(requireNonNull(inputs, "inputs is null"));
        outputs = List.copyOf(requireNonNull(outputs, "outputs is null"));
    }

    /** The signature as JSON values (for metadata and the sidecar). */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("inputs", inputs.stream().map(TensorSpec::toJson).toList());
        json.put("outputs", outputs.stream().map(TensorSpec::toJson).toList());
        return json;
    }

    static ModelSignature fromJson(Object value) {
        if (!(value instanceof Map<?, ?> map) || !(map.get("inputs") instanceof List<?> inputs) || !(map.get("outputs") instanceof List<?> outputs)) {
            throw new IllegalArgumentException("signature needs inputs and outputs lists: " + value);
        }
        return new ModelSignature(inputs.stream().map(TensorSpec::fromJson).toList(), outputs.stream().map(TensorSpec::fromJson).toList());
    }
}
