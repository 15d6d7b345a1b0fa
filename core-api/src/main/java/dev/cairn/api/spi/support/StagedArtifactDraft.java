package dev.cairn.api.spi.support;

import static java.util.Objects.requireNonNull;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.spi.ArtifactDraft;
import dev.cairn.api.spi.ArtifactStore;
import dev.cairn.api.spi.RelativePaths;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * The life cycle every staging-directory draft shares, for store implementations: a draft is usable until it is
 * committed or closed; {@link #commit(String)} refuses while a stream of the draft is still open (so no byte can reach
 * an artifact after it became visible); {@link #close()} of an uncommitted draft abandons its open streams without
 * flushing them and deletes the staging directory. A store supplies the file creation ({@link #create(String)}, which
 * wraps its raw streams with {@link #track}), the commit of the staging directory and its deletion. The error
 * messages for the common failures are here too, so that every store words them alike. Not thread-safe.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public abstract class StagedArtifactDraft implements ArtifactDraft {
    private final String stagingDescription;
    private final List<TrackedStream> openStreams = new ArrayList<>();
    private @Nullable URI committedTo;
    private boolean closed;

    /** @param stagingDescription the staging directory as shown in messages (a path or URI) */
    protected StagedArtifactDraft(String stagingDescription) {
        this.stagingDescription = requireNonNull(stagingDescription, "stagingDescription is null");
    }

    /**
     * Moves the staging directory to {@code targetRelativeDirectory} under the store root, atomically, and returns
     * the target's URI. Called by {@link #commit(String)} once the draft is usable and has no open stream.
     */
    protected abstract URI commitStaging(String targetRelativeDirectory) throws IOException;

    /**
     * Deletes the staging directory of an uncommitted draft (its streams are already closed).
     *
     * @throws CairnException {@code STORE_FAILURE} naming the directory, see {@link #cannotDelete}
     */
    protected abstract void deleteStaging();

    /**
     * What a tracked stream of the draft's file {@code relativePath} reports instead of {@code failure}: a store may
     * turn a permanent failure into a {@link CairnException} naming the file (by throwing it). The default reports
     * {@code failure} itself.
     */
    protected IOException streamFailure(IOException failure, String relativePath) {
        return failure;
    }

    @Override
    public final URI commit(String targetRelativeDirectory) throws IOException {
        requireNonNull(targetRelativeDirectory, "targetRelativeDirectory is null");
        checkUsable("commit");
        if (!openStreams.isEmpty()) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "Cannot commit the draft to '"
                    + RelativePaths.printable(targetRelativeDirectory) + "' while " + openStreams.size()
                    + " of its files are open (" + openStreams.stream().map(s -> s.relativePath)
                            .collect(Collectors.joining(", ")) + "); close every stream returned by create() first");
        }
        committedTo = requireNonNull(commitStaging(targetRelativeDirectory), "commitStaging returned null");
        return committedTo;
    }

    /**
     * Deletes the staging directory unless the draft was committed, closing any stream still open without flushing
     * it (its errors are ignored). Idempotent.
     *
     * @throws CairnException {@code STORE_FAILURE} if the directory cannot be deleted; the store's
     *     {@link ArtifactStore#deleteAbandonedDrafts} will remove it later
     */
    @Override
    public final void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (committedTo != null) {
            return;
        }
        for (TrackedStream stream : List.copyOf(openStreams)) {
            stream.abandon();
        }
        openStreams.clear();
        deleteStaging();
    }

    /** Where the draft was committed; null before. */
    protected final @Nullable URI committedTo() {
        return committedTo;
    }

    /** Fails unless the draft can still be written to: not committed and not closed. */
    protected final void checkUsable(String action) {
        if (committedTo != null) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "Cannot " + action + " the draft: it was already"
                    + " committed to " + committedTo + "; start a new one with createDraft()");
        }
        if (closed) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "Cannot " + action + " the draft " + stagingDescription
                    + ": it was closed (and deleted); start a new one with createDraft()");
        }
    }

    /**
     * Buffers {@code out}, the raw stream of the draft's file {@code relativePath}, and tracks it until it is closed;
     * failures go through {@link #streamFailure}.
     */
    protected final OutputStream track(OutputStream out, String relativePath, int bufferSize) {
        TrackedStream stream = new TrackedStream(out, relativePath, bufferSize);
        openStreams.add(stream);
        return stream;
    }

    /** The commit target exists already (and was left unchanged). */
    protected static CairnException targetExists(URI target, @Nullable Throwable cause) {
        return new CairnException(ErrorCode.STORE_FAILURE, "Cannot commit the draft to " + target
                + ": the target already exists and was left unchanged. Commit to a new directory (for example"
                + " a new version), and close() this draft to discard it.", cause);
    }

    /** The staging directory was deleted (as abandoned) before the commit. */
    protected final CairnException stagingGone(URI target, @Nullable Throwable cause) {
        return new CairnException(ErrorCode.STORE_FAILURE, "Cannot commit the draft to " + target
                + ": its staging directory " + stagingDescription + " no longer exists; deleteAbandonedDrafts()"
                + " removes drafts left unmodified for longer than its age. Write the artifact again.", cause);
    }

    /** The staging directory of an uncommitted draft could not be deleted; {@code problem} says why. */
    protected final CairnException cannotDelete(URI storeRoot, String problem, @Nullable Throwable cause) {
        return new CairnException(ErrorCode.STORE_FAILURE, "Cannot delete the uncommitted draft " + stagingDescription
                + " of the artifact store " + storeRoot + ": " + problem + ". deleteAbandonedDrafts() will remove it later.", cause);
    }

    /** A buffered stream to one file of the draft that tells its draft when it is closed. */
    private final class TrackedStream extends BufferedOutputStream {
        private final String relativePath;
        private boolean streamClosed;

        TrackedStream(OutputStream out, String relativePath, int bufferSize) {
            super(out, bufferSize);
            this.relativePath = relativePath;
        }

        @Override
        public synchronized void write(int b) throws IOException {
            try {
                super.write(b);
            } catch (IOException e) {
                throw streamFailure(e, relativePath);
            }
        }

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
            try {
                super.write(bytes, offset, length);
            } catch (IOException e) {
                throw streamFailure(e, relativePath);
            }
        }

        @Override
        public synchronized void flush() throws IOException {
            try {
                super.flush();
            } catch (IOException e) {
                throw streamFailure(e, relativePath);
            }
        }

        @Override
        public void close() throws IOException {
            if (streamClosed) {
                return;
            }
            streamClosed = true;
            try {
                super.close();
            } catch (IOException e) {
                throw streamFailure(e, relativePath);
            } finally {
                openStreams.remove(this);
            }
        }

        /** Closes the file without flushing this buffer: the draft is being deleted. */
        void abandon() {
            streamClosed = true;
            try {
                out.close();
            } catch (IOException | RuntimeException e) {
                // The file is deleted with its draft right after; nothing of value is lost.
            }
        }
    }
}
