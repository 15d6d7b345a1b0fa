package dev.cairn.engine.metadata;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteErrorCode;

/**
 * An open SQLite metadata database: one write connection behind a lock, a pool of read-only connections,
 * schema migration on open, and the one place where a busy database is waited for.
 *
 * <p>Every write runs in a {@code BEGIN IMMEDIATE} transaction, which takes the file's write lock before the
 * first statement, so a transaction never fails half-way because another process wrote first. When another
 * process holds the lock, SQLite's busy timeout waits first; whatever still comes back as
 * {@code SQLITE_BUSY} or {@code SQLITE_LOCKED} is retried here with jittered exponential backoff for up to
 * {@link #BUSY_LIMIT} before the caller sees a {@link CairnException}. Thread-safe.
 */
final class SqliteDatabase implements AutoCloseable {
    /** How long one operation may wait for other processes to release the database. */
    static final Duration BUSY_LIMIT = Duration.ofSeconds(30);
    /** SQLite's own wait before it reports busy; short, so that the backoff below keeps waiters fair. */
    static final int BUSY_TIMEOUT_MILLIS = 50;

    private static final Logger LOG = LoggerFactory.getLogger(SqliteDatabase.class);
    private static final long FIRST_PAUSE_NANOS = TimeUnit.MICROSECONDS.toNanos(100);
    private static final long MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long WARN_AFTER_NANOS = TimeUnit.SECONDS.toNanos(2);

    /** Work against one connection; may throw {@link SQLException} to be retried or reported. */
    @FunctionalInterface
    interface SqlWork<T> {
        T run(SqliteConnection connection) throws SQLException;
    }

    @FunctionalInterface
    private interface SqlAction<T> {
        T run() throws SQLException;
    }

    private final Path file;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ConcurrentLinkedDeque<SqliteConnection> idleReaders = new ConcurrentLinkedDeque<>();
    private SqliteConnection writer;
    private WalCheckpointer checkpointer;
    private volatile boolean closed;

    private SqliteDatabase(Path file) {
        this.file = file;
    }

    /** Opens (creating if needed) the database at {@code file} and applies the migrations it lacks. */
    static SqliteDatabase open(Path file, List<SchemaMigration> migrations) {
        requireNonNull(file, "file is null");
        requireNonNull(migrations, "migrations is null");
        checkMigrationOrder(migrations);
        Path absolute = file.toAbsolutePath().normalize();
        try {
            Path parent = absolute.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new CairnException(ErrorCode.METADATA_FAILURE,
                    "Metadata store " + absolute + ": could not create its directory: " + e, e);
        }
        SqliteDatabase database = new SqliteDatabase(absolute);
        try {
            database.writer = database.withRetry("open the database",
                    () -> SqliteConnection.open(absolute, BUSY_TIMEOUT_MILLIS, false));
            database.useWriteAheadLog();
            database.migrate(migrations);
            database.checkpointer = new WalCheckpointer(absolute, BUSY_TIMEOUT_MILLIS, database.writeLock);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
        return database;
    }

    Path file() {
        return file;
    }

    /**
     * Runs {@code work} in one write transaction and commits it; rolls back and rethrows on any failure.
     * {@code operation} completes "could not …" in error messages.
     */
    <T> T write(String operation, SqlWork<T> work) {
        writeLock.lock();
        try {
            SqliteConnection connection = writer;
            if (closed || connection == null) {
                throw closedFailure(operation);
            }
            T result = withRetry(operation, () -> inTransaction(connection, work));
            if (checkpointer != null) {
                checkpointer.committed();
            }
            return result;
        } catch (WriteRejected e) {
            throw new CairnException(ErrorCode.METADATA_FAILURE,
                    "Metadata store " + file + ": could not " + operation + ": " + e.getMessage());
        } finally {
            writeLock.unlock();
        }
    }

    /** Runs {@code work} on a read-only connection; each statement sees the latest committed data. */
    <T> T read(String operation, SqlWork<T> work) {
        SqliteConnection connection = borrowReader(operation);
        try {
            return withRetry(operation, () -> work.run(connection));
        } finally {
            returnReader(connection);
        }
    }

    private static <T> T inTransaction(SqliteConnection connection, SqlWork<T> work) throws SQLException {
        connection.beginImmediate();
        try {
            T result = work.run(connection);
            connection.commit();
            return result;
        } catch (SQLException | RuntimeException | Error e) {
            connection.rollbackQuietly();
            throw e;
        }
    }

    private <T> T withRetry(String operation, SqlAction<T> action) {
        long start = System.nanoTime();
        long pause = FIRST_PAUSE_NANOS;
        boolean warned = false;
        while (true) {
            try {
                return action.run();
            } catch (SQLException e) {
                if (!isBusy(e)) {
                    throw failure(operation, e);
                }
                long waited = System.nanoTime() - start;
                if (waited >= BUSY_LIMIT.toNanos()) {
                    throw new CairnException(ErrorCode.METADATA_FAILURE, "Metadata store " + file + ": could not " + operation
                            + ": the database stayed locked by another connection for " + BUSY_LIMIT.toSeconds()
                            + " s; check for a process that holds it open in a long transaction", e);
                }
                if (!warned && waited >= WARN_AFTER_NANOS) {
                    LOG.warn("Metadata store {} is locked by another connection; still waiting to {}", file, operation);
                    warned = true;
                }
                LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(pause / 2, pause + pause / 2));
                if (Thread.currentThread().isInterrupted()) {
                    throw new CairnException(ErrorCode.METADATA_FAILURE, "Metadata store " + file + ": could not " + operation
                            + ": interrupted while waiting for another connection to release the database", e);
                }
                pause = Math.min(pause * 2, MAX_PAUSE_NANOS);
            } catch (UncheckedIOException | IllegalArgumentException e) {
                // stored text that does not parse back: JSON, an enum constant, a UUID or a URI
                throw new CairnException(ErrorCode.METADATA_FAILURE,
                        "Metadata store " + file + ": could not " + operation + ": " + e, e);
            }
        }
    }

