package dev.cairn.engine.metadata.sqlite;

import java.nio.file.Path;
import java.util.List;

import dev.cairn.api.CairnException;
import dev.cairn.engine.metadata.jdbc.JdbcMetadataStore;
import dev.cairn.engine.metadata.jdbc.SchemaMigration;
import dev.cairn.engine.metadata.jdbc.StoredLocations;
import org.slf4j.LoggerFactory;
import org.apiguardian.api.API;

/**
 * The embedded metadata store: one SQLite database file in WAL mode, shared safely by the threads of one
 * engine and by several processes; the {@link JdbcMetadataStore} over {@link SqliteDialect}.
 *
 * <p>Version assignment takes the database's write lock ({@code BEGIN IMMEDIATE}) so that two writers in any
 * processes never get the same version. Instants are stored as nanoseconds since the epoch and read back
 * equal to what was written (for instants between 1677 and 2262; others are rejected). Map fields are stored
 * as canonical JSON, so numbers come back as the smallest fitting {@code Integer}, {@code Long},
 * {@code BigInteger} or {@code Double}, and nested objects as maps.
 *
 * <p>Thread-safe: writes go through one connection, one transaction at a time; reads use a pool of read-only
 * connections and see every committed write. A write that finds the database locked by another process waits
 * for up to 30 s instead of failing. Open with {@link #open(Path)}; close to release the file and stop the
 * background checkpoint thread.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class SqliteMetadataStore extends JdbcMetadataStore {
    private final Path file;

    /** {@code PRAGMA user_version} once the home's own locations are known to be stored relative to it. */
    static final int LOCATIONS_RELATIVE = 1;

    /** The URI columns that may hold locations inside the home. */
    private static final List<String> URI_COLUMNS = List.of("artifact_versions.uri", "artifact_versions.store_uri",
            "artifact_deletions.uri", "artifact_deletions.store_uri");

    /** The {@link #URI_COLUMNS} whose tables exist (a database opened with fewer migrations lacks some). */
    private static List<String> existing(dev.cairn.engine.metadata.jdbc.SqlSession session) throws java.sql.SQLException {
        List<String> tables = session.list("SELECT name FROM sqlite_master WHERE type = 'table'", row -> row.getString(1));
        return URI_COLUMNS.stream().filter(column -> tables.contains(column.substring(0, column.indexOf('.')))).toList();
    }

    private SqliteMetadataStore(SqliteDatabase database, StoredLocations locations) {
        super(database, locations);
        this.file = database.file();
    }

    /**
     * Opens the store in {@code databaseFile}, creating the file and its parent directories when missing and
     * bringing an older schema up to date.
     *
     * @throws CairnException {@code METADATA_FAILURE} if the file cannot be opened or was written by a newer Cairn
     */
    public static SqliteMetadataStore open(Path databaseFile) {
        return open(databaseFile, SqliteSchema.MIGRATIONS);
    }

    static SqliteMetadataStore open(Path databaseFile, List<SchemaMigration> migrations) {
        SqliteDatabase database = SqliteDatabase.open(databaseFile, migrations);
        StoredLocations locations = StoredLocations.relativeTo(database.file().getParent());
        try {
            // homes written before locations were relative: rewrite their own absolute URIs (idempotent; a copy made before
            // this upgrade still names the original's files: those are not inside this directory and stay as they are).
            // Looking for them scans every version (11 s per open at 1,000,000 versions), so it is done once per database:
            // PRAGMA user_version records that it was, and only a Cairn that writes relative locations can open the
            // database since (it is at schema V11, which older ones refuse).
            boolean checked = database.read("read whether the locations were checked",
                    session -> session.first("PRAGMA user_version", statement -> {}, row -> row.getInt(1)).orElse(0)) >= LOCATIONS_RELATIVE;
            boolean old = !checked && database.read("look for absolute locations inside " + database.file().getParent(),
                    session -> locations.hasAbsoluteInside(session, existing(session)));
            int changed = !old ? 0 : database.write("store the locations inside " + database.file().getParent() + " relative to it",
                    session -> locations.relativizeExisting(session, existing(session)));
            if (!checked) {
                database.write("record that the locations inside " + database.file().getParent() + " are relative", session -> {
                    session.execute("PRAGMA user_version = " + LOCATIONS_RELATIVE);
                    return null;
                });
            }
            if (changed > 0) {
                LoggerFactory.getLogger(SqliteMetadataStore.class).info("Metadata store {}: {} locations inside its directory are now"
                        + " stored relative to it, so the home can be moved or copied", database.file(), changed);
            }
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
        return new SqliteMetadataStore(database, locations);
    }

    /**
     * How many write transactions every SQLite metadata store of this JVM has committed so far: for tests and benchmarks
     * that count the commits of an operation (take the difference around it, with nothing else writing meanwhile).
     */
    public static long committedWriteTransactions() {
        return SqliteDatabase.COMMITTED_WRITES.sum();
    }

    /**
     * How many SQL statements the metadata stores of this JVM have executed so far ({@link
     * dev.cairn.engine.metadata.jdbc.SqlSession#executedStatements}): for tests and benchmarks, like {@link #committedWriteTransactions}.
     */
    public static long executedStatements() {
        return dev.cairn.engine.metadata.jdbc.SqlSession.executedStatements();
    }

    /** The database file, as an absolute path. */
    public Path databaseFile() {
        return file;
    }
}
