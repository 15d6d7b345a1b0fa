package dev.cairn.api.spi;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.Optional;

import org.apiguardian.api.API;

/**
 * A new artifact directory being written in the staging area of an {@link ArtifactStore}. Invisible to
 * readers until {@link #commit(String)}; closing an uncommitted draft deletes it. Not thread-safe.
 */
@API(status = API.Status.STABLE, since = "0.1")
public interface ArtifactDraft extends AutoCloseable {
    /**
     * Creates a new file inside the draft (a {@link RelativePaths} path; parents are created) and returns its stream,
     * which the caller closes before {@link #commit}. A path outside the draft is {@code PATH_OUTSIDE_STORE}; a
     * committed or closed draft refuses with {@code INVALID_ARGUMENT}.
     */
    OutputStream create(String relativePath) throws IOException;

    /**
     * Atomically moves the draft to {@code targetRelativeDirectory} under the store root and returns its URI.
     * Fails with {@code STORE_FAILURE} if the target already exists; the draft is then left for {@link #close()}.
     */
    URI commit(String targetRelativeDirectory) throws IOException;

    /**
     * The draft's {@link ExternalWrites} capability (files written by other processes into its staging directory,
     * then adopted), when the store offers it; the default offers none.
     */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    default Optional<ExternalWrites> externalWrites() {
        return Optional.empty();
    }

    /** Deletes the draft unless it was committed; idempotent. */
    @Override
    void close();
}
