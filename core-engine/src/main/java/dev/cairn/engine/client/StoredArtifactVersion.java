package dev.cairn.engine.client;

import static java.util.Objects.requireNonNull;

import java.lang.reflect.Type;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.ArtifactType;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.artifact.LoadOptions;
import dev.cairn.api.artifact.TypeRef;
import dev.cairn.api.artifact.Visualization;
import dev.cairn.api.metadata.ArtifactVersionRecord;
import dev.cairn.api.metadata.MetadataStore;
import dev.cairn.api.pipeline.GenericTypes;
import dev.cairn.api.artifact.LoadedPath;
import dev.cairn.engine.artifacts.ArtifactService;
import dev.cairn.engine.files.TemporaryFiles;
import dev.cairn.engine.types.TypeNames;
import org.apiguardian.api.API;

/** An {@link ArtifactVersion} backed by its metadata record; loads through the store recorded with it. */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class StoredArtifactVersion implements ArtifactVersion {
    private final ArtifactVersionRecord record;
    private final ArtifactService artifacts;
    private final MetadataStore metadata;
    private final Consumer<ArtifactVersionRecord> onLoad;
    private final TemporaryFiles files;
    private final TemporaryFiles.Scope loads;

    /**
     * A version whose loads are reported to {@code onLoad}; the temporary files of {@code load()} belong to
     * {@code loads} (the step's scope inside a step, the engine's outside), those of {@link #loadPath()} to a scope
     * of their own in {@code files}.
     */
    public StoredArtifactVersion(ArtifactVersionRecord record, ArtifactService artifacts, MetadataStore metadata, Consumer<ArtifactVersionRecord> onLoad,
            TemporaryFiles files, TemporaryFiles.Scope loads) {
        this.files = requireNonNull(files, "files is null");
        this.loads = requireNonNull(loads, "loads is null");
        this.record = requireNonNull(record, "record is null");
        this.artifacts = requireNonNull(artifacts, "artifacts is null");
        this.metadata = requireNonNull(metadata, "metadata is null");
        this.onLoad = requireNonNull(onLoad, "onLoad is null");
    }

    public ArtifactVersionRecord record() {
        return record;
    }

    @Override public UUID id() { return record.id(); }
    @Override public String name() { return record.name(); }
    @Override public String version() { return record.version(); }
    @Override public URI uri() { return record.uri().orElseThrow(); }
    @Override public URI storeUri() { return record.storeUri(); }
    @Override public String dataType() { return record.dataType(); }
    @Override public String materializerId() { return record.materializerId(); }
    @Override public String materializerVersion() { return record.materializerVersion(); }
    @Override public ArtifactType artifactType() { return record.artifactType(); }
    @Override public String contentHash() { return record.contentHash(); }
    @Override public long size() { return record.size(); }
    @Override public Map<String, Object> metadata() { return record.metadata(); }
    @Override public Optional<UUID> producerStepRunId() { return record.producerStepRunId(); }
    @Override public Instant createdAt() { return record.createdAt(); }

    @Override
    public Map<String, dev.cairn.api.artifact.MetadataValue> loggedMetadata() {
        return metadata.listLoggedMetadata(dev.cairn.api.metadata.MetadataTarget.ARTIFACT_VERSION, record.id());
    }

    @Override
    public List<dev.cairn.api.artifact.ArtifactFile> files() {
        return artifacts.files(record);
    }

    @Override
    public java.io.InputStream open(String path) {
        return artifacts.open(record, path);
    }

    @Override
    public List<String> tags() {
        java.util.TreeSet<String> tags = new java.util.TreeSet<>(metadata.listVersionTags(record.id()));
        tags.addAll(metadata.listArtifactTags(record.name()));
        return List.copyOf(tags);
    }

    @Override
    public List<String> aliases() {
        return metadata.listAliases(record.id());
    }

    @Override
    public List<Visualization> visualizations() {
        return metadata.listVisualizations(record.id());
    }

    @Override
    public <T> T load() {
        return load(null, LoadOptions.DEFAULT);
    }

    @Override
    public <T> T load(Type type) {
        return load(requireNonNull(type, "type is null"), LoadOptions.DEFAULT);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T load(Type type, LoadOptions options) {
        T value = (T) artifacts.load(record, type, requireNonNull(options, "options is null"), loads);
        onLoad.accept(record);
        return value;
    }

    @Override
    public LoadedPath loadPath() {
        if (!artifacts.isRegisteredData(record)) {
            throw new CairnException(ErrorCode.TYPE_MISMATCH, "Artifact '" + record.name() + "' version " + record.version() + " is stored as "
                    + record.dataType() + " by materializer " + record.materializerId() + ", not registered data, so it has no local path:"
                    + " load it with load(), or read its files with files() and open(path)");
        }
        TemporaryFiles.Scope own = files.newScope("loadPath() of artifact '" + record.name() + "' version " + record.version());
        try {
            Path path = (Path) artifacts.load(record, Path.class, LoadOptions.DEFAULT, own);
            onLoad.accept(record);
            return new OwnedPath(path, own);
        } catch (RuntimeException | Error e) {
            own.close();
            throw e;
        }
    }

    /** A loaded path whose scope ends when it is closed. */
    private record OwnedPath(Path path, TemporaryFiles.Scope scope) implements LoadedPath {
        @Override
        public void close() {
            scope.close();
        }

        @Override
        public String toString() {
            return "LoadedPath[" + path + "]";
        }
    }

    @Override
    public <T> T load(Class<T> type) {
        checkAssignable(requireNonNull(type, "type is null"));
        return ArtifactVersion.super.load(type);
    }

    @Override
    public <T> T load(TypeRef<T> type) {
        checkAssignable(requireNonNull(type, "type is null").type());
        return ArtifactVersion.super.load(type);
    }

    /**
     * Fails with {@code TYPE_MISMATCH} before reading any data when the recorded type is not assignable to
     * {@code requested} and no other materializer declares it reads the writer's files as {@code requested}; a recorded
     * type whose classes are not on this class path is left to the check after loading.
     */
    private void checkAssignable(Type requested) {
        Type stored;
        try {
            ClassLoader context = Thread.currentThread().getContextClassLoader();
            stored = TypeNames.parse(record.dataType(), context != null ? context : StoredArtifactVersion.class.getClassLoader());
        } catch (RuntimeException unknown) {
            return;
        }
        if (!GenericTypes.isAssignable(stored, requested) && !artifacts.canLoadAs(record, requested)) {
            throw new CairnException(ErrorCode.TYPE_MISMATCH, "Artifact '" + record.name() + "' version " + record.version() + " is stored as "
                    + record.dataType() + ", which is not assignable to " + requested.getTypeName() + ": load it as " + record.dataType()
                    + " (or a supertype), or call load() for the stored type");
        }
    }

    @Override
    public Map<String, String> visualize() {
        Map<String, String> bundle = new java.util.LinkedHashMap<>();
        bundle.put("text/html", NotebookHtml.render(this));
        bundle.putAll(ArtifactVersion.super.visualize());
        return java.util.Collections.unmodifiableMap(bundle);
    }

    @Override
    public void verify() {
        artifacts.verify(record);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoredArtifactVersion other && record.id().equals(other.record.id());
    }

    @Override
    public int hashCode() {
        return record.id().hashCode();
    }

    @Override
    public String toString() {
        return "ArtifactVersion[" + record.name() + ":" + record.version() + ", " + record.dataType() + ", " + record.id() + "]";
    }
}
