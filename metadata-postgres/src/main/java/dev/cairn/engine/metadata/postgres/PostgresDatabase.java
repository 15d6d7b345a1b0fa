package dev.cairn.engine.metadata.postgres;

import static java.util.Objects.requireNonNull;

import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.metadata.MetadataStore;
import dev.cairn.engine.metadata.jdbc.SchemaMigration;
import dev.cairn.engine.metadata.jdbc.SchemaRepository;
import dev.cairn.engine.metadata.jdbc.SqlDatabase;
import dev.cairn.engine.metadata.jdbc.SqlDialect;
import dev.cairn.engine.metadata.jdbc.SqlSession;
import dev.cairn.engine.metadata.jdbc.WriteRejected;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL database behind a HikariCP pool. Every write runs in one READ COMMITTED transaction on a pooled
 * connection; work that failed with a serialization failure, a deadlock or a lock timeout runs again (work is
 * repeatable). A connection lost while a write runs fails the write with {@code METADATA_FAILURE} saying so: the
 * transaction was rolled back by the server unless the commit itself was under way, so nothing is half-recorded, and
 * the next write gets a fresh connection from the pool. A read that loses its connection runs again once. When the pool
 * has no connection to give (the server is down, or has just restarted and the pool is reconnecting), nothing has been
 * sent yet, so reads and writes alike ask again for up to three connect timeouts before failing clearly.
 */
