package dev.cairn.api.artifact;

import java.lang.reflect.Type;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.apiguardian.api.API;

/**
 * One stored version of a named artifact, with its metadata. Obtained from the client or a run; the data
 * itself is read only by {@link #load()}. Implementations are immutable snapshots and thread-safe.
 */
@API(status = API.Status.STABLE, since = "0.1")
public interface ArtifactVersion {
    UUID id();

    String name();

    /** {@code "1"}, {@code "2"}, … when assigned automatically, or the explicit version string. */
    String version();

    /**
     * Where the artifact's directory lives in its store (for registered data: the registered file or folder), for code
     * that must read or place files itself.
     */
    URI uri();

    /**
     * The data files, as the manifest records them (relative path, size, SHA-256), in manifest order; nothing is
     * loaded or deserialized (ZenML's unmaterialized artifact).
     *
     * @throws dev.cairn.api.CairnException {@code INTEGRITY_VIOLATION} when the manifest is missing or unreadable
     */
    List<ArtifactFile> files();

    /**
     * Opens one data file (a {@link ArtifactFile#path()} of {@link #files()}) for streaming, without a materializer; the
     * caller closes the stream.
     *
     * @throws dev.cairn.api.CairnException {@code ARTIFACT_NOT_FOUND} when {@code path} is not one of the files (the
     *     message lists them), {@code STORE_FAILURE} when the store cannot open it
     */
    java.io.InputStream open(String path);

    /** The root URI of the artifact store that holds it. */
    URI storeUri();

    /** The full generic type name of the stored value, e.g. {@code java.util.List<com.acme.Row>}. */
    String dataType();

    String materializerId();

    String materializerVersion();

    ArtifactType artifactType();

    /** SHA-256 (hex) over the artifact's data files and their per-file hashes; equal data gives an equal hash. */
    String contentHash();

    /** Total bytes of the data files. */
    long size();

    /** Metadata extracted by the materializer (JSON values: strings, numbers, booleans, lists, maps). */
    Map<String, Object> metadata();

    /** The visualizations the materializer produced; never {@code null}, possibly empty. */
    List<Visualization> visualizations();

    /** The step run that produced it; empty for registered data. */
    Optional<UUID> producerStepRunId();

    Instant createdAt();

    /**
     * The typed metadata logged onto this version (by a step, {@code client.logMetadata} or {@code SaveOptions}), each
     * key at its latest value, read when called; {@link #metadata()} holds what the materializer extracted.
     */
    Map<String, MetadataValue> loggedMetadata();

    /** The tags of this version and of its artifact (which apply to all versions), sorted, read when called. */
    List<String> tags();

    /** The aliases that point to this version now, sorted, read when called. */
    List<String> aliases();

    /**
     * Loads registered data (a file or folder registered with {@code client.registerArtifact}) as a local path that the
     * caller owns and closes: {@code try (LoadedPath data = version.loadPath()) { read(data.path()); }}.
     *
     * <p>{@code load(Path.class)} returns the same kind of copy but leaves its lifetime to the engine: inside a step it
     * is deleted when the step ends, outside a step when the {@code Cairn} instance closes. A service that loads
     * registered data outside steps, again and again, should use this method and close the handle. This default (for
     * implementations that do not track their copies) wraps {@code load(Path.class)} in a handle whose close does
     * nothing.
     *
     * @throws dev.cairn.api.CairnException {@code TYPE_MISMATCH} when the version is not registered data
     */
    default LoadedPath loadPath() {
        return LoadedPath.unowned(load(java.nio.file.Path.class));
    }

    /** Loads the value as the type it was stored with. */
    <T> T load();

    /** Loads the value as {@code type}, which must be compatible with the stored data. */
    <T> T load(Type type);

    /** Loads (part of) the value as {@code type} with options. */
    <T> T load(Type type, LoadOptions options);

    /**
     * Loads the value as {@code type}, checked: {@code String s = version.load(String.class)} needs no cast. A
     * primitive class loads its wrapper.
     *
     * @throws dev.cairn.api.CairnException {@code TYPE_MISMATCH} naming the artifact, the stored type and {@code type}
     *     when the stored value is not assignable to {@code type}
     */
    default <T> T load(Class<T> type) {
        java.util.Objects.requireNonNull(type, "type is null");
        return checked(this, type, load((Type) type));
    }

    /**
     * Loads the value as the captured generic type, checked against its raw class:
     * {@code List<Row> rows = version.load(new TypeRef<List<Row>>() {})}.
     *
     * @throws dev.cairn.api.CairnException {@code TYPE_MISMATCH} when the stored value is not assignable to it
     */
    default <T> T load(TypeRef<T> type) {
        java.util.Objects.requireNonNull(type, "type is null");
        return checked(this, type.type(), load(type.type()));
    }

    /** {@code value} as {@code T} after checking it is an instance of {@code type}'s (boxed) raw class. */
    @SuppressWarnings("unchecked")
    private static <T> T checked(ArtifactVersion version, Type type, Object value) {
        Class<?> raw = dev.cairn.api.pipeline.GenericTypes.box(dev.cairn.api.pipeline.GenericTypes.rawClass(type));
        if (!raw.isInstance(value)) {
            throw typeMismatch(version, type);
        }
        return (T) value;
    }

    /** The {@code TYPE_MISMATCH} error of loading {@code version} as {@code type}. */
    private static dev.cairn.api.CairnException typeMismatch(ArtifactVersion version, Type type) {
        return new dev.cairn.api.CairnException(dev.cairn.api.ErrorCode.TYPE_MISMATCH, "Artifact '" + version.name() + "' version "
                + version.version() + " is stored as " + version.dataType() + ", which is not assignable to " + type.getTypeName()
                + ": load it as " + version.dataType() + " (or a supertype), or call load() for the stored type");
    }

    /**
     * A MIME bundle for notebooks: representations of this version keyed by MIME type, in the form Jupyter's
     * {@code display_data} message carries (text values; binary ones such as {@code image/png} in base64).
     *
     * <p>Always holds {@code text/plain} (name, version, type, size); {@code image/png} and {@code image/svg+xml}
     * hold the first visualization of that format, if any. The engine's implementation adds {@code text/html}: the
     * facts, the metadata and every visualization, with every stored string escaped and HTML visualizations in a
     * sandboxed iframe. Java kernels render it inline, e.g. in JJava {@code display(bundle.get("text/html"),
     * "text/html")}. The map keeps its order (richest first) and is unmodifiable.
     */
    default Map<String, String> visualize() {
        Map<String, String> bundle = new java.util.LinkedHashMap<>();
        for (Visualization visualization : visualizations()) {
            if (visualization.type() == VisualizationType.PNG) {
                bundle.putIfAbsent("image/png", java.util.Base64.getEncoder().encodeToString(visualization.content()));
            } else if (visualization.type() == VisualizationType.SVG) {
                bundle.putIfAbsent("image/svg+xml", visualization.text());
            }
        }
        bundle.put("text/plain", name() + ":" + version() + " (" + dataType() + ", " + size() + " bytes)");
        return java.util.Collections.unmodifiableMap(bundle);
    }

    /**
     * Re-reads every file and checks its size and SHA-256 against the manifest and the recorded content hash.
     *
     * @throws dev.cairn.api.CairnException with {@code INTEGRITY_VIOLATION} naming the first file that differs
     */
    void verify();
}
