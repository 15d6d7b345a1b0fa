package dev.cairn.engine.metadata.jdbc;

import java.sql.SQLException;

import org.apiguardian.api.API;

/**
 * Where the repositories run their SQL: read work on a connection that sees every committed write, and write work in
 * one transaction that commits on success and rolls back on any failure.
 *
 * <p>Implementations are thread-safe, retry work that failed only because the database was busy (so work must be
 * repeatable: it may run more than once), and report failures as {@code CairnException}s with
 * {@code METADATA_FAILURE} whose message names the database and completes "could not {@code operation}". A
 * {@link WriteRejected} thrown by write work is reported the same way, with its reason.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public interface SqlDatabase extends AutoCloseable {
    /** Work against one session; may throw {@link SQLException} to be retried or reported. */
    @FunctionalInterface
    interface SqlWork<T> {
        T run(SqlSession session) throws SQLException;
    }

    /** The dialect of this database. */
    SqlDialect dialect();

    /**
     * Runs {@code work} in one write transaction and commits it; an embedded database begins it as
     * {@link SqlDialect#beginWriteTransaction} says, a server database may begin it implicitly with the first statement.
     */
    <T> T write(String operation, SqlWork<T> work);

    /**
     * Runs {@code work}, which executes exactly one statement, as one write. The default is {@link #write}; a server
     * database may run the statement without an explicit transaction (one statement is atomic on its own), which saves
     * the round trips of beginning and committing one.
     */
    default <T> T writeStatement(String operation, SqlWork<T> work) {
        return write(operation, work);
    }

    /** Runs {@code work} on a read connection; each statement sees the latest committed data. */
    <T> T read(String operation, SqlWork<T> work);

    /** Where the database is, for messages (a file path or a JDBC URL without credentials). */
    String location();

    /** Releases the connections; calls after this fail with {@code METADATA_FAILURE}. Idempotent. */
    @Override
    void close();
}
