package dev.cairn.engine.metadata.postgres;

import static java.util.Objects.requireNonNull;

import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
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

/**
 * A PostgreSQL database behind a HikariCP pool. Every write runs in one READ COMMITTED transaction on a pooled
 * connection; work that failed with a serialization failure, a deadlock or a lock timeout runs again (work is
 * repeatable). A connection lost while a write runs fails the write with {@code METADATA_FAILURE} saying so: the
 * transaction was rolled back by the server unless the commit itself was under way, so nothing is half-recorded, and
 * the next write gets a fresh connection from the pool. A read that loses its connection runs again once.
 */
final class PostgresDatabase implements SqlDatabase {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresDatabase.class);
    private static final Duration BUSY_LIMIT = Duration.ofSeconds(30);

    private final PostgresDialect dialect = PostgresDialect.INSTANCE;
    private final HikariDataSource pool;
    private final String location;

    private PostgresDatabase(HikariDataSource pool, String location) {
        this.pool = pool;
        this.location = location;
    }

    /** Connects to the database (failing fast when it cannot) and brings its schema up to date. */
    static PostgresDatabase open(PostgresLocation target, List<SchemaMigration> migrations) {
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
        PostgresDatabase database = new PostgresDatabase(pool, target.display());
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
                session.execute(dialect.beginWriteTransaction());
                try {
                    T result = work.run(session);
                    session.execute(dialect.commitTransaction());
                    return result;
                } catch (SQLException | RuntimeException e) {
                    session.rollbackQuietly();
                    throw e;
                }
            });
        } catch (WriteRejected e) {
            throw new CairnException(ErrorCode.METADATA_FAILURE, "Metadata store " + location + ": could not " + operation + ": " + e.getMessage());
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
        while (true) {
            try (Connection connection = pool.getConnection(); SqlSession session = new SqlSession(connection)) {
                return work.run(session);
            } catch (SQLException e) {
                if (dialect.isConnectionLost(e)) {
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

    @Override
    public void close() {
        pool.close();
    }
}
