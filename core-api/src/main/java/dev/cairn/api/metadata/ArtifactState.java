package dev.cairn.api.metadata;

import org.apiguardian.api.API;

/** Whether an artifact version's data is in place. Only {@code READY} versions are visible to clients. */
@API(status = API.Status.STABLE, since = "0.1")
public enum ArtifactState {
    /** The version number is reserved; the data is being committed. */
    PENDING,
    /** The data is committed and may be read. */
    READY
}
