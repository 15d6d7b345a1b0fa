package dev.cairn.api.spi;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.List;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import org.apiguardian.api.API;

/**
 * A small filesystem contract over URIs under one root. New artifact directories are written through an
 * {@link ArtifactDraft} in a staging area and appear atomically on {@link ArtifactDraft#commit(String)}.
 *
 * <p><b>URIs.</b> A store accepts absolute, hierarchical URIs of its own scheme and authority whose normalised path
 * lies inside the root's, compared name by name (never as string prefixes), with symbolic links resolved where the
 * store has them; anything else is refused with a {@link CairnException} {@code PATH_OUTSIDE_STORE} naming the URI and
 * the root. The URIs it produces ({@link #rootUri()}, {@link #resolve}, {@link #checkInside}, {@link
 * ArtifactDraft#commit}) are normalised: the root followed by the percent-encoded relative path, no trailing
 * {@code /} except on the root. Relative paths follow {@link RelativePaths}.
 *
 * <p><b>Failures.</b> A missing file or directory is always a {@link NoSuchFileException} whose
 * {@link NoSuchFileException#getFile()} is the URI (from {@link #openRead}, {@link #openRandomAccess}, {@link #size},
 * {@link #listFiles}) — the one signal the engine maps to {@code INTEGRITY_VIOLATION} when recorded data is gone.
 * Other I/O failures of methods that declare {@link IOException} are {@code IOException}s or {@link CairnException}s
 * with {@code STORE_FAILURE} (or a plugin's own code under it) naming the URI; methods that do not declare it report
 * I/O failures as {@code STORE_FAILURE}.
 *
 * <p>A third-party store implements {@link #rootUri()}, {@link #createDraft()}, {@link #openRead}, {@link #exists},
 * {@link #size}, {@link #listFiles} and {@link #delete}; the other methods have defaults derived from those (override
 * them when the store can do better, e.g. a real random-access read or symbolic links in {@link #checkInside}).
 * {@code dev.cairn.testkit.ArtifactStoreContract} checks the whole contract. Implementations are thread-safe.
 */
@API(status = API.Status.STABLE, since = "0.1")
public interface ArtifactStore extends AutoCloseable {
    /** The root, as an absolute directory URI ending with {@code /}; never changes. */
    URI rootUri();

    /**
     * The URI of {@code relativePath} under the root, without touching storage; a path that breaks
     * {@link RelativePaths} or escapes the root is refused with {@code PATH_OUTSIDE_STORE}. The default encodes the
     * path and passes it through {@link #checkInside}.
     */
    default URI resolve(String relativePath) {
        requireNonNull(relativePath, "relativePath is null");
        RelativePaths.problem(relativePath).ifPresent(problem -> {
            throw new CairnException(ErrorCode.PATH_OUTSIDE_STORE, "Relative path '" + RelativePaths.printable(relativePath)
                    + "' is refused by the artifact store " + rootUri() + ": " + problem + "; " + RelativePaths.RULE);
        });
        return checkInside(StoreUris.resolve(rootUri(), relativePath));
    }

    /**
     * {@code uri} normalised, if it lies inside the root; otherwise {@code PATH_OUTSIDE_STORE}. Does not require the
     * target to exist. The default compares scheme, authority (ignoring case) and normalised path names with the
     * root's and follows no links; a store with symbolic links must override it.
     */
    default URI checkInside(URI uri) {
        return StoreUris.checkInside(rootUri(), uri);
    }

    /** Starts a new, empty artifact directory in the staging area, invisible to every other method until committed. */
    ArtifactDraft createDraft();

    /**
     * Opens a committed file for sequential reading; the caller closes the stream. A missing file is a
     * {@link NoSuchFileException} naming the URI; a directory is an {@link IOException}.
     */
    InputStream openRead(URI file) throws IOException;

    /**
     * Opens a file for reading at any position; the caller closes the channel, which refuses writes. A missing file is
     * a {@link NoSuchFileException} naming the URI. The default reads through {@link #openRead} and re-opens the
     * stream to move backwards: correct for any store, but a store with positioned reads should override it.
     */
    default SeekableByteChannel openRandomAccess(URI file) throws IOException {
        long size = size(file);
        return new StreamSeekableChannel(() -> openRead(file), size);
    }

    /** Whether a file or directory exists at {@code uri} (a URI outside the root is refused, not answered false). */
    boolean exists(URI uri);

    /** The size in bytes of a file; a missing file is a {@link NoSuchFileException} naming the URI, a directory an {@link IOException}. */
    long size(URI file) throws IOException;

    /**
     * The files under a directory, recursively, as relative paths with {@code /}, sorted by
     * {@link String#compareTo}; the staging area is never listed. A missing directory is a
     * {@link NoSuchFileException} naming the URI; a file is an {@link IOException}.
     */
    List<String> listFiles(URI directory) throws IOException;

    /**
     * Deletes a file or a directory tree; idempotent: a missing {@code uri} is no error. Deleting the root is refused
     * with {@code INVALID_ARGUMENT}. Not atomic: a failure may leave part of a tree, which a second call removes.
     */
    void delete(URI uri) throws IOException;

    /**
     * Deletes the directory at {@code uri} only if it is empty, in one atomic step, and returns whether it did: a
     * directory that holds anything, or gains an entry at the same moment, stays. A commit whose target lies in a
     * directory deleted this way at the same moment must still succeed (the store recreates the directory). Used by
     * prune to remove the {@code artifacts/<name>/} directories it emptied. The default deletes nothing and returns
     * {@code false}.
     */
    default boolean deleteEmptyDirectory(URI uri) throws IOException {
        checkInside(uri);
        return false;
    }

    /**
     * Deletes staging drafts left unmodified for at least {@code age} (left by crashed writers) and returns how many;
     * a draft being committed at the same time is either committed whole or not at all. A negative {@code age} is
     * {@code INVALID_ARGUMENT}. The default deletes nothing and returns 0: right only for a store whose drafts
     * leave nothing behind when their process dies.
     */
    default int deleteAbandonedDrafts(Duration age) throws IOException {
        requireNonNull(age, "age is null");
        if (age.isNegative()) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "age is negative (" + age + "); pass Duration.ZERO to delete every draft");
        }
        return 0;
    }

    /** Releases the store's resources; idempotent. After it, other methods may fail. The default does nothing. */
    @Override
    default void close() {}
}
