package dev.cairn.stores.hdfs;

import java.util.List;

import org.apiguardian.api.API;

import dev.cairn.api.spi.ArtifactStoreProvider;
import dev.cairn.api.spi.CairnPlugin;

/**
 * The built-in plugin contributing the Hadoop artifact store ({@code hdfs:}, {@code webhdfs:}, {@code viewfs:}, and
 * with a connector {@code s3a:}, {@code abfs:}, {@code abfss:}, {@code gs:} URIs). Found by
 * {@link java.util.ServiceLoader}; not meant to be used directly.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class HdfsStorePlugin implements CairnPlugin {
    @Override
    public String name() {
        return "stores-hdfs";
    }

    @Override
    public List<ArtifactStoreProvider> artifactStoreProviders() {
        return List.of(new HdfsArtifactStoreProvider());
    }

    @Override
    public boolean builtIn() {
        return true;
    }
}
