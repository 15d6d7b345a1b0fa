package dev.cairn.engine.stores;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.spi.ArtifactStore;
import dev.cairn.api.spi.ArtifactStoreProvider;
import dev.cairn.api.spi.CairnPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apiguardian.api.API;

/**
 * The artifact stores of one engine: the default store, plus stores opened on demand (by the scheme of an
 * artifact's recorded store URI) to read artifacts written elsewhere. Closes them all.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class ArtifactStores implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ArtifactStores.class);

    private final Map<String, ArtifactStoreProvider> providers;
    private final Map<URI, ArtifactStore> open = new ConcurrentHashMap<>();
    private final ArtifactStore defaultStore;

    public ArtifactStores(List<CairnPlugin> plugins, URI defaultRoot) {
        Map<String, ArtifactStoreProvider> byScheme = new HashMap<>();
        for (CairnPlugin plugin : plugins) {
            for (ArtifactStoreProvider provider : plugin.artifactStoreProviders()) {
                for (String scheme : provider.schemes()) {
                    ArtifactStoreProvider previous = byScheme.get(scheme.toLowerCase(Locale.ROOT));
                    // a third-party provider replaces a built-in one for the same scheme
                    if (previous == null || !plugin.builtIn()) {
                        byScheme.put(scheme.toLowerCase(Locale.ROOT), provider);
                    }
                }
            }
        }
        this.providers = Map.copyOf(byScheme);
        this.defaultStore = open(defaultRoot);
    }

    public ArtifactStore defaultStore() {
        return defaultStore;
    }

    /** The default store first, then every other store opened so far. */
    public List<ArtifactStore> knownStores() {
        List<ArtifactStore> known = new java.util.ArrayList<>();
        known.add(defaultStore);
        for (ArtifactStore store : open.values()) {
            if (store != defaultStore) {
                known.add(store);
            }
        }
        return known;
    }

    /** The store rooted at {@code root}, opened on first use. */
    public ArtifactStore open(URI root) {
        requireNonNull(root, "root is null");
        URI key = root.toString().endsWith("/") ? root : URI.create(root + "/");
        return open.computeIfAbsent(key, this::create);
    }

    private ArtifactStore create(URI root) {
        String scheme = root.getScheme() == null ? "" : root.getScheme().toLowerCase(Locale.ROOT);
        ArtifactStoreProvider provider = providers.get(scheme);
        if (provider == null) {
            throw new CairnException(ErrorCode.UNSUPPORTED_URI,
                    "No artifact store handles URI " + root + " (scheme '" + scheme + "'); available schemes: " + providers.keySet().stream().sorted().toList()
                            + ". Add the plugin jar for that scheme (e.g. cairn-stores-hdfs for hdfs://) to the class path");
        }
        ArtifactStore store = provider.create(root, Map.of());
        LOG.debug("Opened artifact store {} with {}", store.rootUri(), provider.getClass().getName());
        return store;
    }

    @Override
    public void close() {
        for (ArtifactStore store : open.values()) {
            try {
                store.close();
            } catch (RuntimeException e) {
                LOG.warn("Closing artifact store {} failed", store.rootUri(), e);
            }
        }
        open.clear();
    }
}
