package dev.cairn.stores.hdfs;

import static java.util.Objects.requireNonNull;

import java.io.BufferedInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.LeaseRecoverable;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.ParentNotDirectoryException;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.PathIsDirectoryException;
import org.apache.hadoop.fs.PathIsNotDirectoryException;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.protocol.HdfsFileStatus;
import org.apache.hadoop.hdfs.web.WebHdfsFileSystem;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.spi.ArtifactDraft;
import dev.cairn.api.spi.ArtifactStore;
import dev.cairn.api.spi.RelativePaths;
import dev.cairn.api.spi.StoreContext;

/**
 * An {@link ArtifactStore} in a directory of a Hadoop {@link FileSystem}: HDFS ({@code hdfs://}, {@code webhdfs://},
 * {@code viewfs://}) and, with the user's connector on the class path, object stores ({@code s3a://},
 * {@code abfs://}, {@code gs://}). Created by {@link HdfsArtifactStoreProvider}.
 *
 * <p><b>Layout.</b> {@link #createDraft()} makes {@code <root>/.staging/<random UUID>/}; the draft's files are
 * streamed there one by one, and {@link ArtifactDraft#commit(String)} creates the target's parent directories and
 * renames the staging directory to the target. On HDFS ({@code hdfs://}, {@code webhdfs://}) that rename is one
 * NameNode operation that is atomic and refuses an existing target ({@code Options.Rename.NONE}), so a reader sees
 * either no artifact or all of it and concurrent commits to one target have exactly one winner. A plain Hadoop
 * rename would move the draft <em>inside</em> an existing target directory; on file systems without the atomic
 * rename (viewfs, object stores) the store therefore checks the target first, renames, and if a concurrent commit
 * created the target in between (so the draft landed inside it) moves the draft back out and fails the commit:
 * correct in the end, but another reader may glimpse the intruding directory for that moment, and an object store's
 * rename is a copy that is not atomic at all. {@link #listFiles(URI)} never lists the staging area of a directory
 * above it.
 *
 * <p><b>Paths.</b> Relative paths follow the same rules as the local store: names separated by {@code /}, without
 * empty names, {@code .}, {@code ..}, backslashes or control characters, never absolute. A URI must have the root's
 * scheme and authority (compared ignoring case), no query or fragment; its decoded path is normalised name by name
 * and must lie inside the root path, compared as lists of names, never as string prefixes. Refusals are
 * {@link CairnException}s with {@link ErrorCode#PATH_OUTSIDE_STORE} naming the offending path or URI and the root.
 * Symbolic links are not followed: the Hadoop client refuses to resolve them unless a program enables them for the
 * whole JVM. HDFS itself refuses some names (such as ones containing {@code :}); such a refusal is a
 * {@link ErrorCode#STORE_FAILURE}.
 *
 * <p><b>Faults.</b> Every NameNode (or object store) call is retried with bounded exponential backoff when the
 * fault is transient (the NameNode restarting or unreachable, safe mode, a fail-over; see {@link FaultRetry});
 * a DataNode lost during a write or read is handled by the HDFS client's own pipeline recovery and replica choice.
 * Permission denied, quota exceeded and a fault that outlasts the retries are {@link ErrorCode#STORE_FAILURE}s naming
 * the URI, the cause and what to do, also when they surface from a stream of a draft. Other failures of methods that
 * declare {@link IOException} are the file system's exceptions, unchanged, except that a missing file or directory is
 * a {@link NoSuchFileException} naming the URI, as in every store ({@link PathIsDirectoryException} and {@link PathIsNotDirectoryException} for the wrong kind); methods
 * that do not declare it report them as {@link ErrorCode#STORE_FAILURE}s. A failed write leaves only its draft in the staging area, which
 * closing the draft (or {@link #deleteAbandonedDrafts(Duration)}) removes; nothing half-written is ever visible as an
 * artifact.
 *
 * <p><b>Durability.</b> A file is complete on the DataNodes when its stream is closed (HDFS replicates every block
 * to {@code dfs.replication} DataNodes before {@code close} returns); nothing is {@code hsync}ed to disk.
 *
 * <p>Thread-safe. The store owns its {@link FileSystem} instance (never shared through Hadoop's cache) and closes it
 * in {@link #close()}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class HdfsArtifactStore implements ArtifactStore {
    private static final Logger LOG = LoggerFactory.getLogger(HdfsArtifactStore.class);

    /** Name of the staging directory directly under the root. */
    static final String STAGING_DIRECTORY_NAME = ".staging";

    /** Buffer size of the streams returned by {@link #openRead} and {@link ArtifactDraft#create}. */
    static final int BUFFER_SIZE = 64 * 1024;

    private static final String ABANDONED_SUFFIX = ".abandoned";
    private static final String RELATIVE_PATH_RULE = RelativePaths.RULE;

    private final FileSystem fileSystem;
    private final FaultRetry retry;
    private final String scheme;
    private final @Nullable String authority;
    private final List<String> rootNames;
    private final String rootPathString;
    private final URI rootUri;
    private final Path stagingPath;
    private final boolean atomicRename;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final StoreContext context;

    /**
     * Opens the store rooted at {@code root} on {@code fileSystem}, creating the root and its staging area if needed.
     * If they cannot be created because permission is denied but the root exists, the store opens for reading.
     * Takes ownership of {@code fileSystem}: {@link #close()} closes it.
     *
     * @param root an absolute URI of {@code fileSystem}, normalised, without query or fragment
     * @throws CairnException {@code STORE_FAILURE} if the root is a file or cannot be created
     */
    HdfsArtifactStore(FileSystem fileSystem, URI root, FaultRetry retry) {
        this(fileSystem, root, retry, StoreContext.defaults());
    }

    /** As {@link #HdfsArtifactStore(FileSystem, URI, FaultRetry)}, with the context's clock and metrics. */
    HdfsArtifactStore(FileSystem fileSystem, URI root, FaultRetry retry, StoreContext context) {
        this.context = requireNonNull(context, "context is null");
        this.fileSystem = requireNonNull(fileSystem, "fileSystem is null");
        this.retry = requireNonNull(retry, "retry is null");
        requireNonNull(root, "root is null");
        String rawPath = root.getPath() == null || root.getPath().isEmpty() ? "/" : root.getPath();
        URI qualified = fileSystem.makeQualified(new Path(root.getScheme(), root.getAuthority(), rawPath)).toUri();
        this.scheme = qualified.getScheme().toLowerCase(Locale.ROOT);
        this.authority = qualified.getAuthority() == null || qualified.getAuthority().isEmpty()
                ? null : qualified.getAuthority();
        this.rootNames = List.copyOf(splitNames(qualified.getPath()));
        this.rootPathString = "/" + String.join("/", rootNames);
        this.rootUri = directoryUri(scheme, authority, rootNames);
        this.stagingPath = pathOf(STAGING_DIRECTORY_NAME);
        this.atomicRename = fileSystem instanceof DistributedFileSystem || fileSystem instanceof WebHdfsFileSystem;
        openRoot();
    }

    private void openRoot() {
        Path rootPath = pathOf("");
        try {
            FileStatus status = statusOrNull(rootPath, subject("open", rootUri));
            if (status != null && !status.isDirectory()) {
                throw new CairnException(ErrorCode.STORE_FAILURE, "Cannot open the artifact store at " + rootUri
                        + ": it is a file, not a directory. Choose a directory (or a path that does not exist yet) as"
                        + " the store root.");
            }
            try {
                mkdirs(stagingPath, subject("create the staging area", uriOf(STAGING_DIRECTORY_NAME)));
            } catch (CairnException e) {
                if (status == null || !FaultRetry.isPermissionDenied(e)) {
                    throw e;
                }
                LOG.info("Artifact store {} opened for reading only: {}", rootUri, e.getMessage());
            }
        } catch (IOException e) {
            throw new CairnException(ErrorCode.STORE_FAILURE, "Cannot open the artifact store at " + rootUri + ": "
                    + FaultRetry.summary(e) + ". The root must be a directory, or creatable as one, and writable.", e);
        }
    }

    @Override
    public URI rootUri() {
        return rootUri;
    }

    @Override
    public URI resolve(String relativePath) {
        requireNonNull(relativePath, "relativePath is null");
        return locate(relativePath, "Relative path").uri();
    }

    @Override
    public URI checkInside(URI uri) {
        requireNonNull(uri, "uri is null");
        return locate(uri).uri();
    }

    /** Starts a new draft: one new directory in the staging area. */
    @Override
    public ArtifactDraft createDraft() {
        checkOpen();
        String name = UUID.randomUUID().toString();
        String relative = STAGING_DIRECTORY_NAME + "/" + name;
        Path directory = pathOf(relative);
        try {
            mkdirs(directory, subject("create a draft in", uriOf(STAGING_DIRECTORY_NAME)));
        } catch (IOException e) {
            throw failure("create a draft in", uriOf(STAGING_DIRECTORY_NAME).toString(), e);
        }
        return new HdfsArtifactDraft(this, directory, uriOf(relative));
    }

    /** The context the store was opened with. */
    StoreContext context() {
        return context;
    }

    /** Opens a file for reading, buffered; the caller closes the stream. */
    @Override
    public InputStream openRead(URI file) throws IOException {
        requireNonNull(file, "file is null");
        Location location = locate(file);
        checkOpen();
        try {
            FSDataInputStream in = call(subject("open", location.uri()),
                    attempt -> fileSystem.open(location.path(), BUFFER_SIZE));
            return new BufferedInputStream(in, BUFFER_SIZE);
        } catch (FileNotFoundException e) {
            throw missing(location.uri(), e);
        }
    }

    /** The store's one missing-file signal (as every store's): a {@link NoSuchFileException} whose file is the URI. */
    private static NoSuchFileException missing(URI uri, FileNotFoundException cause) {
        NoSuchFileException missing = new NoSuchFileException(uri.toString(), null, "no such file or directory in the artifact store");
        missing.initCause(cause);
        return missing;
    }

    /**
     * Opens a file for reading at any position (positioned reads on one {@code FSDataInputStream}); the caller closes
     * the channel. A directory is refused with {@link PathIsDirectoryException}.
     */
    @Override
    public SeekableByteChannel openRandomAccess(URI file) throws IOException {
        requireNonNull(file, "file is null");
        Location location = locate(file);
        checkOpen();
        FaultRetry.Subject subject = subject("open", location.uri());
        try {
            FileStatus status = call(subject, attempt -> fileSystem.getFileStatus(location.path()));
            if (status.isDirectory()) {
                throw new PathIsDirectoryException(location.uri().toString());
            }
            FSDataInputStream in = call(subject, attempt -> fileSystem.open(location.path(), BUFFER_SIZE));
            return new HdfsReadChannel(in, status.getLen(), location.uri());
        } catch (FileNotFoundException e) {
            throw missing(location.uri(), e);
        }
    }

    @Override
    public boolean exists(URI uri) {
        requireNonNull(uri, "uri is null");
        Location location = locate(uri);
        checkOpen();
        try {
            return statusOrNull(location.path(), subject("check the existence of", location.uri())) != null;
        } catch (IOException e) {
            throw failure("check the existence of", location.uri().toString(), e);
        }
    }

    /** Size in bytes of a file; a directory is refused with {@link PathIsDirectoryException}. */
    @Override
    public long size(URI file) throws IOException {
        requireNonNull(file, "file is null");
        Location location = locate(file);
        checkOpen();
        FileStatus status;
        try {
            status = call(subject("read the size of", location.uri()), attempt -> fileSystem.getFileStatus(location.path()));
        } catch (FileNotFoundException e) {
            throw missing(location.uri(), e);
        }
        if (status.isDirectory()) {
            throw new PathIsDirectoryException(location.uri().toString());
        }
        return status.getLen();
    }

    /**
     * Files under a directory, recursively, as relative paths with {@code /} sorted by {@link String#compareTo}.
     * Symbolic links are not listed, and the staging area is skipped. A missing directory is a
     * {@link NoSuchFileException} naming the URI, a file a {@link PathIsNotDirectoryException}.
     */
    @Override
    public List<String> listFiles(URI directory) throws IOException {
        requireNonNull(directory, "directory is null");
        Location start = locate(directory);
        checkOpen();
        FaultRetry.Subject subject = subject("list", start.uri());
        FileStatus status;
        try {
            status = call(subject, attempt -> fileSystem.getFileStatus(start.path()));
        } catch (FileNotFoundException e) {
            throw missing(start.uri(), e);
        }
        if (!status.isDirectory()) {
            throw new PathIsNotDirectoryException(start.uri().toString());
        }
        List<String> files = new ArrayList<>();
        walk(start.path(), "", start.relative(), files, subject);
        Collections.sort(files);
        return Collections.unmodifiableList(files);
    }

    private void walk(Path directory, String prefix, String relativeToRoot, List<String> files,
            FaultRetry.Subject subject) throws IOException {
        FileStatus[] children;
        try {
            children = call(subject, attempt -> fileSystem.listStatus(directory));
        } catch (FileNotFoundException e) {
            if (prefix.isEmpty()) {
                throw e;
            }
            return; // deleted while we walked
        }
        for (FileStatus child : children) {
            String name = child.getPath().getName();
            String relative = prefix.isEmpty() ? name : prefix + "/" + name;
            String childRelativeToRoot = relativeToRoot.isEmpty() ? name : relativeToRoot + "/" + name;
            if (child.isDirectory()) {
                if (!childRelativeToRoot.equals(STAGING_DIRECTORY_NAME)) {
                    walk(child.getPath(), relative, childRelativeToRoot, files, subject);
                }
            } else if (child.isFile()) {
                files.add(relative);
            }
        }
    }

    /**
     * Deletes a file or a directory tree (not to the trash); no error if it does not exist. The root cannot be
     * deleted ({@link ErrorCode#INVALID_ARGUMENT}).
     */
    @Override
    public void delete(URI uri) throws IOException {
        requireNonNull(uri, "uri is null");
        Location location = locate(uri);
        if (location.relative().isEmpty()) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "Refusing to delete the root of the artifact store "
                    + rootUri + " (given as '" + uri + "'); delete the directories under it instead");
        }
        checkOpen();
        call(subject("delete", location.uri()), attempt -> fileSystem.delete(location.path(), true));
    }

    /**
     * Deletes the drafts in the staging area in which nothing (neither the draft directory nor anything in it) was
     * modified during the last {@code age} and no file is still open for writing, and returns how many it deleted.
     * Each such draft is first renamed aside, so a draft committed at the same moment is either committed whole or
     * not at all (its commit then fails). Modification times are the NameNode's, compared with this machine's clock.
     * On HDFS a file stays open until its writer closes it or, if the writer died, until the NameNode recovers the
     * writer's lease (by default 20 minutes after the writer stopped renewing it); such a draft is deleted by a later
     * call. Pick an age longer than any write takes, for example a day.
     *
     * @throws CairnException {@code INVALID_ARGUMENT} if {@code age} is negative
     */
    @Override
    public int deleteAbandonedDrafts(Duration age) throws IOException {
        requireNonNull(age, "age is null");
        if (age.isNegative()) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "age is negative (" + age
                    + "); pass Duration.ZERO to delete every draft in " + uriOf(STAGING_DIRECTORY_NAME));
        }
        checkOpen();
        Instant now = context.clock().instant();
        if (age.compareTo(Duration.between(Instant.EPOCH, now)) > 0) {
            return 0;
        }
        long cutoff = now.minus(age).toEpochMilli();
        FaultRetry.Subject subject = subject("delete abandoned drafts in", uriOf(STAGING_DIRECTORY_NAME));
        FileStatus[] entries;
        try {
            entries = call(subject, attempt -> fileSystem.listStatus(stagingPath));
        } catch (FileNotFoundException e) {
            return 0;
        }
        int deleted = 0;
        for (FileStatus entry : entries) {
            if (!abandoned(entry, cutoff, subject)) {
                continue;
            }
            Path doomed = entry.getPath();
            String name = doomed.getName();
            if (!name.endsWith(ABANDONED_SUFFIX)) {
                Path aside = new Path(stagingPath, name + ABANDONED_SUFFIX);
                try {
                    renameWithoutOverwrite(doomed, aside, subject);
                } catch (FileNotFoundException e) {
                    continue; // committed or closed meanwhile
                }
                doomed = aside;
            }
            Path target = doomed;
            call(subject, attempt -> fileSystem.delete(target, true));
            deleted++;
        }
        if (deleted > 0) {
            LOG.info("Deleted {} abandoned draft(s) older than {} in {}", deleted, age, uriOf(STAGING_DIRECTORY_NAME));
        }
        return deleted;
    }

    /** True if nothing in the tree at {@code entry} was modified at or after {@code cutoff} and no file is open. */
    private boolean abandoned(FileStatus entry, long cutoff, FaultRetry.Subject subject) throws IOException {
        if (entry.getModificationTime() >= cutoff) {
            return false;
        }
        if (!entry.isDirectory()) {
            return !openForWriting(entry, subject);
        }
        FileStatus[] children;
        try {
            children = call(subject, attempt -> fileSystem.listStatus(entry.getPath()));
        } catch (FileNotFoundException e) {
            return false; // changing under us: not abandoned
        }
        for (FileStatus child : children) {
            if (!abandoned(child, cutoff, subject)) {
                return false;
            }
        }
        return true;
    }

    private boolean openForWriting(FileStatus file, FaultRetry.Subject subject) throws IOException {
        if (!file.isFile() || !(fileSystem instanceof LeaseRecoverable leases)) {
            return false;
        }
        try {
            return !call(subject, attempt -> leases.isFileClosed(file.getPath()));
        } catch (FileNotFoundException e) {
            return true; // changing under us: not abandoned
        }
    }

    /** Closes the file system client; idempotent. Streams still open fail afterwards. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            fileSystem.close();
        } catch (IOException e) {
            LOG.warn("Closing the file system client of the artifact store {} failed", rootUri, e);
        }
    }

    @Override
    public String toString() {
        return "HdfsArtifactStore[" + rootUri + "]";
    }

    // ---------------------------------------------------------------------------------------------------------
    // Used by HdfsArtifactDraft

    /** The path and URI of a new file {@code relativePath} inside a draft directory, refusing bad paths. */
    Location locateInDraft(URI draftUri, String relativePath) {
        checkRelativePath(relativePath, "Draft file path");
        String draftRelative = locate(draftUri).relative();
        return location(draftRelative + "/" + relativePath);
    }

    /** Checks a commit target: a relative path inside the store and outside the staging area. */
    Location locateCommitTarget(String targetRelativeDirectory) {
        Location location = locate(targetRelativeDirectory, "Commit target");
        if (location.relative().equals(STAGING_DIRECTORY_NAME)
                || location.relative().startsWith(STAGING_DIRECTORY_NAME + "/")) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "Commit target '" + targetRelativeDirectory
                    + "' is inside the staging area " + uriOf(STAGING_DIRECTORY_NAME) + " of the artifact store "
                    + rootUri + ", where drafts are deleted; commit to a directory outside '" + STAGING_DIRECTORY_NAME
                    + "'");
        }
        return location;
    }

    /** Fails with a {@link FileNotFoundException} if a draft's directory is gone (deleted as abandoned). */
    void checkDraftDirectory(Path directory, URI draftUri) throws IOException {
        checkOpen();
        if (statusOrNull(directory, subject("write to the draft", draftUri)) == null) {
            throw new FileNotFoundException("The draft directory " + draftUri + " no longer exists: deleteAbandonedDrafts()"
                    + " removes drafts left unmodified for longer than its age. Write the artifact again.");
        }
    }

    /** Creates a directory and its missing parents. */
    void mkdirs(Path directory, FaultRetry.Subject subject) throws IOException {
        call(subject, attempt -> {
            if (!fileSystem.mkdirs(directory)) {
                throw new IOException("mkdirs returned false for " + directory);
            }
            return null;
        });
    }

    /**
     * Creates a new file in a draft. The first attempt refuses an existing file; a retry after a transient fault
     * overwrites what the failed attempt may have created (the draft directory is private to its writer).
     */
    /** The length of a regular file, or -1 when there is none (missing, or a directory). */
    long fileLength(Location location) throws IOException {
        try {
            FileStatus status = call(subject("read the size of", location.uri()), attempt -> fileSystem.getFileStatus(location.path()));
            return status.isFile() ? status.getLen() : -1;
        } catch (FileNotFoundException e) {
            return -1;
        }
    }

    FSDataOutputStream createFile(Path file, URI fileUri) throws IOException {
        return call(subject("create", fileUri), attempt -> fileSystem.create(file, attempt > 1, BUFFER_SIZE));
    }

    /**
     * Renames a draft directory to {@code target} without ever replacing or entering an existing target. A retry
     * after a transient fault first checks whether the failed attempt did the rename (the draft is gone and the target
     * is the draft's inode).
     *
     * @throws FileAlreadyExistsException if the target exists
     * @throws FileNotFoundException if the draft directory does not exist
     */
    void commitDraft(Path draft, Location target) throws IOException {
        FaultRetry.Subject subject = subject("commit a draft to", target.uri());
        FileStatus draftStatus = call(subject, attempt -> fileSystem.getFileStatus(draft));
        long draftId = fileId(draftStatus);
        Path parent = target.path().getParent();
        if (parent != null && !target.relative().isEmpty()) {
            mkdirs(parent, subject);
        }
        call(subject, attempt -> {
            if (attempt > 1 && renamedEarlier(draft, target.path(), draftId)) {
                return null;
            }
            renameOnce(draft, target.path());
            return null;
        });
    }

    /** Subject of a call, for messages. */
    FaultRetry.Subject subject(String action, URI target) {
        return new FaultRetry.Subject(action, target.toString(), rootUri.toString());
    }

    /** Runs a file-system call with the store's retries. */
    <T> T call(FaultRetry.Subject subject, FaultRetry.Attempt<T> attempt) throws IOException {
        return retry.call(subject, attempt);
    }

    /** Turns an I/O failure into a {@code STORE_FAILURE} (kept as is if it already is a {@link CairnException}). */
    CairnException failure(String action, String target, Exception e) {
        if (e instanceof CairnException cairn) {
            return cairn;
        }
        return new CairnException(ErrorCode.STORE_FAILURE, "Cannot " + action + " " + target + " in the artifact store "
                + rootUri + ": " + FaultRetry.summary(e), e);
    }

    /** Deletes a draft directory, ignoring a missing one. */
    void deleteDraftDirectory(Path directory, URI draftUri) throws IOException {
        call(subject("delete the draft", draftUri), attempt -> fileSystem.delete(directory, true));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Renames

    private void renameWithoutOverwrite(Path source, Path target, FaultRetry.Subject subject) throws IOException {
        long sourceId = fileId(call(subject, attempt -> fileSystem.getFileStatus(source)));
        call(subject, attempt -> {
            if (attempt > 1 && renamedEarlier(source, target, sourceId)) {
                return null;
            }
            renameOnce(source, target);
            return null;
        });
    }

    private void renameOnce(Path source, Path target) throws IOException {
        if (atomicRename) {
            FileUtil.rename(fileSystem, source, target, Options.Rename.NONE);
            return;
        }
        // No atomic rename-without-overwrite here: check, rename, and undo if the draft landed inside a target that
        // a concurrent commit created in between.
        if (fileSystem.exists(target)) {
            throw new FileAlreadyExistsException("rename destination " + target + " already exists");
        }
        if (!fileSystem.rename(source, target)) {
            if (fileSystem.exists(target)) {
                throw new FileAlreadyExistsException("rename destination " + target + " already exists");
            }
            if (!fileSystem.exists(source)) {
                throw new FileNotFoundException("rename source " + source + " not found");
            }
            throw new IOException("the file system refused to rename " + source + " to " + target);
        }
        Path inside = new Path(target, source.getName());
        if (fileSystem.exists(inside)) {
            if (!fileSystem.rename(inside, source)) {
                LOG.error("A concurrent commit to {} left the draft {} inside it, and moving it back failed", target,
                        inside);
            }
            throw new FileAlreadyExistsException("rename destination " + target + " already exists");
        }
    }

    private boolean renamedEarlier(Path source, Path target, long sourceId) throws IOException {
        if (fileSystem.exists(source)) {
            return false;
        }
        FileStatus status = statusOrNull(target, null);
        return status != null && (sourceId < 0 || fileId(status) == sourceId);
    }

    private static long fileId(FileStatus status) {
        return status instanceof HdfsFileStatus hdfs ? hdfs.getFileId() : -1;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Helpers

    /** The status of {@code path}, or {@code null} if it does not exist (retried when {@code subject} is given). */
    private @Nullable FileStatus statusOrNull(Path path, FaultRetry.@Nullable Subject subject) throws IOException {
        try {
            return subject == null ? fileSystem.getFileStatus(path)
                    : call(subject, attempt -> fileSystem.getFileStatus(path));
        } catch (FileNotFoundException | ParentNotDirectoryException e) {
            return null;
        }
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new CairnException(ErrorCode.STORE_FAILURE, "The artifact store " + rootUri
                    + " is closed; open it again through its provider");
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Path checks

    /** A checked place in the store: its canonical URI, its Hadoop path, and its path relative to the root. */
    record Location(URI uri, Path path, String relative) {}

    private Location locate(String relativePath, String what) {
        checkRelativePath(relativePath, what);
        return location(relativePath);
    }

    private Location location(String relative) {
        return new Location(uriOf(relative), pathOf(relative), relative);
    }

    private Location locate(URI uri) {
        String offending = uri.toString();
        if (!uri.isAbsolute() || !scheme.equalsIgnoreCase(uri.getScheme())) {
            throw refused("URI", offending, "it is not a " + scheme + ": URI");
        }
        if (uri.isOpaque()) {
            throw refused("URI", offending, "it is not hierarchical; use a URI obtained from resolve()");
        }
        String otherAuthority = uri.getRawAuthority() == null || uri.getRawAuthority().isEmpty()
                ? null : uri.getRawAuthority();
        if (authority == null ? otherAuthority != null : !authority.equalsIgnoreCase(otherAuthority)) {
            throw refused("URI", offending, "it names another file system ("
                    + (otherAuthority == null ? "no authority" : "authority " + otherAuthority) + ")");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw refused("URI", offending, "it has a query or a fragment");
        }
        String path = uri.getPath() == null || uri.getPath().isEmpty() ? "/" : uri.getPath();
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '\\') {
                throw refused("URI", offending, "its path contains a backslash");
            }
            if (Character.isISOControl(c)) {
                throw refused("URI", offending, "its path contains the control character " + RelativePaths.codePoint(c));
            }
        }
        List<String> names = new ArrayList<>();
        for (String name : path.split("/")) {
            if (name.isEmpty() || name.equals(".")) {
                continue;
            }
            if (name.equals("..")) {
                if (names.isEmpty()) {
                    throw refused("URI", offending, "it climbs above the root of the file system");
                }
                names.remove(names.size() - 1);
                continue;
            }
            names.add(name);
        }
        if (names.size() < rootNames.size() || !names.subList(0, rootNames.size()).equals(rootNames)) {
            throw refused("URI", offending, "it resolves to /" + String.join("/", names) + ", outside the store");
        }
        return location(String.join("/", names.subList(rootNames.size(), names.size())));
    }

    private void checkRelativePath(String relativePath, String what) {
        String problem = relativePathProblem(relativePath);
        if (problem != null) {
            throw refused(what, relativePath, problem + "; " + RELATIVE_PATH_RULE);
        }
    }

    /** Why {@code path} is not an acceptable relative path, or {@code null} if it is. */
    static @Nullable String relativePathProblem(String path) {
        return RelativePaths.problem(path).orElse(null);
    }

    /** The Hadoop path of a checked relative path (built from names, never parsed, so ':' cannot become a scheme). */
    private Path pathOf(String relative) {
        String absolute = relative.isEmpty() ? rootPathString
                : rootNames.isEmpty() ? "/" + relative : rootPathString + "/" + relative;
        return new Path(scheme, authority, absolute);
    }

    private URI uriOf(String relative) {
        if (relative.isEmpty()) {
            return rootUri;
        }
        try {
            String encoded = new URI(null, null, "/" + relative, null).toASCIIString();
            return URI.create(rootUri + encoded.substring(1));
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot encode " + relative, e);
        }
    }

    private static URI directoryUri(String scheme, @Nullable String authority, List<String> names) {
        String path = names.isEmpty() ? "/" : "/" + String.join("/", names) + "/";
        try {
            return URI.create(new URI(scheme, authority, path, null, null).toASCIIString());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot build a URI of " + scheme + "://" + authority + path, e);
        }
    }

    private static List<String> splitNames(String path) {
        List<String> names = new ArrayList<>();
        for (String name : path.split("/")) {
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        return names;
    }

    private CairnException refused(String what, String offending, String reason) {
        return new CairnException(ErrorCode.PATH_OUTSIDE_STORE, what + " '" + RelativePaths.printable(offending) + "' is refused: "
                + reason + ". The artifact store root is " + rootUri + ".");
    }


}
