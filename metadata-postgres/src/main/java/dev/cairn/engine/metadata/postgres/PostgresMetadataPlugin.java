package dev.cairn.engine.metadata.postgres;

import java.util.List;

import dev.cairn.api.spi.CairnPlugin;
import dev.cairn.api.spi.MetadataStoreProvider;
import org.apiguardian.api.API;

/** The built-in plugin that contributes the PostgreSQL metadata store provider when this jar is on the class path. */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class PostgresMetadataPlugin implements CairnPlugin {
    @Override
    public String name() {
        return "cairn-metadata-postgres";
    }

    @Override
    public List<MetadataStoreProvider> metadataStoreProviders() {
        return List.of(new PostgresMetadataStoreProvider());
    }

    @Override
    public boolean builtIn() {
        return true;
    }
}
