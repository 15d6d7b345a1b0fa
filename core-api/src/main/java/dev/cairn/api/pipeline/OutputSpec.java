package dev.cairn.api.pipeline;

import static java.util.Objects.requireNonNull;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.Optional;

import org.apiguardian.api.API;

/**
 * One declared output of a step.
 *
 * @param name {@code output}, or the record component's name for {@link MultipleOutputs}
 * @param type the output's full generic type
 * @param artifactNameTemplate from {@link ArtifactName} or the step options; empty means
 *     {@code <pipeline>::<step>::<output>}
 * @param accessor the record accessor that reads this output from a {@link MultipleOutputs} value
 */
@API(status = API.Status.STABLE, since = "0.1")
public record OutputSpec(String name, Type type, Optional<String> artifactNameTemplate, Optional<Method> accessor) {
    public OutputSpec {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
        requireNonNull(artifactNameTemplate, "artifactNameTemplate is null");
        requireNonNull(accessor, "accessor is null");
    }
}
