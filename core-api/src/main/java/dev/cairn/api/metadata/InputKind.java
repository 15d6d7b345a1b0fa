package dev.cairn.api.metadata;

import org.apiguardian.api.API;

/** How an artifact reached a step run. */
@API(status = API.Status.STABLE, since = "0.1")
public enum InputKind {
    /** Wired from another step's output in the same run. */
    STEP_OUTPUT,
    /** An existing artifact version named in the pipeline definition. */
    EXTERNAL_ARTIFACT,
    /** Loaded through the client from inside the step. */
    CLIENT_LOAD
}