final class PostgresDatabase implements SqlDatabase {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresDatabase.class);
    private static final Duration BUSY_LIMIT = Duration.ofSeconds(30);
    /** How many times a numbered reservation whose number another writer took runs again (as the SQLite path tries numbers). */
    private static final int NUMBERING_ATTEMPTS = 10;

    private final PostgresDialect dialect = PostgresDialect.INSTANCE;
    /** The advisory lock class of prunes ("cair" as a number); the second key is the hash of the schema name. */
    static final int PRUNE_LOCK_CLASS = 0x63616972;

    private final HikariDataSource pool;
    private final String location;
    private final PostgresLocation target;

    /** Counts round trips to the server when tests ask for it ({@link #open(PostgresLocation, List, boolean)}); null otherwise. */
    private final RoundTripCounter roundTrips;

    private PostgresDatabase(HikariDataSource pool, PostgresLocation target, RoundTripCounter roundTrips) {
        this.pool = pool;
        this.roundTrips = roundTrips;
        this.location = target.display();
        this.target = target;
    }

    /** Connects to the database (failing fast when it cannot) and brings its schema up to date. */
    static PostgresDatabase open(PostgresLocation target, List<SchemaMigration> migrations) {
        return open(target, migrations, false);
    }

    /** {@link #open(PostgresLocation, List)}, counting the round trips of its connections when {@code countRoundTrips} (tests). */
    static PostgresDatabase open(PostgresLocation target, List<SchemaMigration> migrations, boolean countRoundTrips) {
        requireNonNull(target, "target is null");
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(target.jdbcUrl());
        target.user().ifPresent(config::setUsername);
        target.password().ifPresent(config::setPassword);
        config.setMaximumPoolSize(target.poolSize());
        config.setMinimumIdle(1);
        config.setPoolName("cairn-metadata");
        config.setConnectionTimeout(target.connectTimeout().toMillis());
        config.setInitializationFailTimeout(target.connectTimeout().toMillis());
        config.setAutoCommit(true);
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        target.statementTimeout().ifPresent(timeout -> config.addDataSourceProperty("options", "-c statement_timeout=" + timeout.toMillis()));
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new CairnException(ErrorCode.METADATA_FAILURE, "Metadata store " + target.display() + ": could not connect: " + cause.getMessage()
                    + ". Check that the server runs and accepts connections from this machine, and the user and password"
                    + " (environment CAIRN_METADATA_PASSWORD, or password_file= in the URI)", e);
        }
        PostgresDatabase database = new PostgresDatabase(pool, target, countRoundTrips ? new RoundTripCounter() : null);
        try {
            new SchemaRepository(database.dialect).migrate(database, migrations);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
        return database;
    }

    @Override
    public SqlDialect dialect() {
        return dialect;
    }

    @Override
    public String location() {
        return location;
    }

    @Override
    public <T> T write(String operation, SqlWork<T> work) {
        try {
            return withRetry(operation, true, session -> {
                // auto-commit off instead of a BEGIN statement: the driver sends BEGIN with the first statement of the
                // work, one round trip less per transaction; the connection's isolation is READ COMMITTED (the pool's)
                Connection connection = session.connection();
                connection.setAutoCommit(false);
                try {
                    T result = work.run(session);
                    // statements held back without checks (a reservation's insert) go with the COMMIT, one round trip;
                    // otherwise they go first and then the commit. After the first, the driver sees the transaction
                    // ended and commit() sends nothing
                    if (!session.commitWithHeldBack("COMMIT")) {
                        session.flush();
                    }
                    connection.commit();
                    return result;
                } catch (SQLException | RuntimeException e) {
                    rollbackQuietly(connection);
                    throw e;
                } finally {
                    restoreAutoCommit(connection);
                }
            });
        } catch (WriteRejected e) {
            throw new CairnException(ErrorCode.METADATA_FAILURE, "Metadata store " + location + ": could not " + operation + ": " + e.getMessage());
        }
    }

    /** One statement in auto-commit mode: atomic on its own, without the round trips of BEGIN and COMMIT. */
    @Override
    public <T> T writeStatement(String operation, SqlWork<T> work) {
        try {
            return withRetry(operation, true, work);
        } catch (WriteRejected e) {
            throw new CairnException(ErrorCode.METADATA_FAILURE, "Metadata store " + location + ": could not " + operation + ": " + e.getMessage());
        }
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the connection is gone (the server rolled back) or no transaction was open
        }
    }

    private static void restoreAutoCommit(Connection connection) {
        try {
            connection.setAutoCommit(true); // no round trip: the transaction has ended
        } catch (SQLException ignored) {
            // the connection is gone; the pool discards it
        }
    }

    @Override
    public <T> T read(String operation, SqlWork<T> work) {
        return withRetry(operation, false, work);
    }

    private <T> T withRetry(String operation, boolean write, SqlWork<T> work) {
        long start = System.nanoTime();
        long pause = TimeUnit.MILLISECONDS.toNanos(1);
        boolean reconnected = false;
        int numbering = 0;
        while (true) {
            Connection connection;
            try {
                Connection pooled = pool.getConnection();
                connection = roundTrips == null ? pooled : roundTrips.wrap(pooled);
            } catch (SQLException e) {
                // nothing was sent to the server, so reads and writes alike may try again, for a bounded time: a pool
                // whose server just restarted needs a moment to open new connections
                long waited = System.nanoTime() - start;
                if (waited < connectLimit().toNanos()) {
                    LOG.warn("Metadata store {}: no connection to {} yet ({}); trying again", location, operation, e.getMessage());
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
                    continue;
                }
                throw new CairnException(ErrorCode.METADATA_FAILURE, "Metadata store " + location + ": could not " + operation
                        + ": no connection to the server for " + TimeUnit.NANOSECONDS.toSeconds(waited) + " s (" + e.getMessage()
                        + "); nothing was sent, so nothing is recorded. Retry once the server is reachable", e);
            }
            try (connection; SqlSession session = new SqlSession(connection, PostgresServerChecks.INSTANCE)) {
                T result = work.run(session);
                session.flush(); // statements held back to be sent together
                return result;
            } catch (SQLException e) {
                if (dialect.isConnectionLost(e)) {
                    // one lost connection usually means the server restarted or ended its sessions: the pool's idle
                    // siblings are dead too, and one used within the pool's alive-bypass window (500 ms) would be
                    // handed out without a check. Evict them all so the next operation opens a fresh connection
                    evictIdleConnections();
                    if (!write && !reconnected) {
                        reconnected = true; // a read is safe to repeat on a new connection
                        LOG.warn("Metadata store {}: lost the connection to {}; trying once more", location, operation);
                        continue;
                    }
                    throw new CairnException(ErrorCode.METADATA_FAILURE, "Metadata store " + location + ": could not " + operation
                            + ": the connection to the server was lost (" + e.getMessage() + "). " + (write
                                    ? "The server rolled the transaction back unless it was committing; nothing is half-recorded. Retry once the server is reachable"
                                    : "Retry once the server is reachable"), e);
                }
                if (write && dialect.isVersionNumberTaken(e)) {
                    // a numbered reservation's number was taken by a writer that skipped the name's lock; the server
                    // rolled everything back, so the reservation runs again and numbers past it
                    if (++numbering < NUMBERING_ATTEMPTS) {
                        LOG.debug("Metadata store {}: a version number was taken while trying to {}; numbering again", location, operation);
                        continue;
                    }
                    throw new CairnException(ErrorCode.METADATA_FAILURE, "Metadata store " + location + ": could not " + operation
                            + ": " + NUMBERING_ATTEMPTS + " version numbers in a row were taken by other writers while this one numbered it ("
                            + e.getMessage() + "). Nothing was recorded; save it again, or give an explicit version", e);
                }
                if (dialect.isStatementTimeout(e)) {
                    throw new CairnException(ErrorCode.METADATA_FAILURE, "Metadata store " + location + ": could not " + operation
                            + ": the statement timed out (statement_timeout) and was rolled back; raise statement_timeout= in the metadata URI"
                            + " or look for a session that holds locks for long", e);
                }
                if (!dialect.isBusy(e)) {
                    String advice = dialect.isDiskFull(e) ? " (the server's disk is full)" : "";
                    throw new CairnException(ErrorCode.METADATA_FAILURE, "Metadata store " + location + ": could not " + operation + ": "
                            + e.getMessage() + advice, e);
                }
                if (System.nanoTime() - start >= BUSY_LIMIT.toNanos()) {
                    throw new CairnException(ErrorCode.METADATA_FAILURE, "Metadata store " + location + ": could not " + operation
                            + ": it kept conflicting with other transactions for " + BUSY_LIMIT.toSeconds() + " s", e);
                }
                LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(pause / 2, pause + pause / 2));
                pause = Math.min(pause * 2, TimeUnit.MILLISECONDS.toNanos(50));
            } catch (UncheckedIOException | IllegalArgumentException e) {
                throw new CairnException(ErrorCode.METADATA_FAILURE, "Metadata store " + location + ": could not " + operation + ": " + e, e);
            }
        }
    }

    private void evictIdleConnections() {
        var bean = pool.getHikariPoolMXBean();
        if (bean != null) {
            bean.softEvictConnections(); // idle ones close now, those in use when they come back
        }
    }

    /**
     * Takes the session advisory lock of prunes on this database and schema on a connection of its own (outside the
     * pool, so a prune never starves the runs it shares the pool with), held until the returned lock is closed or the
     * connection ends (a prune whose process dies releases it with its session). Fails fast when another session holds it.
     */
    MetadataStore.PruneLock lockForPrune() {
        Properties properties = new Properties();
        target.user().ifPresent(user -> properties.setProperty("user", user));
        target.password().ifPresent(password -> properties.setProperty("password", password));
        properties.setProperty("ApplicationName", "cairn-prune");
        properties.setProperty("connectTimeout", Long.toString(target.connectTimeout().toSeconds()));
        Connection connection;
        try {
            connection = DriverManager.getConnection(target.jdbcUrl(), properties);
        } catch (SQLException e) {
            throw new CairnException(ErrorCode.METADATA_FAILURE, "Metadata store " + location + ": could not take the prune lock: "
                    + e.getMessage() + ". Check that the server runs and accepts connections", e);
        }
        try {
            boolean acquired;
            try (PreparedStatement lock = connection.prepareStatement("SELECT pg_try_advisory_lock(?, hashtext(current_schema()))")) {
                lock.setInt(1, PRUNE_LOCK_CLASS);
                try (ResultSet row = lock.executeQuery()) {
                    acquired = row.next() && row.getBoolean(1);
                }
            }
            if (!acquired) {
                String holder = pruneLockHolder(connection);
                throw new CairnException(ErrorCode.METADATA_FAILURE, "Metadata store " + location + ": another prune is running on this store"
                        + holder + "; only one prune at a time may run on a store. Wait for it to finish, then prune again");
            }
        } catch (SQLException e) {
            closeQuietly(connection);
            throw new CairnException(ErrorCode.METADATA_FAILURE, "Metadata store " + location + ": could not take the prune lock: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(connection);
            throw e;
        }
        LOG.debug("Metadata store {}: prune lock taken", location);
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                // unlock first: the server ends a closed session's backend (and its locks) a moment after the socket
                // closes, so a prune that follows at once in this process would otherwise find the lock still held
                try (PreparedStatement unlock = connection.prepareStatement("SELECT pg_advisory_unlock(?, hashtext(current_schema()))")) {
                    unlock.setInt(1, PRUNE_LOCK_CLASS);
                    unlock.executeQuery().close();
                } catch (SQLException e) {
                    LOG.debug("Metadata store {}: could not unlock the prune lock; closing its session releases it", location, e);
                }
                closeQuietly(connection); // ending the session releases its advisory locks in any case
            }
        };
    }

    private static String pruneLockHolder(Connection connection) {
        String sql = "SELECT a.pid, a.client_addr, a.backend_start FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                + " WHERE l.locktype = 'advisory' AND l.granted AND l.classid = CAST(? AS oid) AND l.objsubid = 2"
                + " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                + " AND CAST(CAST(l.objid AS TEXT) AS BIGINT) = (CAST(hashtext(current_schema()) AS BIGINT) & 4294967295)";
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            query.setLong(1, PRUNE_LOCK_CLASS);
            try (ResultSet row = query.executeQuery()) {
                if (row.next()) {
                    String client = row.getString(2);
                    return " (server process " + row.getInt(1) + (client == null ? "" : ", client " + client) + ", connected since "
                            + row.getTimestamp(3).toInstant() + ")";
                }
            }
        } catch (SQLException e) {
            LOG.debug("Could not find who holds the prune lock", e);
        }
        return "";
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // the session is gone either way, and its advisory locks with it
        }
    }

    /** The round trips to the server so far, when counted; -1 otherwise. */
    long roundTrips() {
        return roundTrips == null ? -1 : roundTrips.count();
    }

    /** How long an operation keeps asking the pool for a connection: three connect timeouts. */
    private Duration connectLimit() {
        return target.connectTimeout().multipliedBy(3);
    }

    @Override
    public void close() {
        pool.close();
    }
}
