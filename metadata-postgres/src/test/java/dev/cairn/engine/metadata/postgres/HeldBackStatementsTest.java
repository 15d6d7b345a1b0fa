package dev.cairn.engine.metadata.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.cairn.engine.metadata.jdbc.SqlSession;
import dev.cairn.engine.metadata.jdbc.WriteRejected;
import org.junit.jupiter.api.Test;

/**
 * Statements a PostgreSQL session holds back ({@link SqlSession#updateLater}) and sends together: in order, before the
 * query that follows them and in its round trip, with their checks run on their own row counts.
 */
class HeldBackStatementsTest {
    private static Connection connect() throws Exception {
        URI uri = TestingPostgres.server().newDatabase();
        Connection connection = TestingPostgres.server().connect(uri.getPath().substring(1));
        connection.createStatement().execute("CREATE TABLE t (k TEXT PRIMARY KEY, v BIGINT, note TEXT)");
        return connection;
    }

    @Test
    void heldBackStatementsRunInOrderBeforeTheNextQueryWithTheirOwnCounts() throws Exception {
        try (Connection connection = connect(); SqlSession session = new SqlSession(connection, true)) {
            List<Integer> counts = new ArrayList<>();
            session.updateLater("INSERT INTO t (k, v, note) VALUES (?, ?, 'a ? that is no parameter')", s -> {
                s.setString(1, "a");
                s.setLong(2, 1);
            }, counts::add);
            session.updateLater("UPDATE t SET v = v + ? WHERE k = ?", s -> {
                s.setLong(1, 10);
                s.setString(2, "a");
            }, counts::add);
            session.updateLater("UPDATE t SET v = ? WHERE k = ?", s -> {
                s.setLong(1, 5);
                s.setString(2, "missing");
            }, counts::add);
            assertThat(counts).as("nothing is sent before the next query").isEmpty();

            Optional<Long> value = session.first("SELECT v FROM t WHERE k = ?", s -> s.setString(1, "a"), row -> row.getLong(1));

            assertThat(value).contains(11L);
            assertThat(counts).containsExactly(1, 1, 0);
        }
    }

    @Test
    void aFailedCheckSurfacesWhenTheStatementsAreSent() throws Exception {
        try (Connection connection = connect(); SqlSession session = new SqlSession(connection, true)) {
            session.updateLater("UPDATE t SET v = ? WHERE k = ?", s -> {
                s.setLong(1, 1);
                s.setString(2, "missing");
            }, changed -> {
                if (changed == 0) {
                    throw new WriteRejected("no row 'missing'");
                }
            });
            session.updateLater("INSERT INTO t (k, v) VALUES (?, ?)", s -> {
                s.setString(1, "b");
                s.setLong(2, 2);
            });

            assertThatThrownBy(session::flush).isInstanceOf(WriteRejected.class).hasMessageContaining("'missing'");
        }
    }

    @Test
    void aHeldBackQueryGoesFirstAndItsRejectionRollsBackTheWritesSentWithIt() throws Exception {
        try (Connection connection = connect(); SqlSession session = new SqlSession(connection, true)) {
            connection.createStatement().execute("INSERT INTO t (k, v) VALUES ('gate', 0)");
            connection.setAutoCommit(false);
            List<String> order = new ArrayList<>();
            session.firstLater("SELECT v FROM t WHERE k = ?", s -> s.setString(1, "gate"), row -> row.getLong(1), v -> {
                order.add("gate " + v.orElseThrow());
                if (v.get() == 0) {
                    throw new WriteRejected("the gate is closed");
                }
            });
            session.updateLater("INSERT INTO t (k, v) VALUES (?, ?)", s -> {
                s.setString(1, "written");
                s.setLong(2, 1);
            }, changed -> order.add("insert " + changed));

            assertThatThrownBy(session::flush).isInstanceOf(WriteRejected.class).hasMessageContaining("gate is closed");
            assertThat(order).as("the query's check runs first, and stops the rest").containsExactly("gate 0");
            connection.rollback();
            connection.setAutoCommit(true);
            assertThat(session.first("SELECT count(*) FROM t WHERE k = 'written'", s -> {}, row -> row.getLong(1))).contains(0L);
        }
    }

    @Test
    void statementsWithoutChecksCommitInTheirRoundTripAndAFailureSkipsTheCommit() throws Exception {
        try (Connection connection = connect(); SqlSession session = new SqlSession(connection, true)) {
            connection.setAutoCommit(false);
            session.updateLater("INSERT INTO t (k, v) VALUES (?, ?)", s -> {
                s.setString(1, "a");
                s.setLong(2, 1);
            });
            assertThat(session.commitWithHeldBack("COMMIT")).isTrue();
            assertThat(connection.unwrap(org.postgresql.core.BaseConnection.class).getTransactionState())
                    .as("committed by the statements' own round trip").isEqualTo(org.postgresql.core.TransactionState.IDLE);

            session.updateLater("INSERT INTO t (k, v) VALUES (?, ?)", s -> {
                s.setString(1, "b");
                s.setLong(2, 2);
            });
            session.updateLater("INSERT INTO t (k, v) VALUES (?, ?)", s -> {
                s.setString(1, "a"); // taken: the server skips the rest, the COMMIT too
                s.setLong(2, 3);
            });
            assertThatThrownBy(() -> session.commitWithHeldBack("COMMIT")).isInstanceOf(java.sql.SQLException.class);
            connection.rollback();
            connection.setAutoCommit(true);
            assertThat(session.list("SELECT k FROM t ORDER BY k", row -> row.getString(1))).containsExactly("a");

            session.updateLater("UPDATE t SET v = ? WHERE k = ?", s -> {
                s.setLong(1, 9);
                s.setString(2, "a");
            }, changed -> {});
            assertThat(session.commitWithHeldBack("COMMIT")).as("a statement with a check is never sent with the commit").isFalse();
        }
    }

    @Test
    void aSessionThatDoesNotSendStatementsTogetherRunsThemAtOnce() throws Exception {
        try (Connection connection = connect(); SqlSession session = new SqlSession(connection)) {
            List<Integer> counts = new ArrayList<>();
            session.updateLater("INSERT INTO t (k, v) VALUES (?, ?)", s -> {
                s.setString(1, "a");
                s.setLong(2, 1);
            }, counts::add);

            assertThat(counts).containsExactly(1);
        }
    }
}
