package dev.cairn.engine.artifacts;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.ArtifactType;
import dev.cairn.api.metadata.ArtifactVersionRecord;
import dev.cairn.api.metadata.MetadataStore;
import dev.cairn.api.metadata.NewArtifactVersion;
import dev.cairn.api.spi.ArtifactDraft;
import dev.cairn.api.spi.ArtifactStore;
import dev.cairn.engine.stores.ArtifactStores;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies an artifact version's data files and manifest out of the store into a local directory (export), and stores a
 * local directory as a new version through the normal draft, reservation and commit path (import). An export is
 * written to a hidden sibling of the target and renamed into place only once every file matched its manifest, so a
 * damaged source leaves nothing behind. Thread-safe.
 */
final class ArtifactTransfer {
    /** Materializer id recorded for a version imported from a folder without a Cairn manifest: it has files but no loader. */
    static final String IMPORTED_FILES_MATERIALIZER = "cairn.imported-files";
    static final String IMPORTED_FILES_DATA_TYPE = "java.nio.file.Path";

    private static final Logger LOG = LoggerFactory.getLogger(ArtifactTransfer.class);

    private final ArtifactStores stores;
    private final MetadataStore metadata;
    private final ObjectMapper json;
    private final Clock clock;
    private final ArtifactVerifier verifier;
    private final Function<ArtifactVersionRecord, ArtifactLayout> layouts;

