package dev.cairn.engine.metadata.sqlite;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.engine.metadata.jdbc.SchemaMigration;
import dev.cairn.engine.metadata.jdbc.SchemaRepository;
import dev.cairn.engine.metadata.jdbc.SqlDatabase;
import dev.cairn.engine.metadata.jdbc.SqlDialect;
import dev.cairn.engine.metadata.jdbc.SqlSession;
import dev.cairn.engine.metadata.jdbc.WriteRejected;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * An open SQLite metadata database: one write connection behind a lock, a pool of read-only connections,
 * schema migration on open, and the one place where a busy database is waited for.
 *
 * <p>Every write runs in a {@code BEGIN IMMEDIATE} transaction, which takes the file's write lock before the
 * first statement, so a transaction never fails half-way because another process wrote first. When another
 * process holds the lock, SQLite's busy timeout waits first; whatever still comes back as
 * {@code SQLITE_BUSY} or {@code SQLITE_LOCKED} is retried here with jittered exponential backoff for up to
 * {@link #BUSY_LIMIT} before the caller sees a {@link CairnException}. Transactions are begun and ended with explicit
 * statements while JDBC stays in auto-commit mode, because the driver's own transaction handling begins the next
 * transaction right after a commit, which would hold the write lock between calls. Thread-safe.
 */
final class SqliteDatabase implements SqlDatabase {
    /** How long one operation may wait for other processes to release the database. */
    static final Duration BUSY_LIMIT = Duration.ofSeconds(30);
    /** SQLite's own wait before it reports busy; short, so that the backoff below keeps waiters fair. */
    static final int BUSY_TIMEOUT_MILLIS = 50;

    private static final Logger LOG = LoggerFactory.getLogger(SqliteDatabase.class);
    private static final long FIRST_PAUSE_NANOS = TimeUnit.MICROSECONDS.toNanos(100);
    private static final long MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long WARN_AFTER_NANOS = TimeUnit.SECONDS.toNanos(2);

    @FunctionalInterface
    private interface SqlAction<T> {
        T run() throws SQLException;
    }

    /** Write transactions committed by every SQLite metadata database of this JVM (see {@link SqliteMetadataStore#committedWriteTransactions}). */
    static final java.util.concurrent.atomic.LongAdder COMMITTED_WRITES = new java.util.concurrent.atomic.LongAdder();

    private final Path file;
    private final SqlDialect dialect = SqliteDialect.INSTANCE;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ConcurrentLinkedDeque<SqlSession> idleReaders = new ConcurrentLinkedDeque<>();
    private SqlSession writer;
    private WalCheckpointer checkpointer;
    private volatile boolean closed;

    private SqliteDatabase(Path file) {
        this.file = file;
    }

    /** Opens (creating if needed) the database at {@code file} and applies the migrations it lacks. */
    static SqliteDatabase open(Path file, List<SchemaMigration> migrations) {
        requireNonNull(file, "file is null");
        requireNonNull(migrations, "migrations is null");
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
        boolean hadContent = DatabaseFileCheck.checkHeader(absolute);
        SqliteDatabase database = new SqliteDatabase(absolute);
        try {
            database.writer = database.withRetry("open the database", () -> openSession(absolute, BUSY_TIMEOUT_MILLIS, false));
            if (hadContent) {
                database.checkNotDamaged();
            }
            database.useWriteAheadLog();
            new SchemaRepository(database.dialect).migrate(database, migrations);
            database.checkpointer = new WalCheckpointer(absolute, BUSY_TIMEOUT_MILLIS, database.writeLock);
        } catch (RuntimeException e) {
            database.close();
            throw hadContent ? DatabaseFileCheck.damagedIfCorrupt(absolute, e) : e;
        }
        return database;
    }

    /**
     * Opens a connection with the per-connection pragmas set. {@code journal_mode=WAL} is persistent in the
     * file; the caller sets it once through {@link SqlSession#queryText} so that a busy database can be retried.
     */
    static SqlSession openSession(Path file, int busyTimeoutMillis, boolean readOnly) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(busyTimeoutMillis);
        config.enforceForeignKeys(true);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setGetGeneratedKeys(false);
        Connection connection = config.createConnection("jdbc:sqlite:" + file);
        SqlSession session = new SqlSession(connection);
        if (readOnly) {
            try {
                session.execute("PRAGMA query_only = 1");
            } catch (SQLException e) {
                session.close();
                throw e;
            }
        }
        return session;
    }

    Path file() {
        return file;
    }

    @Override
    public SqlDialect dialect() {
        return dialect;
    }

    @Override
    public String location() {
        return file.toString();
    }

    @Override
    public <T> T write(String operation, SqlWork<T> work) {
        writeLock.lock();
        try {
            if (closed) {
                throw closedFailure(operation);
            }
            T result = withRetry(operation, () -> inTransaction(writeSession(), work));
            COMMITTED_WRITES.increment();
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

    @Override
    public <T> T read(String operation, SqlWork<T> work) {
        SqlSession session = borrowReader(operation);
        try {
            return withRetry(operation, () -> work.run(session));
        } finally {
            returnReader(session);
        }
    }

    /**
     * Refuses a file whose Cairn schema is missing although the file has content, or that SQLite's {@code quick_check}
     * finds damaged: such a file would otherwise be migrated into an empty home, hiding every recorded run and artifact.
     */
    private void checkNotDamaged() {
        List<String> tables;
        try {
            tables = writer.list("SELECT name FROM sqlite_master WHERE type = 'table'", row -> row.getString(1));
        } catch (SQLException e) {
            throw DatabaseFileCheck.damaged(file, "SQLite cannot read its schema (" + e.getMessage() + ")", e);
        }
        if (tables.contains("schema_version")) {
            return; // the common case: the schema is there; queries report any damage they meet
        }
        List<String> problems;
        try {
            problems = writer.list("PRAGMA quick_check(5)", row -> row.getString(1));
        } catch (SQLException e) {
            throw DatabaseFileCheck.damaged(file, "SQLite's quick_check failed (" + e.getMessage() + ")", e);
        }
        if (!problems.equals(List.of("ok"))) {
            throw DatabaseFileCheck.damaged(file, "SQLite's quick_check reports: " + String.join("; ", problems), null);
        }
        if (!tables.isEmpty()) {
            throw new CairnException(ErrorCode.METADATA_FAILURE, "Metadata store " + file + " is a SQLite database without Cairn's"
                    + " schema (it holds the tables " + tables + "); point Cairn at its own metadata.db or at a new file");
        }
    }

    /** The write connection, reopened when a failure made the previous one unusable. Called under the write lock. */
    private SqlSession writeSession() throws SQLException {
        if (writer == null) {
            SqlSession reopened = openSession(file, BUSY_TIMEOUT_MILLIS, false);
            try {
                configureWriter(reopened);
            } catch (SQLException e) {
                reopened.close();
                throw e;
            }
            writer = reopened;
        }
        return writer;
    }

    private <T> T inTransaction(SqlSession session, SqlWork<T> work) throws SQLException {
        try {
            session.execute(dialect.beginWriteTransaction());
        } catch (SQLException | RuntimeException | Error e) {
            if (!(e instanceof SQLException sql && dialect.isBusy(sql))) {
                discardWriter(session, e);
            }
            throw e;
        }
        try {
            T result = work.run(session);
            session.execute(dialect.commitTransaction());
            return result;
        } catch (WriteRejected e) {
            session.rollbackQuietly();
            throw e;
        } catch (SQLException | RuntimeException | Error e) {
            session.rollbackQuietly();
            if (!(e instanceof SQLException sql && dialect.isBusy(sql))) {
                // After SQLITE_FULL, SQLITE_IOERR and the like the driver may have finalized the connection's statements
                // and the transaction may still be open: a fresh connection is the only state known to be clean.
                discardWriter(session, e);
            }
            throw e;
        }
    }

    /**
     * Rolls back through an uncached statement and closes {@code session}, so that the next write opens a new connection
     * instead of failing on a stuck transaction or finalized statements (scenario 12 of issue #12).
     */
    private void discardWriter(SqlSession session, Throwable cause) {
        session.rollbackUncached();
        session.close();
        if (writer == session) {
            writer = null;
        }
        LOG.debug("Metadata store {}: reopening the write connection after {}", file, cause.toString());
    }

    private <T> T withRetry(String operation, SqlAction<T> action) {
        long start = System.nanoTime();
        long pause = FIRST_PAUSE_NANOS;
        boolean warned = false;
        while (true) {
            try {
                return action.run();
            } catch (SQLException e) {
                if (!dialect.isBusy(e)) {
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

    private CairnException failure(String operation, SQLException e) {
        String advice = dialect.isDiskFull(e) ? " (the disk is full: free space on " + file.getParent() + " and retry)" : "";
        return new CairnException(ErrorCode.METADATA_FAILURE,
                "Metadata store " + file + ": could not " + operation + ": " + e.getMessage() + advice, e);
    }

    private CairnException closedFailure(String operation) {
        return new CairnException(ErrorCode.METADATA_FAILURE,
                "Metadata store " + file + " is closed: could not " + operation);
    }

    private SqlSession borrowReader(String operation) {
        if (closed) {
            throw closedFailure(operation);
        }
        SqlSession reader = idleReaders.pollFirst();
        if (reader != null) {
            return reader;
        }
        return withRetry("open a read connection", () -> openSession(file, BUSY_TIMEOUT_MILLIS, true));
    }

    private void returnReader(SqlSession reader) {
        idleReaders.addFirst(reader);
        if (closed) {
            closeIdleReaders();
        }
    }

    private void closeIdleReaders() {
        SqlSession reader;
        while ((reader = idleReaders.pollFirst()) != null) {
            reader.close();
        }
    }

    private void useWriteAheadLog() {
        String mode = withRetry("switch to write-ahead logging", () -> writer.queryText("PRAGMA journal_mode = WAL"));
        // the checkpointer thread copies the log back, so commits never wait for it; a log that a burst of writes
        // made large is cut back to 64 MB when it starts over
        withRetry("configure checkpoints", () -> {
            configureWriter(writer);
            return null;
        });
        if (!"wal".equalsIgnoreCase(mode)) {
            LOG.warn("Metadata store {} runs in journal mode '{}' instead of WAL (the file system may not support it); "
                    + "readers and writers will block each other", file, mode);
        }
    }

    private static void configureWriter(SqlSession session) throws SQLException {
        session.execute("PRAGMA wal_autocheckpoint = 0");
        session.queryText("PRAGMA journal_size_limit = 67108864");
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
