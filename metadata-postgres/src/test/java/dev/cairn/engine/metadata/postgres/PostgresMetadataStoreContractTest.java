package dev.cairn.engine.metadata.postgres;

import java.nio.file.Path;

import dev.cairn.api.metadata.MetadataStore;
import dev.cairn.testkit.MetadataStoreContract;

/** The whole metadata store contract on PostgreSQL, a fresh database per test. */
class PostgresMetadataStoreContractTest extends MetadataStoreContract {
    @Override
    protected MetadataStore openStore(Path directory) {
        return PostgresMetadataStore.open(TestingPostgres.server().newDatabase());
    }
}
