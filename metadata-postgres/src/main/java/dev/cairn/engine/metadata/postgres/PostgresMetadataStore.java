package dev.cairn.engine.metadata.postgres;

import java.net.URI;
import java.util.List;

import dev.cairn.api.CairnException;
import dev.cairn.engine.metadata.jdbc.JdbcMetadataStore;
import dev.cairn.engine.metadata.jdbc.SchemaMigration;
import org.apiguardian.api.API;

/**
 * A metadata store shared by many processes on many machines: the {@link JdbcMetadataStore} over
 * {@link PostgresDialect}, on a pooled connection set. Open with {@link #open(URI)}; close to release the pool.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class PostgresMetadataStore extends JdbcMetadataStore {
    private final String location;

    private PostgresMetadataStore(PostgresDatabase database) {
        super(database);
        this.location = database.location();
    }

    /**
     * Connects to the database of {@code uri} and creates or migrates its schema.
     *
     * @throws CairnException {@code CONFIGURATION} for an unusable URI; {@code METADATA_FAILURE} when the server cannot
     *     be reached or its schema is newer than this Cairn knows
     */
    public static PostgresMetadataStore open(URI uri) {
        return open(PostgresLocation.parse(uri, System::getenv));
    }

    /** {@link #open(URI)} for a parsed location. */
    public static PostgresMetadataStore open(PostgresLocation location) {
        return open(location, PostgresSchema.MIGRATIONS);
    }

    static PostgresMetadataStore open(PostgresLocation location, List<SchemaMigration> migrations) {
        return new PostgresMetadataStore(PostgresDatabase.open(location, migrations));
    }

    /** Where the store is, without the password. */
    public String location() {
        return location;
    }

    @Override
    public String toString() {
        return "PostgresMetadataStore[" + location + "]";
    }
}
