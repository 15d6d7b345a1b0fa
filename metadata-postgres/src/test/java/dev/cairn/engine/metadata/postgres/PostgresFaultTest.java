package dev.cairn.engine.metadata.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.metadata.ArtifactVersionRecord;
import org.junit.jupiter.api.Test;

/**
 * Faults between Cairn and its PostgreSQL server: a session killed while its transaction waits to commit, a statement
 * timeout, the server stopped and restarted. Each fails the operation clearly, records nothing half-way, and the store
 * works again afterwards.
 */
class PostgresFaultTest {
    private static String database(URI uri) {
        return uri.getPath().substring(1);
    }

    /** Holds the row lock on artifact name {@code name} in an open transaction of the returned connection. */
    private static Connection lockName(URI uri, String name) throws SQLException {
        Connection connection = TestingPostgres.server().connect(database(uri));
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO artifact_names (name) VALUES ('" + name + "') ON CONFLICT DO NOTHING");
            statement.execute("SELECT name FROM artifact_names WHERE name = '" + name + "' FOR UPDATE");
        }
        return connection;
    }

    /** The process id of the backend of {@code database} that waits for a lock, once there is one. */
    private static int waitingBackend(URI uri) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (Connection connection = TestingPostgres.server().connect("postgres"); Statement statement = connection.createStatement()) {
            while (System.nanoTime() < deadline) {
                try (ResultSet rows = statement.executeQuery("SELECT pid FROM pg_stat_activity WHERE datname = '" + database(uri)
                        + "' AND wait_event_type = 'Lock'")) {
                    if (rows.next()) {
                        return rows.getInt(1);
                    }
                }
                Thread.sleep(20);
            }
        }
        throw new AssertionError("no backend of " + database(uri) + " waited for a lock");
    }

    private static long versionsOf(URI uri, String name) throws SQLException {
        try (Connection connection = TestingPostgres.server().connect(database(uri)); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT count(*) FROM artifact_versions WHERE name = '" + name + "'")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static Throwable failureOf(CompletableFuture<?> future) throws Exception {
        try {
            future.get(120, TimeUnit.SECONDS);
            throw new AssertionError("the operation succeeded");
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    @Test
    void aSessionKilledInsideItsWriteFailsItClearlyAndRecordsNothing() throws Exception {
        URI uri = TestingPostgres.server().newDatabase();
        try (PostgresMetadataStore store = PostgresMetadataStore.open(uri)) {
            Connection holder = lockName(uri, "killed");
            CompletableFuture<ArtifactVersionRecord> reserve = CompletableFuture.supplyAsync(
                    () -> store.reserveArtifactVersion(ReservePostgresVersionsMain.version("killed")));
            int pid = waitingBackend(uri);
            TestingPostgres.server().sql("postgres", "SELECT pg_terminate_backend(" + pid + ")");
            assertThat(failureOf(reserve)).isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.METADATA_FAILURE))
                    .hasMessageContaining(database(uri)).hasMessageContaining("connection to the server was lost").hasMessageContaining("rolled");
            holder.rollback();
            holder.close();
            assertThat(versionsOf(uri, "killed")).as("nothing half-recorded").isZero();
            assertThat(store.reserveArtifactVersion(ReservePostgresVersionsMain.version("killed")).version())
                    .as("the store works again, and the lost write left no gap").isEqualTo("1");
        }
    }

    @Test
    void aStatementTimeoutFailsTheWriteClearlyAndRecordsNothing() throws Exception {
        URI uri = URI.create(TestingPostgres.server().newDatabase() + "&statement_timeout=1");
        try (PostgresMetadataStore store = PostgresMetadataStore.open(uri); Connection holder = lockName(uri, "slow")) {
            assertThatThrownBy(() -> store.reserveArtifactVersion(ReservePostgresVersionsMain.version("slow")))
                    .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.METADATA_FAILURE))
                    .hasMessageContaining("statement timed out").hasMessageContaining("statement_timeout");
            holder.rollback();
            assertThat(versionsOf(uri, "slow")).isZero();
            assertThat(store.reserveArtifactVersion(ReservePostgresVersionsMain.version("slow")).version()).isEqualTo("1");
        }
    }

    @Test
    void aServerStoppedAndRestartedFailsWritesMeanwhileThenServesAgain() throws Exception {
        TestingPostgres server = TestingPostgres.server();
        URI uri = URI.create(server.newDatabase() + "&connect_timeout=2");
        try (PostgresMetadataStore store = PostgresMetadataStore.open(uri)) {
            assertThat(store.reserveArtifactVersion(ReservePostgresVersionsMain.version("restarted")).version()).isEqualTo("1");
            server.stop();
            try {
                assertThatThrownBy(() -> store.reserveArtifactVersion(ReservePostgresVersionsMain.version("restarted")))
                        .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.METADATA_FAILURE))
                        .hasMessageContaining(database(uri));
            } finally {
                server.restart();
            }
            assertThat(store.reserveArtifactVersion(ReservePostgresVersionsMain.version("restarted")).version())
                    .as("the pool reconnects; the failed write left no gap").isEqualTo("2");
            assertThat(store.listArtifactNames()).isEmpty(); // names list READY versions only; both are PENDING
            assertThat(store.findRun(java.util.UUID.randomUUID())).isEqualTo(Optional.empty());
        }
    }

    @Test
    void sessionsEndedByTheServerAreAllDroppedFromThePoolAfterTheFirstFailure() throws Exception {
        URI uri = TestingPostgres.server().newDatabase();
        try (PostgresMetadataStore store = PostgresMetadataStore.open(uri)) {
            // concurrent saves until the pool holds more than one session of this database
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            int round = 0;
            while (backendsOf(uri) < 2) {
                assertThat(System.nanoTime()).as("the pool opened a second connection").isLessThan(deadline);
                String a = "sibling-a-" + round;
                String b = "sibling-b-" + round++;
                CompletableFuture<ArtifactVersionRecord> first = CompletableFuture.supplyAsync(
                        () -> store.reserveArtifactVersion(ReservePostgresVersionsMain.version(a)));
                store.reserveArtifactVersion(ReservePostgresVersionsMain.version(b));
                first.get(60, TimeUnit.SECONDS);
            }
            // the server ends every session of the store (as a restart does); the pool's connections were used just
            // now, within its 500 ms alive-bypass window, so it hands them out unchecked
            TestingPostgres.server().sql("postgres", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"
                    + database(uri) + "' AND pid <> pg_backend_pid()");
            try {
                store.reserveArtifactVersion(ReservePostgresVersionsMain.version("after-kill"));
            } catch (CairnException e) {
                assertThat(e).hasMessageContaining("connection to the server was lost"); // the first may meet a dead session
            }
            assertThat(store.reserveArtifactVersion(ReservePostgresVersionsMain.version("after-kill-2")).version())
                    .as("no second dead session is handed out after the first failure").isEqualTo("1");
        }
    }

    private static int backendsOf(URI uri) throws SQLException {
        try (Connection connection = TestingPostgres.server().connect("postgres"); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = '" + database(uri) + "'")) {
            rows.next();
            return rows.getInt(1);
        }
    }
}
