package dev.cairn.engine.metadata;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

import org.sqlite.SQLiteConfig;

/**
 * One JDBC connection to the metadata database with its prepared statements cached by SQL text.
 *
 * <p>Not thread-safe: one thread uses it at a time. Transactions are begun and ended with explicit
 * statements while JDBC stays in auto-commit mode, because the driver's own transaction handling begins
 * the next transaction right after a commit, which would hold the write lock between calls.
 */
final class SqliteConnection implements AutoCloseable {
    private final Connection connection;
    private final Map<String, PreparedStatement> statements = new HashMap<>();

    private SqliteConnection(Connection connection) {
        this.connection = connection;
    }

    /**
     * Opens a connection with the per-connection pragmas set. {@code journal_mode=WAL} is persistent in the
     * file; the caller sets it once through {@link #queryText} so that a busy database can be retried.
     */
    static SqliteConnection open(Path file, int busyTimeoutMillis, boolean readOnly) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(busyTimeoutMillis);
        config.enforceForeignKeys(true);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setGetGeneratedKeys(false);
        Connection connection = config.createConnection("jdbc:sqlite:" + file);
        SqliteConnection result = new SqliteConnection(connection);
        if (readOnly) {
            try {
                result.execute("PRAGMA query_only = 1");
            } catch (SQLException e) {
                result.close();
                throw e;
            }
        }
        return result;
    }

    /** The cached statement for {@code sql}, prepared on first use. */
    PreparedStatement prepare(String sql) throws SQLException {
        PreparedStatement statement = statements.get(sql);
        if (statement == null) {
            statement = connection.prepareStatement(sql);
            statements.put(sql, statement);
        }
        return statement;
    }

    void execute(String sql) throws SQLException {
        prepare(sql).execute();
    }

    /** Runs {@code sql} once without caching its statement (schema changes). */
    void executeOnce(String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** The first column of the first row as text, or {@code null} when there is no row. */
    String queryText(String sql) throws SQLException {
        try (ResultSet rows = prepare(sql).executeQuery()) {
            return rows.next() ? rows.getString(1) : null;
        }
    }

    /** Binds the parameters of row {@code index} of a multi-row statement. */
    @FunctionalInterface
    interface RowBinder {
        void bind(PreparedStatement statement, int index) throws SQLException;
    }

    /** Executes {@code sql} once per row: directly for one row, as one batch for several. */
    void executeRows(String sql, int rows, RowBinder binder) throws SQLException {
        if (rows == 0) {
            return;
        }
        PreparedStatement statement = prepare(sql);
        if (rows == 1) {
            binder.bind(statement, 0);
            statement.executeUpdate();
            return;
        }
        try {
            for (int i = 0; i < rows; i++) {
                binder.bind(statement, i);
                statement.addBatch();
            }
            statement.executeBatch();
        } finally {
            statement.clearBatch();
        }
    }

    /** Begins a write transaction, taking the database's write lock now rather than at the first write. */
    void beginImmediate() throws SQLException {
        execute("BEGIN IMMEDIATE");
    }

    void commit() throws SQLException {
        execute("COMMIT");
    }

    /** Rolls back the open transaction, if any; SQLite may already have rolled it back after an error. */
    void rollbackQuietly() {
        try {
            execute("ROLLBACK");
        } catch (SQLException ignored) {
            // no transaction was active
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // closing releases the file handles; there is nothing left to do on failure
        }
    }
}
