package dev.cairn.engine.metadata.postgres;

import java.net.URI;
import java.util.Set;

import dev.cairn.api.metadata.MetadataStore;
import dev.cairn.api.spi.MetadataStoreProvider;
import dev.cairn.api.spi.StoreContext;
import org.apiguardian.api.API;

/** Opens {@link PostgresMetadataStore}s for {@code postgresql://} and {@code postgres://} metadata URIs. */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class PostgresMetadataStoreProvider implements MetadataStoreProvider {
    @Override
    public Set<String> schemes() {
        return PostgresLocation.SCHEMES;
    }

    @Override
    public MetadataStore open(URI uri, StoreContext context) {
        return PostgresMetadataStore.open(PostgresLocation.parse(uri, key -> context.property(key).orElseGet(() -> System.getenv(key))));
    }
}
