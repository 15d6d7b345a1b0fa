package dev.cairn.api.pipeline;

import java.lang.reflect.Array;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * Decides whether a value is a JSON value Cairn accepts as a parameter: {@code null}, strings, characters,
 * booleans, finite numbers, enums, and arrays, collections, string-keyed maps and records of those.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class JsonValues {
    private static final int MAX_DEPTH = 64;

    private JsonValues() {}

    /** Empty when {@code value} is a JSON value; otherwise a description of the first part that is not. */
    public static Optional<String> findProblem(@Nullable Object value) {
        return findProblem(value, "value", 0);
    }

    private static Optional<String> findProblem(@Nullable Object value, String path, int depth) {
        if (depth > MAX_DEPTH) {
            return Optional.of(path + " is nested more than " + MAX_DEPTH + " levels deep (a cycle?)");
        }
        if (value == null || value instanceof String || value instanceof Character || value instanceof Boolean || value instanceof Enum<?>) {
            return Optional.empty();
        }
        if (value instanceof Double d) {
            return d.isNaN() || d.isInfinite() ? Optional.of(path + " is " + d + ", which JSON cannot represent") : Optional.empty();
        }
        if (value instanceof Float f) {
            return f.isNaN() || f.isInfinite() ? Optional.of(path + " is " + f + ", which JSON cannot represent") : Optional.empty();
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte
                || value instanceof BigDecimal || value instanceof BigInteger) {
            return Optional.empty();
        }
        Class<?> type = value.getClass();
        if (type.isArray()) {
            int length = Array.getLength(value);
            for (int i = 0; i < length; i++) {
                Optional<String> problem = findProblem(Array.get(value, i), path + "[" + i + "]", depth + 1);
                if (problem.isPresent()) {
                    return problem;
                }
            }
            return Optional.empty();
        }
        if (value instanceof Collection<?> collection) {
            int i = 0;
            for (Object element : collection) {
                Optional<String> problem = findProblem(element, path + "[" + i++ + "]", depth + 1);
                if (problem.isPresent()) {
                    return problem;
                }
            }
            return Optional.empty();
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                Object key = entry.getKey();
                if (!(key instanceof String || key instanceof Enum<?> || key instanceof Number || key instanceof Character || key instanceof Boolean)) {
                    return Optional.of(path + " has a map key of type " + (key == null ? "null" : key.getClass().getName()) + "; JSON object keys must be strings");
                }
                Optional<String> problem = findProblem(entry.getValue(), path + "[" + key + "]", depth + 1);
                if (problem.isPresent()) {
                    return problem;
                }
            }
            return Optional.empty();
        }
        if (type.isRecord()) {
            for (RecordComponent component : type.getRecordComponents()) {
                Object componentValue;
                try {
                    java.lang.reflect.Method accessor = component.getAccessor();
                    accessor.setAccessible(true);
                    componentValue = accessor.invoke(value);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    return Optional.of(path + "." + component.getName() + " cannot be read: " + e);
                }
                Optional<String> problem = findProblem(componentValue, path + "." + component.getName(), depth + 1);
                if (problem.isPresent()) {
                    return problem;
                }
            }
            return Optional.empty();
        }
        return Optional.of(path + " has type " + type.getName() + ", which is not a JSON value");
    }

}
