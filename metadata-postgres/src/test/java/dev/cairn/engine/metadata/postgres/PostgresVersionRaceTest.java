package dev.cairn.engine.metadata.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.metadata.ArtifactVersionRecord;
import dev.cairn.api.metadata.NewArtifactVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Version numbers from many processes at once on one PostgreSQL: no gaps, no duplicates. */
class PostgresVersionRaceTest {
    private static final int PROCESSES = 16;
    private static final int SAVES = 100;

    /**
     * 16 processes each save 100 values of one name through the client (reserve, write the files, commit) on one
     * PostgreSQL and one store: versions 1..1600 are each given exactly once, all READY, and each loads the value its
     * process saved under that number.
     */
    @Test
    void sixteenProcessesSavingOneNameGetEveryNumberOnce(@TempDir Path dir) throws Exception {
        URI uri = TestingPostgres.server().newDatabase();
        URI store = dir.resolve("store").toUri();
        PostgresMetadataStore.open(uri).close(); // create the schema once, so the children start at once
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> children = new ArrayList<>();
        for (int i = 0; i < PROCESSES; i++) {
            children.add(new ProcessBuilder(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", SavePostgresVersionsMain.class.getName(), uri.toString(), store.toString(),
                    dir.resolve("home-" + i).toString(), "raced", Integer.toString(SAVES)).redirectError(ProcessBuilder.Redirect.INHERIT).start());
        }
        Map<Long, String> saved = new HashMap<>();
        List<Long> printed = new ArrayList<>();
        for (Process child : children) {
            String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(child.waitFor(300, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).as("exit code of a child").isZero();
            output.lines().forEach(line -> {
                long version = Long.parseLong(line.substring(0, line.indexOf(' ')));
                printed.add(version);
                saved.put(version, line.substring(line.indexOf(' ') + 1));
            });
        }
        List<Long> expected = LongStream.rangeClosed(1, PROCESSES * SAVES).boxed().toList();
        assertThat(printed).hasSize(PROCESSES * SAVES).containsExactlyInAnyOrderElementsOf(expected);
        try (var connection = TestingPostgres.server().connect(uri.getPath().substring(1)); var statement = connection.createStatement();
                var rows = statement.executeQuery("SELECT count(*), count(DISTINCT version_number), min(version_number), max(version_number),"
                        + " count(*) FILTER (WHERE state = 'READY') FROM artifact_versions WHERE name = 'raced'")) {
            rows.next();
            assertThat(rows.getLong(1)).isEqualTo(PROCESSES * SAVES);
            assertThat(rows.getLong(2)).isEqualTo(PROCESSES * SAVES);
            assertThat(rows.getLong(3)).isEqualTo(1);
            assertThat(rows.getLong(4)).isEqualTo(PROCESSES * SAVES);
            assertThat(rows.getLong(5)).as("every save committed").isEqualTo(PROCESSES * SAVES);
        }
        try (Cairn cairn = Cairn.builder().home(dir.resolve("home")).metadata(uri).artifactStore(store).build()) {
            assertThat(cairn.client().listArtifactVersions("raced")).hasSize(PROCESSES * SAVES);
            for (long version = 1; version <= PROCESSES * SAVES; version += 37) {
                assertThat((String) cairn.client().load("raced", Long.toString(version))).as("version %d", version).isEqualTo(saved.get(version));
            }
            assertThat(cairn.client().save("one more", "raced").version()).isEqualTo(Long.toString(PROCESSES * SAVES + 1));
        }
    }

    @Test
    void anExplicitVersionTakenByAnotherProcessIsADuplicate() {
        URI uri = TestingPostgres.server().newDatabase();
        try (PostgresMetadataStore first = PostgresMetadataStore.open(uri); PostgresMetadataStore second = PostgresMetadataStore.open(uri)) {
            NewArtifactVersion v = ReservePostgresVersionsMain.version("named", Optional.of("prod"));
            ArtifactVersionRecord reserved = first.reserveArtifactVersion(v);
            assertThat(reserved.version()).isEqualTo("prod");
            NewArtifactVersion again = ReservePostgresVersionsMain.version("named", Optional.of("prod"));
            assertThatThrownBy(() -> second.reserveArtifactVersion(again))
                    .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.DUPLICATE_VERSION))
                    .hasMessageContaining("'named'").hasMessageContaining("'prod'");
        }
    }

    /**
     * The {@code UNIQUE (name, version)} backstop of numbering, reached for real: another session (a writer that does not
     * take the name's lock) has inserted version 2 but not committed, so the store computes 2 as well and its insert waits
     * on that row; once the other session commits, the store takes the next number instead of failing.
     */
    @Test
    void aNumberTakenByAConcurrentWriterThatSkippedTheNameLockIsRetriedWithTheNextNumber() throws Exception {
        URI uri = TestingPostgres.server().newDatabase();
        String database = uri.getPath().substring(1);
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try (PostgresMetadataStore store = PostgresMetadataStore.open(uri); Connection other = TestingPostgres.server().connect(database)) {
            assertThat(store.reserveArtifactVersion(ReservePostgresVersionsMain.version("raced")).version()).isEqualTo("1");
            other.setAutoCommit(false);
            insertVersion(other, "raced", "2");
            Future<ArtifactVersionRecord> reserved = thread.submit(() -> store.reserveArtifactVersion(ReservePostgresVersionsMain.version("raced")));
            awaitInsertWaitingOnAnotherTransaction(database, reserved);
            other.commit();

            assertThat(reserved.get(60, TimeUnit.SECONDS).version()).isEqualTo("3");
            assertThat(store.reserveArtifactVersion(ReservePostgresVersionsMain.version("raced")).version()).isEqualTo("4");
        } finally {
            thread.shutdownNow();
        }
        assertThat(versions(database, "raced")).containsExactly("1", "2", "3", "4");
    }

    /**
     * The backstop for an explicit version, reached for real: another session inserted "prod" after the store's check
     * could see it (not committed yet), so only the unique constraint catches it: DUPLICATE_VERSION naming the artifact
     * and the version, and nothing of the store's attempt is recorded.
     */
    @Test
    void anExplicitVersionInsertedConcurrentlyPastTheCheckIsADuplicate() throws Exception {
        URI uri = TestingPostgres.server().newDatabase();
        String database = uri.getPath().substring(1);
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try (PostgresMetadataStore store = PostgresMetadataStore.open(uri); Connection other = TestingPostgres.server().connect(database)) {
            other.setAutoCommit(false);
            insertVersion(other, "named", "prod");
            Future<ArtifactVersionRecord> reserved = thread.submit(() -> store.reserveArtifactVersion(
                    ReservePostgresVersionsMain.version("named", Optional.of("prod"))));
            awaitInsertWaitingOnAnotherTransaction(database, reserved);
            other.commit();

            assertThatThrownBy(() -> reserved.get(60, TimeUnit.SECONDS)).cause()
                    .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.DUPLICATE_VERSION))
                    .hasMessageContaining("'named'").hasMessageContaining("'prod'");
            assertThat(store.reserveArtifactVersion(ReservePostgresVersionsMain.version("named")).version()).isEqualTo("1");
        } finally {
            thread.shutdownNow();
        }
        assertThat(versions(database, "named")).containsExactlyInAnyOrder("prod", "1");
    }

    /** Inserts a PENDING version as a writer that does not take the name's lock would, in {@code connection}'s transaction. */
    private static void insertVersion(Connection connection, String name, String version) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO artifact_versions (id, name, version, version_number, uri,"
                + " store_uri, data_type, materializer_id, materializer_version, artifact_type, content_hash, size, metadata,"
                + " producer_step_run_id, created_at, state, registered) VALUES (?, ?, ?, ?, NULL, 'file:///tmp/store/', 'java.lang.String',"
                + " 'cairn.string', '1', 'DATA', 'sha256:abc', 3, '{}', NULL, 1, 'PENDING', 0)")) {
            insert.setString(1, UUID.randomUUID().toString());
            insert.setString(2, name);
            insert.setString(3, version);
            long number = dev.cairn.engine.metadata.jdbc.ArtifactVersionRepository.versionNumber(version);
            if (number > 0) {
                insert.setLong(4, number);
            } else {
                insert.setNull(4, java.sql.Types.BIGINT);
            }
            insert.executeUpdate();
        }
    }

    /**
     * Waits until a session of {@code database} waits for a lock held by another transaction (the store's insert waiting
     * on the uncommitted row; sent after another statement, its text starts with the line break that joined them), or fails if {@code reservation} ended first. Bounded, so a broken test fails instead of hanging.
     */
    private static void awaitInsertWaitingOnAnotherTransaction(String database, Future<?> reservation) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (Connection monitor = TestingPostgres.server().connect(database);
                PreparedStatement waiting = monitor.prepareStatement("SELECT count(*) FROM pg_stat_activity"
                        + " WHERE datname = current_database() AND wait_event_type = 'Lock' AND ltrim(query, E' \\n\\t') LIKE 'INSERT INTO artifact_versions%'")) {
            while (true) {
                try (ResultSet row = waiting.executeQuery()) {
                    row.next();
                    if (row.getLong(1) > 0) {
                        return;
                    }
                }
                if (reservation.isDone()) {
                    reservation.get(); // surfaces its failure
                    throw new AssertionError("the reservation ended without waiting for the other transaction");
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the reservation never waited for the other transaction's row");
                }
                Thread.sleep(10);
            }
        }
    }

    private static List<String> versions(String database, String name) throws SQLException {
        try (Connection connection = TestingPostgres.server().connect(database);
                PreparedStatement query = connection.prepareStatement("SELECT version FROM artifact_versions WHERE name = ? ORDER BY seq")) {
            query.setString(1, name);
            List<String> versions = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    versions.add(rows.getString(1));
                }
            }
            return versions;
        }
    }
}
