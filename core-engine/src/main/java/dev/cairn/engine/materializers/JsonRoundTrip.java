package dev.cairn.engine.materializers;

import java.lang.reflect.Array;
import java.lang.reflect.RecordComponent;
import java.math.BigInteger;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.type.TypeFactory;
import dev.cairn.api.pipeline.GenericTypes;

/**
 * Finds the part of a value that JSON would not give back as an equal value, given the type it is declared as.
 *
 * <p>Where the declared type names a type ({@code List<Row>}, a record component {@code long count}), Jackson
 * writes and reads that type and the value comes back equal. Where it says nothing ({@code Object}: a
 * {@code Map<String, Object>}'s values, a raw {@code List}'s elements, a record component of type {@code Object}),
 * JSON reads back only its own types: strings, booleans, {@code Integer} (or {@code Long}/{@code BigInteger} when
 * the number does not fit), finite {@code Double}s, lists, and maps with string keys. Any other value there would be
 * stored lossily: a {@code Thread} or another bean as its getters ({@code {}} when it has none) read back as a map, a
 * {@code Long 5} read back as an {@code Integer}, a {@code Float} as a {@code Double}, an enum or a {@code UUID} as
 * a string, a record as a map. Those are refused. User beans (classes that are not records) are not looked into.
 * Thread-safe; what needs checking is computed once per declared type.
 */
final class JsonRoundTrip {
    private static final int MAX_DEPTH = 1_000;

    private final TypeFactory types;
    private final Map<JavaType, Boolean> needsCheck = new ConcurrentHashMap<>();

    JsonRoundTrip(TypeFactory types) {
        this.types = types;
    }

    /** Empty when {@code value}, declared as {@code declared}, comes back equal from JSON; otherwise what does not. */
    Optional<String> problem(Object value, JavaType declared) {
        if (!needsCheck(declared)) {
            return Optional.empty();
        }
        return Optional.ofNullable(typed(value, declared, "value", 0));
    }

    private boolean needsCheck(JavaType type) {
        Boolean known = needsCheck.get(type);
        if (known == null) {
            known = needsCheck(type, new HashSet<>());
            needsCheck.put(type, known);
        }
        return known;
    }

