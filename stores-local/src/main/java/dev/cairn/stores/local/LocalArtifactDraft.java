package dev.cairn.stores.local;

import static java.util.Objects.requireNonNull;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.spi.ArtifactDraft;
import dev.cairn.api.spi.RelativePaths;

/**
 * A draft of a {@link LocalArtifactStore}: one directory in its staging area, renamed into place on commit.
 *
 * <p>Each file can be created once ({@link StandardOpenOption#CREATE_NEW}); its stream is buffered and forces
 * nothing to disk. {@link #commit(String)} refuses while a stream of the draft is still open, so no byte can reach
 * an artifact after it became visible. A draft never re-creates its own directory: once
 * {@link LocalArtifactStore#deleteAbandonedDrafts} has removed it, creating files and committing fail. Not
 * thread-safe.
 */
final class LocalArtifactDraft implements ArtifactDraft {
    private final LocalArtifactStore store;
    private final Path directory;
    private final Set<Path> createdDirectories = new HashSet<>();
    private final List<DraftOutputStream> openStreams = new ArrayList<>();
    private @Nullable URI committedTo;
    private boolean closed;

    LocalArtifactDraft(LocalArtifactStore store, Path directory) {
        this.store = requireNonNull(store, "store is null");
        this.directory = requireNonNull(directory, "directory is null");
    }

    /** The staging directory of this draft. */
    Path directory() {
        return directory;
    }

    @Override
    public OutputStream create(String relativePath) throws IOException {
        requireNonNull(relativePath, "relativePath is null");
        checkUsable("create a file in");
        Path file = store.locateInDraft(directory, relativePath);
        createParentDirectories(file);
        OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        DraftOutputStream stream = new DraftOutputStream(out, relativePath);
        openStreams.add(stream);
        return stream;
    }

    @Override
    public URI commit(String targetRelativeDirectory) throws IOException {
        requireNonNull(targetRelativeDirectory, "targetRelativeDirectory is null");
        checkUsable("commit");
        if (!openStreams.isEmpty()) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "Cannot commit the draft to '"
                    + RelativePaths.printable(targetRelativeDirectory) + "' while " + openStreams.size()
                    + " of its files are open (" + openStreams.stream().map(s -> s.relativePath)
                            .collect(Collectors.joining(", ")) + "); close every stream returned by create() first");
        }
        LocalArtifactStore.Location target = store.locateCommitTarget(targetRelativeDirectory);
        if (target.exists()) {
            throw alreadyExists(target.uri(), null);
        }
        Path destination = target.path();
        Files.createDirectories(requireNonNull(destination.getParent(), "parent"));
        try {
            Files.move(directory, destination, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new CairnException(ErrorCode.STORE_FAILURE, "Cannot commit the draft to " + target.uri()
                    + ": the file system cannot rename " + directory + " to " + destination
                    + " atomically, probably because they are on different file systems. Keep the whole artifact"
                    + " store root on one file system.", e);
        } catch (IOException e) {
            // A concurrent commit may have taken the target between the check and the rename.
            if (Files.exists(destination, LinkOption.NOFOLLOW_LINKS)) {
                throw alreadyExists(target.uri(), e);
            }
            if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
                throw new CairnException(ErrorCode.STORE_FAILURE, "Cannot commit the draft to " + target.uri()
                        + ": its staging directory " + directory + " no longer exists; deleteAbandonedDrafts()"
                        + " removes drafts left unmodified for longer than its age. Write the artifact again.", e);
            }
            throw e;
        }
        committedTo = target.uri();
        return committedTo;
    }

    /**
     * Deletes the staging directory unless the draft was committed, closing any stream still open without flushing
     * it. Idempotent.
     *
     * @throws CairnException {@code STORE_FAILURE} if the directory cannot be deleted; the store's
     *     {@link LocalArtifactStore#deleteAbandonedDrafts} will remove it later
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (committedTo != null) {
            return;
        }
        for (DraftOutputStream stream : List.copyOf(openStreams)) {
            stream.abandon();
        }
        openStreams.clear();
        try {
            LocalArtifactStore.deleteTree(directory);
        } catch (IOException e) {
            throw new CairnException(ErrorCode.STORE_FAILURE, "Cannot delete the uncommitted draft " + directory
                    + " of the artifact store " + store.rootUri() + ": " + e
                    + ". deleteAbandonedDrafts() will remove it later.", e);
        }
    }

    @Override
    public String toString() {
        return "LocalArtifactDraft[" + directory + (committedTo != null ? " -> " + committedTo : "") + "]";
    }

    private void checkUsable(String action) {
        if (committedTo != null) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "Cannot " + action + " the draft: it was already"
                    + " committed to " + committedTo + "; start a new one with createDraft()");
        }
        if (closed) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "Cannot " + action + " the draft " + directory
                    + ": it was closed (and deleted); start a new one with createDraft()");
        }
    }

    private CairnException alreadyExists(URI target, @Nullable Throwable cause) {
        return new CairnException(ErrorCode.STORE_FAILURE, "Cannot commit the draft to " + target
                + ": the target already exists and was left unchanged. Commit to a new directory (for example"
                + " a new version), and close() this draft to discard it.", cause);
    }

    /** Creates the directories between the draft directory and {@code file}, never the draft directory itself. */
    private void createParentDirectories(Path file) throws IOException {
        Path parent = requireNonNull(file.getParent(), "parent");
        if (parent.equals(directory) || createdDirectories.contains(parent)) {
            return;
        }
        Path current = directory;
        for (Path name : directory.relativize(parent)) {
            current = current.resolve(name);
            if (createdDirectories.contains(current)) {
                continue;
            }
            try {
                Files.createDirectory(current);
            } catch (FileAlreadyExistsException e) {
                if (!Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
                    throw e;
                }
            }
            createdDirectories.add(current);
        }
    }

    /** A buffered file stream that tells its draft when it is closed. */
    private final class DraftOutputStream extends BufferedOutputStream {
        private final String relativePath;
        private boolean streamClosed;

        DraftOutputStream(OutputStream out, String relativePath) {
            super(out, LocalArtifactStore.BUFFER_SIZE);
            this.relativePath = relativePath;
        }

        @Override
        public void close() throws IOException {
            if (streamClosed) {
                return;
            }
            streamClosed = true;
            try {
                super.close();
            } finally {
                openStreams.remove(this);
            }
        }

        /** Closes the file without flushing: the draft is being deleted. */
        void abandon() {
            streamClosed = true;
            try {
                out.close();
            } catch (IOException e) {
                // The file is deleted with its draft right after; nothing of value is lost.
            }
        }
    }
}
