package dev.cairn.engine.artifacts;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Type;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.LoadOptions;
import dev.cairn.api.artifact.Visualization;
import dev.cairn.api.metadata.ArtifactVersionRecord;
import dev.cairn.api.metadata.MetadataStore;
import dev.cairn.api.metadata.NewArtifactVersion;
import dev.cairn.api.pipeline.JsonValues;
import dev.cairn.api.spi.ArtifactDraft;
import dev.cairn.api.spi.ArtifactStore;
import dev.cairn.api.spi.Materializer;
import dev.cairn.engine.materializers.MaterializerRegistry;
import dev.cairn.engine.stores.ArtifactStores;
import dev.cairn.engine.types.TypeNames;
import jakarta.inject.Inject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apiguardian.api.API;

/**
 * Writes values as artifacts (materializer → hashed files → reserved version → manifest → atomic commit)
 * and reads them back, verifying against the manifest when asked. Thread-safe.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class ArtifactService {
    private static final Logger LOG = LoggerFactory.getLogger(ArtifactService.class);

    private final ArtifactStores stores;
    private final MetadataStore metadata;
    private final MaterializerRegistry materializers;
    private final ObjectMapper json;
    private final Clock clock;
    /**
     * File lists of artifact versions whose manifest this engine wrote or already checked against the recorded
     * content hash, so that {@link #verifyData} need not re-read the manifest; the data files themselves are always
     * re-read and re-hashed. Manifests are immutable once committed. Bounded, least recently used first out.
     */
    private final Map<UUID, List<Manifest.FileEntry>> checkedFileLists = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(1024, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<UUID, List<Manifest.FileEntry>> eldest) {
                    return size() > 50_000;
                }
            });
    private final RegisteredData registered;

    @Inject
    public ArtifactService(ArtifactStores stores, MetadataStore metadata, MaterializerRegistry materializers, ObjectMapper json, Clock clock) {
        this.stores = requireNonNull(stores, "stores is null");
        this.metadata = requireNonNull(metadata, "metadata is null");
        this.materializers = requireNonNull(materializers, "materializers is null");
        this.json = requireNonNull(json, "json is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.registered = new RegisteredData(stores, metadata, json, clock);
    }

    /** Registers existing data as a new version of {@code name}; see {@link RegisteredData}. Returns the {@code READY} record. */
    public ArtifactVersionRecord register(URI uri, String name, dev.cairn.api.lifecycle.ProgressListener progress) {
        return registered.register(uri, name, progress);
    }

    /** What to save: a value, how, and under which name. */
    public record SaveRequest(
            Object value,
            Type type,
            Materializer<?> materializer,
            String name,
            Optional<String> explicitVersion,
            Map<String, String> options,
            Optional<UUID> producerStepRunId,
            String where) {}

    /** A saved artifact: its record (still {@code PENDING} in the metadata store) and its visualizations. */
    public record SavedArtifact(ArtifactVersionRecord record, URI uri, List<Visualization> visualizations) {}

    /**
     * Saves a value. On return the data is committed in the store and the version is reserved; the caller
     * marks it {@code READY} (with the step's completion, or {@link MetadataStore#commitArtifactVersion}).
     * On failure nothing is left visible.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public SavedArtifact save(SaveRequest request) {
        ArtifactStore store = stores.defaultStore();
        Materializer materializer = request.materializer();
        UUID id = dev.cairn.engine.ids.TimeOrderedIds.next();
        try (ArtifactDraft draft = store.createDraft()) {
            HashingArtifactWriter writer = new HashingArtifactWriter(draft, request.name(), request.type(), request.options());
            try {
                materializer.save(request.value(), writer);
            } catch (CairnException e) {
                if (e.getMessage() != null && e.getMessage().contains(request.where())) {
                    throw e;
                }
                throw new CairnException(e.errorCode(), "For " + request.where() + ": " + e.getMessage(), e);
            } catch (Exception | LinkageError e) {
                throw new CairnException(ErrorCode.MATERIALIZER_FAILED,
                        "Materializer " + materializer.id() + " failed to save " + request.where() + " (type " + request.type().getTypeName()
                                + ") as artifact '" + request.name() + "': " + e, e);
            }
            List<Manifest.FileEntry> files = writer.finish();
            Map<String, Object> extracted = metadataOf(materializer, request);
            List<Visualization> visualizations = visualizationsOf(materializer, request);
            long size = files.stream().mapToLong(Manifest.FileEntry::size).sum();
            String contentHash = ContentHash.of(files);
            Instant now = clock.instant();
            ArtifactVersionRecord reserved = metadata.reserveArtifactVersion(new NewArtifactVersion(
                    id, request.name(), request.explicitVersion(), store.rootUri(), request.type().getTypeName(), materializer.id(),
                    materializer.version(), materializer.artifactType(), contentHash, size, extracted, request.producerStepRunId(), now, false));
            try {
                List<Manifest.VisualizationEntry> visualizationEntries = writeVisualizations(draft, visualizations);
                Manifest manifest = new Manifest(Manifest.FORMAT_VERSION, id.toString(), request.name(), reserved.version(),
                        reserved.dataType(), materializer.id(), materializer.version(), materializer.artifactType().name(), contentHash, size,
                        files, visualizationEntries, extracted, now, request.producerStepRunId().map(UUID::toString).orElse(null));
                try (OutputStream out = draft.create(Manifest.PATH)) {
                    json.writerWithDefaultPrettyPrinter().writeValue(out, manifest);
                }
                URI uri = draft.commit(ArtifactNames.directory(request.name(), reserved.version(), id));
                checkedFileLists.put(id, files);
                return new SavedArtifact(reserved, uri, visualizations);
            } catch (IOException | RuntimeException e) {
                metadata.abandonArtifactVersion(id);
                throw e;
            }
        } catch (IOException e) {
            throw new CairnException(ErrorCode.STORE_FAILURE,
                    "Writing artifact '" + request.name() + "' (" + request.where() + ") to " + store.rootUri() + " failed: " + e, e);
        }
    }

    private static List<Manifest.VisualizationEntry> writeVisualizations(ArtifactDraft draft, List<Visualization> visualizations) throws IOException {
        List<Manifest.VisualizationEntry> entries = new ArrayList<>();
        for (Visualization visualization : visualizations) {
            String path = Manifest.VISUALIZATION_PREFIX + visualization.fileName();
            byte[] content = visualization.content();
            try (OutputStream out = draft.create(path)) {
                out.write(content);
            }
            MessageDigest digest = ContentHash.sha256();
            entries.add(new Manifest.VisualizationEntry(visualization.name(), visualization.type().name(), path, HexFormat.of().formatHex(digest.digest(content))));
        }
        return entries;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Map<String, Object> metadataOf(Materializer materializer, SaveRequest request) {
        Map<String, Object> extracted;
        try {
            extracted = materializer.extractMetadata(request.value());
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("Materializer {} failed to extract metadata of artifact '{}'; storing it without metadata", materializer.id(), request.name(), e);
            return Map.of();
        }
        Map<String, Object> clean = new LinkedHashMap<>();
        if (extracted != null) {
            extracted.forEach((key, value) -> {
                if (key != null && value != null && JsonValues.findProblem(value).isEmpty()) {
                    clean.put(key, value);
                } else {
                    LOG.warn("Dropping metadata entry '{}' of artifact '{}': not a JSON value", key, request.name());
                }
            });
        }
        return clean;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static List<Visualization> visualizationsOf(Materializer materializer, SaveRequest request) {
        try {
            List<Visualization> visualizations = materializer.visualizations(request.value());
            return visualizations == null ? List.of() : List.copyOf(visualizations);
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("Materializer {} failed to render visualizations of artifact '{}'; storing it without them", materializer.id(), request.name(), e);
            return List.of();
        }
    }

    /** Removes a saved artifact whose step failed: deletes its directory and forgets its reserved version. */
    public void delete(SavedArtifact artifact) {
        try {
            stores.open(artifact.record().storeUri()).delete(artifact.uri());
        } catch (IOException e) {
            throw new CairnException(ErrorCode.STORE_FAILURE, "Cannot delete " + artifact.uri() + ": " + e, e);
        } finally {
            metadata.abandonArtifactVersion(artifact.record().id());
        }
    }

    /** Loads an artifact version as {@code type} (its stored type when {@code null}). */
    public Object load(ArtifactVersionRecord record, Type type, LoadOptions options) {
        requireNonNull(record, "record is null");
        requireNonNull(options, "options is null");
        URI uri = record.uri().orElseThrow(() -> new CairnException(ErrorCode.ARTIFACT_NOT_FOUND,
                "Artifact '" + record.name() + "' version " + record.version() + " has no committed data yet"));
        ArtifactStore store = stores.open(record.storeUri());
        String described = "'" + record.name() + "' version " + record.version();
        if (options.verify()) {
            verify(record);
        }
        if (RegisteredData.isRegisteredData(record)) {
            if (type != null && !(type instanceof Class<?> c && c.isAssignableFrom(java.nio.file.Path.class))) {
                throw new CairnException(ErrorCode.TYPE_MISMATCH, "Artifact " + described + " is registered data and loads as a java.nio.file.Path"
                        + " (a temporary local copy), not as " + type.getTypeName() + "; load it as Path and read the files");
            }
            return registered.load(record, store, readManifest(record));
        }
        Type target = type != null ? type : TypeNames.parse(record.dataType(), classLoader());
        Materializer<?> materializer = materializers.forLoad(record.materializerId());
        if (!materializer.version().equals(record.materializerVersion())) {
            LOG.debug("Artifact {} was written by {} version {}, reading with version {}", described, materializer.id(), record.materializerVersion(), materializer.version());
        }
        StoreArtifactReader reader = new StoreArtifactReader(store, uri, record.name() + ":" + record.version(), options);
        try {
            return materializer.load(target, reader);
        } catch (CairnException e) {
            throw e;
        } catch (java.nio.file.NoSuchFileException e) {
            throw new CairnException(ErrorCode.INTEGRITY_VIOLATION,
                    "Artifact " + described + " is missing file " + e.getFile() + " at " + uri + ": its data was deleted or moved outside Cairn", e);
        } catch (Exception | LinkageError e) {
            throw new CairnException(ErrorCode.MATERIALIZER_FAILED,
                    "Materializer " + materializer.id() + " failed to load artifact " + described + " (stored as " + record.dataType()
                            + ") as " + target.getTypeName() + " from " + uri + ": " + e, e);
        }
    }

    /** Reads the manifest of an artifact version. */
    public Manifest readManifest(ArtifactVersionRecord record) {
        return readManifest(record, Manifest.class);
    }

    private <M> M readManifest(ArtifactVersionRecord record, Class<M> form) {
        URI uri = record.uri().orElseThrow();
        ArtifactStore store = stores.open(record.storeUri());
        URI manifestUri = RegisteredData.isRegisteredData(record) ? RegisteredData.manifestUri(store, record.id())
                : URI.create(directoryOf(uri) + Manifest.PATH);
        try (SeekableByteChannel in = store.openRandomAccess(manifestUri)) {
            return json.readValue(readFully(in, manifestUri), form);
        } catch (IOException e) {
            throw new CairnException(ErrorCode.INTEGRITY_VIOLATION,
                    "Artifact '" + record.name() + "' version " + record.version() + " has no readable manifest at " + manifestUri + ": " + e, e);
        }
    }

    /** The part of a manifest that verification reads; the rest (metadata, visualizations) is skipped. */
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
    record ManifestFiles(String contentHash, List<Manifest.FileEntry> files) {}

    /**
     * Re-reads every data file of an artifact version and checks sizes and SHA-256s against its manifest and the
     * recorded content hash.
     */
    public void verify(ArtifactVersionRecord record) {
        verify(record, false);
    }

    /**
     * Like {@link #verify}, but may take the file list from a manifest this engine already checked (the data files
     * are still re-read and re-hashed): what a cache hit needs before it is trusted.
     */
    public void verifyData(ArtifactVersionRecord record) {
        verify(record, true);
    }

    private void verify(ArtifactVersionRecord record, boolean fileListMayBeRemembered) {
        String described = "Artifact '" + record.name() + "' version " + record.version();
        boolean registeredData = RegisteredData.isRegisteredData(record);
        URI directory = registeredData ? RegisteredData.baseDirectory(record) : URI.create(directoryOf(record.uri().orElseThrow()));
        ArtifactStore store = stores.open(record.storeUri());
        List<Manifest.FileEntry> files = fileListMayBeRemembered ? checkedFileLists.get(record.id()) : null;
        if (files == null || !ContentHash.of(files).equals(record.contentHash())) {
            ManifestFiles manifest = readManifest(record, ManifestFiles.class);
            if (!manifest.contentHash().equals(record.contentHash()) || !ContentHash.of(manifest.files()).equals(record.contentHash())) {
                throw new CairnException(ErrorCode.INTEGRITY_VIOLATION,
                        described + ": the manifest at " + directory + " does not match the recorded content hash " + record.contentHash());
            }
            files = List.copyOf(manifest.files());
            checkedFileLists.put(record.id(), files);
        }
        ByteBuffer buffer = VERIFY_BUFFER.get();
        for (Manifest.FileEntry file : files) {
            if (dev.cairn.api.spi.RelativePaths.problem(file.path()).isPresent()) {
                throw new CairnException(ErrorCode.INTEGRITY_VIOLATION, described + ": its manifest lists '" + file.path() + "', a path outside the artifact directory");
            }
            URI fileUri = directory.resolve(registeredData ? RegisteredData.encode(file.path()) : file.path()); // the store checks what it opens
            MessageDigest digest = ContentHash.sha256();
            long size = 0;
            try (SeekableByteChannel in = store.openRandomAccess(fileUri)) {
                for (int n; (n = in.read(buffer.clear())) >= 0; ) {
                    digest.update(buffer.array(), 0, n);
                    size += n;
                }
            } catch (IOException e) {
                throw new CairnException(ErrorCode.INTEGRITY_VIOLATION, described + ": file " + fileUri + " cannot be read: " + e, e);
            }
            String sha = HexFormat.of().formatHex(digest.digest());
            if (size != file.size() || !sha.equals(file.sha256())) {
                throw new CairnException(ErrorCode.INTEGRITY_VIOLATION,
                        described + ": file " + fileUri + " is corrupted (expected " + file.size() + " bytes with SHA-256 " + file.sha256()
                                + ", found " + size + " bytes with SHA-256 " + sha + ")");
            }
        }
    }

    /** A read buffer per thread for {@link #verify}: a cache hit re-hashes small files, so it should not allocate. */
    /** Largest manifest read (a manifest lists files and carries metadata; 256 MiB is far beyond any real one). */
    private static final int MAX_MANIFEST_BYTES = 256 << 20;
    private static final ThreadLocal<ByteBuffer> VERIFY_BUFFER = ThreadLocal.withInitial(() -> ByteBuffer.allocate(1 << 16));

    /** The whole content of a small file (a manifest), read without a stream buffer. */
    private static byte[] readFully(SeekableByteChannel in, URI uri) throws IOException {
        long size = in.size();
        if (size > MAX_MANIFEST_BYTES) {
            throw new IOException("the manifest " + uri + " is " + size + " bytes, more than the " + MAX_MANIFEST_BYTES + " a manifest may have");
        }
        ByteBuffer content = ByteBuffer.allocate((int) size);
        while (content.hasRemaining() && in.read(content) >= 0) {
            // read on
        }
        if (content.hasRemaining() || in.read(ByteBuffer.allocate(1)) >= 0) {
            throw new IOException("the manifest " + uri + " changed size while it was read");
        }
        return content.array();
    }

    private static String directoryOf(URI uri) {
        String text = uri.toString();
        return text.endsWith("/") ? text : text + "/";
    }

    private static ClassLoader classLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : ArtifactService.class.getClassLoader();
    }
}
