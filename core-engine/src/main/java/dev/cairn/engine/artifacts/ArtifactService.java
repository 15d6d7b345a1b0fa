package dev.cairn.engine.artifacts;

import static java.util.Objects.requireNonNull;

import java.lang.reflect.Type;
import java.net.URI;
import java.time.Clock;
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
import dev.cairn.api.spi.ArtifactStore;
import dev.cairn.api.spi.Materializer;
import dev.cairn.engine.materializers.MaterializerRegistry;
import dev.cairn.engine.stores.ArtifactStores;
import jakarta.inject.Inject;
import org.apiguardian.api.API;

/**
 * Writes values as artifacts and reads them back, verifying against the manifest when asked: the engine's one entry
 * point for artifact data, which hands each job to the part that does it — {@link ArtifactSaver} (save, delete),
 * {@link ArtifactVerifier} (manifests, verification), {@link RegisteredData} (registration), and the
 * {@link ArtifactLayout} of each version (where its files are, how it loads). Thread-safe.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class ArtifactService {
    private final ArtifactStores stores;
    private final RegisteredData registered;
    private final ArtifactLayout materializedLayout;
    private final ArtifactLayout registeredLayout;
    private final ArtifactVerifier verifier;
    private final ArtifactSaver saver;
    private final MaterializerRegistry materializers;
    private final ArtifactTransfer transfer;

    @Inject
    public ArtifactService(ArtifactStores stores, MetadataStore metadata, MaterializerRegistry materializers, ObjectMapper json, Clock clock) {
        this.stores = requireNonNull(stores, "stores is null");
        requireNonNull(metadata, "metadata is null");
        this.materializers = requireNonNull(materializers, "materializers is null");
        requireNonNull(json, "json is null");
        requireNonNull(clock, "clock is null");
        this.registered = new RegisteredData(stores, metadata, json, clock);
        this.materializedLayout = new ArtifactLayout.Materialized(materializers);
        this.registeredLayout = new ArtifactLayout.Registered(registered);
        this.verifier = new ArtifactVerifier(stores, json, this::layoutOf);
        this.saver = new ArtifactSaver(stores, metadata, json, clock, verifier);
        this.transfer = new ArtifactTransfer(stores, metadata, json, clock, verifier, this::layoutOf);
    }

    /**
     * Whether a materializer other than the writer of {@code record} declares it loads the writer's files as
     * {@code requested} ({@link dev.cairn.api.spi.Materializer#canLoad}), so a stored type that is not assignable to
     * {@code requested} is no mismatch. False for registered data.
     */
    public boolean canLoadAs(ArtifactVersionRecord record, Type requested) {
        requireNonNull(record, "record is null");
        requireNonNull(requested, "requested is null");
        return !RegisteredData.isRegisteredData(record) && materializers.readerOf(record.materializerId(), requested).isPresent();
    }

    /** The layout of {@code record}: the one place that tells registered data from materialized artifacts. */
    private ArtifactLayout layoutOf(ArtifactVersionRecord record) {
        return RegisteredData.isRegisteredData(record) ? registeredLayout : materializedLayout;
    }

    /** True when {@code record} is registered data, which loads as a local {@link java.nio.file.Path}. */
    public boolean isRegisteredData(ArtifactVersionRecord record) {
        return RegisteredData.isRegisteredData(record);
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
            String where,
            Optional<dev.cairn.api.artifact.ArtifactType> artifactType,
            Optional<Manifest.Producer> producer) {

        /** A request with the materializer's artifact type. */
        public SaveRequest(Object value, Type type, Materializer<?> materializer, String name, Optional<String> explicitVersion,
                Map<String, String> options, Optional<UUID> producerStepRunId, String where) {
            this(value, type, materializer, name, explicitVersion, options, producerStepRunId, where, Optional.empty());
        }

        /**
         * A request whose producer, if any, is described in the manifest from its step run as recorded (no output name,
         * no inputs): a value a step saves through its client.
         */
        public SaveRequest(Object value, Type type, Materializer<?> materializer, String name, Optional<String> explicitVersion,
                Map<String, String> options, Optional<UUID> producerStepRunId, String where,
                Optional<dev.cairn.api.artifact.ArtifactType> artifactType) {
            this(value, type, materializer, name, explicitVersion, options, producerStepRunId, where, artifactType, Optional.empty());
        }
    }

    /** A saved artifact: its record (still {@code PENDING} in the metadata store) and its visualizations. */
    public record SavedArtifact(ArtifactVersionRecord record, URI uri, List<Visualization> visualizations) {}

    /**
     * Saves a value. On return the data is committed in the store and the version is reserved; the caller
     * marks it {@code READY} (with the step's completion, or {@link MetadataStore#commitArtifactVersion}).
     * On failure nothing is left visible.
     */
    public SavedArtifact save(SaveRequest request) {
        return saver.save(requireNonNull(request, "request is null"));
    }

    /**
     * Copies the data files and the manifest of a version into {@code target} (absent, or an empty directory), checking
     * every file's size and SHA-256 against the manifest. The copy is made in a hidden sibling and renamed into place
     * at the end, so a damaged source ({@code INTEGRITY_VIOLATION} naming the file) leaves no partial export.
     */
    public java.nio.file.Path export(ArtifactVersionRecord record, java.nio.file.Path target) {
        return transfer.export(requireNonNull(record, "record is null"), requireNonNull(target, "target is null"));
    }

    /**
     * Stores the files of a local folder as a new version, like {@link #save}: on return the data is committed in the
     * store and the version is reserved; the caller commits it. A folder exported by {@link #export} keeps its data
     * type, materializer and metadata (and is checked against its manifest); any other folder is stored as files.
     */
    public SavedArtifact importFolder(java.nio.file.Path directory, String name, Optional<String> explicitVersion,
            Optional<dev.cairn.api.artifact.ArtifactType> artifactType, Optional<UUID> producerStepRunId) {
        return transfer.importFolder(new ArtifactTransfer.ImportRequest(requireNonNull(directory, "directory is null"), requireNonNull(name, "name is null"),
                requireNonNull(explicitVersion, "explicitVersion is null"), requireNonNull(artifactType, "artifactType is null"),
                requireNonNull(producerStepRunId, "producerStepRunId is null")));
    }

    /** Removes a saved artifact whose step failed: deletes its directory and forgets its reserved version. */
    public void delete(SavedArtifact artifact) {
        saver.delete(requireNonNull(artifact, "artifact is null"));
    }

    /**
     * Loads an artifact version as {@code type} (its stored type when {@code null}); temporary files the load makes
     * (the local view of registered data) belong to {@code owner} and are deleted when it ends.
     */
    public Object load(ArtifactVersionRecord record, Type type, LoadOptions options, dev.cairn.engine.files.TemporaryFiles.Scope owner) {
        requireNonNull(record, "record is null");
        requireNonNull(options, "options is null");
        requireNonNull(owner, "owner is null");
        URI uri = record.uri().orElseThrow(() -> new CairnException(ErrorCode.ARTIFACT_NOT_FOUND,
                "Artifact '" + record.name() + "' version " + record.version() + " has no committed data yet"));
        ArtifactStore store = stores.open(record.storeUri());
        ArtifactLayout layout = layoutOf(record);
        if (options.verify() && !layout.verifiesOnLoad(record, type)) { // else the materializer checks the files itself
            verify(record);
        }
        return layout.load(record, store, uri, type, options, () -> verifier.readManifest(record), owner);
    }

    /** The data files of an artifact version, from its manifest. */
    public List<dev.cairn.api.artifact.ArtifactFile> files(ArtifactVersionRecord record) {
        return readManifest(record).files().stream().map(file -> new dev.cairn.api.artifact.ArtifactFile(file.path(), file.size(), file.sha256())).toList();
    }

    /**
     * Opens one data file of an artifact version; only a path its manifest lists is opened, so nothing outside the
     * version's files can be reached.
     */
    public java.io.InputStream open(ArtifactVersionRecord record, String path) {
        requireNonNull(path, "path is null");
        List<String> paths = readManifest(record).files().stream().map(Manifest.FileEntry::path).toList();
        if (!paths.contains(path)) {
            throw new CairnException(ErrorCode.ARTIFACT_NOT_FOUND, "Artifact '" + record.name() + "' version " + record.version() + " has no file '"
                    + path + "'; its files are " + paths);
        }
        ArtifactLayout layout = layoutOf(record);
        URI file = layout.fileUri(layout.directory(record), path);
        try {
            return stores.open(record.storeUri()).openRead(file);
        } catch (java.io.IOException e) {
            throw new CairnException(ErrorCode.STORE_FAILURE, "Cannot open file '" + path + "' of artifact '" + record.name() + "' version "
                    + record.version() + " at " + file + ": " + e, e);
        }
    }

    /** Reads the manifest of an artifact version. */
    public Manifest readManifest(ArtifactVersionRecord record) {
        return verifier.readManifest(requireNonNull(record, "record is null"));
    }

    /**
     * Re-reads every data file of an artifact version and checks sizes and SHA-256s against its manifest and the
     * recorded content hash; the files are checked by the version's writer instead when it offers to
     * ({@link Materializer#verifyStored}), as in {@link #verifyData} and {@link #verifyInput}.
     */
    public void verify(ArtifactVersionRecord record) {
        verifier.verify(requireNonNull(record, "record is null"));
    }

    /** Whether a verified load of {@code record} is checked by its materializer while it loads (then no separate pass is needed). */
    public boolean verifiesOnLoad(ArtifactVersionRecord record) {
        return verifiesOnLoad(record, null);
    }

    /**
     * Whether a verified load of {@code record} as {@code type} ({@code null}: as stored) is checked by the materializer
     * that loads it, which may be another than the writer ({@link #canLoadAs}).
     */
    public boolean verifiesOnLoad(ArtifactVersionRecord record, @org.jspecify.annotations.Nullable Type type) {
        return layoutOf(requireNonNull(record, "record is null")).verifiesOnLoad(record, type);
    }

    /**
     * Checks an artifact version a step is about to take as input: the first time in this engine like {@link #verifyData}
     * (every data file re-read and re-hashed); after that only files whose size or modification time changed since are
     * re-hashed (local files; on other stores, whose committed files do not change, a verified version is not re-read).
     *
     * @throws dev.cairn.api.CairnException {@code INTEGRITY_VIOLATION} naming the artifact, version and file
     */
    public void verifyInput(ArtifactVersionRecord record) {
        verifier.verifyInput(requireNonNull(record, "record is null"));
    }

    /**
     * Like {@link #verify}, but may take the file list from a manifest this engine already checked (the data files
     * are still re-read and re-hashed): what a cache hit needs before it is trusted.
     */
    public void verifyData(ArtifactVersionRecord record) {
        verifier.verifyData(requireNonNull(record, "record is null"));
    }
}
