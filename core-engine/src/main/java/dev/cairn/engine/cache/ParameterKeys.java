package dev.cairn.engine.cache;

import java.lang.reflect.Array;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.api.pipeline.GenericTypes;
import dev.cairn.api.pipeline.StepArgument;
import dev.cairn.engine.json.JsonCodec;
import org.apiguardian.api.API;

/**
 * The form in which a step's parameters enter its cache key: their JSON value, with the Java type added wherever the
 * declared type of the slot does not decide it, so that two parameters that print as the same JSON but reach the
 * step as different values get different keys ({@code 1} as {@code Integer} and as {@code Long} under an
 * {@code Object} parameter, {@code 0.1f} and {@code 0.1d}, {@code 'a'} and {@code "a"}, an enum and its name, a
 * record and a map, an array and a list, a set and a list).
 *
 * <p>The JSON types themselves are never tagged: strings, booleans, {@code Integer}, {@code Double}, lists and maps
 * with string keys (their keys of the earlier format, so those keys do not change). Any other value is written as
 * {@code {"@type": <type>, "value": <JSON form>}} unless the declared type of its slot (the step's parameter, a record
 * component, a type argument or an array's component type) is exactly its class: a {@code long} parameter given
 * {@code 1L} is written as {@code 1}, as before. Set elements are sorted by their canonical JSON, so the key does not
 * depend on iteration order.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
final class ParameterKeys {
    static final String TYPE = "@type";

    private final ObjectMapper json;

    ParameterKeys(ObjectMapper json) {
        this.json = json;
    }

    /** The parameters of a step call, by argument name, in their key form. */
    Map<String, Object> of(List<StepArgument> arguments, Map<String, Object> parameters) {
        Map<String, Object> result = new TreeMap<>();
        for (Map.Entry<String, Object> parameter : parameters.entrySet()) {
            Type declared = Object.class;
            for (StepArgument argument : arguments) {
                if (argument.name().equals(parameter.getKey())) {
                    declared = argument.type();
                }
            }
            result.put(parameter.getKey(), typed(parameter.getValue(), declared, 0));
        }
        return result;
    }

    private Object typed(Object value, Type declared, int depth) {
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Integer || value instanceof Double) {
            return value;
        }
        if (depth > 64) {
            throw new IllegalArgumentException("parameter nested more than 64 levels deep");
        }
        if (value instanceof List<?> list) {
            Type element = typeArgument(declared, 0);
            List<Object> result = new ArrayList<>(list.size());
            list.forEach(item -> result.add(typed(item, element, depth + 1)));
            return result;
        }
        if (value instanceof Map<?, ?> map) {
            return map(map, declared, depth);
        }
        Class<?> type = value instanceof Enum<?> e ? e.getDeclaringClass() : value.getClass();
        Object form;
        String name;
        if (value instanceof Set<?> set) {
            Type element = typeArgument(declared, 0);
            List<Object> elements = new ArrayList<>(set.size());
            set.forEach(item -> elements.add(typed(item, element, depth + 1)));
            elements.sort(Comparator.comparing(item -> JsonCodec.write(json, item)));
            form = elements;
            name = "set";
            type = Set.class;
        } else if (value instanceof Collection<?> collection) {
            Type element = typeArgument(declared, 0);
            List<Object> elements = new ArrayList<>(collection.size());
            collection.forEach(item -> elements.add(typed(item, element, depth + 1)));
            form = elements;
            name = "collection";
            type = Collection.class;
        } else if (type.isArray()) {
            Type component = declared instanceof GenericArrayType generic ? generic.getGenericComponentType()
                    : GenericTypes.rawClass(declared).isArray() ? GenericTypes.rawClass(declared).getComponentType() : type.getComponentType();
            int length = Array.getLength(value);
            List<Object> elements = new ArrayList<>(length);
            for (int i = 0; i < length; i++) {
                elements.add(typed(Array.get(value, i), component, depth + 1));
            }
            form = elements;
            name = type.getTypeName();
        } else if (type.isRecord()) {
            Map<String, Object> components = new TreeMap<>();
            for (RecordComponent component : type.getRecordComponents()) {
                try {
                    java.lang.reflect.Method accessor = component.getAccessor();
                    accessor.setAccessible(true);
                    components.put(component.getName(), typed(accessor.invoke(value), component.getGenericType(), depth + 1));
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("cannot read " + type.getName() + "." + component.getName(), e);
                }
            }
            form = components;
            name = type.getName();
        } else if (value instanceof Enum<?> e) {
            form = e.name();
            name = type.getName();
        } else if (value instanceof BigDecimal decimal) {
            form = decimal.toString(); // keeps the scale: 1.0 and 1.00 are different BigDecimals
            name = "BigDecimal";
        } else if (value instanceof BigInteger integer) {
            form = integer.toString();
            name = "BigInteger";
        } else if (value instanceof Character || value instanceof Long || value instanceof Short || value instanceof Byte || value instanceof Float) {
            form = value;
            name = type.getSimpleName();
        } else {
            form = value; // not a parameter the definition accepts; written as before
            name = type.getName();
        }
        if (GenericTypes.box(GenericTypes.rawClass(declared)) == type) {
            return form;
        }
        Map<String, Object> tagged = new TreeMap<>();
        tagged.put(TYPE, name);
        tagged.put("value", form);
        return tagged;
    }

    private Object map(Map<?, ?> map, Type declared, int depth) {
        Type valueType = typeArgument(declared, 1);
        boolean stringKeys = map.keySet().stream().allMatch(String.class::isInstance);
        if (stringKeys && !map.containsKey(TYPE)) {
            Map<String, Object> result = new TreeMap<>();
            map.forEach((key, item) -> result.put((String) key, typed(item, valueType, depth + 1)));
            return result;
        }
        Type keyType = typeArgument(declared, 0);
        List<List<Object>> entries = new ArrayList<>(map.size());
        map.forEach((key, item) -> entries.add(List.of(typedKey(key, keyType, depth), nullable(typed(item, valueType, depth + 1)))));
        entries.sort(Comparator.comparing(entry -> JsonCodec.write(json, entry.get(0))));
        Map<String, Object> tagged = new TreeMap<>();
        tagged.put(TYPE, "map");
        tagged.put("value", entries);
        return tagged;
    }

    private Object typedKey(Object key, Type keyType, int depth) {
        Object typed = typed(key, keyType, depth + 1);
        return nullable(typed);
    }

    private static Object nullable(Object value) {
        return value == null ? NULL : value;
    }

    /** Stands for null inside {@link List#of}, which refuses nulls: written as {@code {"@type": "null"}}. */
    private static final Object NULL = new TreeMap<String, Object>(Map.of(TYPE, "null"));

    private static Type typeArgument(Type declared, int index) {
        if (declared instanceof ParameterizedType parameterized && parameterized.getActualTypeArguments().length > index) {
            return parameterized.getActualTypeArguments()[index];
        }
        return Object.class;
    }
}
