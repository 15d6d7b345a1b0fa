package dev.cairn.api.run;

import org.apiguardian.api.API;

/** The state of a pipeline run. */
@API(status = API.Status.STABLE, since = "0.1")
public enum RunStatus {
    RUNNING, COMPLETED, FAILED;

    public boolean isFinished() {
        return this != RUNNING;
    }
}
