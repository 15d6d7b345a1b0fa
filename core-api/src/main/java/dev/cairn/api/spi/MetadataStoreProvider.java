package dev.cairn.api.spi;

import java.net.URI;
import java.util.Set;

import dev.cairn.api.metadata.MetadataStore;
import org.apiguardian.api.API;

/**
 * Opens metadata stores for the URI schemes it handles (e.g. {@code sqlite:/path/metadata.db},
 * {@code postgresql://host:port/db}). Two providers of third-party plugins (or two built-in ones) that claim one scheme
 * make the engine fail at start with {@code CONFIGURATION} naming both; a third-party provider replaces a built-in one
 * for the same scheme. Implementations are thread-safe.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public interface MetadataStoreProvider {
    /** Lower-case URI schemes this provider handles; never empty, the same on every call. */
    Set<String> schemes();

    /**
     * Opens (creating or migrating when needed) the metadata store at {@code uri}, whose scheme is one of
     * {@link #schemes()}; the caller closes it. An unusable URI is a {@code CairnException} with {@code CONFIGURATION}
     * naming it (passwords masked); an unreachable or newer-schema store is {@code METADATA_FAILURE}.
     *
     * @param context configuration properties, the Cairn home (relative paths resolve against it), the clock and the
     *     metrics reporter
     */
    MetadataStore open(URI uri, StoreContext context);
}
