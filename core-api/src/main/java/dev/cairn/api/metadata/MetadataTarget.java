package dev.cairn.api.metadata;

import org.apiguardian.api.API;

/** What logged metadata is attached to. */
@API(status = API.Status.STABLE, since = "0.1")
public enum MetadataTarget {
    /** An artifact version, by its id. */
    ARTIFACT_VERSION,
    /** A pipeline run, by its id. */
    PIPELINE_RUN
}
