package dev.cairn.api.pipeline;

import static java.util.Objects.requireNonNull;

import java.lang.reflect.Type;

import org.apiguardian.api.API;

/** A reference to output {@code outputName} of step call {@code producer}. */
@API(status = API.Status.STABLE, since = "0.1")
public record StepOutputRef<T>(StepInvocation producer, String outputName, Type type) implements Ref<T> {
    public StepOutputRef {
        requireNonNull(producer, "producer is null");
        requireNonNull(outputName, "outputName is null");
        requireNonNull(type, "type is null");
    }

    @Override
    public String describe() {
        return "output '" + outputName + "' of step '" + producer.name() + "'";
    }
}
