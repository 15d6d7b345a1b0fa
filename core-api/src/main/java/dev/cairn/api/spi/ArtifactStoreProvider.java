package dev.cairn.api.spi;

import java.net.URI;
import java.util.Map;
import java.util.Set;

import org.apiguardian.api.API;

/** Creates artifact stores for the URI schemes it handles (e.g. {@code file}, {@code hdfs}). */
@API(status = API.Status.STABLE, since = "0.1")
public interface ArtifactStoreProvider {
    /** Lower-case URI schemes this provider handles. */
    Set<String> schemes();

    /**
     * Opens a store rooted at {@code rootUri}, creating the root if needed.
     *
     * @param configuration provider-specific settings (e.g. Hadoop keys); never {@code null}
     */
    ArtifactStore create(URI rootUri, Map<String, String> configuration);
}
