package dev.cairn.api.spi;

import java.util.List;

import org.apiguardian.api.API;

/**
 * The one entry point of a plugin jar, found by {@link java.util.ServiceLoader} through
 * {@code META-INF/services/dev.cairn.api.spi.CairnPlugin}. Every extension list defaults to empty, so new
 * kinds of extension never break an existing plugin. Built-in components register the same way.
 */
@API(status = API.Status.STABLE, since = "0.1")
public interface CairnPlugin {
    /** A short name for logs and errors; defaults to the class name. */
    default String name() {
        return getClass().getName();
    }

    /** Materializers this plugin contributes; never {@code null}. */
    default List<Materializer<?>> materializers() {
        return List.of();
    }

    /** Artifact store providers this plugin contributes; never {@code null}. */
    default List<ArtifactStoreProvider> artifactStoreProviders() {
        return List.of();
    }

    /** Metadata store providers this plugin contributes, found by the scheme of a metadata URI; never {@code null}. */
    default List<MetadataStoreProvider> metadataStoreProviders() {
        return List.of();
    }

    /**
     * Releases what this plugin holds (memory pools, native sessions); the engine calls it once, when it closes, on
     * the plugins it found through {@link java.util.ServiceLoader}. A plugin added explicitly to the configuration is
     * closed by whoever created it. A resource still in use at close (a buffer a loaded value still holds) should be
     * reported by throwing a {@code CairnException} that names the artifact it came from; the engine logs it and goes
     * on closing. The default does nothing.
     */
    default void close() {}

    /**
     * True only for Cairn's own built-in plugins. A third-party materializer wins over a built-in one of
     * equal specificity.
     */
    @API(status = API.Status.INTERNAL, since = "0.1")
    default boolean builtIn() {
        return false;
    }
}
