package dev.cairn.stores.hdfs;

import static java.util.Objects.requireNonNull;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.Path;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.spi.support.StagedArtifactDraft;

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
final class HdfsArtifactDraft extends StagedArtifactDraft {
    private final HdfsArtifactStore store;
    private final Path directory;
    private final URI directoryUri;
    /** The files this draft created, by relative path, with their URIs. */
    private final Map<String, URI> createdFiles = new HashMap<>();
    private final Set<Path> createdDirectories = new HashSet<>();

    HdfsArtifactDraft(HdfsArtifactStore store, Path directory, URI directoryUri) {
        super(directoryUri.toString());
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
        if (createdFiles.containsKey(relativePath)) {
            throw new FileAlreadyExistsException("The draft " + directoryUri + " already has the file " + relativePath);
        }
        store.checkDraftDirectory(directory, directoryUri);
        Path parent = location.path().getParent();
        if (parent != null && relativePath.indexOf('/') >= 0 && !createdDirectories.contains(parent)) {
            store.mkdirs(parent, store.subject("create a directory in the draft", directoryUri));
            createdDirectories.add(parent);
        }
        OutputStream out = store.createFile(location.path(), location.uri());
        createdFiles.put(relativePath, location.uri());
        return track(out, relativePath, HdfsArtifactStore.BUFFER_SIZE);
    }

    /**
     * External writers (Spark executors) write into the staging directory on the same Hadoop file system; adopting
     * checks each file's length with the NameNode.
     */
    @Override
    public java.util.Optional<dev.cairn.api.spi.ExternalWrites> externalWrites() {
        checkUsable("write externally into");
        return java.util.Optional.of(new dev.cairn.api.spi.ExternalWrites() {
            @Override
            public URI stagingDirectory() {
                String text = directoryUri.toString();
                return URI.create(text.endsWith("/") ? text : text + "/");
            }

            @Override
            public void adopt(java.util.List<dev.cairn.api.artifact.ArtifactFile> files) throws IOException {
                requireNonNull(files, "files is null");
                checkUsable("adopt files into");
                for (dev.cairn.api.artifact.ArtifactFile file : files) {
                    if (createdFiles.containsKey(file.path())) {
                        throw new CairnException(ErrorCode.INVALID_ARGUMENT, "Cannot adopt '" + file.path() + "' into the draft " + directoryUri
                                + ": the draft created that file itself");
                    }
                    HdfsArtifactStore.Location location = store.locateInDraft(directoryUri, file.path());
                    long size = store.fileLength(location);
                    if (size != file.size()) {
                        throw new CairnException(ErrorCode.INTEGRITY_VIOLATION, "Cannot adopt '" + file.path() + "' into the draft " + directoryUri
                                + ": expected a file of " + file.size() + " bytes, found " + (size < 0 ? "no file" : size + " bytes") + " at " + location.uri());
                    }
                }
                for (dev.cairn.api.artifact.ArtifactFile file : files) {
                    createdFiles.put(file.path(), store.locateInDraft(directoryUri, file.path()).uri());
                }
            }
        });
    }

    @Override
    protected URI commitStaging(String targetRelativeDirectory) throws IOException {
        HdfsArtifactStore.Location target = store.locateCommitTarget(targetRelativeDirectory);
        long start = System.nanoTime();
        try {
            store.commitDraft(directory, target);
        } catch (FileAlreadyExistsException e) {
            throw targetExists(target.uri(), e);
        } catch (FileNotFoundException e) {
            throw stagingGone(target.uri(), e);
        }
        store.context().metrics().count("cairn.store.hdfs.commits", 1);
        store.context().metrics().time("cairn.store.hdfs.commit", java.time.Duration.ofNanos(System.nanoTime() - start));
        return target.uri();
    }

    @Override
    protected void deleteStaging() {
        try {
            store.deleteDraftDirectory(directory, directoryUri);
        } catch (IOException | CairnException e) {
            throw cannotDelete(store.rootUri(), FaultRetry.summary(e), e);
        }
    }

    /** Permission denied and quota exceeded, reported while a file is written, as {@link CairnException}s naming it. */
    @Override
    protected IOException streamFailure(IOException failure, String relativePath) {
        CairnException permanent = FaultRetry.permanentFailure(store.subject("write", createdFiles.get(relativePath)), failure);
        if (permanent != null) {
            throw permanent;
        }
        return failure;
    }

    @Override
    public String toString() {
        return "HdfsArtifactDraft[" + directoryUri + (committedTo() != null ? " -> " + committedTo() : "") + "]";
    }
}
