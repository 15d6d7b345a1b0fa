package dev.cairn.api.pipeline;

import java.util.Objects;

import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * A literal parameter of a step call: a JSON value (number, string, boolean, enum, or lists, maps, arrays and
 * records of those), recorded with the run and part of the cache key. Anything else must be an artifact.
 * The value is checked when the step call is defined.
 */
@API(status = API.Status.STABLE, since = "0.1")
public final class Param<T extends @Nullable Object> implements Input<T> {
    private final T value;

    private Param(T value) {
        this.value = value;
    }

    /** A parameter with {@code value}, which may be {@code null} (JSON {@code null}) when the step's parameter allows it. */
    public static <T extends @Nullable Object> Param<T> of(T value) {
        return new Param<>(value);
    }

    /**
     * A numeric parameter from an {@code int} (or {@code short}, {@code byte}, {@code char}), usable for a step parameter
     * of type {@code int}, {@code long}, {@code float} or {@code double} (or their boxes, or {@code Number}): when the
     * step call is defined the value widens to the parameter's type as Java widens a primitive
     * ({@code int → long → float → double}). A parameter it cannot widen to (e.g. {@code short}) fails at define time
     * with {@code TYPE_MISMATCH} naming the step and the argument.
     *
     * <p>The type argument only follows the parameter the value is passed to: {@link #value()} returns the given
     * {@code Integer} until the step call widened it, so keep a {@code Param} built here for passing to a step call.
     */
    @SuppressWarnings("unchecked")
    public static <N extends Number> Param<N> of(int value) {
        return (Param<N>) (Param<?>) new Param<>((Object) value);
    }

    /** A numeric parameter from a {@code long}, widening to {@code float} or {@code double} parameters; see {@link #of(int)}. */
    @SuppressWarnings("unchecked")
    public static <N extends Number> Param<N> of(long value) {
        return (Param<N>) (Param<?>) new Param<>((Object) value);
    }

    /** A numeric parameter from a {@code float}, widening to {@code double} parameters; see {@link #of(int)}. */
    @SuppressWarnings("unchecked")
    public static <N extends Number> Param<N> of(float value) {
        return (Param<N>) (Param<?>) new Param<>((Object) value);
    }

    /** A numeric parameter from a {@code double}, for {@code double} (or {@code Double}, {@code Number}) parameters; see {@link #of(int)}. */
    @SuppressWarnings("unchecked")
    public static <N extends Number> Param<N> of(double value) {
        return (Param<N>) (Param<?>) new Param<>((Object) value);
    }

    /**
     * {@code value} converted as Java's widening primitive conversion converts it to {@code target} (a primitive or
     * its box), or empty when Java would not widen it (narrowing, or not a number).
     */
    static java.util.Optional<Object> widen(@Nullable Object value, Class<?> target) {
        if (value == null) {
            return java.util.Optional.empty();
        }
        Class<?> boxed = GenericTypes.box(target);
        if (boxed.isInstance(value)) {
            return java.util.Optional.of(value);
        }
        int from = rank(value.getClass());
        int to = rank(boxed);
        if (from < 0 || to < 0 || to <= from || (value instanceof Character && to < 3) || boxed == Character.class) {
            return java.util.Optional.empty();
        }
        long whole = value instanceof Character c ? c : 0L;
        Number number = value instanceof Number n ? n : Long.valueOf(whole);
        return java.util.Optional.of(switch (to) {
            case 1 -> number.shortValue();
            case 3 -> number.intValue();
            case 4 -> number.longValue();
            case 5 -> number.floatValue();
            default -> number.doubleValue();
        });
    }

    /** Position in Java's widening order byte(0) → short(1) → int(3) → long(4) → float(5) → double(6); char is 2 (widens to int and up). */
    private static int rank(Class<?> type) {
        if (type == Byte.class) {
            return 0;
        } else if (type == Short.class) {
            return 1;
        } else if (type == Character.class) {
            return 2;
        } else if (type == Integer.class) {
            return 3;
        } else if (type == Long.class) {
            return 4;
        } else if (type == Float.class) {
            return 5;
        } else if (type == Double.class) {
            return 6;
        }
        return -1;
    }

    public T value() {
        return value;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof Param<?> other && Objects.equals(value, other.value);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(value);
    }

    @Override
    public String toString() {
        return "Param[" + value + "]";
    }
}
