package dev.cairn.stores.local;

import static java.util.Objects.requireNonNull;

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
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.spi.MetricsReporter;
import dev.cairn.api.spi.support.StagedArtifactDraft;

/**
 * A draft of a {@link LocalArtifactStore}: one directory in its staging area, renamed into place on commit.
 *
 * <p>Each file can be created once ({@link StandardOpenOption#CREATE_NEW}); its stream is buffered and forces
 * nothing to disk; in the store's durable mode the commit forces the files and directories before and after the
 * rename. {@link #commit(String)} refuses while a stream of the draft is still open, so no byte can reach
 * an artifact after it became visible. A draft never re-creates its own directory: once
 * {@link LocalArtifactStore#deleteAbandonedDrafts} has removed it, creating files and committing fail. Not
 * thread-safe.
 */
final class LocalArtifactDraft extends StagedArtifactDraft {
    private final LocalArtifactStore store;
    private final Path directory;
    private final Set<Path> createdDirectories = new HashSet<>();

    LocalArtifactDraft(LocalArtifactStore store, Path directory) {
        super(directory.toString());
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
        return track(out, relativePath, LocalArtifactStore.BUFFER_SIZE);
    }

    /**
     * External writers (Spark executors through Hadoop's local {@code FileSystem}) write into the staging directory
     * itself, as a {@code file:} URI; adopting checks each file's size and that it is a regular file inside the draft.
     */
    @Override
    public java.util.Optional<dev.cairn.api.spi.ExternalWrites> externalWrites() {
        checkUsable("write externally into");
        return java.util.Optional.of(new dev.cairn.api.spi.ExternalWrites() {
            @Override
            public URI stagingDirectory() {
                return directory.toUri();
            }

            @Override
            public void adopt(java.util.List<dev.cairn.api.artifact.ArtifactFile> files) throws IOException {
                requireNonNull(files, "files is null");
                checkUsable("adopt files into");
                for (dev.cairn.api.artifact.ArtifactFile file : files) {
                    Path path = store.locateInDraft(directory, file.path());
                    java.nio.file.attribute.BasicFileAttributes attributes;
                    try {
                        attributes = Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    } catch (java.nio.file.NoSuchFileException e) {
                        throw new CairnException(ErrorCode.INTEGRITY_VIOLATION, "Cannot adopt '" + file.path() + "' into the draft " + directory
                                + ": no such file was written there (" + path + ")", e);
                    }
                    if (!attributes.isRegularFile() || attributes.size() != file.size()) {
                        throw new CairnException(ErrorCode.INTEGRITY_VIOLATION, "Cannot adopt '" + file.path() + "' into the draft " + directory
                                + ": expected a regular file of " + file.size() + " bytes, found " + (attributes.isRegularFile()
                                        ? "a file of " + attributes.size() + " bytes" : "something else") + " at " + path);
                    }
                }
            }
        });
    }

    @Override
    protected URI commitStaging(String targetRelativeDirectory) throws IOException {
        LocalArtifactStore.Location target = store.locateCommitTarget(targetRelativeDirectory);
        if (target.exists()) {
            throw targetExists(target.uri(), null);
        }
        Path destination = target.path();
        long start = System.nanoTime();
        MetricsReporter metrics = store.context().metrics();
        if (store.durable()) {
            forceTree(directory, metrics);
        }
        try {
            moveIntoPlace(destination);
        } catch (AtomicMoveNotSupportedException e) {
            throw new CairnException(ErrorCode.STORE_FAILURE, "Cannot commit the draft to " + target.uri()
                    + ": the file system cannot rename " + directory + " to " + destination
                    + " atomically, probably because they are on different file systems. Keep the whole artifact"
                    + " store root on one file system.", e);
        } catch (IOException e) {
            // A concurrent commit may have taken the target between the check and the rename.
            if (Files.exists(destination, LinkOption.NOFOLLOW_LINKS)) {
                throw targetExists(target.uri(), e);
            }
            if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
                throw stagingGone(target.uri(), e);
            }
            throw e;
        }
        if (store.durable()) {
            force(requireNonNull(destination.getParent(), "parent"), LocalArtifactStore.DIRECTORY_FSYNCS, metrics); // the rename itself
            force(requireNonNull(directory.getParent(), "parent"), LocalArtifactStore.DIRECTORY_FSYNCS, metrics);
        }
        metrics.count("cairn.store.local.commits", 1);
        metrics.time("cairn.store.local.commit", Duration.ofNanos(System.nanoTime() - start));
        return target.uri();
    }

    /**
     * Renames the draft to {@code destination}, creating its parent first; when a prune removes that parent because it
     * was empty between the two steps ({@link LocalArtifactStore#deleteEmptyDirectory}), or while another commit was
     * creating it, the parent is created again.
     */
    private void moveIntoPlace(Path destination) throws IOException {
        Path parent = requireNonNull(destination.getParent(), "parent");
        for (int attempt = 1; ; attempt++) {
            try {
                Files.createDirectories(parent);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // a concurrent commit created the directory and a prune removed it again before this one could see it:
                // create it again; a file (or anything else that is not a directory) in its place is an error
                Path blocking = e.getFile() == null ? parent : Path.of(e.getFile());
                if (attempt >= 100 || Files.exists(blocking, LinkOption.NOFOLLOW_LINKS)) {
                    throw e;
                }
                continue;
            }
            try {
                Files.move(directory, destination, StandardCopyOption.ATOMIC_MOVE);
                return;
            } catch (java.nio.file.NoSuchFileException e) {
                if (attempt >= 100 || Files.isDirectory(parent, LinkOption.NOFOLLOW_LINKS) || !Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
                    throw e;
                }
            }
        }
    }

    /** Forces every file and directory of the draft (its data and its directory entries) to the disk. */
    private static void forceTree(Path tree, MetricsReporter metrics) throws IOException {
        Files.walkFileTree(tree, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes attributes) throws IOException {
                if (attributes.isRegularFile()) {
                    force(file, LocalArtifactStore.FILE_FSYNCS, metrics);
                }
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult postVisitDirectory(Path dir, java.io.IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                force(dir, LocalArtifactStore.DIRECTORY_FSYNCS, metrics);
                return java.nio.file.FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * {@code fsync} of one file or directory (opening a directory for reading is how Linux and macOS allow it), counted
     * in {@code counter} once it returned.
     */
    private static void force(Path path, String counter, MetricsReporter metrics) throws IOException {
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(path, StandardOpenOption.READ)) {
            channel.force(true);
        }
        metrics.count(counter, 1);
    }

    @Override
    protected void deleteStaging() {
        try {
            LocalArtifactStore.deleteTree(directory);
        } catch (IOException e) {
            throw cannotDelete(store.rootUri(), e.toString(), e);
        }
    }

    @Override
    public String toString() {
        return "LocalArtifactDraft[" + directory + (committedTo() != null ? " -> " + committedTo() : "") + "]";
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
}
