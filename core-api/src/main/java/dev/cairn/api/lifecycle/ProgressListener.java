package dev.cairn.api.lifecycle;

import org.apiguardian.api.API;

/**
 * Receives progress of a long operation (prune, registering a large folder). Called from the thread doing the
 * work, possibly from several threads at once; implementations must be thread-safe and fast.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2")
@FunctionalInterface
public interface ProgressListener {
    /** Ignores all progress. */
    ProgressListener NONE = (phase, done, total, bytes) -> {};

    /**
     * @param phase what is being done, e.g. {@code "hashing"} or {@code "deleting"}
     * @param done items finished so far in this phase
     * @param total items in this phase, or {@code -1} when unknown
     * @param bytes bytes processed so far in this phase
     */
    void progress(String phase, long done, long total, long bytes);
}
