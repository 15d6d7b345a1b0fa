package dev.cairn.engine.metadata.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

import dev.cairn.engine.metadata.jdbc.SqlSession;
import dev.cairn.engine.metadata.jdbc.WriteRejected;
import org.junit.jupiter.api.Test;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

/**
 * Checks of held-back statements run by the server (the functions of schema version 15): statements whose checks only
 * reject go with the {@code COMMIT} in one round trip, and a failed check makes the server skip the rest, the commit
 * too, and comes back as the statement's own rejection, with the value the server saw.
 */
class PostgresServerChecksTest {
    /** A database at the current schema (so with the check functions), and a test table in it. */
    private static Connection connect() throws Exception {
        URI uri = TestingPostgres.server().newDatabase();
        PostgresMetadataStore.open(uri).close();
        Connection connection = TestingPostgres.server().connect(uri.getPath().substring(1));
        connection.createStatement().execute("CREATE TABLE t (k TEXT PRIMARY KEY, v BIGINT, status TEXT)");
        connection.createStatement().execute("INSERT INTO t (k, v, status) VALUES ('a', 1, 'RUNNING'), ('b', 2, 'FAILED')");
        return connection;
    }

    private static SqlSession checkedSession(Connection connection) {
        return new SqlSession(connection, PostgresServerChecks.INSTANCE);
    }

    private static boolean idle(Connection connection) throws Exception {
        return connection.unwrap(BaseConnection.class).getTransactionState() == TransactionState.IDLE;
    }

    @Test
    void writesWhoseChecksTheServerRunsCommitInTheirOwnRoundTrip() throws Exception {
        try (Connection connection = connect(); SqlSession session = checkedSession(connection)) {
            connection.setAutoCommit(false);
            session.requireLater("SELECT status FROM t WHERE k = ? FOR SHARE", s -> s.setString(1, "a"), "RUNNING", status -> {
                throw new WriteRejected("status " + status);
            });
            session.requireLater("SELECT status FROM t WHERE k = ?", s -> s.setString(1, "missing"), "RUNNING", status -> {
                throw new WriteRejected("no row passes, status " + status);
            });
            session.updateLaterRequiringRow("UPDATE t SET v = ? WHERE k = ?", s -> {
                s.setLong(1, 10);
                s.setString(2, "a");
            }, () -> new WriteRejected("no row 'a'"));
            session.updateLaterRequiringRow("INSERT INTO t (k, v) SELECT ?, v + 1 FROM t WHERE k = ?", s -> {
                s.setString(1, "c");
                s.setString(2, "a");
            }, () -> new WriteRejected("no row 'a' to copy"));

            assertThat(session.commitWithHeldBack("COMMIT")).as("sent with the commit").isTrue();
            assertThat(idle(connection)).as("committed by the statements' own round trip").isTrue();
            connection.setAutoCommit(true);
            assertThat(session.list("SELECT k || '=' || v FROM t ORDER BY k", row -> row.getString(1))).containsExactly("a=10", "b=2", "c=11");
        }
    }

    @Test
    void aStatementThatChangesNoRowRejectsTheTransactionWithItsOwnRejectionAndSkipsTheCommit() throws Exception {
        try (Connection connection = connect(); SqlSession session = checkedSession(connection)) {
            connection.setAutoCommit(false);
            session.updateLater("INSERT INTO t (k, v) VALUES (?, ?)", s -> {
                s.setString(1, "written");
                s.setLong(2, 1);
            });
            session.updateLaterRequiringRow("UPDATE t SET v = ? WHERE k = ?", s -> {
                s.setLong(1, 5);
                s.setString(2, "a");
            }, () -> new WriteRejected("no row 'a'"));
            session.updateLaterRequiringRow("UPDATE t SET v = ? WHERE k = ?", s -> {
                s.setLong(1, 5);
                s.setString(2, "missing");
            }, () -> new WriteRejected("no row 'missing'"));
            List<String> after = new ArrayList<>();
            session.updateLaterRequiringRow("UPDATE t SET v = ? WHERE k = ?", s -> {
                s.setLong(1, 7);
                s.setString(2, "missing too");
            }, () -> {
                after.add("ran");
                return new WriteRejected("no row 'missing too'");
            });

            assertThatThrownBy(() -> session.commitWithHeldBack("COMMIT")).isInstanceOf(WriteRejected.class).hasMessage("no row 'missing'");
            assertThat(after).as("the server stopped at the first failed check").isEmpty();
            assertThat(idle(connection)).as("the commit was skipped: the transaction is still open, failed").isFalse();
            connection.rollback();
            connection.setAutoCommit(true);
            assertThat(session.list("SELECT k || '=' || v FROM t ORDER BY k", row -> row.getString(1))).containsExactly("a=1", "b=2");
        }
    }

    @Test
    void anUnexpectedValueReachesTheRejectionAsTheServerSawIt() throws Exception {
        try (Connection connection = connect(); SqlSession session = checkedSession(connection)) {
            connection.setAutoCommit(false);
            session.requireLater("SELECT status FROM t WHERE k = ? FOR SHARE", s -> s.setString(1, "b"), "RUNNING", status -> {
                throw new WriteRejected("the run is already " + status);
            });
            session.updateLaterRequiringRow("UPDATE t SET v = ? WHERE k = ?", s -> {
                s.setLong(1, 99);
                s.setString(2, "b");
            }, () -> new WriteRejected("no row 'b'"));

            assertThatThrownBy(() -> session.commitWithHeldBack("COMMIT")).isInstanceOf(WriteRejected.class).hasMessage("the run is already FAILED");
            connection.rollback();
            connection.setAutoCommit(true);
            assertThat(session.list("SELECT v FROM t WHERE k = 'b'", row -> row.getLong(1))).containsExactly(2L);
        }
    }

    @Test
    void aSessionWithoutServerChecksChecksOnTheClientAndCommitsSeparately() throws Exception {
        try (Connection connection = connect(); SqlSession session = new SqlSession(connection, true)) {
            connection.setAutoCommit(false);
            session.updateLaterRequiringRow("UPDATE t SET v = ? WHERE k = ?", s -> {
                s.setLong(1, 10);
                s.setString(2, "a");
            }, () -> new WriteRejected("no row 'a'"));
            assertThat(session.commitWithHeldBack("COMMIT")).as("a check on the client needs the count first").isFalse();
            session.requireLater("SELECT status FROM t WHERE k = ?", s -> s.setString(1, "b"), "RUNNING", status -> {
                throw new WriteRejected("the run is already " + status);
            });
            assertThatThrownBy(session::flush).isInstanceOf(WriteRejected.class).hasMessage("the run is already FAILED");
            connection.rollback();
        }
    }
}
