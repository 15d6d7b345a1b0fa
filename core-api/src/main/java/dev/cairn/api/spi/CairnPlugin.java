package dev.cairn.api.spi;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apiguardian.api.API;

import dev.cairn.api.run.RunListener;

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
     * The table of the stack file ({@code cairn.toml}) this plugin reads, e.g. {@code "spark"} for {@code [spark]}; empty
     * when it reads none. A table no plugin on the class path reads is ignored with a warning.
     */
    @API(status = API.Status.EXPERIMENTAL, since = "0.2")
    default Optional<String> stackSection() {
        return Optional.empty();
    }

    /**
     * Receives this plugin's {@link #stackSection() stack table} once, when the engine opens, before any other use: its
     * keys to {@code String}, {@code Long}, {@code Double}, {@code Boolean}, {@code List} or nested {@code Map} values,
     * empty when the stack file has no such table. Throws a {@code CairnException} {@code CONFIGURATION} naming the key
     * for an unknown key or a bad value (the engine adds the file). The default does nothing.
     */
    @API(status = API.Status.EXPERIMENTAL, since = "0.2")
    default void configure(Map<String, Object> section) {}

    /**
     * Listeners this plugin adds to one run, asked for when each run starts (so each may keep state of its run) and
     * called after the run's own {@code RunOptions} listeners; never {@code null}.
     */
    @API(status = API.Status.EXPERIMENTAL, since = "0.2")
    default List<RunListener> runListeners() {
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
