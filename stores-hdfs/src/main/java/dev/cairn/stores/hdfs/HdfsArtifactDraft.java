package dev.cairn.stores.hdfs;

import static java.util.Objects.requireNonNull;

import java.io.BufferedOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.Path;
import org.jspecify.annotations.Nullable;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.spi.ArtifactDraft;
import dev.cairn.api.spi.RelativePaths;

/**
 * A draft of an {@link HdfsArtifactStore}: one directory in its staging area, renamed into place on commit.
 *
 * <p>Each file can be created once; its stream is buffered and goes straight to the DataNodes (nothing is held in
 * memory beyond the buffers), and closing it completes the file. Permission denied and quota exceeded, which HDFS
 * reports when a block is allocated during a write, surface from the stream as {@link CairnException}s. {@link
 * #commit(String)} refuses while a stream of the draft is still open, so no byte can reach an artifact after it became
 * visible. A draft never writes once its directory is gone: once {@link HdfsArtifactStore#deleteAbandonedDrafts} has
 * removed it, creating files and committing fail. Not thread-safe.
 */
final class HdfsArtifactDraft implements ArtifactDraft {
    private final HdfsArtifactStore store;
    private final Path directory;
    private final URI directoryUri;
    private final Set<String> createdFiles = new HashSet<>();
    private final Set<Path> createdDirectories = new HashSet<>();
    private final List<DraftOutputStream> openStreams = new ArrayList<>();
    private @Nullable URI committedTo;
    private boolean closed;

    HdfsArtifactDraft(HdfsArtifactStore store, Path directory, URI directoryUri) {
        this.store = requireNonNull(store, "store is null");
        this.directory = requireNonNull(directory, "directory is null");
        this.directoryUri = requireNonNull(directoryUri, "directoryUri is null");
    }

    /** The staging directory of this draft. */
    Path directory() {
        return directory;
    }

    /** The URI of the staging directory of this draft. */
    URI directoryUri() {
        return directoryUri;
    }

    /**
     * Creates a file in the draft; parent directories are created.
     *
     * @throws FileAlreadyExistsException if this draft already created the file
     * @throws FileNotFoundException if the draft's directory was deleted as abandoned
     */
    @Override
    public OutputStream create(String relativePath) throws IOException {
        requireNonNull(relativePath, "relativePath is null");
        checkUsable("create a file in");
        HdfsArtifactStore.Location location = store.locateInDraft(directoryUri, relativePath);
        if (createdFiles.contains(relativePath)) {
            throw new FileAlreadyExistsException("The draft " + directoryUri + " already has the file " + relativePath);
        }
        store.checkDraftDirectory(directory, directoryUri);
        Path parent = location.path().getParent();
        if (parent != null && relativePath.indexOf('/') >= 0 && !createdDirectories.contains(parent)) {
            store.mkdirs(parent, store.subject("create a directory in the draft", directoryUri));
            createdDirectories.add(parent);
        }
        OutputStream out = store.createFile(location.path(), location.uri());
        createdFiles.add(relativePath);
        DraftOutputStream stream = new DraftOutputStream(out, relativePath, location.uri());
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
        HdfsArtifactStore.Location target = store.locateCommitTarget(targetRelativeDirectory);
        try {
            store.commitDraft(directory, target);
        } catch (FileAlreadyExistsException e) {
            throw new CairnException(ErrorCode.STORE_FAILURE, "Cannot commit the draft to " + target.uri()
                    + ": the target already exists and was left unchanged. Commit to a new directory (for example"
                    + " a new version), and close() this draft to discard it.", e);
        } catch (FileNotFoundException e) {
            throw new CairnException(ErrorCode.STORE_FAILURE, "Cannot commit the draft to " + target.uri()
                    + ": its staging directory " + directoryUri + " no longer exists; deleteAbandonedDrafts()"
                    + " removes drafts left unmodified for longer than its age. Write the artifact again.", e);
        }
        committedTo = target.uri();
        return committedTo;
    }

    /**
     * Deletes the staging directory unless the draft was committed, closing any stream still open first (its
     * errors are ignored). Idempotent.
     *
     * @throws CairnException {@code STORE_FAILURE} if the directory cannot be deleted; the store's
     *     {@link HdfsArtifactStore#deleteAbandonedDrafts} will remove it later
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
            store.deleteDraftDirectory(directory, directoryUri);
        } catch (IOException | CairnException e) {
            throw new CairnException(ErrorCode.STORE_FAILURE, "Cannot delete the uncommitted draft " + directoryUri
                    + " of the artifact store " + store.rootUri() + ": " + FaultRetry.summary(e)
                    + ". deleteAbandonedDrafts() will remove it later.", e);
        }
    }

    @Override
    public String toString() {
        return "HdfsArtifactDraft[" + directoryUri + (committedTo != null ? " -> " + committedTo : "") + "]";
    }

    private void checkUsable(String action) {
        if (committedTo != null) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "Cannot " + action + " the draft: it was already"
                    + " committed to " + committedTo + "; start a new one with createDraft()");
        }
        if (closed) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "Cannot " + action + " the draft " + directoryUri
                    + ": it was closed (and deleted); start a new one with createDraft()");
        }
    }

    /**
     * A buffered stream to one file of the draft that tells its draft when it is closed, and reports permission
     * denied and quota exceeded as {@link CairnException}s naming the file.
     */
    private final class DraftOutputStream extends BufferedOutputStream {
        private final String relativePath;
        private final URI uri;
        private boolean streamClosed;

        DraftOutputStream(OutputStream out, String relativePath, URI uri) {
            super(out, HdfsArtifactStore.BUFFER_SIZE);
            this.relativePath = relativePath;
            this.uri = uri;
        }

        @Override
        public synchronized void write(int b) throws IOException {
            try {
                super.write(b);
            } catch (IOException e) {
                throw translated(e);
            }
        }

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
            try {
                super.write(bytes, offset, length);
            } catch (IOException e) {
                throw translated(e);
            }
        }

        @Override
        public synchronized void flush() throws IOException {
            try {
                super.flush();
            } catch (IOException e) {
                throw translated(e);
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
                throw translated(e);
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

        private IOException translated(IOException e) {
            CairnException permanent = FaultRetry.permanentFailure(store.subject("write", uri), e);
            if (permanent != null) {
                throw permanent;
            }
            return e;
        }
    }
}
