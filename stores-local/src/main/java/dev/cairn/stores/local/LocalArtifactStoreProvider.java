package dev.cairn.stores.local;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.apiguardian.api.API;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.spi.ArtifactStore;
import dev.cairn.api.spi.ArtifactStoreProvider;
import dev.cairn.api.spi.StoreContext;

/**
 * Creates {@link LocalArtifactStore}s for {@code file:} URIs such as {@code file:///var/cairn/store/}. The local
 * store takes no settings: a context with properties is refused, so that a misspelt setting is not silently
 * ignored. Thread-safe and stateless.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class LocalArtifactStoreProvider implements ArtifactStoreProvider {
    /** The one URI scheme this provider handles. */
    public static final String SCHEME = "file";

    @Override
    public Set<String> schemes() {
        return Set.of(SCHEME);
    }

    /**
     * Opens the store rooted at the directory of {@code rootUri}, creating it if needed; it uses the context's clock
     * and metrics.
     *
     * @throws CairnException {@code UNSUPPORTED_URI} if {@code rootUri} is not an absolute {@code file:} URI
     *     without host, query or fragment; {@code CONFIGURATION} if the context has properties;
     *     {@code STORE_FAILURE} if the directory cannot be created
     */
    @Override
    public ArtifactStore create(URI rootUri, StoreContext context) {
        requireNonNull(rootUri, "rootUri is null");
        requireNonNull(context, "context is null");
        Map<String, String> configuration = context.properties();
        if (!configuration.isEmpty()) {
            throw new CairnException(ErrorCode.CONFIGURATION, "The local artifact store at " + rootUri
                    + " takes no settings, but was given " + new TreeSet<>(configuration.keySet())
                    + "; remove them from its configuration");
        }
        return new LocalArtifactStore(rootPath(rootUri), context);
    }

    private static Path rootPath(URI rootUri) {
        if (!rootUri.isAbsolute() || !SCHEME.equalsIgnoreCase(rootUri.getScheme())) {
            throw new CairnException(ErrorCode.UNSUPPORTED_URI, "The local artifact store handles file: URIs only,"
                    + " not '" + rootUri + "'");
        }
        try {
            return Path.of(rootUri);
        } catch (IllegalArgumentException | FileSystemNotFoundException e) {
            throw new CairnException(ErrorCode.UNSUPPORTED_URI, "'" + rootUri + "' is not a usable root for a local"
                    + " artifact store (" + e.getMessage() + "); write an absolute directory URI such as"
                    + " file:///var/cairn/store/", e);
        }
    }

    @Override
    public String toString() {
        return "LocalArtifactStoreProvider[" + SCHEME + "]";
    }
}
