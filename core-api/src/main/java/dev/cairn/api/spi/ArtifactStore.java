package dev.cairn.api.spi;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.SeekableByteChannel;
import java.time.Duration;
import java.util.List;

import org.apiguardian.api.API;

/**
 * A small filesystem contract over URIs under one root. New artifact directories are written through an
 * {@link ArtifactDraft} in a staging area and appear atomically on {@link ArtifactDraft#commit(String)}.
 *
 * <p>Every URI and relative path is normalised and checked as a path (not a string prefix), with symbolic
 * links resolved where the store has them; anything that resolves outside {@link #rootUri()} is refused with
 * {@code PATH_OUTSIDE_STORE}. I/O failures are reported as {@code CairnException}s with {@code STORE_FAILURE}
 * naming the URI. Implementations are thread-safe.
 */
@API(status = API.Status.STABLE, since = "0.1")
public interface ArtifactStore extends AutoCloseable {
    /** The root, as a directory URI ending with {@code /}. */
    URI rootUri();

    /** Resolves a relative path (forward slashes) against the root, refusing anything that escapes it. */
    URI resolve(String relativePath);

    /** Checks that {@code uri} lies inside the root and returns it normalised. */
    URI checkInside(URI uri);

    /** Starts a new artifact directory in the staging area. */
    ArtifactDraft createDraft();

    InputStream openRead(URI file) throws IOException;

    SeekableByteChannel openRandomAccess(URI file) throws IOException;

    boolean exists(URI uri);

    /** Size in bytes of a file. */
    long size(URI file) throws IOException;

    /** Files under a directory, recursively, as sorted relative paths with forward slashes. */
    List<String> listFiles(URI directory) throws IOException;

    /** Deletes a file or a directory tree; no error if it does not exist. */
    void delete(URI uri) throws IOException;

    /** Deletes staging directories older than {@code age} (left by crashed writers); returns how many. */
    int deleteAbandonedDrafts(Duration age) throws IOException;

    @Override
    void close();
}