    ArtifactTransfer(ArtifactStores stores, MetadataStore metadata, ObjectMapper json, Clock clock, ArtifactVerifier verifier,
            Function<ArtifactVersionRecord, ArtifactLayout> layouts) {
        this.stores = requireNonNull(stores, "stores is null");
        this.metadata = requireNonNull(metadata, "metadata is null");
        this.json = requireNonNull(json, "json is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.verifier = requireNonNull(verifier, "verifier is null");
        this.layouts = requireNonNull(layouts, "layouts is null");
    }

    /** Exports {@code record} into {@code target}, which must not exist or be an empty directory. Returns the target. */
    Path export(ArtifactVersionRecord record, Path target) {
        String described = "artifact '" + record.name() + "' version " + record.version();
        Path destination = target.toAbsolutePath().normalize();
        if (Files.exists(destination, LinkOption.NOFOLLOW_LINKS) && !isEmptyDirectory(destination)) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "Cannot export " + described + " to " + destination
                    + ": it exists and is not an empty directory; choose a new directory");
        }
        Manifest manifest = verifier.readManifest(record);
        if (!ContentHash.of(manifest.files()).equals(record.contentHash())) {
            throw new CairnException(ErrorCode.INTEGRITY_VIOLATION, "The manifest of " + described + " does not match its recorded content hash "
                    + record.contentHash() + ": the stored copy is damaged; nothing was exported to " + destination);
        }
        Path parent = destination.getParent();
        Path staging = null;
        try {
            Files.createDirectories(parent);
            staging = Files.createTempDirectory(parent, "." + destination.getFileName() + ".export-");
            ArtifactStore store = stores.open(record.storeUri());
            ArtifactLayout layout = layouts.apply(record);
            URI directory = layout.directory(record);
            for (Manifest.FileEntry file : manifest.files()) {
                Path local = resolveInside(staging, file.path(), described);
                Files.createDirectories(local.getParent());
                MessageDigest digest = ContentHash.sha256();
                long size;
                try (InputStream in = new DigestInputStream(store.openRead(layout.fileUri(directory, file.path())), digest);
                        OutputStream out = Files.newOutputStream(local)) {
                    size = in.transferTo(out);
                }
                String sha256 = HexFormat.of().formatHex(digest.digest());
                if (size != file.size() || !sha256.equals(file.sha256())) {
                    throw new CairnException(ErrorCode.INTEGRITY_VIOLATION, "File '" + file.path() + "' of " + described + " does not match its manifest"
                            + " (read " + size + " bytes with SHA-256 " + sha256 + ", the manifest says " + file.size() + " bytes with SHA-256 "
                            + file.sha256() + "): the stored copy is damaged; nothing was exported to " + destination);
                }
            }
            Path manifestFile = staging.resolve(Manifest.PATH);
            Files.createDirectories(manifestFile.getParent());
            try (OutputStream out = Files.newOutputStream(manifestFile)) {
                json.writerWithDefaultPrettyPrinter().writeValue(out, manifest);
            }
            if (Files.isDirectory(destination, LinkOption.NOFOLLOW_LINKS)) {
                Files.delete(destination); // empty, checked above; the rename below needs the name free
            }
            Files.move(staging, destination, StandardCopyOption.ATOMIC_MOVE);
            staging = null;
            return destination;
        } catch (java.nio.file.NoSuchFileException e) {
            throw new CairnException(ErrorCode.INTEGRITY_VIOLATION, "File " + e.getFile() + " of " + described
                    + " is missing from the store: its data was deleted or moved outside Cairn; nothing was exported to " + destination, e);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "Cannot export " + described + " to " + destination
                    + ": something else created it meanwhile; choose a new directory", e);
        } catch (IOException e) {
            throw new CairnException(ErrorCode.STORE_FAILURE, "Exporting " + described + " to " + destination + " failed: " + e
                    + "; nothing was exported", e);
        } finally {
            if (staging != null) {
                deleteRecursively(staging);
            }
        }
    }

    /** What to import: a local folder, the name to store it under, and where it comes from (for messages). */
    record ImportRequest(Path directory, String name, Optional<String> explicitVersion, Optional<ArtifactType> artifactType, Optional<UUID> producerStepRunId) {}

    /**
     * Stores the files of a local folder as a new version of {@code request.name()}. A folder holding a Cairn manifest
     * ({@code .cairn/manifest.json}, as {@link #export} writes it) must hold exactly the files it lists with their
     * sizes and SHA-256s; the version keeps its data type, materializer and extracted metadata, so it loads as the
     * original did. Any other folder is stored as files only (readable through {@code files()}/{@code open()}). On
     * return the data is committed in the store and the version is reserved; the caller commits the version.
     */
    ArtifactService.SavedArtifact importFolder(ImportRequest request) {
        Path directory = request.directory().toAbsolutePath().normalize();
        String where = "folder " + directory + " imported as '" + request.name() + "'";
        if (!Files.isDirectory(directory)) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "Cannot import " + directory + ": it is not a directory; give the folder to import");
        }
        Optional<Manifest> source = readLocalManifest(directory, where);
        List<String> paths = dataFiles(directory, where);
        if (source.isPresent()) {
            TreeSet<String> listed = new TreeSet<>(source.get().files().stream().map(Manifest.FileEntry::path).toList());
            TreeSet<String> present = new TreeSet<>(paths);
            if (!listed.equals(present)) {
                TreeSet<String> missing = new TreeSet<>(listed);
                missing.removeAll(present);
                TreeSet<String> extra = new TreeSet<>(present);
                extra.removeAll(listed);
                throw new CairnException(ErrorCode.INTEGRITY_VIOLATION, "The files of " + where + " do not match its manifest " + Manifest.PATH
                        + (missing.isEmpty() ? "" : "; missing: " + missing) + (extra.isEmpty() ? "" : "; not listed: " + extra)
                        + ": export the version again, or remove .cairn/ to import the folder as plain files");
            }
        }
        boolean typed = source.isPresent() && !RegisteredData.MATERIALIZER_ID.equals(source.get().materializerId());
        String dataType = typed ? source.get().dataType() : IMPORTED_FILES_DATA_TYPE;
        String materializerId = typed ? source.get().materializerId() : IMPORTED_FILES_MATERIALIZER;
        String materializerVersion = typed ? source.get().materializerVersion() : "1";
        ArtifactType artifactType = request.artifactType().orElseGet(() -> typed ? artifactTypeOf(source.get().artifactType()) : ArtifactType.DATA);
        Map<String, Object> extracted = typed && source.get().metadata() != null ? new LinkedHashMap<>(source.get().metadata()) : Map.of();
        Map<String, Manifest.FileEntry> expected = new LinkedHashMap<>();
        source.ifPresent(m -> m.files().forEach(file -> expected.put(file.path(), file)));

        ArtifactStore store = stores.defaultStore();
        UUID id = dev.cairn.engine.ids.TimeOrderedIds.next();
        try (ArtifactDraft draft = store.createDraft()) {
            HashingArtifactWriter writer = new HashingArtifactWriter(draft, request.name(), Object.class, Map.of());
            for (String path : paths) {
                try (InputStream in = Files.newInputStream(directory.resolve(path)); OutputStream out = writer.create(path)) {
                    in.transferTo(out);
                }
            }
            List<Manifest.FileEntry> files = writer.finish();
            for (Manifest.FileEntry file : files) {
                Manifest.FileEntry listed = expected.get(file.path());
                if (listed != null && (listed.size() != file.size() || !listed.sha256().equals(file.sha256()))) {
                    throw new CairnException(ErrorCode.INTEGRITY_VIOLATION, "File '" + file.path() + "' of " + where + " does not match its manifest (read "
                            + file.size() + " bytes with SHA-256 " + file.sha256() + ", the manifest says " + listed.size() + " bytes with SHA-256 "
                            + listed.sha256() + "): the folder was changed or damaged after export; nothing was imported");
                }
            }
            long size = files.stream().mapToLong(Manifest.FileEntry::size).sum();
            String contentHash = ContentHash.of(files);
            Instant now = clock.instant();
            ArtifactVersionRecord reserved = metadata.reserveArtifactVersion(NewArtifactVersion.builder()
                    .id(id)
                    .name(request.name())
                    .explicitVersion(request.explicitVersion())
                    .storeUri(store.rootUri())
                    .dataType(dataType)
                    .materializerId(materializerId)
                    .materializerVersion(materializerVersion)
                    .artifactType(artifactType)
                    .contentHash(contentHash)
                    .size(size)
                    .metadata(extracted)
                    .producerStepRunId(request.producerStepRunId())
                    .createdAt(now)
                    .build());
            try {
                Manifest manifest = new Manifest(Manifest.FORMAT_VERSION, id.toString(), request.name(), reserved.version(), dataType, materializerId,
                        materializerVersion, artifactType.name(), contentHash, size, files, List.of(), extracted, now,
                        request.producerStepRunId().map(UUID::toString).orElse(null));
                try (OutputStream out = draft.create(Manifest.PATH)) {
                    json.writerWithDefaultPrettyPrinter().writeValue(out, manifest);
                }
                URI uri = draft.commit(ArtifactNames.directory(request.name(), reserved.version(), id));
                verifier.remember(id, files);
                return new ArtifactService.SavedArtifact(reserved, uri, List.of());
            } catch (IOException | RuntimeException e) {
                metadata.abandonArtifactVersion(id);
                throw e;
            }
        } catch (IOException e) {
            throw new CairnException(ErrorCode.STORE_FAILURE, "Importing " + where + " into " + store.rootUri() + " failed: " + e, e);
        }
    }

    private static ArtifactType artifactTypeOf(String name) {
        try {
            return ArtifactType.valueOf(name);
        } catch (IllegalArgumentException | NullPointerException e) {
            return ArtifactType.DATA;
        }
    }

    private Optional<Manifest> readLocalManifest(Path directory, String where) {
        Path file = directory.resolve(Manifest.PATH);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            Manifest manifest = json.readValue(file.toFile(), Manifest.class);
            if (manifest.files() == null || manifest.dataType() == null || manifest.materializerId() == null) {
                throw new CairnException(ErrorCode.INTEGRITY_VIOLATION, "The manifest " + file + " of " + where
                        + " lacks its files, data type or materializer: export the version again, or remove .cairn/ to import plain files");
            }
            return Optional.of(manifest);
        } catch (IOException e) {
            throw new CairnException(ErrorCode.INTEGRITY_VIOLATION, "The manifest " + file + " of " + where + " cannot be read: " + e.getMessage()
                    + "; export the version again, or remove .cairn/ to import plain files", e);
        }
    }

    /** The regular files under {@code directory} except Cairn's own {@code .cairn/}, as sorted relative paths with '/'. */
    private static List<String> dataFiles(Path directory, String where) {
        List<String> paths = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(directory)) {
            for (Path path : (Iterable<Path>) walk::iterator) {
                if (path.equals(directory)) {
                    continue;
                }
                String relative = directory.relativize(path).toString().replace(path.getFileSystem().getSeparator(), "/");
                if (relative.equals(".cairn") || relative.startsWith(".cairn/")) {
                    continue;
                }
                if (Files.isSymbolicLink(path)) {
                    throw new CairnException(ErrorCode.INVALID_ARGUMENT, "Cannot import " + where + ": '" + relative
                            + "' is a symbolic link; copy the file it points to into the folder instead");
                }
                if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                    paths.add(relative);
                }
            }
        } catch (IOException e) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "Cannot read " + where + ": " + e, e);
        }
        if (paths.isEmpty()) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "Cannot import " + where + ": it holds no files");
        }
        paths.sort(Comparator.naturalOrder());
        return paths;
    }

    private static Path resolveInside(Path root, String relativePath, String described) {
        dev.cairn.api.spi.RelativePaths.problem(relativePath).ifPresent(problem -> {
            throw new CairnException(ErrorCode.INTEGRITY_VIOLATION, "The manifest of " + described + " lists '" + relativePath + "': " + problem);
        });
        Path resolved = root.resolve(relativePath).normalize();
        if (!resolved.startsWith(root)) {
            throw new CairnException(ErrorCode.INTEGRITY_VIOLATION, "The manifest of " + described + " lists '" + relativePath + "', outside its directory");
        }
        return resolved;
    }

    private static boolean isEmptyDirectory(Path path) {
        if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(path)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    private static void deleteRecursively(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            LOG.warn("Could not remove the partial export {}", root, e);
        }
    }
}
