package dev.cairn.engine.metadata.sqlite;

import java.nio.file.Path;
import java.util.List;

import dev.cairn.api.CairnException;
import dev.cairn.engine.metadata.jdbc.JdbcMetadataStore;
import dev.cairn.engine.metadata.jdbc.SchemaMigration;
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

    private SqliteMetadataStore(SqliteDatabase database) {
        super(database);
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
        return new SqliteMetadataStore(SqliteDatabase.open(databaseFile, migrations));
    }

    /** The database file, as an absolute path. */
    public Path databaseFile() {
        return file;
    }
}
