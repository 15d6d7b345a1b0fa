package dev.cairn.engine.stores;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.spi.ArtifactStore;
import dev.cairn.api.spi.ArtifactStoreProvider;
import dev.cairn.api.spi.CairnPlugin;
import dev.cairn.api.spi.StoreContext;
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
    private final Function<String, StoreContext> contexts;
    private final Map<URI, ArtifactStore> open = new ConcurrentHashMap<>();
    private final ArtifactStore defaultStore;

    /** The stores of {@code plugins}, each opened with a context that has no properties, no home and discards metrics. */
    public ArtifactStores(List<CairnPlugin> plugins, URI defaultRoot) {
        this(plugins, defaultRoot, scheme -> StoreContext.defaults());
    }

    /**
     * Opens the default store at {@code defaultRoot}; a store of URI scheme {@code s} is created with
     * {@code contexts.apply(s)}.
     *
     * @throws CairnException {@code CONFIGURATION} naming both providers (classes, plugins, jars) when two third-party
     *     providers, or two built-in ones, claim one scheme; a third-party provider replaces a built-in one
     */
    public ArtifactStores(List<CairnPlugin> plugins, URI defaultRoot, Function<String, StoreContext> contexts) {
        requireNonNull(plugins, "plugins is null");
        requireNonNull(defaultRoot, "defaultRoot is null");
        this.contexts = requireNonNull(contexts, "contexts is null");
        Map<String, Claim> byScheme = new HashMap<>();
        for (CairnPlugin plugin : plugins) {
            for (ArtifactStoreProvider provider : plugin.artifactStoreProviders()) {
                for (String scheme : provider.schemes()) {
                    String key = scheme.toLowerCase(Locale.ROOT);
                    Claim claim = new Claim(plugin, provider);
                    Claim previous = byScheme.get(key);
                    if (previous == null || (previous.plugin().builtIn() && !plugin.builtIn())) {
                        byScheme.put(key, claim); // a third-party provider replaces a built-in one for the same scheme
                    } else if (previous.plugin().builtIn() == plugin.builtIn() && previous.provider() != provider) {
                        throw new CairnException(ErrorCode.CONFIGURATION, "Two artifact store providers claim the URI scheme '" + key + "': "
                                + previous.describe() + " and " + claim.describe() + ". Remove one of the plugin jars from the class path (or,"
                                + " for plugins added with CairnConfiguration.Builder.plugin, add only one)");
                    }
                }
            }
        }
        Map<String, ArtifactStoreProvider> chosen = new HashMap<>();
        byScheme.forEach((scheme, claim) -> chosen.put(scheme, claim.provider()));
        this.providers = Map.copyOf(chosen);
        this.defaultStore = open(defaultRoot);
    }

    /** A provider's claim to a scheme, with the plugin it came from. */
    private record Claim(CairnPlugin plugin, ArtifactStoreProvider provider) {
        String describe() {
            return provider.getClass().getName() + " of plugin " + plugin.name() + (plugin.builtIn() ? " (built-in)" : "")
                    + " from " + location(provider.getClass());
        }
    }

    private static String location(Class<?> type) {
        java.security.CodeSource source = type.getProtectionDomain() == null ? null : type.getProtectionDomain().getCodeSource();
        return source == null || source.getLocation() == null ? "an unknown location" : source.getLocation().toString();
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
        ArtifactStore store = provider.create(root, contexts.apply(scheme));
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
