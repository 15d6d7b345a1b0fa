package dev.cairn.api.spi;

import java.io.IOException;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;

import dev.cairn.api.artifact.ArtifactType;
import dev.cairn.api.artifact.Visualization;
import org.apiguardian.api.API;

/**
 * Stores values of some types as files of an artifact and reads them back.
 *
 * <p>Resolution: for a value type, the engine walks its raw class (exact class, then superclasses, then
 * interfaces) and at the first level where some materializer lists that class in {@link #handledTypes()} and
 * answers {@link #canSave(Type)} with {@code true} for the full generic type, that materializer is used.
 * A plugin's materializer beats a built-in one at the same level; two plugins at the same level are an error.
 *
 * <p>Implementations must be thread-safe and stateless between calls: one instance serves concurrent steps.
 * They must not use Java serialization.
 *
 * @param <T> the type of value it stores
 */
@API(status = API.Status.STABLE, since = "0.1")
public interface Materializer<T> {
    /** A stable id recorded with every artifact, e.g. {@code cairn.json}. */
    String id();

    /** The version of the storage format; recorded with every artifact and part of the cache key. */
    String version();

    /** The classes this materializer registers for (matched against a value's raw class and its supertypes). */
    List<Class<?>> handledTypes();

    /** Whether it can save the full generic {@code type} (e.g. only lists of records); defaults to {@code true}. */
    default boolean canSave(Type type) {
        return true;
    }

    default ArtifactType artifactType() {
        return ArtifactType.DATA;
    }

    /** Writes {@code value} as one or more files through {@code writer}; {@code value} is never {@code null}. */
    void save(T value, ArtifactWriter writer) throws IOException;

    /** Reads a value of {@code type} back; {@code reader.options()} may ask for part of it. */
    T load(Type type, ArtifactReader reader) throws IOException;

    /** Metadata to record (JSON values only: strings, numbers, booleans, lists and maps of them). */
    default Map<String, Object> extractMetadata(T value) {
        return Map.of();
    }

    /** Visualizations to store with the artifact. */
    default List<Visualization> visualizations(T value) {
        return List.of();
    }

    /**
     * Whether {@link #load} checks every file against {@link ArtifactReader#recordedFiles()} itself when
     * {@code reader.options().verify()} is set (for example in parallel on a cluster's executors), failing with
     * {@code INTEGRITY_VIOLATION} naming the file that does not match. When {@code true}, a verified load has the
     * engine check only that the manifest matches the recorded content hash, and leaves re-hashing the data files to
     * the materializer. Defaults to {@code false}: the engine re-hashes every file before calling {@link #load}.
     */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    default boolean verifiesOnLoad() {
        return false;
    }

    /**
     * Whether {@link #load} can read an artifact written by the other materializer {@code writerId} as the full generic
     * {@code type}, which that writer cannot produce (for example an Arrow {@code Table} from a Spark Dataset's Parquet
     * files); defaults to {@code false}.
     *
     * <p>The engine asks this only when the requested type is neither the stored type (or a supertype) nor one of the
     * writer's {@link #handledTypes()}; the materializer that then loads also decides {@link #verifiesOnLoad()}.
     */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    default boolean canLoad(String writerId, Type type) {
        return false;
    }
}
