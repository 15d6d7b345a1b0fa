package dev.cairn.api.spi;

import java.net.URI;
import java.util.Set;

import org.apiguardian.api.API;

/**
 * Creates artifact stores for the URI schemes it handles (e.g. {@code file}, {@code hdfs}). Two providers of
 * third-party plugins (or two built-in ones) that claim one scheme make the engine fail at start with
 * {@code CONFIGURATION} naming both; a third-party provider replaces a built-in one for the same scheme.
 * Implementations are thread-safe.
 */
@API(status = API.Status.STABLE, since = "0.1")
public interface ArtifactStoreProvider {
    /** Lower-case URI schemes this provider handles; never empty, the same on every call. */
    Set<String> schemes();

    /**
     * Opens a store rooted at {@code rootUri} (one of {@link #schemes()}), creating the root if needed. An unusable
     * root or configuration is a {@code CairnException} with {@code CONFIGURATION} or {@code STORE_FAILURE} naming it.
     *
     * @param context configuration properties, the Cairn home, the clock and the metrics reporter
     */
    ArtifactStore create(URI rootUri, StoreContext context);
}
