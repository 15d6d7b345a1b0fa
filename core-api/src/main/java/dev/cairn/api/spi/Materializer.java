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
     * Checks the stored data files of an artifact this materializer wrote against its manifest in its own way (for
     * example in parallel on a cluster's executors, next to the data), instead of the engine re-reading and re-hashing
     * every file in its own process. The engine asks the writer of an artifact version first whenever it checks the
     * version's data: before it reuses a cached step result, before a step takes the version as input, and for
     * {@code ArtifactVersion.verify()} / {@code cairn verify}. It has already checked that the manifest matches the
     * recorded content hash, and keeps that check whatever this method does.
     *
     * <p>{@code stored.recordedFiles()} is always present here: the manifest's data files (relative path, size,
     * SHA-256), sorted by path; {@code stored.uri()} is the artifact's directory and {@code stored.artifactName()}
     * names it ({@code name:version}) for messages; {@code stored.options()} asks for a verified read of everything.
     *
     * <p>Return {@code true} only after checking that every listed file exists with the recorded size and SHA-256;
     * return {@code false} when this materializer cannot check them now (for example no cluster is at hand), and the
     * engine hashes them itself, exactly as for a materializer that does not override this. A mismatch is a
     * {@code CairnException} with {@code INTEGRITY_VIOLATION} naming the file (a missing file may also be a
     * {@link java.nio.file.NoSuchFileException}, which the engine reports so); an interrupted thread should stop the
     * check and throw. Called concurrently from several threads. Defaults to {@code false}.
     *
     * @param stored the artifact's stored files, read through its store
     * @return whether the files were checked (and all match)
     * @throws IOException when a file cannot be read
     */
    @API(status = API.Status.EXPERIMENTAL, since = "0.3")
    default boolean verifyStored(ArtifactReader stored) throws IOException {
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
