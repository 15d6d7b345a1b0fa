package dev.cairn.api.pipeline;

import java.lang.reflect.Array;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.HashMap;
import java.util.Map;

import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/** Reflection on generic types: raw classes and assignability of full generic types. */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class GenericTypes {
    private GenericTypes() {}

    /**
     * The raw class of a type (upper bound for variables and wildcards).
     *
     * @throws IllegalArgumentException for a {@link Type} implementation other than the JDK's five kinds (a programming error)
     */
    public static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        if (type instanceof GenericArrayType g) {
            return Array.newInstance(rawClass(g.getGenericComponentType()), 0).getClass();
        }
        if (type instanceof TypeVariable<?> v) {
            return rawClass(v.getBounds()[0]);
        }
        if (type instanceof WildcardType w) {
            return rawClass(w.getUpperBounds()[0]);
        }
        throw new IllegalArgumentException("unsupported type " + type);
    }

    /** The wrapper class of a primitive class, else the class itself. */
    public static Class<?> box(Class<?> type) {
        if (!type.isPrimitive()) {
            return type;
        }
        if (type == int.class) return Integer.class;
        if (type == long.class) return Long.class;
        if (type == double.class) return Double.class;
        if (type == float.class) return Float.class;
        if (type == boolean.class) return Boolean.class;
        if (type == char.class) return Character.class;
        if (type == byte.class) return Byte.class;
        if (type == short.class) return Short.class;
        return Void.class;
    }

    /**
     * Whether a value of type {@code from} may be passed where {@code to} is expected, comparing type arguments
     * ({@code List<Row>} does not fit {@code List<String>}; {@code ArrayList<Row>} fits {@code List<Row>}).
     * Raw types and type variables are accepted leniently.
     */
    public static boolean isAssignable(Type from, Type to) {
        if (to == Object.class || from.equals(to)) {
            return true;
        }
        if (to instanceof WildcardType w) {
            for (Type lower : w.getLowerBounds()) {
                if (!isAssignable(lower, from)) {
                    return false;
                }
            }
            return isAssignable(from, w.getUpperBounds()[0]);
        }
        if (to instanceof TypeVariable<?> v) {
            return box(rawClass(v.getBounds()[0])).isAssignableFrom(box(rawClass(from)));
        }
        if (from instanceof TypeVariable<?> || from instanceof WildcardType) {
            return box(rawClass(to)).isAssignableFrom(box(rawClass(from))) || rawClass(from) == Object.class;
        }
        Class<?> toRaw = box(rawClass(to));
        Class<?> fromRaw = box(rawClass(from));
        if (!toRaw.isAssignableFrom(fromRaw)) {
            return false;
        }
        if (to instanceof GenericArrayType toArray) {
            Type fromComponent = from instanceof GenericArrayType g ? g.getGenericComponentType() : fromRaw.getComponentType();
            return fromComponent != null && isAssignable(fromComponent, toArray.getGenericComponentType());
        }
        if (!(to instanceof ParameterizedType toParameterized) || !(from instanceof ParameterizedType fromParameterized)) {
            return true;
        }
        Type[] fromArguments = supertypeArguments(fromParameterized, toRaw);
        if (fromArguments == null) {
            return true;
        }
        Type[] toArguments = toParameterized.getActualTypeArguments();
        for (int i = 0; i < toArguments.length; i++) {
            if (!argumentMatches(fromArguments[i], toArguments[i])) {
                return false;
            }
        }
        return true;
    }

    private static boolean argumentMatches(Type from, Type to) {
        if (to instanceof WildcardType || to instanceof TypeVariable<?> || from instanceof TypeVariable<?>) {
            return isAssignable(from, to);
        }
        if (from instanceof WildcardType) {
            return false;
        }
        return from.getTypeName().equals(to.getTypeName());
    }

    /** The type arguments of {@code target} as seen from {@code type}, or null when they cannot be resolved. */
    private static Type @Nullable [] supertypeArguments(ParameterizedType type, Class<?> target) {
        Class<?> raw = rawClass(type);
        Map<TypeVariable<?>, Type> bindings = new HashMap<>();
        TypeVariable<?>[] variables = raw.getTypeParameters();
        Type[] actual = type.getActualTypeArguments();
        for (int i = 0; i < variables.length; i++) {
            bindings.put(variables[i], actual[i]);
        }
        return supertypeArguments(raw, bindings, target);
    }

    private static Type @Nullable [] supertypeArguments(Class<?> raw, Map<TypeVariable<?>, Type> bindings, Class<?> target) {
        if (raw == target) {
            TypeVariable<?>[] variables = raw.getTypeParameters();
            Type[] result = new Type[variables.length];
            for (int i = 0; i < variables.length; i++) {
                result[i] = bindings.getOrDefault(variables[i], variables[i]);
            }
            return result;
        }
        java.util.List<Type> supertypes = new java.util.ArrayList<>(java.util.List.of(raw.getGenericInterfaces()));
        if (raw.getGenericSuperclass() != null) {
            supertypes.add(0, raw.getGenericSuperclass());
        }
        for (Type supertype : supertypes) {
            Class<?> superRaw = rawClass(supertype);
            if (!target.isAssignableFrom(superRaw)) {
                continue;
            }
            Map<TypeVariable<?>, Type> superBindings = new HashMap<>();
            if (supertype instanceof ParameterizedType p) {
                TypeVariable<?>[] variables = superRaw.getTypeParameters();
                Type[] arguments = p.getActualTypeArguments();
                for (int i = 0; i < variables.length; i++) {
                    Type argument = arguments[i];
                    superBindings.put(variables[i], argument instanceof TypeVariable<?> v ? bindings.getOrDefault(v, v) : argument);
                }
            }
            return supertypeArguments(superRaw, superBindings, target);
        }
        return null;
    }
}
