package dev.cairn.engine.artifacts;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.ArtifactType;
import dev.cairn.api.lifecycle.ProgressListener;
import dev.cairn.api.metadata.ArtifactVersionRecord;
import dev.cairn.api.metadata.MetadataStore;
import dev.cairn.api.metadata.NewArtifactVersion;
import dev.cairn.api.spi.ArtifactDraft;
import dev.cairn.api.spi.ArtifactStore;
import dev.cairn.engine.files.TemporaryFiles;
import dev.cairn.engine.stores.ArtifactStores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Existing files and folders registered as artifact versions without copying them.
 *
 * <p><b>Layout.</b> The data stays where it is. Its manifest (the same format as a written artifact's, with file
 * paths relative to the registered folder, or to the parent folder of a registered file) goes to a sidecar
 * directory the store owns, {@code <store>/.cairn-registered/<artifact id>/.cairn/manifest.json}, committed
 * atomically through a draft like any artifact directory. The version is recorded with {@code registered = true},
 * materializer {@value #MATERIALIZER_ID}, data type {@code java.nio.file.Path} and, in its metadata,
 * {@value #KIND_KEY} ({@code file} or {@code directory}) and {@value #FILES_KEY} (the number of files).
 *
 * <p>Loading makes a local view of every file listed in the manifest in a new temporary folder owned by a
 * {@link TemporaryFiles.Scope} (hard links where the data is local and on the temp root's filesystem, copies through
 * the store otherwise) and returns the view of the file, or of the folder; the scope deletes it when it ends.
 */
@org.apiguardian.api.API(status = org.apiguardian.api.API.Status.INTERNAL, since = "0.2")
public final class RegisteredData {
    private static final Logger LOG = LoggerFactory.getLogger(RegisteredData.class);

    public static final String MATERIALIZER_ID = "cairn.path";
    public static final String MATERIALIZER_VERSION = "1";
    public static final String DATA_TYPE = "java.nio.file.Path";
    public static final String SIDECAR_DIRECTORY = ".cairn-registered";
    public static final String KIND_KEY = "cairn.registered.kind";
    public static final String FILES_KEY = "cairn.registered.files";
    /** Top-level directories of a store that hold what Cairn itself manages; data inside them cannot be registered. */
    static final Set<String> RESERVED_TOP_LEVEL = Set.of(".staging", SIDECAR_DIRECTORY, "artifacts", dev.cairn.engine.logs.StepLogs.DIRECTORY);
    private static final long PROGRESS_EVERY_BYTES = 64L << 20;

    private final ArtifactStores stores;
    private final MetadataStore metadata;
    private final ObjectMapper json;
    private final Clock clock;

    RegisteredData(ArtifactStores stores, MetadataStore metadata, ObjectMapper json, Clock clock) {
        this.stores = stores;
        this.metadata = metadata;
        this.json = json;
        this.clock = clock;
    }

    /** True when {@code record} was registered from existing data through this class. */
    public static boolean isRegisteredData(ArtifactVersionRecord record) {
        return record.registered() && MATERIALIZER_ID.equals(record.materializerId());
    }

    /** Where the manifest of a registered version lives. */
    static URI manifestUri(ArtifactStore store, UUID id) {
        return store.resolve(sidecarPath(id) + "/" + Manifest.PATH);
    }

    /** The sidecar directory of a registered version, relative to its store's root. */
    public static String sidecarPath(UUID id) {
        return SIDECAR_DIRECTORY + "/" + id;
    }

    /** The directory the manifest's file paths are relative to. */
    static URI baseDirectory(ArtifactVersionRecord record) {
        URI uri = record.uri().orElseThrow();
        if ("file".equals(record.metadata().get(KIND_KEY))) {
            return uri.resolve(".");
        }
        String text = uri.toString();
        return text.endsWith("/") ? uri : URI.create(text + "/");
    }

    ArtifactVersionRecord register(URI uri, String name, ProgressListener progress) {
        requireNonNull(uri, "uri is null");
        requireNonNull(name, "name is null");
        requireNonNull(progress, "progress is null");
        String where = "registering " + uri;
        ArtifactNames.validateName(name, where);
        ArtifactStore store = storeContaining(uri);
        URI checked = store.checkInside(uri);
        Path local = localPath(checked);
        if (local != null) {
            // One registration per real path: a folder reached through a link is recorded, and compared, as its real path.
            Path real = realPath(local, uri);
            checked = store.checkInside(real.toUri());
            checkLocalEntries(real);
        }
        URI normalised = checked;
        String relative = relativePath(store, normalised);
        if (relative.isEmpty()) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "Cannot register " + uri + ": it is the root of the artifact store "
                    + store.rootUri() + "; register a file or folder inside it");
        }
        String top = relative.split("/", 2)[0];
        if (RESERVED_TOP_LEVEL.contains(top)) {
            throw new CairnException(ErrorCode.PATH_OUTSIDE_STORE, "Cannot register " + normalised + ": it lies in '" + top
                    + "/', which Cairn manages in the store " + store.rootUri() + "; put the data elsewhere in the store, e.g. under "
                    + store.rootUri() + "data/");
        }
        if (!store.exists(normalised)) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "Cannot register " + normalised + ": no such file or folder");
        }
        metadata.findArtifactVersionByUri(normalised).ifPresent(existing -> {
            throw alreadyRegistered(normalised, existing);
        });

        boolean directory;
        List<String> files;
        try {
            files = store.listFiles(normalised);
            directory = true;
        } catch (IOException notADirectory) {
            try {
                store.size(normalised);
            } catch (IOException e) {
                throw new CairnException(ErrorCode.STORE_FAILURE, "Cannot read " + normalised + " to register it: " + e, e);
            }
            String path = normalised.getPath();
            files = List.of(path.substring(path.lastIndexOf('/') + 1));
            directory = false;
        }
        URI base = directory ? (normalised.toString().endsWith("/") ? normalised : URI.create(normalised + "/")) : normalised.resolve(".");
        List<Manifest.FileEntry> entries = hash(store, base, files, progress, normalised);
        long size = entries.stream().mapToLong(Manifest.FileEntry::size).sum();
        String contentHash = ContentHash.of(entries);
        Map<String, Object> extracted = new LinkedHashMap<>();
        extracted.put(KIND_KEY, directory ? "directory" : "file");
        extracted.put(FILES_KEY, entries.size());
        UUID id = UUID.randomUUID();
        Instant now = clock.instant();
        ArtifactVersionRecord reserved = metadata.reserveArtifactVersion(NewArtifactVersion.builder()
                .id(id)
                .name(name)
                .storeUri(store.rootUri())
                .dataType(DATA_TYPE)
                .materializerId(MATERIALIZER_ID)
                .materializerVersion(MATERIALIZER_VERSION)
                .artifactType(ArtifactType.DATA)
                .contentHash(contentHash)
                .size(size)
                .metadata(extracted)
                .createdAt(now)
                .registered(true)
                .build());
        URI sidecar = null;
        try {
            Manifest manifest = new Manifest(Manifest.FORMAT_VERSION, id.toString(), name, reserved.version(), DATA_TYPE, MATERIALIZER_ID,
                    MATERIALIZER_VERSION, ArtifactType.DATA.name(), contentHash, size, entries, List.of(), extracted, now, null);
            try (ArtifactDraft draft = store.createDraft()) {
                try (OutputStream out = draft.create(Manifest.PATH)) {
                    json.writerWithDefaultPrettyPrinter().writeValue(out, manifest);
                }
                sidecar = draft.commit(sidecarPath(id));
            }
            metadata.commitArtifactVersion(new MetadataStore.CommittedArtifact(id, normalised, List.of()));
        } catch (IOException | RuntimeException e) {
            deleteQuietly(store, sidecar);
            metadata.abandonArtifactVersion(id);
            Optional<ArtifactVersionRecord> winner = metadata.findArtifactVersionByUri(normalised);
            if (winner.isPresent()) {
                throw alreadyRegistered(normalised, winner.get()); // another process registered it meanwhile
            }
            if (e instanceof IOException io) {
                throw new CairnException(ErrorCode.STORE_FAILURE, "Writing the manifest of registered data " + normalised + " to "
                        + store.rootUri() + SIDECAR_DIRECTORY + "/ failed: " + io, io);
            }
            throw (RuntimeException) e;
        }
        LOG.info("Registered {} ({} files, {} bytes) as artifact '{}' version {}", normalised, entries.size(), size, name, reserved.version());
        return metadata.findArtifactVersion(id).orElseThrow();
    }

    /** The local path of a {@code file:} URI, or null for another scheme. */
    private static Path localPath(URI uri) {
        if (!"file".equalsIgnoreCase(uri.getScheme())) {
            return null;
        }
        try {
            return Path.of(uri);
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            return null;
        }
    }

    private static Path realPath(Path local, URI given) {
        try {
            return local.toRealPath();
        } catch (java.nio.file.NoSuchFileException e) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "Cannot register " + given + ": no such file or folder");
        } catch (IOException e) {
            throw new CairnException(ErrorCode.STORE_FAILURE, "Cannot register " + given + ": its real path cannot be resolved: " + e, e);
        }
    }

    /**
     * Refuses what a registration could not store faithfully, before anything is read: symbolic links inside the data
     * (they would be dropped, or lead elsewhere), files that are not regular files (a named pipe would block the
     * hashing forever; sockets and devices have no content), and names with a backslash or a control character
     * (store paths cannot hold them). Links are not followed.
     */
    private static void checkLocalEntries(Path real) {
        try {
            java.nio.file.Files.walkFileTree(real, new java.nio.file.SimpleFileVisitor<>() {
                @Override
                public java.nio.file.FileVisitResult preVisitDirectory(Path dir, java.nio.file.attribute.BasicFileAttributes attributes) {
                    checkName(dir, real);
                    return java.nio.file.FileVisitResult.CONTINUE;
                }

                @Override
                public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes attributes) throws IOException {
                    checkName(file, real);
                    if (attributes.isSymbolicLink()) {
                        throw new CairnException(ErrorCode.INVALID_ARGUMENT, "Cannot register " + real + ": " + printable(file)
                                + " is a symbolic link (to " + printable(java.nio.file.Files.readSymbolicLink(file)) + "). Registered data must"
                                + " hold its files itself: Cairn neither follows links (the target may change or lie outside the store)"
                                + " nor drops them silently. Replace the link with a copy of the file, or register the target");
                    }
                    if (!attributes.isRegularFile()) {
                        throw new CairnException(ErrorCode.INVALID_ARGUMENT, "Cannot register " + real + ": " + printable(file)
                                + " is not a regular file (a named pipe, socket or device), whose content cannot be hashed or copied;"
                                + " remove it from the folder, or register the files beside it");
                    }
                    return java.nio.file.FileVisitResult.CONTINUE;
                }

                @Override
                public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    throw e;
                }
            });
        } catch (IOException e) {
            throw new CairnException(ErrorCode.STORE_FAILURE, "Cannot read " + real + " to register it: " + e, e);
        }
    }

    private static void checkName(Path path, Path real) {
        if (path.equals(real)) {
            return;
        }
        String name = String.valueOf(path.getFileName());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            String problem = c == '\\' ? "contains a backslash" : Character.isISOControl(c) ? "contains the control character "
                    + dev.cairn.api.spi.RelativePaths.codePoint(c) : null;
            if (problem != null) {
                throw new CairnException(ErrorCode.INVALID_ARGUMENT, "Cannot register " + real + ": the name of " + printable(path) + " "
                        + problem + ", which artifact store paths cannot hold; rename it");
            }
        }
    }

    private static String printable(Object path) {
        return dev.cairn.api.spi.RelativePaths.printable(String.valueOf(path));
    }

    private static CairnException alreadyRegistered(URI uri, ArtifactVersionRecord existing) {
        return new CairnException(ErrorCode.INVALID_ARGUMENT, "Cannot register " + uri + ": it is already registered as artifact '"
                + existing.name() + "' version " + existing.version() + " (id " + existing.id() + "); load that version instead");
    }

    private ArtifactStore storeContaining(URI uri) {
        List<URI> roots = new ArrayList<>();
        for (ArtifactStore store : stores.knownStores()) {
            roots.add(store.rootUri());
            if (!sameFileSystem(store.rootUri(), uri)) {
                continue;
            }
            try {
                store.checkInside(uri);
                return store;
            } catch (CairnException e) {
                if (e.errorCode() != ErrorCode.PATH_OUTSIDE_STORE) {
                    throw e;
                }
            }
        }
        throw new CairnException(ErrorCode.PATH_OUTSIDE_STORE, "Cannot register " + uri + ": it lies in no artifact store this engine knows "
                + roots + ". Move or copy the data into the store (e.g. under " + roots.get(0) + "data/), or open the engine on a store that contains it");
    }

    private static boolean sameFileSystem(URI root, URI uri) {
        String rootScheme = root.getScheme() == null ? "" : root.getScheme();
        String scheme = uri.getScheme() == null ? "" : uri.getScheme();
        return rootScheme.equalsIgnoreCase(scheme);
    }

    private static String relativePath(ArtifactStore store, URI normalised) {
        String root = store.rootUri().getPath();
        String path = normalised.getPath();
        if (path.equals(root) || (path + "/").equals(root)) {
            return "";
        }
        String relative = path.startsWith(root) ? path.substring(root.length()) : path;
        return relative.endsWith("/") ? relative.substring(0, relative.length() - 1) : relative;
    }

    private static List<Manifest.FileEntry> hash(ArtifactStore store, URI base, List<String> files, ProgressListener progress, URI what) {
        List<Manifest.FileEntry> entries = new ArrayList<>(files.size());
        byte[] buffer = new byte[1 << 16];
        long bytes = 0;
        long reported = 0;
        progress.progress("hashing", 0, files.size(), 0);
        for (String file : files) {
            URI fileUri = store.checkInside(base.resolve(encode(file)));
            MessageDigest digest = ContentHash.sha256();
            long size = 0;
            try (InputStream in = new DigestInputStream(store.openRead(fileUri), digest)) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    size += n;
                    if (bytes + size - reported >= PROGRESS_EVERY_BYTES) {
                        reported = bytes + size;
                        progress.progress("hashing", entries.size(), files.size(), reported);
                    }
                }
            } catch (IOException e) {
                throw new CairnException(ErrorCode.STORE_FAILURE, "Cannot read " + fileUri + " while registering " + what + ": " + e, e);
            }
            bytes += size;
            entries.add(new Manifest.FileEntry(file, size, HexFormat.of().formatHex(digest.digest())));
            progress.progress("hashing", entries.size(), files.size(), bytes);
        }
        return entries;
    }

    /** Percent-encodes each name of a relative path for resolving against a URI. */
    /** {@code relativePath} (names separated by {@code /}) percent-encoded for appending to a directory URI. */
    public static String encode(String relativePath) {
        StringBuilder encoded = new StringBuilder();
        for (String name : relativePath.split("/", -1)) {
            if (encoded.length() > 0) {
                encoded.append('/');
            }
            try {
                // Encoded as an absolute path, so that a name with ':' ("12:30.csv") is not taken for a scheme.
                encoded.append(new URI(null, null, "/" + name, null).getRawPath().substring(1).replace(":", "%3A"));
            } catch (java.net.URISyntaxException e) {
                throw new CairnException(ErrorCode.INVALID_ARGUMENT, "File name '" + name + "' cannot be put in a URI: " + e.getMessage(), e);
            }
        }
        return encoded.toString();
    }

    /**
     * Makes a local view of a registered version in a new folder of {@code owner} and returns the path of the
     * registered file or folder in it; the folder is deleted when {@code owner} ends (see {@link TemporaryFiles}).
     *
     * <p>Where the data is a local file on the same filesystem as the temp root, each file is hard-linked, so the cost
     * does not depend on its size; otherwise (another filesystem, a remote store, a filesystem without hard links) it is
     * copied through the store. Either way each file's size is checked against the manifest, so data that was
     * changed in place after registration fails with {@code INTEGRITY_VIOLATION} instead of loading silently.
     */
    Path load(ArtifactVersionRecord record, ArtifactStore store, Manifest manifest, TemporaryFiles.Scope owner) {
        URI base = baseDirectory(record);
        String described = "artifact '" + record.name() + "' version " + record.version();
        boolean file = "file".equals(record.metadata().get(KIND_KEY));
        Path target = owner.newFolder(record.name() + "-" + record.version());
        try {
            String path = record.uri().orElseThrow().getPath();
            String lastName = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
            lastName = lastName.substring(lastName.lastIndexOf('/') + 1);
            Path result = file ? target.resolve(manifest.files().get(0).path()) : target.resolve(lastName.isEmpty() ? "data" : lastName);
            Files.createDirectories(file ? target : result);
            boolean link = "file".equalsIgnoreCase(base.getScheme());
            long bytes = 0;
            int done = 0;
            int linked = 0;
            for (Manifest.FileEntry entry : manifest.files()) {
                Path destination = (file ? target : result).resolve(entry.path()).normalize();
                if (!destination.startsWith(target)) {
                    throw new CairnException(ErrorCode.PATH_OUTSIDE_STORE, "The manifest of " + described + " names a file outside its folder: " + entry.path());
                }
                Files.createDirectories(destination.getParent());
                URI source = store.checkInside(base.resolve(encode(entry.path())));
                if (link && hardLink(source, destination, entry, described)) {
                    linked++;
                } else {
                    link = false; // one failed link (another filesystem, no link support): copy the rest
                    copy(store, source, destination, entry, described);
                }
                bytes += entry.size();
                done++;
                if (manifest.files().size() > 100 && done % 100 == 0) {
                    LOG.info("Loading {}: {} of {} files, {} bytes", described, done, manifest.files().size(), bytes);
                }
            }
            LOG.debug("Loaded {} into {}: {} of {} files hard-linked, the rest copied", described, target, linked, manifest.files().size());
            return result;
        } catch (IOException | RuntimeException e) {
            owner.release(target);
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new CairnException(ErrorCode.STORE_FAILURE, "Copying registered " + described + " from " + record.uri().orElseThrow()
                    + " to the temporary folder " + target + " failed: " + e, e);
        }
    }

    /** Hard-links a local registered file after checking its size; false when the filesystem cannot link it here. */
    private static boolean hardLink(URI source, Path destination, Manifest.FileEntry entry, String described) throws IOException {
        Path local;
        try {
            local = Path.of(source);
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            return false;
        }
        long size;
        try {
            size = Files.size(local);
        } catch (java.nio.file.NoSuchFileException e) {
            throw missing(described, source, e);
        }
        checkSize(size, entry, described, source);
        try {
            Files.createLink(destination, local);
            return true;
        } catch (UnsupportedOperationException | java.nio.file.FileSystemException e) {
            // EXDEV (another filesystem), EPERM (links refused), or no link support: copy instead
            LOG.debug("Cannot hard-link {} to {} ({}); copying", local, destination, e.toString());
            return false;
        }
    }

    private static void copy(ArtifactStore store, URI source, Path destination, Manifest.FileEntry entry, String described) throws IOException {
        long size;
        try (InputStream in = store.openRead(source)) {
            size = Files.copy(in, destination, StandardCopyOption.REPLACE_EXISTING);
        } catch (java.nio.file.NoSuchFileException e) {
            throw missing(described, source, e);
        }
        checkSize(size, entry, described, source);
    }

    private static CairnException missing(String described, URI source, IOException e) {
        return new CairnException(ErrorCode.INTEGRITY_VIOLATION, "Registered " + described + " is missing file " + source
                + ": the data was moved or deleted after it was registered", e);
    }

    private static void checkSize(long size, Manifest.FileEntry entry, String described, URI source) {
        if (size != entry.size()) {
            throw new CairnException(ErrorCode.INTEGRITY_VIOLATION, "Registered " + described + " has changed: " + source + " holds " + size
                    + " bytes, but " + entry.size() + " were registered. Registered data must not change in place; register the new"
                    + " data as a new version");
        }
    }

    private static void deleteQuietly(ArtifactStore store, URI uri) {
        if (uri == null) {
            return;
        }
        try {
            store.delete(uri);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not delete the manifest sidecar {} of a failed registration", uri, e);
        }
    }
}
