package dev.cairn.api.run;

import org.apiguardian.api.API;

/** The state of one step run. */
@API(status = API.Status.STABLE, since = "0.1")
public enum StepStatus {
    /** Created, waiting for its inputs. */
    PENDING,
    RUNNING,
    COMPLETED,
    /** Its outputs were reused from an earlier run. */
    CACHED,
    FAILED,
    /** Not run because a step it depends on failed. */
    SKIPPED;

    public boolean isFinished() {
        return this != PENDING && this != RUNNING;
    }

    /** True when the step's outputs are available ({@code COMPLETED} or {@code CACHED}). */
    public boolean isSuccessful() {
        return this == COMPLETED || this == CACHED;
    }
}
