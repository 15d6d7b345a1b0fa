package dev.cairn.stores.local;

import static java.util.Objects.requireNonNull;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.StringJoiner;
import java.util.UUID;

import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.spi.ArtifactDraft;
import dev.cairn.api.spi.ArtifactStore;
import dev.cairn.api.spi.StoreContext;
import dev.cairn.api.spi.RelativePaths;

/**
 * An {@link ArtifactStore} in a directory of the local file system, addressed by {@code file:} URIs.
 *
 * <p><b>Layout.</b> {@link #createDraft()} makes {@code <root>/.staging/<random UUID>/}; the draft's files are
 * written there, and {@link ArtifactDraft#commit(String)} creates the target's parent directories and renames the
 * staging directory to the target with {@link StandardCopyOption#ATOMIC_MOVE}. A reader therefore sees either no
 * artifact or all of it, and the root and its staging area must be on one file system. {@link #listFiles(URI)} never
 * lists the staging area of a directory above it.
 *
 * <p><b>Paths.</b> A relative path is one or more names separated by {@code /}; it is refused if it is empty or
 * absolute, or has an empty name ({@code a//b}, a trailing {@code /}), a {@code .} or {@code ..} name, a backslash
 * or a control character. A URI must be an absolute, hierarchical {@code file:} URI without host, query or
 * fragment. After that, every path is normalised and resolved one name at a time, following symbolic links
 * (dangling ones too) the way the operating system would, and it is refused unless the result lies inside the real
 * path of the root; comparisons are between paths, never string prefixes. Refusals are {@link CairnException}s
 * with {@link ErrorCode#PATH_OUTSIDE_STORE} that name the offending path or URI and the root. The check and the
 * following I/O are two steps: this guards against bad names and against links already present, not against a
 * hostile process that swaps directories for links inside the store while it is being used.
 *
 * <p>URIs returned by this store are canonical: {@link #rootUri()} followed by the percent-encoded relative path,
 * with no trailing {@code /} except on the root itself. I/O happens on the resolved real path.
 *
 * <p><b>Errors.</b> Methods that declare {@link IOException} let the file system's exception through unchanged
 * (for example {@link NoSuchFileException} for a missing file, whose message names the path), except where the
 * store knows the cause better: a commit onto an existing target, a commit across file systems and a commit of a
 * draft whose staging directory has been deleted are {@link ErrorCode#STORE_FAILURE}s. Methods that do not
 * declare it ({@link #resolve}, {@link #checkInside}, {@link #exists}, {@link #createDraft()}, the constructor and
 * {@link ArtifactDraft#close()}) report I/O failures as {@link ErrorCode#STORE_FAILURE} naming the path or URI.
 *
 * <p><b>Reserved areas.</b> The staging area {@code <root>/.staging} must be a real directory: when it is a symbolic
 * link (to anywhere), {@link #createDraft()} and {@link #deleteAbandonedDrafts} refuse with
 * {@link ErrorCode#PATH_OUTSIDE_STORE} naming the link and its target, so no draft is written, and no entry deleted,
 * through it. Any other path whose resolution leaves the root through a symbolic link (for example an
 * {@code artifacts} directory replaced by a link to a folder outside the store) is refused by the path checks,
 * and the refusal names the link.
 *
 * <p><b>Durability.</b> By default nothing is forced to the disk: neither files ({@code FileChannel.force}) nor
 * directories are synchronised, so writing a small artifact costs a handful of system calls and no disk flush. A
 * committed artifact survives the end of the JVM, but after an operating-system crash or a power loss it may be
 * missing or have truncated files. Artifact manifests record each file's size and SHA-256, which are checked before a
 * cached artifact is trusted, so such damage is detected rather than used. In <em>durable</em> mode
 * ({@link #LocalArtifactStore(Path, boolean)}, or the setting {@value #DURABLE_SETTING}{@code =true} of
 * {@link LocalArtifactStoreProvider}) a commit first forces every file of the draft and every directory in it to the
 * disk, then renames, then forces the target's parent directory: once {@link ArtifactDraft#commit(String)} returns,
 * the artifact survives a power loss (on file systems that honour {@code fsync}). BENCHMARKS.md has its cost. Each
 * forced file and directory is counted, once its {@code fsync} returned, in the context's metrics as
 * {@value #FILE_FSYNCS} and {@value #DIRECTORY_FSYNCS}; in the default mode neither is ever counted.
 *
 * <p>Thread-safe. The store holds no open resources; {@link #close()} does nothing.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class LocalArtifactStore implements ArtifactStore {
    /** Name of the staging directory directly under the root. */
    static final String STAGING_DIRECTORY_NAME = ".staging";

    /** The configuration key of {@link LocalArtifactStoreProvider} that turns durable mode on ({@code true}) or off. */
    public static final String DURABLE_SETTING = "cairn.durable";

    /** The counter of files forced to the disk in durable mode (one per {@code fsync}), in the context's metrics. */
    public static final String FILE_FSYNCS = "cairn.store.local.fsync.files";

    /** The counter of directories forced to the disk in durable mode (one per {@code fsync}), in the context's metrics. */
    public static final String DIRECTORY_FSYNCS = "cairn.store.local.fsync.directories";

    /** Buffer size of the streams returned by {@link #openRead} and {@link ArtifactDraft#create}. */
    static final int BUFFER_SIZE = 32 * 1024;

    private static final int MAX_SYMBOLIC_LINKS = 40;
    private static final String ABANDONED_SUFFIX = ".abandoned";
    private static final String RELATIVE_PATH_RULE = RelativePaths.RULE;

    private final Path root;
    private final Path staging;
    private final URI rootUri;
    private final StoreContext context;
    private final boolean durable;

    /**
     * Opens the store rooted at {@code root}, creating the directory and its staging area if needed, in the default
     * (not durable) mode. The root is kept as its real path (symbolic links resolved), which is what
     * {@link #rootUri()} shows.
     *
     * @throws CairnException {@code STORE_FAILURE} if the root is not a directory or cannot be created
     */
    public LocalArtifactStore(Path root) {
        this(root, StoreContext.defaults(), false);
    }

    /**
     * Opens the store rooted at {@code root} like {@link #LocalArtifactStore(Path)}; with {@code durable}, commits
     * force the artifact's files and directories to the disk (see the class description).
     *
     * @throws CairnException {@code STORE_FAILURE} if the root is not a directory or cannot be created
     */
    public LocalArtifactStore(Path root, boolean durable) {
        this(root, StoreContext.defaults(), durable);
    }

    /**
     * Opens the store rooted at {@code root} like {@link #LocalArtifactStore(Path)}; ages of drafts are measured with
     * the context's clock, and commits are reported to its metrics as the counter {@code cairn.store.local.commits}
     * and the timer {@code cairn.store.local.commit}.
     */
    public LocalArtifactStore(Path root, StoreContext context) {
        this(root, context, false);
    }

    /**
     * Opens the store rooted at {@code root} with a context (clock, metrics) and, with {@code durable}, in durable mode.
     *
     * @throws CairnException {@code STORE_FAILURE} if the root is not a directory or cannot be created
     */
    public LocalArtifactStore(Path root, StoreContext context, boolean durable) {
        requireNonNull(root, "root is null");
        this.context = requireNonNull(context, "context is null");
        this.durable = durable;
        Path absolute = root.toAbsolutePath().normalize();
        Path realRoot;
        try {
            if (!Files.isDirectory(absolute)) {
                Files.createDirectories(absolute);
            }
            realRoot = absolute.toRealPath();
            Files.createDirectories(realRoot.resolve(STAGING_DIRECTORY_NAME));
        } catch (IOException e) {
            throw new CairnException(ErrorCode.STORE_FAILURE, "Cannot open the local artifact store at " + absolute
                    + ": " + e + ". The root must be a directory, or creatable as one, and writable.", e);
        }
        this.root = realRoot;
        this.staging = realRoot.resolve(STAGING_DIRECTORY_NAME);
        String uri = realRoot.toUri().toString();
        this.rootUri = URI.create(uri.endsWith("/") ? uri : uri + "/");
    }

    /** The context the store was opened with. */
    StoreContext context() {
        return context;
    }

    @Override
    public URI rootUri() {
        return rootUri;
    }

    @Override
    public URI resolve(String relativePath) {
        requireNonNull(relativePath, "relativePath is null");
        try {
            return locate(relativePath, "Relative path").uri();
        } catch (IOException e) {
            throw failure("resolve", relativePath, e);
        }
    }

    @Override
    public URI checkInside(URI uri) {
        requireNonNull(uri, "uri is null");
        try {
            return locate(uri).uri();
        } catch (IOException e) {
            throw failure("check", uri.toString(), e);
        }
    }

    /** Whether commits force the artifact to the disk (see the class description). */
    public boolean durable() {
        return durable;
    }

    /**
     * Creates a draft directory in the staging area.
     *
     * @throws CairnException {@code PATH_OUTSIDE_STORE} if the staging area is a symbolic link; {@code STORE_FAILURE}
     *     if it is not a directory or the draft directory cannot be created
     */
    @Override
    public ArtifactDraft createDraft() {
        Path directory = staging.resolve(UUID.randomUUID().toString());
        try {
            if (!checkStagingArea("create a draft")) {
                Files.createDirectory(staging);
            }
            Files.createDirectory(directory);
        } catch (IOException e) {
            throw failure("create a draft in", staging.toString(), e);
        }
        return new LocalArtifactDraft(this, directory);
    }

    /**
     * Checks that the staging area is a real directory and not a symbolic link; returns false if it does not exist.
     *
     * @throws CairnException {@code PATH_OUTSIDE_STORE} for a link, {@code STORE_FAILURE} for a file
     */
    private boolean checkStagingArea(String action) throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(staging, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return false;
        }
        if (attributes.isSymbolicLink()) {
            Path target = Files.readSymbolicLink(staging);
            throw new CairnException(ErrorCode.PATH_OUTSIDE_STORE, "Cannot " + action + ": the staging area " + staging
                    + " of the artifact store " + rootUri + " is a symbolic link to " + target + ". Cairn never follows links for"
                    + " its reserved areas (drafts would be written, and pruned, outside the store): remove the link ('rm "
                    + staging + "'), and Cairn recreates the directory");
        }
        if (!attributes.isDirectory()) {
            throw new CairnException(ErrorCode.STORE_FAILURE, "Cannot " + action + ": the staging area " + staging
                    + " of the artifact store " + rootUri + " is not a directory; move that file away, and Cairn recreates the directory");
        }
        return true;
    }

    /** Opens a file for reading, buffered; the caller closes the stream. A missing file is a {@link NoSuchFileException} naming the URI. */
    @Override
    public InputStream openRead(URI file) throws IOException {
        requireNonNull(file, "file is null");
        try {
            return new BufferedInputStream(Files.newInputStream(realPathOf(file)), BUFFER_SIZE);
        } catch (NoSuchFileException e) {
            throw missing(file, e);
        }
    }

    /** Opens a file for reading at any position; the caller closes the channel. A missing file is a {@link NoSuchFileException} naming the URI. */
    @Override
    public SeekableByteChannel openRandomAccess(URI file) throws IOException {
        requireNonNull(file, "file is null");
        try {
            return Files.newByteChannel(realPathOf(file), StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw missing(file, e);
        }
    }

    /** The store's one missing-file signal: a {@link NoSuchFileException} whose file is the URI asked for. */
    private static NoSuchFileException missing(URI uri, NoSuchFileException cause) {
        NoSuchFileException missing = new NoSuchFileException(uri.toString(), null, "no such file or directory in the artifact store");
        missing.initCause(cause);
        return missing;
    }

    @Override
    public boolean exists(URI uri) {
        requireNonNull(uri, "uri is null");
        try {
            return locate(uri).exists();
        } catch (IOException e) {
            throw failure("check the existence of", uri.toString(), e);
        }
    }

    /** Size in bytes of a file; a directory is refused with a {@link FileSystemException}, a missing file is a {@link NoSuchFileException} naming the URI. */
    @Override
    public long size(URI file) throws IOException {
        requireNonNull(file, "file is null");
        Path path;
        BasicFileAttributes attributes;
        try {
            path = realPathOf(file);
            attributes = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw missing(file, e);
        }
        if (attributes.isDirectory()) {
            throw new FileSystemException(path.toString(), null, "Is a directory, not a file");
        }
        return attributes.size();
    }

    /**
     * Regular files under a directory, recursively, as relative paths with {@code /} sorted by
     * {@link String#compareTo}. Symbolic links are neither followed nor listed, and the staging area is skipped.
     * A missing directory is a {@link NoSuchFileException} naming the URI, a file a {@link NotDirectoryException}.
     */
    @Override
    public List<String> listFiles(URI directory) throws IOException {
        requireNonNull(directory, "directory is null");
        Path start = locate(directory).path();
        BasicFileAttributes startAttributes;
        try {
            startAttributes = Files.readAttributes(start, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw missing(directory, e);
        }
        if (!startAttributes.isDirectory()) {
            throw new NotDirectoryException(start.toString());
        }
        List<String> files = new ArrayList<>();
        Files.walkFileTree(start, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                return dir.equals(staging) && !dir.equals(start) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (attributes.isRegularFile()) {
                    files.add(join(start.relativize(file)));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException && !file.equals(start)) {
                    return FileVisitResult.CONTINUE; // deleted while we walked
                }
                throw e;
            }
        });
        Collections.sort(files);
        return Collections.unmodifiableList(files);
    }

    /**
     * Deletes a file or a directory tree; no error if it does not exist. A symbolic link is deleted itself, never
     * what it points to. The root cannot be deleted ({@link ErrorCode#INVALID_ARGUMENT}).
     */
    @Override
    public void delete(URI uri) throws IOException {
        requireNonNull(uri, "uri is null");
        Location location = locate(uri);
        if (location.uri().equals(rootUri)) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "Refusing to delete the root of the artifact store "
                    + rootUri + " (given as '" + uri + "'); delete the directories under it instead");
        }
        // Act on the entry named by the URI (a link itself, not its target) inside its parent's real directory.
        Path lexical = location.lexical();
        Path parent = requireNonNull(lexical.getParent(), "parent");
        Path realParent = resolveLinks(parent.getRoot(), names(parent)).path();
        if (!realParent.startsWith(root)) {
            throw refused("URI", uri.toString(), "its parent directory resolves to " + realParent
                    + ", outside the store; use a URI obtained from resolve()");
        }
        deleteTree(realParent.resolve(requireNonNull(lexical.getFileName(), "file name")));
    }

    /**
     * Deletes the directory at {@code uri} if it is empty ({@code rmdir}, which the file system makes atomic: a
     * directory that is not empty, or is not a directory, stays). A commit racing it recreates the directory
     * ({@link LocalArtifactDraft}).
     */
    @Override
    public boolean deleteEmptyDirectory(URI uri) throws IOException {
        requireNonNull(uri, "uri is null");
        Location location = locate(uri);
        if (location.uri().equals(rootUri)) {
            return false;
        }
        Path lexical = location.lexical();
        Path parent = requireNonNull(lexical.getParent(), "parent");
        Path realParent = resolveLinks(parent.getRoot(), names(parent)).path();
        if (!realParent.startsWith(root)) {
            throw refused("URI", uri.toString(), "its parent directory resolves to " + realParent
                    + ", outside the store; use a URI obtained from resolve()");
        }
        Path directory = realParent.resolve(requireNonNull(lexical.getFileName(), "file name"));
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try {
            Files.delete(directory);
            return true;
        } catch (java.nio.file.DirectoryNotEmptyException | java.nio.file.NoSuchFileException e) {
            return false;
        }
    }

    /**
     * Deletes the drafts in the staging area in which nothing (neither the draft directory nor anything in it) was
     * modified during the last {@code age}, and returns how many it deleted. Each such draft is first renamed
     * aside atomically, so a draft committed at the same moment is either committed whole or not at all (its
     * commit then fails). Pick an age longer than any write takes, for example a day.
     *
     * @throws CairnException {@code INVALID_ARGUMENT} if {@code age} is negative
     */
    @Override
    public int deleteAbandonedDrafts(Duration age) throws IOException {
        requireNonNull(age, "age is null");
        if (age.isNegative()) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT,
                    "age is negative (" + age + "); pass Duration.ZERO to delete every draft in " + staging);
        }
        Instant now = context.clock().instant();
        if (age.compareTo(Duration.between(Instant.EPOCH, now)) > 0) {
            return 0;
        }
        FileTime cutoff = FileTime.from(now.minus(age));
        if (!checkStagingArea("delete abandoned drafts")) {
            return 0;
        }
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(staging)) {
            stream.forEach(entries::add);
        } catch (NoSuchFileException e) {
            return 0;
        }
        int deleted = 0;
        for (Path entry : entries) {
            if (!unmodifiedSince(entry, cutoff)) {
                continue;
            }
            Path doomed = entry;
            String name = entry.getFileName().toString();
            if (!name.endsWith(ABANDONED_SUFFIX)) {
                doomed = staging.resolve(name + ABANDONED_SUFFIX);
                try {
                    Files.move(entry, doomed, StandardCopyOption.ATOMIC_MOVE);
                } catch (NoSuchFileException e) {
                    continue; // committed or closed meanwhile
                }
            }
            deleteTree(doomed);
            deleted++;
        }
        return deleted;
    }

    /** Does nothing: the store holds no open resources. */
    @Override
    public void close() {}

    @Override
    public String toString() {
        return "LocalArtifactStore[" + rootUri + "]";
    }

    // ---------------------------------------------------------------------------------------------------------
    // Used by LocalArtifactDraft

    /** The real path of a new file {@code relativePath} inside a draft directory, refusing bad or escaping paths. */
    Path locateInDraft(Path draftDirectory, String relativePath) throws IOException {
        checkRelativePath(relativePath, "Draft file path");
        Resolution resolution = resolveLinks(draftDirectory, List.of(relativePath.split("/")));
        if (!resolution.path().startsWith(draftDirectory) || !resolution.path().startsWith(root)) {
            throw refused("Draft file path", relativePath, "it resolves to " + resolution.path()
                    + " through a symbolic link, outside the draft " + draftDirectory);
        }
        return resolution.path();
    }

    /**
     * Checks a commit target: a relative path inside the store and outside the staging area. Returns its canonical
     * URI and the real path the draft directory must be renamed to.
     */
    Location locateCommitTarget(String targetRelativeDirectory) throws IOException {
        Location location = locate(targetRelativeDirectory, "Commit target");
        if (location.path().startsWith(staging)) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "Commit target '" + targetRelativeDirectory
                    + "' is inside the staging area " + staging + " of the artifact store " + rootUri
                    + ", where drafts are deleted; commit to a directory outside '" + STAGING_DIRECTORY_NAME + "'");
        }
        return location;
    }

    /** Deletes a file, link or directory tree without following links; returns quietly if it does not exist. */
    static void deleteTree(Path path) throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        }
        if (!attributes.isDirectory()) {
            Files.deleteIfExists(path);
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes fileAttributes) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, @Nullable IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    // ---------------------------------------------------------------------------------------------------------
    // Path checks

    /** A checked place in the store: its canonical URI, its normalised path as given, and its real path. */
    record Location(URI uri, Path lexical, Path path, boolean exists) {}

    /**
     * The real path of a path, whether it exists (following links), and the first symbolic link that led out of the
     * store root on the way, if any.
     */
    private record Resolution(Path path, boolean exists, @Nullable String escapingLink) {
        Resolution(Path path, boolean exists) {
            this(path, exists, null);
        }
    }

    private Location locate(String relativePath, String what) throws IOException {
        checkRelativePath(relativePath, what);
        Path lexical;
        try {
            lexical = root.resolve(relativePath);
        } catch (InvalidPathException e) {
            throw refused(what, relativePath, "it is not a valid path here (" + e.getMessage() + ")");
        }
        Resolution resolution = resolveLinks(root, List.of(relativePath.split("/")));
        checkResolvedInside(what, relativePath, resolution);
        return new Location(uriOf(relativePath), lexical, resolution.path(), resolution.exists());
    }

    private Location locate(URI uri) throws IOException {
        Path lexical = pathOf(uri);
        Resolution resolution = resolve(uri, lexical, false);
        String relative = join(root.relativize(lexical.startsWith(root) ? lexical : resolution.path()));
        return new Location(uriOf(relative), lexical, resolution.path(), resolution.exists());
    }

    /**
     * The checked real path of a file about to be read: {@link #locate(URI)} without building the canonical URI, and
     * with the operating system's {@code realpath} in one call instead of a walk when the file exists.
     */
    private Path realPathOf(URI uri) throws IOException {
        return resolve(uri, pathOf(uri), true).path();
    }

    private Resolution resolve(URI uri, Path lexical, boolean probablyExists) throws IOException {
        Path base = lexical.startsWith(root) ? root : requireNonNull(lexical.getRoot(), "root");
        List<String> names = names(base.relativize(lexical));
        Resolution resolution = probablyExists ? resolveExisting(lexical, base, names) : resolveLinks(base, names);
        checkResolvedInside("URI", uri.toString(), resolution);
        return resolution;
    }

    /**
     * {@link #resolveLinks} for a path that probably exists: {@code realpath} gives the same result for an existing
     * path in one system call; when it fails for any reason (missing, dangling link, loop, permission), the walk
     * decides and reports the error the OS would.
     */
    private static Resolution resolveExisting(Path lexical, Path base, List<String> names) throws IOException {
        try {
            return new Resolution(lexical.toRealPath(), true);
        } catch (IOException e) {
            return resolveLinks(base, names);
        }
    }

    private void checkResolvedInside(String what, String offending, Resolution resolution) {
        if (!resolution.path().startsWith(root)) {
            Resolution explained = resolution;
            if (explained.escapingLink() == null) {
                try {
                    explained = resolveLinks(root, names(root.relativize(root.resolve(offendingPath(offending)))));
                } catch (IOException | RuntimeException e) {
                    explained = resolution; // the plain message below is still right
                }
            }
            String link = explained.escapingLink() != null ? " through the symbolic link " + explained.escapingLink() : "";
            throw refused(what, offending, "it resolves to " + resolution.path() + link + ", outside the store");
        }
    }

    /** The path part of an offending relative path or {@code file:} URI, for explaining a refusal. */
    private Path offendingPath(String offending) {
        if (offending.startsWith("file:") || offending.startsWith("FILE:")) {
            Path lexical = pathOf(URI.create(offending));
            return lexical.startsWith(root) ? root.relativize(lexical) : Path.of("");
        }
        return Path.of(offending);
    }

    /** The normalised absolute path of a {@code file:} URI, refusing any other kind of URI. */
    private Path pathOf(URI uri) {
        String offending = uri.toString();
        if (!uri.isAbsolute() || !"file".equalsIgnoreCase(uri.getScheme())) {
            throw refused("URI", offending, "it is not a file: URI");
        }
        if (uri.isOpaque()) {
            throw refused("URI", offending, "it is not hierarchical; write file:///absolute/path");
        }
        if (uri.getRawAuthority() != null && !uri.getRawAuthority().isEmpty()) {
            throw refused("URI", offending, "it names a host");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw refused("URI", offending, "it has a query or a fragment");
        }
        String path = uri.getPath();
        if (path == null || path.isEmpty()) {
            throw refused("URI", offending, "it has no path");
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '\\') {
                throw refused("URI", offending, "its path contains a backslash");
            }
            if (Character.isISOControl(c)) {
                throw refused("URI", offending, "its path contains the control character " + RelativePaths.codePoint(c));
            }
        }
        try {
            return Path.of(uri).toAbsolutePath().normalize();
        } catch (IllegalArgumentException | FileSystemNotFoundException e) {
            throw refused("URI", offending, "it is not a usable file: URI (" + e.getMessage() + ")");
        }
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

    /**
     * Resolves {@code names} against {@code base} (a real directory) one name at a time, following symbolic links
     * (dangling ones too) as the operating system would; once a name does not exist, the rest is appended as is.
     */
    private static Resolution resolveLinks(Path base, List<String> names) throws IOException {
        Deque<String> pending = new ArrayDeque<>(names);
        Path current = base;
        boolean missing = false;
        int links = 0;
        String escapingLink = null;
        while (!pending.isEmpty()) {
            String name = pending.removeFirst();
            if (name.isEmpty() || name.equals(".")) {
                continue;
            }
            if (name.equals("..")) {
                Path parent = current.getParent();
                if (parent != null) {
                    current = parent;
                }
                continue;
            }
            Path next = current.resolve(name);
            if (!missing) {
                BasicFileAttributes attributes;
                try {
                    attributes = Files.readAttributes(next, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (NoSuchFileException e) {
                    missing = true;
                    current = next;
                    continue;
                }
                if (attributes.isSymbolicLink()) {
                    if (++links > MAX_SYMBOLIC_LINKS) {
                        throw new FileSystemException(next.toString(), null, "Too many levels of symbolic links");
                    }
                    Path target = Files.readSymbolicLink(next);
                    if (escapingLink == null) {
                        Path resolvedTarget = next.resolveSibling(target).normalize();
                        if (!resolvedTarget.startsWith(base)) {
                            escapingLink = next + " -> " + target;
                        }
                    }
                    List<String> targetNames = names(target);
                    for (int i = targetNames.size() - 1; i >= 0; i--) {
                        pending.addFirst(targetNames.get(i));
                    }
                    if (target.isAbsolute()) {
                        current = requireNonNull(target.getRoot(), "root");
                    }
                    continue;
                }
                if (!attributes.isDirectory() && !pending.isEmpty()) {
                    missing = true; // a name under a file cannot exist
                }
            }
            current = next;
        }
        return new Resolution(current, !missing, escapingLink);
    }

    private static List<String> names(Path path) {
        List<String> names = new ArrayList<>(path.getNameCount());
        for (Path name : path) {
            names.add(name.toString());
        }
        return names;
    }

    private static String join(Path relative) {
        if (relative.toString().isEmpty()) {
            return "";
        }
        StringJoiner joiner = new StringJoiner("/");
        for (Path name : relative) {
            joiner.add(name.toString());
        }
        return joiner.toString();
    }

    private URI uriOf(String relativePath) {
        if (relativePath.isEmpty()) {
            return rootUri;
        }
        try {
            String encoded = new URI(null, null, "/" + relativePath, null).toASCIIString();
            return URI.create(rootUri + encoded.substring(1));
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot encode " + relativePath, e);
        }
    }

    /** True if nothing in the tree at {@code entry} was modified at or after {@code cutoff}. */
    private static boolean unmodifiedSince(Path entry, FileTime cutoff) throws IOException {
        boolean[] recent = {false};
        try {
            Files.walkFileTree(entry, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                    return check(attributes);
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    return check(attributes);
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        recent[0] = true; // changing under us: not abandoned
                        return FileVisitResult.TERMINATE;
                    }
                    throw e;
                }

                private FileVisitResult check(BasicFileAttributes attributes) {
                    if (attributes.lastModifiedTime().compareTo(cutoff) >= 0) {
                        recent[0] = true;
                        return FileVisitResult.TERMINATE;
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException e) {
            return false;
        }
        return !recent[0];
    }

    // ---------------------------------------------------------------------------------------------------------
    // Errors

    private CairnException refused(String what, String offending, String reason) {
        return new CairnException(ErrorCode.PATH_OUTSIDE_STORE, what + " '" + RelativePaths.printable(offending) + "' is refused: "
                + reason + ". The artifact store root is " + rootUri + ".");
    }

    private CairnException failure(String action, String target, IOException e) {
        return new CairnException(ErrorCode.STORE_FAILURE, "Cannot " + action + " '" + RelativePaths.printable(target)
                + "' in the artifact store " + rootUri + ": " + e, e);
    }


}
