package dev.cairn.api.artifact;

import org.apiguardian.api.API;

/** What an artifact is, as declared by its materializer. */
@API(status = API.Status.STABLE, since = "0.1")
public enum ArtifactType {
    DATA, MODEL, DATA_ANALYSIS, SCHEMA, STATISTICS, SERVICE
}
