package dev.cairn.engine.metadata.sqlite;

import java.nio.file.Path;

import dev.cairn.api.metadata.MetadataStore;
import dev.cairn.testkit.MetadataStoreContract;

/** The whole {@link MetadataStoreContract} on a real SQLite file in a temporary directory. */
class SqliteMetadataStoreContractTest extends MetadataStoreContract {
    @Override
    protected MetadataStore openStore(Path directory) {
        return SqliteMetadataStore.open(directory.resolve("metadata.db"));
    }
}
