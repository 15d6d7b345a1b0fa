package dev.cairn.api.pipeline;

import java.lang.reflect.Type;

import org.apiguardian.api.API;

/** An artifact wired into a step: another step's output, or an existing artifact version. */
@API(status = API.Status.STABLE, since = "0.1")
public interface Ref<T> extends Input<T> {
    /** The declared type of the artifact ({@code Object} when it is only known at run time). */
    Type type();

    /** A short description for messages, e.g. {@code output 'trainData' of step 'splitDataset'}. */
    String describe();

    /**
     * This artifact, typed for a step parameter of another class that a materializer other than the writer loads it as
     * ({@link dev.cairn.api.spi.Materializer#canLoad}), e.g. a Spark {@code Dataset} taken as an Arrow {@code Table}; the
     * engine checks that one does when it compiles the pipeline ({@code TYPE_MISMATCH} otherwise).
     */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    @SuppressWarnings("unchecked")
    default <U> Input<U> loadedAs(Class<U> type) {
        java.util.Objects.requireNonNull(type, "type is null");
        return (Input<U>) this;
    }

    /** {@link #loadedAs(Class)} for a generic type, e.g. {@code new TypeRef<Dataset<Row>>() {}}. */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    @SuppressWarnings("unchecked")
    default <U> Input<U> loadedAs(dev.cairn.api.artifact.TypeRef<U> type) {
        java.util.Objects.requireNonNull(type, "type is null");
        return (Input<U>) this;
    }
}
