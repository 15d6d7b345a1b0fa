package dev.cairn.materializers.ml;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apiguardian.api.API;

/**
 * One input or output of a model's signature: its name, element type as the framework names it (e.g. {@code F32},
 * or {@code STRING} for ONNX string tensors) and shape, where {@code -1} is a dimension of any size (a batch).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record TensorSpec(String name, String dtype, List<Long> shape) {
    public TensorSpec {
        requireNonNull(name, "name is null");
        requireNonNull(dtype, "dtype is null");
        shape = List.copyOf(requireNonNull(shape, "shape is null"));
    }

    /** A spec with a Cairn {@link DType}. */
    public static TensorSpec of(String name, DType dtype, long... shape) {
        return new TensorSpec(name, dtype.name(), java.util.Arrays.stream(shape).boxed().toList());
    }

    /** The shape as written in messages and the summary, e.g. {@code [?, 4]}. */
    public String shapeText() {
        StringBuilder text = new StringBuilder("[");
        for (int i = 0; i < shape.size(); i++) {
            text.append(i == 0 ? "" : ", ").append(shape.get(i) < 0 ? "?" : shape.get(i).toString());
        }
        return text.append(']').toString();
    }

    Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", name);
        json.put("dtype", dtype);
        json.put("shape", shape);
        return json;
    }

    static TensorSpec fromJson(Object value) {
        if (!(value instanceof Map<?, ?> map) || !(map.get("name") instanceof String name) || !(map.get("dtype") instanceof String dtype)
                || !(map.get("shape") instanceof List<?> shape)) {
            throw new IllegalArgumentException("a signature entry needs name, dtype and shape: " + value);
        }
        return new TensorSpec(name, dtype, shape.stream().map(dim -> {
            if (!(dim instanceof Long l)) {
                throw new IllegalArgumentException("a shape dimension is not an integer: " + dim);
            }
            return l;
        }).toList());
    }
}
