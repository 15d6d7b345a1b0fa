package dev.cairn.engine.metadata.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
}
