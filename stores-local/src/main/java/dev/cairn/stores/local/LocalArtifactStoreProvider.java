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
 * store takes one setting, {@value LocalArtifactStore#DURABLE_SETTING} ({@code true} or {@code false}, default
 * {@code false}: see the durability paragraph of {@link LocalArtifactStore}); any other key, or another value, is
 * refused, so that a misspelt setting is not silently ignored. Settings given to
 * {@link #LocalArtifactStoreProvider(Map)} apply to every store it creates; the per-store map wins. Thread-safe.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class LocalArtifactStoreProvider implements ArtifactStoreProvider {
    /** The one URI scheme this provider handles. */
    public static final String SCHEME = "file";

    private final Map<String, String> defaults;

    /** A provider without settings of its own. */
    public LocalArtifactStoreProvider() {
        this(Map.of());
    }

    /**
     * A provider whose stores get {@code defaults} unless their own configuration says otherwise (a plugin of the
     * application's can return such a provider to make every local store durable).
     *
     * @throws CairnException {@code CONFIGURATION} for an unknown key or a value that is not {@code true}/{@code false}
     */
    public LocalArtifactStoreProvider(Map<String, String> defaults) {
        requireNonNull(defaults, "defaults is null");
        durable(defaults, "the provider's settings");
        this.defaults = Map.copyOf(defaults);
    }

    @Override
    public Set<String> schemes() {
        return Set.of(SCHEME);
    }

    /**
     * Opens the store rooted at the directory of {@code rootUri}, creating it if needed; it uses the context's clock
     * and metrics.
     *
     * @throws CairnException {@code UNSUPPORTED_URI} if {@code rootUri} is not an absolute {@code file:} URI
     *     without host, query or fragment; {@code CONFIGURATION} if the context's properties have a key other than
     *     {@value LocalArtifactStore#DURABLE_SETTING} or a value other than {@code true}/{@code false};
     *     {@code STORE_FAILURE} if the directory cannot be created
     */
    @Override
    public ArtifactStore create(URI rootUri, StoreContext context) {
        requireNonNull(rootUri, "rootUri is null");
        requireNonNull(context, "context is null");
        Boolean durable = durable(context.properties(), "the configuration of the local artifact store at " + rootUri);
        if (durable == null) {
            durable = durable(defaults, "the provider's settings");
        }
        return new LocalArtifactStore(rootPath(rootUri), context, durable != null && durable);
    }
    /** The durable setting in {@code settings}, or null when absent; refuses unknown keys and values. */
    private static Boolean durable(Map<String, String> settings, String where) {
        Set<String> unknown = new TreeSet<>(settings.keySet());
        unknown.remove(LocalArtifactStore.DURABLE_SETTING);
        if (!unknown.isEmpty()) {
            throw new CairnException(ErrorCode.CONFIGURATION, "The local artifact store takes only the setting '"
                    + LocalArtifactStore.DURABLE_SETTING + "', but " + where + " has " + unknown + "; remove them");
        }
        String value = settings.get(LocalArtifactStore.DURABLE_SETTING);
        if (value == null) {
            return null;
        }
        return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new CairnException(ErrorCode.CONFIGURATION, "The setting '" + LocalArtifactStore.DURABLE_SETTING + "' in " + where
                    + " is '" + value + "'; write true or false");
        };
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
