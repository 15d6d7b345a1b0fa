package dev.cairn.api.pipeline;

import static java.util.Objects.requireNonNull;

import java.lang.reflect.Type;

import org.apiguardian.api.API;

/**
 * One argument of a step call: the method parameter's name and generic type, and what is passed to it.
 *
 * @param input a {@link StepOutputRef}, an {@link ArtifactRef} or a {@link Param}
 */
@API(status = API.Status.STABLE, since = "0.1")
public record StepArgument(String name, Type type, Input<?> input) {
    public StepArgument {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
        requireNonNull(input, "input is null");
    }

    public boolean isParameter() {
        return input instanceof Param<?>;
    }
}
