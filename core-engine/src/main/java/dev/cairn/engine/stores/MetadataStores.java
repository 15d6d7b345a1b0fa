package dev.cairn.engine.stores;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.metadata.MetadataStore;
import dev.cairn.api.spi.CairnPlugin;
import dev.cairn.api.spi.MetadataStoreProvider;
import dev.cairn.api.spi.StoreContext;
import org.apiguardian.api.API;

/**
 * The metadata store providers of one engine, by URI scheme: {@code sqlite:} (built in) and whatever plugins add
 * (for example {@code postgresql:} from cairn-metadata-postgres).
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class MetadataStores {
    private final Map<String, MetadataStoreProvider> providers;

    /**
     * The providers of {@code plugins}.
     *
     * @throws CairnException {@code CONFIGURATION} naming both providers (classes, plugins, jars) when two third-party
     *     providers, or two built-in ones, claim one scheme; a third-party provider replaces a built-in one
     */
    public MetadataStores(List<CairnPlugin> plugins) {
        requireNonNull(plugins, "plugins is null");
        Map<String, Claim> byScheme = new HashMap<>();
        for (CairnPlugin plugin : plugins) {
            for (MetadataStoreProvider provider : plugin.metadataStoreProviders()) {
                for (String scheme : provider.schemes()) {
                    String key = scheme.toLowerCase(Locale.ROOT);
                    Claim claim = new Claim(plugin, provider);
                    Claim previous = byScheme.get(key);
                    if (previous == null || (previous.plugin().builtIn() && !plugin.builtIn())) {
                        byScheme.put(key, claim);
                    } else if (previous.plugin().builtIn() == plugin.builtIn() && previous.provider() != provider) {
                        throw new CairnException(ErrorCode.CONFIGURATION, "Two metadata store providers claim the URI scheme '" + key + "': "
                                + previous.describe() + " and " + claim.describe() + ". Remove one of the plugin jars from the class path (or,"
                                + " for plugins added with CairnConfiguration.Builder.plugin, add only one)");
                    }
                }
            }
        }
        Map<String, MetadataStoreProvider> chosen = new HashMap<>();
        byScheme.forEach((scheme, claim) -> chosen.put(scheme, claim.provider()));
        this.providers = Map.copyOf(chosen);
    }

    /** A provider's claim to a scheme, with the plugin it came from. */
    private record Claim(CairnPlugin plugin, MetadataStoreProvider provider) {
        String describe() {
            java.security.CodeSource source = provider.getClass().getProtectionDomain() == null ? null
                    : provider.getClass().getProtectionDomain().getCodeSource();
            String location = source == null || source.getLocation() == null ? "an unknown location" : source.getLocation().toString();
            return provider.getClass().getName() + " of plugin " + plugin.name() + (plugin.builtIn() ? " (built-in)" : "") + " from " + location;
        }
    }

    /**
     * Opens the metadata store at {@code uri} with the provider of its scheme.
     *
     * @throws CairnException {@code UNSUPPORTED_URI} when no provider handles the scheme
     */
    public MetadataStore open(URI uri, StoreContext context) {
        requireNonNull(uri, "uri is null");
        requireNonNull(context, "context is null");
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        MetadataStoreProvider provider = providers.get(scheme);
        if (provider == null) {
            throw new CairnException(ErrorCode.UNSUPPORTED_URI, "No metadata store handles URI " + UriMasking.mask(uri) + " (scheme '" + scheme
                    + "'); available schemes: " + providers.keySet().stream().sorted().toList()
                    + ". Add the plugin jar for that scheme (e.g. cairn-metadata-postgres for postgresql://) to the class path");
        }
        return provider.open(uri, context);
    }

    /** The schemes that have a provider, sorted. */
    public List<String> schemes() {
        return providers.keySet().stream().sorted().toList();
    }
}
