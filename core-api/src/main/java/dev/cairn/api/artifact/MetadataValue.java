package dev.cairn.api.artifact;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import org.apiguardian.api.API;

/**
 * A typed metadata value logged onto an artifact version or a run, stored with its type so that it reads back as the
 * same kind of value (a {@link StorageSize} stays a size, a timestamp stays an {@link Instant}). Build one with
 * {@link #of(Object)} from a plain Java value, or with a record's constructor.
 */
@API(status = API.Status.STABLE, since = "0.1")
public sealed interface MetadataValue {
    /** The stored type name ({@code number}, {@code string}, {@code boolean}, {@code uri}, {@code path}, {@code timestamp}, {@code dimensions}, {@code storage_size}, {@code map}). */
    String type();

    /** A number (integers are kept exact as {@code Long}, others as {@code Double}). */
    record NumberValue(Number value) implements MetadataValue {
        public NumberValue {
            requireNonNull(value, "value is null");
            if (value instanceof Double d && (d.isNaN() || d.isInfinite()) || value instanceof Float f && (f.isNaN() || f.isInfinite())) {
                throw new CairnException(ErrorCode.INVALID_ARGUMENT, "A metadata number must be finite, got " + value);
            }
            value = value instanceof Byte || value instanceof Short || value instanceof Integer || value instanceof Long ? (Number) value.longValue()
                    : value instanceof Float || value instanceof Double ? (Number) value.doubleValue() : value;
        }

        @Override public String type() { return "number"; }
    }

    /** A string. */
    record StringValue(String value) implements MetadataValue {
        public StringValue { requireNonNull(value, "value is null"); }

        @Override public String type() { return "string"; }
    }

    /** A boolean. */
    record BooleanValue(boolean value) implements MetadataValue {
        @Override public String type() { return "boolean"; }
    }

    /** A URI. */
    record UriValue(URI value) implements MetadataValue {
        public UriValue { requireNonNull(value, "value is null"); }

        @Override public String type() { return "uri"; }
    }

    /** A file system path, kept as its string form. */
    record PathValue(String value) implements MetadataValue {
        public PathValue { requireNonNull(value, "value is null"); }

        @Override public String type() { return "path"; }
    }

    /** An instant. */
    record TimestampValue(Instant value) implements MetadataValue {
        public TimestampValue { requireNonNull(value, "value is null"); }

        @Override public String type() { return "timestamp"; }
    }

    /** The shape of a tensor or table, e.g. {@code [60000, 28, 28]}. */
    record Dimensions(List<Long> value) implements MetadataValue {
        public Dimensions {
            value = List.copyOf(requireNonNull(value, "value is null"));
            for (long dimension : value) {
                if (dimension < 0) {
                    throw new CairnException(ErrorCode.INVALID_ARGUMENT, "A dimension must not be negative, got " + value);
                }
            }
        }

        /** Dimensions from sizes. */
        public static Dimensions of(long... sizes) {
            return new Dimensions(java.util.Arrays.stream(sizes).boxed().toList());
        }

        @Override public String type() { return "dimensions"; }
    }

    /** A size in bytes. */
    record StorageSize(long bytes) implements MetadataValue {
        public StorageSize {
            if (bytes < 0) {
                throw new CairnException(ErrorCode.INVALID_ARGUMENT, "A storage size must not be negative, got " + bytes);
            }
        }

        @Override public String type() { return "storage_size"; }
    }

    /** A nested map of typed values. */
    record MapValue(Map<String, MetadataValue> value) implements MetadataValue {
        public MapValue {
            value = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(value, "value is null")));
        }

        @Override public String type() { return "map"; }
    }

    /**
     * The typed value of a plain Java value: a {@code MetadataValue} as is; {@link Number}, {@link String}, {@link Boolean},
     * {@link URI}, {@link Path}, {@link Instant}; a {@link Map} with string keys as a {@link MapValue} (recursively).
     *
     * @throws CairnException {@code INVALID_ARGUMENT} naming the class of any other value
     */
    static MetadataValue of(Object value) {
        requireNonNull(value, "value is null");
        if (value instanceof MetadataValue typed) {
            return typed;
        }
        if (value instanceof Number number) {
            return new NumberValue(number);
        }
        if (value instanceof String string) {
            return new StringValue(string);
        }
        if (value instanceof Boolean bool) {
            return new BooleanValue(bool);
        }
        if (value instanceof URI uri) {
            return new UriValue(uri);
        }
        if (value instanceof Path path) {
            return new PathValue(path.toString());
        }
        if (value instanceof Instant instant) {
            return new TimestampValue(instant);
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, MetadataValue> nested = new LinkedHashMap<>();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!(entry.getKey() instanceof String key) || entry.getValue() == null) {
                    throw new CairnException(ErrorCode.INVALID_ARGUMENT, "A metadata map needs string keys and non-null values, got "
                            + entry.getKey() + " = " + entry.getValue());
                }
                nested.put(key, of(entry.getValue()));
            }
            return new MapValue(nested);
        }
        throw new CairnException(ErrorCode.INVALID_ARGUMENT, "Metadata value of class " + value.getClass().getName() + " is not supported: use a"
                + " number, string, boolean, URI, Path, Instant, MetadataValue.Dimensions, MetadataValue.StorageSize or a Map of these");
    }

    /** {@link #of(Object)} for every entry of {@code values}, in order. */
    static Map<String, MetadataValue> ofAll(Map<String, ?> values) {
        requireNonNull(values, "values is null");
        Map<String, MetadataValue> typed = new LinkedHashMap<>();
        values.forEach((key, value) -> typed.put(requireNonNull(key, "metadata key is null"), of(requireNonNull(value, "metadata '" + key + "' is null"))));
        return typed;
    }
}