    private boolean needsCheck(JavaType type, Set<JavaType> inProgress) {
        Class<?> raw = GenericTypes.box(type.getRawClass());
        if (raw == Object.class) {
            return true;
        }
        if (JsonSavableTypes.SCALARS.contains(raw) || type.isEnumType()) {
            return false;
        }
        if (type.isArrayType() || type.isCollectionLikeType() || type.isMapLikeType() || raw == Optional.class) {
            JavaType content = content(type);
            return content == null || needsCheck(content, inProgress);
        }
        if (raw.isRecord()) {
            if (!inProgress.add(type)) {
                return false; // recursive record: decided further up
            }
            for (RecordComponent component : raw.getRecordComponents()) {
                if (needsCheck(types.resolveMemberType(component.getGenericType(), type.getBindings()), inProgress)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static JavaType content(JavaType type) {
        JavaType content = type.getContentType();
        return content != null ? content : type.containedType(0);
    }

    private String typed(Object value, JavaType type, String path, int depth) {
        if (value == null || depth > MAX_DEPTH) {
            return null;
        }
        Class<?> raw = GenericTypes.box(type.getRawClass());
        if (raw == Object.class) {
            return untyped(value, path, depth);
        }
        if (!needsCheck(type)) {
            return null;
        }
        JavaType content = content(type);
        if (type.isArrayType() && value.getClass().isArray()) {
            int length = Array.getLength(value);
            for (int i = 0; i < length; i++) {
                String problem = typed(Array.get(value, i), content == null ? TypeFactory.unknownType() : content, path + "[" + i + "]", depth + 1);
                if (problem != null) {
                    return problem;
                }
            }
        } else if (value instanceof Optional<?> optional) {
            return optional.isPresent() ? typed(optional.get(), content == null ? TypeFactory.unknownType() : content, path + ".get()", depth + 1) : null;
        } else if (value instanceof Collection<?> collection) {
            int i = 0;
            for (Object element : collection) {
                String problem = typed(element, content == null ? TypeFactory.unknownType() : content, path + "[" + i++ + "]", depth + 1);
                if (problem != null) {
                    return problem;
                }
            }
        } else if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                String problem = typed(entry.getValue(), content == null ? TypeFactory.unknownType() : content, path + key(entry.getKey()), depth + 1);
                if (problem != null) {
                    return problem;
                }
            }
        } else if (value instanceof Record && value.getClass() == raw) {
            for (RecordComponent component : raw.getRecordComponents()) {
                JavaType componentType = types.resolveMemberType(component.getGenericType(), type.getBindings());
                if (!needsCheck(componentType)) {
                    continue;
                }
                Object componentValue;
                try {
                    java.lang.reflect.Method accessor = component.getAccessor();
                    accessor.setAccessible(true);
                    componentValue = accessor.invoke(value);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    return path + "." + component.getName() + " cannot be read (" + e + ")";
                }
                String problem = typed(componentValue, componentType, path + "." + component.getName(), depth + 1);
                if (problem != null) {
                    return problem;
                }
            }
        }
        return null;
    }

    /** A value in a slot declared {@code Object}: it must be one of the types JSON reads back. */
    private String untyped(Object value, String path, int depth) {
        if (value instanceof String || value instanceof Boolean || value instanceof Integer) {
            return null;
        }
        if (value instanceof Long number) {
            return number != number.intValue() ? null
                    : comesBackAs(path, value, "an Integer", "declare the type (e.g. Map<String, Long>) or store an Integer");
        }
        if (value instanceof BigInteger number) {
            return number.bitLength() >= 64 ? null
                    : comesBackAs(path, value, "an Integer or a Long", "declare the type (e.g. Map<String, BigInteger>) or store an Integer or a Long");
        }
        if (value instanceof Double number) {
            return Double.isFinite(number) ? null
                    : comesBackAs(path, value, "the string \"" + number + "\"", "declare the type as Double (NaN and infinities then round-trip)");
        }
        if (value instanceof List<?> list) {
            int i = 0;
            for (Object element : list) {
                if (depth > MAX_DEPTH) {
                    return null;
                }
                String problem = element == null ? null : untyped(element, path + "[" + i + "]", depth + 1);
                if (problem != null) {
                    return problem;
                }
                i++;
            }
            return null;
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!(entry.getKey() instanceof String)) {
                    return path + " has a key of type " + (entry.getKey() == null ? "null" : entry.getKey().getClass().getName())
                            + " (" + entry.getKey() + "), which JSON reads back as a string under Object; use string keys or declare the map's key type";
                }
                String problem = entry.getValue() == null ? null : untyped(entry.getValue(), path + key(entry.getKey()), depth + 1);
                if (problem != null) {
                    return problem;
                }
            }
            return null;
        }
        String kind = value instanceof Record ? "a record, which JSON reads back as a Map"
                : value instanceof Enum<?> ? "an enum, which JSON reads back as a String"
                : value instanceof Number || value instanceof Character ? "read back from JSON as another type"
                : value instanceof Collection<?> ? "a collection that is not a List, which JSON reads back as a List"
                : value.getClass().isArray() ? "an array, which JSON reads back as a List"
                : "not a JSON value: it would be written as its getters (" + "{} when it has none) and read back as a Map";
        return path + " is a " + value.getClass().getName() + ", " + kind + " under a type that says nothing about it (Object)."
                + " Declare the type where the value sits (a record or a concrete class), or convert it to JSON values"
                + " (strings, Integer/Double numbers, booleans, lists, maps)";
    }

    private static String comesBackAs(String path, Object value, String what, String fix) {
        return path + " is a " + value.getClass().getName() + " (" + value + "), which JSON reads back as " + what
                + " under a type that says nothing about it (Object); " + fix;
    }

    private static String key(Object key) {
        return key instanceof String text ? "[\"" + text + "\"]" : "[" + key + "]";
    }
}
