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