    /** True for SQLITE_BUSY and SQLITE_LOCKED (with any extended code), also when wrapped, as batch failures are. */
    private static boolean isBusy(SQLException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql) {
                int primary = sql.getErrorCode() & 0xff;
                if (primary == SQLiteErrorCode.SQLITE_BUSY.code || primary == SQLiteErrorCode.SQLITE_LOCKED.code) {
                    return true;
                }
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }

    private CairnException failure(String operation, SQLException e) {
        return new CairnException(ErrorCode.METADATA_FAILURE,
                "Metadata store " + file + ": could not " + operation + ": " + e.getMessage(), e);
    }

    private CairnException closedFailure(String operation) {
        return new CairnException(ErrorCode.METADATA_FAILURE,
                "Metadata store " + file + " is closed: could not " + operation);
    }

    private SqliteConnection borrowReader(String operation) {
        if (closed) {
            throw closedFailure(operation);
        }
        SqliteConnection reader = idleReaders.pollFirst();
        if (reader != null) {
            return reader;
        }
        return withRetry("open a read connection", () -> SqliteConnection.open(file, BUSY_TIMEOUT_MILLIS, true));
    }

    private void returnReader(SqliteConnection reader) {
        idleReaders.addFirst(reader);
        if (closed) {
            closeIdleReaders();
        }
    }

    private void closeIdleReaders() {
        SqliteConnection reader;
        while ((reader = idleReaders.pollFirst()) != null) {
            reader.close();
        }
    }

    private void useWriteAheadLog() {
        String mode = withRetry("switch to write-ahead logging", () -> writer.queryText("PRAGMA journal_mode = WAL"));
        // the checkpointer thread copies the log back, so commits never wait for it; a log that a burst of writes
        // made large is cut back to 64 MB when it starts over
        withRetry("configure checkpoints", () -> {
            writer.execute("PRAGMA wal_autocheckpoint = 0");
            writer.queryText("PRAGMA journal_size_limit = 67108864");
            return null;
        });
        if (!"wal".equalsIgnoreCase(mode)) {
            LOG.warn("Metadata store {} runs in journal mode '{}' instead of WAL (the file system may not support it); "
                    + "readers and writers will block each other", file, mode);
        }
    }

    private void migrate(List<SchemaMigration> migrations) {
        int latest = migrations.isEmpty() ? 0 : migrations.get(migrations.size() - 1).version();
        int found = withRetry("read the schema version", () -> schemaVersion(writer));
        checkNotNewer(found, latest);
        if (found == latest) {
            LOG.debug("Opened metadata store {} at schema version {}", file, found);
            return;
        }
        // Re-read under the write lock: another process may have migrated since.
        int from = write("migrate the schema to version " + latest, connection -> {
            connection.executeOnce("CREATE TABLE IF NOT EXISTS schema_version ("
                    + "version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at INTEGER NOT NULL)");
            int current = schemaVersion(connection);
            checkNotNewer(current, latest);
            for (SchemaMigration migration : migrations) {
                if (migration.version() <= current) {
                    continue;
                }
                for (String statement : migration.statements()) {
                    connection.executeOnce(statement);
                }
                var insert = connection.prepare("INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)");
                insert.setInt(1, migration.version());
                insert.setString(2, migration.description());
                insert.setLong(3, ColumnCodec.epochNanos(Instant.now(), "time of migration", migration.version()));
                insert.executeUpdate();
            }
            return current;
        });
        if (from == 0) {
            LOG.debug("Created metadata store {} at schema version {}", file, latest);
        } else if (from < latest) {
            LOG.info("Migrated metadata store {} from schema version {} to {}", file, from, latest);
        }
    }

    private static int schemaVersion(SqliteConnection connection) throws SQLException {
        if (connection.queryText("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'") == null) {
            return 0;
        }
        try (ResultSet rows = connection.prepare("SELECT coalesce(max(version), 0) FROM schema_version").executeQuery()) {
            rows.next();
            return rows.getInt(1);
        }
    }

    private void checkNotNewer(int found, int latest) {
        if (found > latest) {
            throw new CairnException(ErrorCode.METADATA_FAILURE, "Metadata store " + file + " has schema version " + found
                    + ", but this version of Cairn knows schema versions up to " + latest
                    + "; open it with a newer Cairn, or point Cairn at another metadata database");
        }
    }

    private static void checkMigrationOrder(List<SchemaMigration> migrations) {
        for (int i = 0; i < migrations.size(); i++) {
            if (migrations.get(i).version() != i + 1) {
                throw new IllegalArgumentException("migrations must be numbered 1, 2, 3, … in order; found version "
                        + migrations.get(i).version() + " at position " + (i + 1));
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        if (checkpointer != null) {
            checkpointer.close();
        }
        writeLock.lock();
        try {
            if (writer != null) {
                writer.close();
                writer = null;
            }
        } finally {
            writeLock.unlock();
        }
        closeIdleReaders();
    }
}
