package dev.cairn.engine.metadata.jdbc;

import static java.util.Objects.requireNonNull;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
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
 *
 * <p>Writes whose results are only checked, not read back ({@link #updateLater}, {@link #executeRowsLater}), run at once
 * on a session that does not send statements together; on one that does (PostgreSQL) they wait until the next
 * statement, {@link #flush} or the commit, and then go to the server as one multi-statement round trip, in order.
 * Checks that only reject ({@link #updateLaterRequiringRow}, {@link #requireLater}) run on a session whose database checks
 * them itself ({@link ServerChecks}) as part of their statements, so that they too may go with the commit.
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

    /** Checks the number of rows a statement changed; may throw {@link WriteRejected}. */
    @FunctionalInterface
    public interface CountCheck {
        void check(int changed);
    }

    private static final Binder NO_PARAMETERS = statement -> {};
    private static final CountCheck ANY_COUNT = changed -> {};

    /** Reads the rows of a held-back query when it has been sent; may throw to reject the transaction. */
    @FunctionalInterface
    public interface RowsCheck {
        void check(ResultSet rows) throws SQLException;
    }

    /**
     * How a database runs the checks of held-back statements itself, so that they need no answer before the commit: a
     * statement rewritten by {@link #requiringRow} or {@link #requiringValue} raises an error that {@link #failedCheck}
     * recognizes, and the server then skips the rest of the round trip, the {@code COMMIT} too. The rewritten statement
     * takes the original's parameters first, then those named below. PostgreSQL: functions of schema version 15.
     */
    public interface ServerChecks {
        /** {@code write} (an insert, update or delete) as a statement that fails check number {@code ?} (one more parameter) when it changes no row. */
        String requiringRow(String write);

        /**
         * {@code query} (one text column, at most one row) as a statement that fails check number {@code ?} carrying the
         * value when the query's value is not the expected one bound to the parameter before it (two more parameters:
         * expected value, check number). No row, or NULL, passes.
         */
        String requiringValue(String query);

        /** The check that {@code e} reports as failed, or empty when {@code e} is another failure. */
        Optional<FailedCheck> failedCheck(SQLException e);
    }

    /** A check the server reported as failed: its number (given by the session) and the value it saw, if any. */
    public record FailedCheck(int number, Optional<String> value) {
        public FailedCheck {
            requireNonNull(value, "value is null");
        }
    }

    /**
     * A statement waiting to be sent: its SQL, the parameter setter calls its binder made, and its check (of the rows
     * changed, or, for a held-back query, of its rows), or, for a statement the server checks, what rejects the
     * transaction when the server reports its check failed ({@code rejection}, given the value the server saw).
     */
    private record Pending(String sql, List<Object[]> calls, CountCheck check, RowsCheck rowsCheck, boolean decides,
            java.util.function.Consumer<Optional<String>> rejection) {
        Pending(String sql, List<Object[]> calls, CountCheck check) {
            this(sql, calls, check, null, false, null);
        }
    }

    private final Connection connection;
    private final boolean sendsStatementsTogether;
    /** Null when the database does not check held-back statements itself. */
    private final ServerChecks serverChecks;
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private final List<Pending> pending = new ArrayList<>();

    public SqlSession(Connection connection) {
        this(connection, false);
    }

    /**
     * A session on {@code connection}; with {@code sendsStatementsTogether}, the driver accepts several statements
     * separated by semicolons in one prepared statement, and {@link #updateLater} uses that.
     */
    public SqlSession(Connection connection, boolean sendsStatementsTogether) {
        this.connection = requireNonNull(connection, "connection is null");
        this.sendsStatementsTogether = sendsStatementsTogether;
        this.serverChecks = null;
    }

    /**
     * A session on {@code connection} that sends statements together (as {@link #SqlSession(Connection, boolean)} with
     * {@code true}) and has the database run the checks of {@link #updateLaterRequiringRow} and {@link #requireLater}
     * through {@code serverChecks}.
     */
    public SqlSession(Connection connection, ServerChecks serverChecks) {
        this.connection = requireNonNull(connection, "connection is null");
        this.sendsStatementsTogether = true;
        this.serverChecks = requireNonNull(serverChecks, "serverChecks is null");
    }

    /** The connection, for the {@link SqlDatabase} that owns the transaction (commit, rollback, auto-commit). */
    public Connection connection() {
        return connection;
    }

    /** True when statements held back by {@link #updateLater} wait for the next statement instead of running at once. */
    public boolean sendsStatementsTogether() {
        return sendsStatementsTogether;
    }

    /** Statements every session of this JVM has been asked to prepare for a use (each row of a batch counts). */
    private static final java.util.concurrent.atomic.LongAdder STATEMENTS = new java.util.concurrent.atomic.LongAdder();

    /**
     * How many statements every session of this JVM has executed so far (each use of a cached statement and each row of
     * a batch counts once): for tests and benchmarks that count the statements of an operation (take the difference
     * around it, with nothing else using a metadata store meanwhile).
     */
    public static long executedStatements() {
        return STATEMENTS.sum();
    }

    /** The cached statement for {@code sql}, prepared on first use; each call counts as one statement executed. */
    public PreparedStatement prepare(String sql) throws SQLException {
        STATEMENTS.increment();
        PreparedStatement statement = statements.get(sql);
        if (statement == null) {
            statement = connection.prepareStatement(sql);
            statements.put(sql, statement);
        }
        return statement;
    }

    /** Executes {@code sql} (cached) without parameters. */
    public void execute(String sql) throws SQLException {
        flush();
        prepare(sql).execute();
    }

    /** Runs {@code sql} once without caching its statement (schema changes). */
    public void executeOnce(String sql) throws SQLException {
        flush();
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** The first column of the first row as text, or {@code null} when there is no row. */
    public String queryText(String sql) throws SQLException {
        flush();
        try (ResultSet rows = prepare(sql).executeQuery()) {
            return rows.next() ? rows.getString(1) : null;
        }
    }

    /**
     * Every row of {@code sql} with {@code binder}'s parameters, mapped. On a session that sends statements together,
     * the statements held back go with this query, in the same round trip.
     */
    public <T> List<T> list(String sql, Binder binder, RowMapper<T> mapper) throws SQLException {
        List<T> result = new ArrayList<>();
        if (sendsStatementsTogether && !pending.isEmpty()) {
            List<Object[]> calls = new ArrayList<>();
            binder.bind(recorder(calls));
            try (ResultSet rows = sendPending(new Pending(sql, calls, ANY_COUNT))) {
                while (rows.next()) {
                    result.add(mapper.map(rows));
                }
            }
            return result;
        }
        PreparedStatement query = prepare(sql);
        binder.bind(query);
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

    /**
     * The first row of {@code sql} with {@code binder}'s parameters, mapped, if there is one. On a session that sends
     * statements together, the statements held back go with this query, in the same round trip.
     */
    public <T> Optional<T> first(String sql, Binder binder, RowMapper<T> mapper) throws SQLException {
        if (sendsStatementsTogether && !pending.isEmpty()) {
            List<Object[]> calls = new ArrayList<>();
            binder.bind(recorder(calls));
            try (ResultSet rows = sendPending(new Pending(sql, calls, ANY_COUNT))) {
                return rows.next() ? Optional.of(mapper.map(rows)) : Optional.empty();
            }
        }
        PreparedStatement query = prepare(sql);
        binder.bind(query);
        try (ResultSet rows = query.executeQuery()) {
            return rows.next() ? Optional.of(mapper.map(rows)) : Optional.empty();
        }
    }

    /** Runs the insert, update or delete {@code sql} with {@code binder}'s parameters; returns the rows changed. */
    public int update(String sql, Binder binder) throws SQLException {
        flush();
        PreparedStatement statement = prepare(sql);
        binder.bind(statement);
        return statement.executeUpdate();
    }

    /** Executes {@code sql} once per row: directly for one row, as one batch for several. */
    public void executeRows(String sql, int rows, RowBinder binder) throws SQLException {
        flush();
        if (rows == 0) {
            return;
        }
        PreparedStatement statement = prepare(sql);
        if (rows == 1) {
            binder.bind(statement, 0);
            statement.executeUpdate();
            return;
        }
        STATEMENTS.add(rows - 1L);
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

    /**
     * Runs the insert, update or delete {@code sql} with {@code binder}'s parameters, and {@code check} with the rows it
     * changed: at once, or (on a session that sends statements together) with the next statement or {@link #flush}.
     * The binder runs at once either way, so its errors surface here.
     */
    public void updateLater(String sql, Binder binder, CountCheck check) throws SQLException {
        if (!sendsStatementsTogether) {
            check.check(update(sql, binder));
            return;
        }
        List<Object[]> calls = new ArrayList<>();
        binder.bind(recorder(calls));
        pending.add(new Pending(sql, calls, check));
    }

    /**
     * The first row of the query {@code sql} with {@code binder}'s parameters, mapped, given to {@code check} (which may
     * throw to reject the transaction): at once, or, on a session that sends statements together, held back like
     * {@link #updateLater} and sent in order with the statements held back after it, its check running before theirs.
     * For a query whose answer decides whether the writes after it may stand: they go in the same round trip, and a
     * rejection rolls them back with the transaction.
     */
    public <T> void firstLater(String sql, Binder binder, RowMapper<T> mapper, java.util.function.Consumer<Optional<T>> check) throws SQLException {
        holdQuery(sql, binder, mapper, check, true);
    }

    /**
     * The first row of {@code sql} (a statement that writes and returns what it wrote, {@code INSERT … RETURNING}) with
     * {@code binder}'s parameters, mapped, handed to {@code receiver}: at once, or, on a session that sends statements
     * together, held back like {@link #updateLater} and handed over when sent. Unlike {@link #firstLater}, the row decides
     * nothing (the receiver only keeps it), so it may go with the commit ({@link #commitWithHeldBack}): the caller reads
     * what the receiver kept once the transaction has ended.
     */
    public <T> void readLater(String sql, Binder binder, RowMapper<T> mapper, java.util.function.Consumer<Optional<T>> receiver) throws SQLException {
        holdQuery(sql, binder, mapper, receiver, false);
    }

    /**
     * Runs the insert, update or delete {@code sql} with {@code binder}'s parameters; when it changes no row, the
     * transaction is rejected with {@code rejection}'s exception. At once; held back like {@link #updateLater} on a
     * session that sends statements together; and on one whose database checks ({@link ServerChecks}), checked by the
     * server, so that it may go with the commit ({@link #commitWithHeldBack}), the rejection raised when the server reports it.
     */
    public void updateLaterRequiringRow(String sql, Binder binder, java.util.function.Supplier<? extends RuntimeException> rejection)
            throws SQLException {
        if (serverChecks == null) {
            updateLater(sql, binder, changed -> {
                if (changed == 0) {
                    throw rejection.get();
                }
            });
            return;
        }
        holdServerChecked(serverChecks.requiringRow(sql), binder, null, value -> {
            throw rejection.get();
        });
    }

    /**
     * The one text value of the query {@code sql} (at most one row, one column) with {@code binder}'s parameters, which
     * must be {@code expected} or absent (no row, NULL); otherwise {@code reject} gets the value and throws, rejecting the
     * transaction. At once; on a session that sends statements together, held back and sent first in the round trip of
     * the statements held back after it, as {@link #firstLater}; on one whose database checks ({@link ServerChecks}),
     * compared by the server, so that it may go with the commit.
     */
    public void requireLater(String sql, Binder binder, String expected, java.util.function.Consumer<String> reject) throws SQLException {
        requireNonNull(expected, "expected is null");
        java.util.function.Consumer<Optional<String>> check = value -> {
            if (value.isPresent() && !value.get().equals(expected)) {
                reject.accept(value.get());
                throw new IllegalStateException("the rejection of value '" + value.get() + "' of " + sql + " did not throw");
            }
        };
        if (serverChecks == null) {
            holdQuery(sql, binder, row -> row.getString(1), check, true);
            return;
        }
        holdServerChecked(serverChecks.requiringValue(sql), binder, expected, check);
    }

    /**
     * Holds back {@code checked} (a statement rewritten by {@link #serverChecks}) with {@code binder}'s parameters, then
     * {@code expected} when given, then its check number: its place among the statements sent together.
     */
    private void holdServerChecked(String checked, Binder binder, String expected, java.util.function.Consumer<Optional<String>> rejection)
            throws SQLException {
        List<Object[]> calls = new ArrayList<>();
        PreparedStatement recorder = recorder(calls);
        binder.bind(recorder);
        int last = parameterCount(checked);
        if (expected != null) {
            recorder.setString(last - 1, expected);
        }
        recorder.setInt(last, pending.size());
        pending.add(new Pending(checked, calls, ANY_COUNT, null, false, rejection));
    }

    /** {@link #firstLater} ({@code decides}) and {@link #readLater}. */
    private <T> void holdQuery(String sql, Binder binder, RowMapper<T> mapper, java.util.function.Consumer<Optional<T>> consumer, boolean decides)
            throws SQLException {
        if (!sendsStatementsTogether) {
            consumer.accept(first(sql, binder, mapper));
            return;
        }
        List<Object[]> calls = new ArrayList<>();
        binder.bind(recorder(calls));
        pending.add(new Pending(sql, calls, ANY_COUNT, rows -> consumer.accept(rows.next() ? Optional.of(mapper.map(rows)) : Optional.empty()),
                decides, null));
    }

    /** {@link #updateLater} without a check. */
    public void updateLater(String sql, Binder binder) throws SQLException {
        updateLater(sql, binder, ANY_COUNT);
    }

    /** {@link #executeRows} as {@link #updateLater} does it: one statement per row, sent with the others. */
    public void executeRowsLater(String sql, int rows, RowBinder binder) throws SQLException {
        if (!sendsStatementsTogether) {
            executeRows(sql, rows, binder);
            return;
        }
        for (int i = 0; i < rows; i++) {
            int row = i;
            updateLater(sql, statement -> binder.bind(statement, row), ANY_COUNT);
        }
    }

    /**
     * Sends the statements {@link #updateLater} holds back, in order, in one round trip (one prepared statement whose
     * SQL joins theirs), then runs their checks in order. Nothing to do when none waits.
     */
    public void flush() throws SQLException {
        if (!pending.isEmpty()) {
            sendPending(null);
        }
    }

    /**
     * Ends the transaction with the statements held back, when there are some and none has a check: sends them and
     * {@code commit} ({@code COMMIT}) as one round trip, and returns true. A statement that fails makes the server skip
     * the rest, the commit too, so the transaction commits whole or not at all; a check could only run after the commit,
     * so statements with checks are never sent this way (returns false, having sent nothing). Checks the server runs
     * ({@link ServerChecks}) do not stop it: a failed one is a failed statement, which skips the commit. Rows held back only to be
     * read ({@link #readLater}) do not stop it: they reach their receivers after the commit. The caller commits through
     * the connection after a false, and after a true too: the driver then sees no open transaction and sends nothing.
     */
    public boolean commitWithHeldBack(String commit) throws SQLException {
        if (!sendsStatementsTogether || pending.isEmpty()
                || pending.stream().anyMatch(statement -> statement.check() != ANY_COUNT || statement.decides())) {
            return false;
        }
        pending.add(new Pending(commit, List.of(), ANY_COUNT));
        sendPending(null);
        return true;
    }

    /**
     * Sends the held-back statements, then {@code query} if given, as one prepared statement; runs the checks in order
     * and returns the query's rows (the caller closes them), or null without a query.
     */
    private ResultSet sendPending(Pending query) throws SQLException {
        List<Pending> batch = new ArrayList<>(pending);
        pending.clear();
        if (query != null) {
            batch.add(query);
        }
        if (batch.size() == 1 && query == null && batch.get(0).rowsCheck() == null && batch.get(0).rejection() == null) {
            Pending only = batch.get(0);
            only.check().check(update(only.sql(), statement -> replay(statement, only.calls(), 0)));
            return null;
        }
        StringBuilder sql = new StringBuilder();
        for (Pending statement : batch) {
            if (sql.length() > 0) {
                sql.append(";\n");
            }
            sql.append(statement.sql());
        }
        PreparedStatement combined = prepare(sql.toString());
        int offset = 0;
        for (Pending statement : batch) {
            replay(combined, statement.calls(), offset);
            offset += parameterCount(statement.sql());
        }
        boolean resultSet;
        try {
            resultSet = combined.execute();
        } catch (SQLException e) {
            throw rejectedByServer(batch, e);
        }
        int updates = query == null ? batch.size() : batch.size() - 1;
        for (int i = 0; i < updates; i++) {
            RowsCheck rowsCheck = batch.get(i).rowsCheck();
            if (rowsCheck != null) {
                if (!resultSet) {
                    throw new SQLException("a held-back query returned no rows: " + batch.get(i).sql());
                }
                try (ResultSet rows = combined.getResultSet()) {
                    rowsCheck.check(rows);
                }
                resultSet = combined.getMoreResults();
                continue;
            }
            int changed;
            if (resultSet) {
                combined.getResultSet().close();
                changed = 0;
            } else {
                changed = combined.getUpdateCount();
            }
            batch.get(i).check().check(changed);
            resultSet = combined.getMoreResults();
        }
        if (query == null) {
            return null;
        }
        if (!resultSet) {
            throw new SQLException("the query sent after held-back statements returned no rows: " + query.sql());
        }
        return combined.getResultSet();
    }

    /**
     * {@code e} as it fails the statements sent together: when the server reports a failed check of one of {@code batch}'s
     * statements, that statement's rejection, thrown; otherwise {@code e}, returned to be thrown.
     */
    private SQLException rejectedByServer(List<Pending> batch, SQLException e) {
        if (serverChecks == null) {
            return e;
        }
        Optional<FailedCheck> failed = serverChecks.failedCheck(e);
        if (failed.isEmpty() || failed.get().number() < 0 || failed.get().number() >= batch.size()
                || batch.get(failed.get().number()).rejection() == null) {
            return e;
        }
        try {
            batch.get(failed.get().number()).rejection().accept(failed.get().value());
        } catch (RuntimeException rejection) {
            rejection.addSuppressed(e);
            throw rejection;
        }
        return e;
    }

    /** A statement that only records the setter calls ({@code setString(index, value)}, …) made on it. */
    private PreparedStatement recorder(List<Object[]> calls) {
        return (PreparedStatement) Proxy.newProxyInstance(SqlSession.class.getClassLoader(), new Class<?>[] {PreparedStatement.class},
                (proxy, method, arguments) -> {
                    if (method.getName().startsWith("set") && arguments != null && arguments.length >= 2
                            && method.getParameterTypes()[0] == int.class) {
                        Object[] call = new Object[arguments.length + 1];
                        call[0] = method;
                        System.arraycopy(arguments, 0, call, 1, arguments.length);
                        calls.add(call);
                        return null;
                    }
                    if (method.getName().equals("getConnection")) {
                        return connection;
                    }
                    throw new UnsupportedOperationException("a statement sent later only takes parameters, not " + method.getName());
                });
    }

    /** Makes the recorded setter {@code calls} on {@code statement}, with parameter indexes shifted by {@code offset}. */
    private static void replay(PreparedStatement statement, List<Object[]> calls, int offset) throws SQLException {
        for (Object[] call : calls) {
            Method method = (Method) call[0];
            Object[] arguments = new Object[call.length - 1];
            System.arraycopy(call, 1, arguments, 0, arguments.length);
            arguments[0] = (Integer) arguments[0] + offset;
            try {
                method.invoke(statement, arguments);
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof SQLException sql) {
                    throw sql;
                }
                throw new IllegalStateException("binding a parameter failed", e.getCause());
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** The {@code ?} placeholders of {@code sql}, outside quoted text. */
    static int parameterCount(String sql) {
        int count = 0;
        char quote = 0;
        for (int i = 0; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '?') {
                count++;
            }
        }
        return count;
    }

    /** Rolls back the open transaction, if any; the database may already have rolled it back after an error. */
    public void rollbackQuietly() {
        pending.clear();
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
        pending.clear();
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
