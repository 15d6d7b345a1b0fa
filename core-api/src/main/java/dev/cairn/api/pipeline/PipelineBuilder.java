package dev.cairn.api.pipeline;

import java.util.UUID;

import dev.cairn.api.artifact.ArtifactVersion;
import org.apiguardian.api.API;

/** The body of {@link Pipeline#define}: step calls, options for the next call, and existing artifacts as inputs. */
@API(status = API.Status.STABLE, since = "0.1")
public interface PipelineBuilder extends StepCalls {
    /** Step calls made through the returned object use {@code options} (like ZenML's {@code with_options}). */
    StepCalls with(StepOptions options);

    /** The latest version of artifact {@code name} when the run starts. */
    <T> Ref<T> artifact(String name);

    /** Version {@code version} of artifact {@code name}. */
    <T> Ref<T> artifact(String name, String version);

    /** A specific artifact version, e.g. one obtained from the client. */
    <T> Ref<T> artifact(ArtifactVersion artifactVersion);

    /** The artifact version with this id. */
    <T> Ref<T> artifact(UUID artifactId);
}
