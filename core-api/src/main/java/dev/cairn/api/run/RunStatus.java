package dev.cairn.api.run;

import org.apiguardian.api.API;

/**
 * The state of a pipeline run. {@code CANCELLED}: stopped by {@link RunHandle#cancel}, a run timeout
 * ({@link dev.cairn.api.pipeline.PipelineOptions#timeout()}) or the closing of its engine; its error says who and why.
 */
@API(status = API.Status.STABLE, since = "0.1")
public enum RunStatus {
    RUNNING, COMPLETED, FAILED, CANCELLED;

    public boolean isFinished() {
        return this != RUNNING;
    }
}
