package dev.cairn.api;

import java.util.UUID;

import dev.cairn.api.run.PipelineRun;
import org.apiguardian.api.API;

/**
 * What a running step can know about itself: its run, its step and a client. Artifacts loaded through
 * {@link #client()} are recorded as inputs of the step run.
 */
@API(status = API.Status.STABLE, since = "0.1")
public interface StepContext {
    /**
     * The context of the step running on the current thread.
     *
     * @throws CairnException {@code INVALID_ARGUMENT} when called outside a step
     */
    static StepContext current() {
        return StepContextHolder.current();
    }

    UUID runId();

    String pipelineName();

    String stepName();

    UUID stepRunId();

    /** A snapshot of the run as recorded so far. */
    PipelineRun run();

    /** A client whose artifact loads are recorded on this step run. */
    Client client();

    /**
     * Logs typed metadata onto every output of this step, stored with the outputs when the step returns (see
     * {@link dev.cairn.api.artifact.MetadataValue#of(Object)} for the accepted values).
     *
     * @throws CairnException {@code INVALID_ARGUMENT} for an unsupported value
     */
    void logMetadata(java.util.Map<String, ?> values);

    /**
     * Logs typed metadata onto the output {@code output} of this step, stored with it when the step returns.
     *
     * @throws CairnException {@code STEP_NOT_FOUND} when the step has no such output
     */
    void logMetadata(String output, java.util.Map<String, ?> values);

    /** Logs typed metadata onto this step's pipeline run, now. */
    void logRunMetadata(java.util.Map<String, ?> values);
}
