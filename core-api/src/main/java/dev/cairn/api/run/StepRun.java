package dev.cairn.api.run;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.cairn.api.artifact.ArtifactVersion;
import org.apiguardian.api.API;

/** One step of a pipeline run, as recorded. An immutable snapshot. */
@API(status = API.Status.STABLE, since = "0.1")
public interface StepRun {
    UUID id();

    UUID runId();

    /** The step's name within its pipeline (the method name unless renamed). */
    String name();

    StepStatus status();

    Optional<Instant> startedAt();

    Optional<Instant> endedAt();

    /** Wall time of the step, empty until it finished. */
    Optional<Duration> duration();

    /** Parameter values (JSON values) by argument name. */
    Map<String, Object> parameters();

    /** Input artifacts by argument name (including artifacts loaded through the client inside the step). */
    Map<String, ArtifactVersion> inputs();

    /** Output artifacts by output name. */
    Map<String, ArtifactVersion> outputs();

    /**
     * The output of the given name.
     *
     * @throws dev.cairn.api.CairnException {@code STEP_NOT_FOUND} naming the outputs that exist
     */
    ArtifactVersion output(String name);

    /**
     * The output a {@link dev.cairn.api.pipeline.MultipleOutputs} record component names, e.g.
     * {@code run.step(Steps::split).output(Split::trainData)}.
     *
     * @throws dev.cairn.api.CairnException {@code STEP_NOT_FOUND} naming the outputs that exist
     */
    default <T, X> ArtifactVersion output(dev.cairn.api.pipeline.OutputComponent<T, X> component) {
        return output(dev.cairn.api.pipeline.StepReferences.outputName(component));
    }

    /** The error message and stack trace when {@code FAILED}, or why it was skipped. */
    Optional<String> error();

    /**
     * For a {@code FAILED} step run: the {@link dev.cairn.api.ErrorCode}, the exception class and the message, as data
     * ({@link #error()} is the same as text, with the stack trace). Empty for other statuses, and for failures
     * recorded before this was stored.
     */
    default Optional<StepFailure> failure() {
        return Optional.empty();
    }

    /** For a {@code CACHED} step run: the step run whose outputs were reused. */
    Optional<UUID> cachedFrom();

    /** Why the cache was used or not (a miss names the reason, e.g. a cached output that failed verification). */
    Optional<String> cacheNote();

    /**
     * The cache key the step was looked up and recorded with (SHA-256, hex); empty when caching was off for it. Two
     * step runs with the same key are interchangeable for the cache.
     */
    Optional<String> cacheKey();

    /**
     * Where the engine stored what the step's code printed to {@code System.out} and {@code System.err} on the thread
     * that ran it (UTF-8, bounded by {@link dev.cairn.api.CairnConfiguration#stepLogLimit()}); empty when it printed
     * nothing, capture was off, the step was cached or not run, or the run was recorded before logs were stored.
     */
    @API(status = API.Status.EXPERIMENTAL, since = "0.3")
    default Optional<java.net.URI> logUri() {
        return Optional.empty();
    }

    /** The size in bytes of the log at {@link #logUri()}; empty when there is none. */
    @API(status = API.Status.EXPERIMENTAL, since = "0.3")
    default Optional<Long> logSize() {
        return Optional.empty();
    }

    /**
     * The text of the step's log (see {@link #logUri()}), read from the artifact store on each call; empty when
     * there is none.
     *
     * @throws dev.cairn.api.CairnException {@code INTEGRITY_VIOLATION} when the log is recorded but its file is gone,
     *     {@code STORE_FAILURE} when it cannot be read
     */
    @API(status = API.Status.EXPERIMENTAL, since = "0.3")
    default Optional<String> logs() {
        return Optional.empty();
    }
}
