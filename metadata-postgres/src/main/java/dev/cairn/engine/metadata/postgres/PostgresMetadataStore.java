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
    private final PostgresDatabase database;

    private PostgresMetadataStore(PostgresDatabase database) {
        super(database);
        this.location = database.location();
        this.database = database;
    }

    /**
     * One prune at a time per store: a session advisory lock ({@code pg_try_advisory_lock}) keyed by the database and
     * schema, on a connection of its own; a second prune fails fast with {@code METADATA_FAILURE} naming the server
     * process that holds the lock. The lock ends with its session, so a prune whose process dies does not block the next.
     */
    @Override
    public PruneLock lockForPrune() {
        return database.lockForPrune();
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

    /** A store that counts its round trips to the server ({@link #roundTrips}); for tests. */
    static PostgresMetadataStore openCountingRoundTrips(PostgresLocation location) {
        return new PostgresMetadataStore(PostgresDatabase.open(location, PostgresSchema.MIGRATIONS, true));
    }

    /** The round trips to the server so far, for a store opened by {@link #openCountingRoundTrips}; -1 otherwise. */
    long roundTrips() {
        return database.roundTrips();
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
