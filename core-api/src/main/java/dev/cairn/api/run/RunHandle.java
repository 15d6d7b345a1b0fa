package dev.cairn.api.run;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

import org.apiguardian.api.API;

/**
 * A pipeline run started with {@link dev.cairn.api.Cairn#start}: it runs on threads of the engine while the caller
 * goes on, and can be waited for or cancelled. Thread-safe.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public interface RunHandle {
    /** The id of the run; it is recorded (as {@code RUNNING}) before {@code start} returns. */
    UUID runId();

    /** True once the run has finished (completed, failed or cancelled) and is recorded. */
    boolean isDone();

    /**
     * Waits up to {@code timeout} for the run to finish.
     *
     * @return the finished run, or empty if it is still running when the timeout passes
     * @throws dev.cairn.api.CairnException {@code STEP_FAILED} when the thread is interrupted while waiting (the
     *     interrupt flag is set again), or when the run could not be recorded
     */
    Optional<PipelineRun> await(Duration timeout);

    /** Waits until the run has finished and returns it. */
    PipelineRun await();

    /**
     * Cancels the run with {@code reason}: no further step starts, the steps that have not started are recorded as
     * {@code SKIPPED}, running steps are interrupted (one that ignores the interruption is abandoned after the
     * engine's grace period, and whatever it saves afterwards is discarded), and the run ends {@code CANCELLED} with
     * the reason and the cancelling thread in its {@link PipelineRun#error()}. Returns immediately; {@link #await}
     * returns once that is recorded. Does nothing when the run has already finished; only the first reason counts.
     *
     * @return false when the run had already finished or been cancelled
     */
    boolean cancel(String reason);

    /** {@link #cancel(String)} with the reason "cancelled through RunHandle.cancel()". */
    default boolean cancel() {
        return cancel("cancelled through RunHandle.cancel()");
    }
}
