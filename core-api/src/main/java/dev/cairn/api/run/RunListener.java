package dev.cairn.api.run;

import java.time.Duration;

import org.apiguardian.api.API;

/**
 * Receives progress of a run as it happens. Called from worker threads, possibly concurrently; an
 * implementation must be thread-safe and quick. Exceptions it throws are logged and ignored.
 */
@API(status = API.Status.STABLE, since = "0.1")
public interface RunListener {
    default void runStarted(String pipelineName, java.util.UUID runId, int stepCount) {}

    default void stepStarted(String stepName) {}

    /** A step finished with {@code status} ({@code COMPLETED}, {@code CACHED}, {@code FAILED} or {@code SKIPPED}). */
    default void stepFinished(String stepName, StepStatus status, Duration duration) {}

    /**
     * The run {@code runId} is being cancelled (by {@link RunHandle#cancel}, its run timeout, or {@code Cairn.close()})
     * with {@code reason} ("Cancelled by …: …"): called once, on the cancelling thread, right after the engine interrupted
     * the run's running steps and before it records them. The place to stop work a step started elsewhere (a Spark job,
     * a remote query) that interrupting the step's thread does not stop. {@link #runFinished} follows when the run is
     * recorded.
     */
    default void runCancelled(java.util.UUID runId, String reason) {}

    default void runFinished(PipelineRun run) {}
}
