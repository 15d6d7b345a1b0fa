package dev.cairn.engine.materializers;

import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.type.TypeFactory;
import dev.cairn.api.pipeline.GenericTypes;

/**
 * Decides whether a full generic type round-trips through JSON: scalars, enums, a few {@code java.time} and
 * {@code java.util} types, records, collections, maps and optionals of such types (checked over the type
 * arguments), arrays of them, and Jackson-serializable classes of the user's own. Thread-safe.
 */
final class JsonSavableTypes {
    /** Scalar classes written as one JSON value; primitives are boxed before the lookup. */
    static final Set<Class<?>> SCALARS = Set.of(
            Boolean.class, Byte.class, Short.class, Integer.class, Long.class, Float.class, Double.class,
            BigDecimal.class, BigInteger.class, Character.class, String.class,
            Instant.class, LocalDate.class, LocalDateTime.class, UUID.class,
            OptionalInt.class, OptionalLong.class, OptionalDouble.class);

    private static final Set<Class<?>> MAP_KEYS = Set.of(
            String.class, Byte.class, Short.class, Integer.class, Long.class, Float.class, Double.class,
            BigDecimal.class, BigInteger.class);

    /** Abstract container types Jackson knows a default implementation for. */
    private static final Set<Class<?>> CONTAINER_INTERFACES = Set.of(
            Collection.class, List.class, Set.class, SortedSet.class, NavigableSet.class, Queue.class, Deque.class,
            Map.class, SortedMap.class, NavigableMap.class);

    private static final List<String> PLATFORM_PACKAGES = List.of("java.", "javax.", "jdk.", "sun.", "com.sun.");

    private static final List<Class<? extends Annotation>> TYPE_ANNOTATIONS = List.of(
            JsonAutoDetect.class, JsonSerialize.class, JsonDeserialize.class);

    private final TypeFactory typeFactory;

    JsonSavableTypes(TypeFactory typeFactory) {
        this.typeFactory = typeFactory;
    }

    /** Whether a value declared as {@code type} can be saved and loaded back as JSON. */
    boolean isSavable(Type type) {
        if (type instanceof Class<?> c && c.getTypeParameters().length > 0 && isContainer(c)) {
            return isConstructibleContainer(c); // raw container: its elements are any JSON values
        }
        JavaType javaType;
        try {
            javaType = typeFactory.constructType(type);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (javaType.getRawClass() == Object.class) {
            return false; // a declared Object says nothing about what is stored
        }
        return isSupported(javaType, new HashSet<>());
    }

    private boolean isSupported(JavaType type, Set<Class<?>> inProgress) {
        Class<?> raw = GenericTypes.box(type.getRawClass());
        if (raw == Object.class) {
            return true; // a type argument of Object (Map<String, Object>): any JSON value
        }
        if (SCALARS.contains(raw)) {
            return true;
        }
        if (type.isEnumType()) {
            return raw != Enum.class;
        }
        if (type.isArrayType()) {
            return isSupported(type.getContentType(), inProgress);
        }
        if (raw == Optional.class) {
            JavaType content = type.getContentType() != null ? type.getContentType() : type.containedType(0);
            return content == null || isSupported(content, inProgress);
        }
        if (type.isCollectionLikeType()) {
            return isConstructibleContainer(raw) && isSupported(type.getContentType(), inProgress);
        }
        if (type.isMapLikeType()) {
            return isConstructibleContainer(raw) && isMapKey(type.getKeyType()) && isSupported(type.getContentType(), inProgress);
        }
        if (isContainer(raw) || isPlatformClass(raw)) {
            return false;
        }
        if (!inProgress.add(raw)) {
            return true; // a recursive type (record Node(List<Node> children)): checked further up
        }
        if (raw.isRecord()) {
            for (RecordComponent component : raw.getRecordComponents()) {
                JavaType componentType = typeFactory.resolveMemberType(component.getGenericType(), type.getBindings());
                if (!isSupported(componentType, inProgress)) {
                    return false;
                }
            }
            return true;
        }
        return isJacksonClass(raw);
    }

    /**
     * A user class Jackson can round-trip: concrete, outside the platform packages, and either annotated for
     * Jackson or a bean with a public no-argument constructor and a public getter/setter pair.
     */
    static boolean isJacksonClass(Class<?> type) {
        if (type.isInterface() || type.isArray() || type.isPrimitive() || type.isAnnotation()
                || Modifier.isAbstract(type.getModifiers()) || isPlatformClass(type)) {
            return false;
        }
        return hasJacksonAnnotations(type) || isBean(type);
    }

    static boolean isPlatformClass(Class<?> type) {
        String name = type.getName();
        return PLATFORM_PACKAGES.stream().anyMatch(name::startsWith);
    }

    private static boolean isContainer(Class<?> raw) {
        return Collection.class.isAssignableFrom(raw) || Map.class.isAssignableFrom(raw);
    }

    private static boolean isConstructibleContainer(Class<?> raw) {
        if (CONTAINER_INTERFACES.contains(raw) || raw == EnumSet.class || raw == EnumMap.class) {
            return true;
        }
        if (raw.isInterface() || Modifier.isAbstract(raw.getModifiers()) || !Modifier.isPublic(raw.getModifiers())) {
            return false;
        }
        return hasPublicNoArgConstructor(raw);
    }

    private static boolean isMapKey(JavaType key) {
        Class<?> raw = GenericTypes.box(key.getRawClass());
        return MAP_KEYS.contains(raw) || key.isEnumType();
    }

    private static boolean hasJacksonAnnotations(Class<?> type) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Class<? extends Annotation> annotation : TYPE_ANNOTATIONS) {
                if (c.isAnnotationPresent(annotation)) {
                    return true;
                }
            }
            List<AnnotatedElement> members = new ArrayList<>();
            members.addAll(List.of(c.getDeclaredConstructors()));
            members.addAll(List.of(c.getDeclaredMethods()));
            members.addAll(List.of(c.getDeclaredFields()));
            for (AnnotatedElement member : members) {
                if (member.isAnnotationPresent(JsonCreator.class) || member.isAnnotationPresent(JsonProperty.class)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isBean(Class<?> type) {
        if (!Modifier.isPublic(type.getModifiers()) || !hasPublicNoArgConstructor(type)) {
            return false;
        }
        Deque<Method> getters = new ArrayDeque<>();
        for (Method method : type.getMethods()) {
            if (method.getDeclaringClass() != Object.class && !Modifier.isStatic(method.getModifiers())
                    && method.getParameterCount() == 0 && method.getReturnType() != void.class
                    && (isAccessorName(method.getName(), "get")
                        || isAccessorName(method.getName(), "is") && method.getReturnType() == boolean.class)) {
                getters.add(method);
            }
        }
        for (Method getter : getters) {
            String property = getter.getName().substring(getter.getName().startsWith("is") ? 2 : 3);
            try {
                Method setter = type.getMethod("set" + property, getter.getReturnType());
                if (!Modifier.isStatic(setter.getModifiers())) {
                    return true;
                }
            } catch (NoSuchMethodException e) {
                // not a pair; try the next getter
            }
        }
        return false;
    }

    private static boolean isAccessorName(String name, String prefix) {
        return name.length() > prefix.length() && name.startsWith(prefix) && Character.isUpperCase(name.charAt(prefix.length()));
    }

    private static boolean hasPublicNoArgConstructor(Class<?> type) {
        for (Constructor<?> constructor : type.getConstructors()) {
            if (constructor.getParameterCount() == 0) {
                return true;
            }
        }
        return false;
    }
}
