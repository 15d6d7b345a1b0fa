package dev.cairn.engine.metadata.sqlite;

import java.util.List;

import dev.cairn.api.spi.CairnPlugin;
import dev.cairn.api.spi.MetadataStoreProvider;
import org.apiguardian.api.API;

/** The built-in plugin contributing the {@code sqlite:} metadata store provider. */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class SqliteMetadataPlugin implements CairnPlugin {
    @Override
    public String name() {
        return "cairn-metadata-sqlite";
    }

    @Override
    public List<MetadataStoreProvider> metadataStoreProviders() {
        return List.of(new SqliteMetadataStoreProvider());
    }

    @Override
    public boolean builtIn() {
        return true;
    }
}
