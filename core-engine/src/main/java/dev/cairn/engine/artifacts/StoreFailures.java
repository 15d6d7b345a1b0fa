package dev.cairn.engine.artifacts;

import java.nio.file.NoSuchFileException;
import java.util.IdentityHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/** How the engine reads the failures of {@link dev.cairn.api.spi.ArtifactStore}s. */
final class StoreFailures {
    private StoreFailures() {}

    /**
     * The store's missing-file signal ({@link NoSuchFileException}) in {@code failure} or its causes, or null: a
     * materializer may have wrapped it (in an {@code UncheckedIOException}, a {@code CairnException}, ...).
     */
    static @Nullable NoSuchFileException missingFile(Throwable failure) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = failure; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
            if (t instanceof NoSuchFileException missing) {
                return missing;
            }
        }
        return null;
    }
}
