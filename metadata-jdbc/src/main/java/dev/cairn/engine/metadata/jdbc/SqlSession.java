package dev.cairn.engine.metadata.jdbc;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apiguardian.api.API;

/**
 * The query helper of the metadata layer: one JDBC connection with its prepared statements cached by SQL text, and
 * the prepare / bind / map-rows steps every repository needs.
 *
 * <p>Not thread-safe: one thread uses it at a time, inside {@link SqlDatabase#read} or {@link SqlDatabase#write},
 * which own the transaction. Statements stay prepared for the life of the connection, so a repository passes the same
 * SQL text (a constant) each time and pays for parsing once per connection.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class SqlSession implements AutoCloseable {
    /** Binds the parameters of a statement. */
    @FunctionalInterface
    public interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    /** Binds the parameters of row {@code index} of a multi-row statement. */
    @FunctionalInterface
    public interface RowBinder {
        void bind(PreparedStatement statement, int index) throws SQLException;
    }

    /** Maps the current row of a result set to a value. */
    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    private static final Binder NO_PARAMETERS = statement -> {};

    private final Connection connection;
    private final Map<String, PreparedStatement> statements = new HashMap<>();

    public SqlSession(Connection connection) {
        this.connection = requireNonNull(connection, "connection is null");
    }

    /** The connection, for the {@link SqlDatabase} that owns the transaction (commit, rollback, auto-commit). */
    public Connection connection() {
        return connection;
    }

    /** The cached statement for {@code sql}, prepared on first use. */
    public PreparedStatement prepare(String sql) throws SQLException {
        PreparedStatement statement = statements.get(sql);
        if (statement == null) {
            statement = connection.prepareStatement(sql);
            statements.put(sql, statement);
        }
        return statement;
    }

    /** Executes {@code sql} (cached) without parameters. */
    public void execute(String sql) throws SQLException {
        prepare(sql).execute();
    }

    /** Runs {@code sql} once without caching its statement (schema changes). */
    public void executeOnce(String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** The first column of the first row as text, or {@code null} when there is no row. */
    public String queryText(String sql) throws SQLException {
        try (ResultSet rows = prepare(sql).executeQuery()) {
            return rows.next() ? rows.getString(1) : null;
        }
    }

    /** Every row of {@code sql} with {@code binder}'s parameters, mapped. */
    public <T> List<T> list(String sql, Binder binder, RowMapper<T> mapper) throws SQLException {
        PreparedStatement query = prepare(sql);
        binder.bind(query);
        List<T> result = new ArrayList<>();
        try (ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                result.add(mapper.map(rows));
            }
        }
        return result;
    }

    /** Every row of {@code sql} (no parameters), mapped. */
    public <T> List<T> list(String sql, RowMapper<T> mapper) throws SQLException {
        return list(sql, NO_PARAMETERS, mapper);
    }

    /** The first row of {@code sql} with {@code binder}'s parameters, mapped, if there is one. */
    public <T> Optional<T> first(String sql, Binder binder, RowMapper<T> mapper) throws SQLException {
        PreparedStatement query = prepare(sql);
        binder.bind(query);
        try (ResultSet rows = query.executeQuery()) {
            return rows.next() ? Optional.of(mapper.map(rows)) : Optional.empty();
        }
    }

    /** Runs the insert, update or delete {@code sql} with {@code binder}'s parameters; returns the rows changed. */
    public int update(String sql, Binder binder) throws SQLException {
        PreparedStatement statement = prepare(sql);
        binder.bind(statement);
        return statement.executeUpdate();
    }

    /** Executes {@code sql} once per row: directly for one row, as one batch for several. */
    public void executeRows(String sql, int rows, RowBinder binder) throws SQLException {
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

    /** Rolls back the open transaction, if any; the database may already have rolled it back after an error. */
    public void rollbackQuietly() {
        try {
            execute("ROLLBACK");
        } catch (SQLException ignored) {
            // no transaction was active
        }
    }

    /**
     * Rolls back the open transaction, if any, through a statement prepared for this call: after some failures (a full
     * disk) the driver has finalized the cached statements, and only a new statement still reaches the database.
     */
    public void rollbackUncached() {
        try {
            executeOnce("ROLLBACK");
        } catch (SQLException ignored) {
            // no transaction was active (SQLite rolls back by itself after SQLITE_FULL), or the connection is gone
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // closing releases the file handles or the socket; there is nothing left to do on failure
        }
    }
}
