package dev.cairn.engine.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.cairn.api.Cairn;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.lifecycle.PruneOptions;
import dev.cairn.api.lifecycle.PruneReport;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.PipelineOptions;
import dev.cairn.api.pipeline.Ref;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 7 of issue #12: locations inside a home are stored relative to it, so pruning a {@code cp -a} copy deletes
 * only the copy's files, a moved home keeps working, and homes written with absolute locations are migrated on open.
 */
class CopiedHomeTest {
    @TempDir
    Path temp;

    public static final class Steps {
        @Step
        public static List<Integer> produce() {
            return List.of(1, 2, 3);
        }

        @Step
        public static int consume(List<Integer> values) {
            return values.size();
        }
    }

    /** produce → consume without caching: consume's output is unused, so prune deletes it. */
    private static PipelineRun run(Cairn cairn) {
        return cairn.run(Pipeline.define("copied", p -> {
            Ref<List<Integer>> values = p.call(Steps::produce);
            p.call(Steps::consume, values);
        }).withOptions(PipelineOptions.builder().enableCache(false).build()));
    }

    @Test
    void pruningACopyDeletesTheCopysFilesNeverTheOriginals() throws Exception {
        Path home = temp.resolve("home");
        ArtifactVersion unused;
        try (Cairn cairn = Cairn.open(home)) {
            unused = run(cairn).step("consume").output("output");
        }
        Path originalFiles = Path.of(unused.uri());
        assertThat(originalFiles).isDirectory().startsWith(home);

        Path copy = temp.resolve("backup");
        assertThat(exec("cp", "-a", home.toString(), copy.toString())).isZero();
        Path copiedFiles = copy.resolve(home.relativize(originalFiles));
        assertThat(copiedFiles).isDirectory();

        try (Cairn cairn = Cairn.open(copy)) {
            ArtifactVersion seen = cairn.client().getArtifactVersion(unused.id());
            assertThat(Path.of(seen.uri())).as("the copy names its own files").isEqualTo(copiedFiles);
            PruneReport report = cairn.client().prune(PruneOptions.defaults());
            assertThat(report.versions()).extracting(PruneReport.PrunedVersion::id).containsExactly(unused.id());
        }
        assertThat(copiedFiles).doesNotExist();
        assertThat(originalFiles).as("the original's files are untouched").isDirectory();
        try (Cairn cairn = Cairn.open(home)) {
            assertThat((int) cairn.client().getArtifactVersion(unused.id()).load()).isEqualTo(3);
        }
    }

    @Test
    void aMovedHomeKeepsWorking() throws Exception {
        Path home = temp.resolve("home");
        ArtifactVersion produced;
        try (Cairn cairn = Cairn.open(home)) {
            produced = run(cairn).step("produce").output("output");
        }
        Path moved = temp.resolve("elsewhere/home");
        Files.createDirectories(moved.getParent());
        Files.move(home, moved);

        try (Cairn cairn = Cairn.open(moved)) {
            ArtifactVersion found = cairn.client().getArtifactVersion(produced.id());
            assertThat(Path.of(found.uri())).startsWith(moved);
            assertThat((List<Integer>) found.load()).containsExactly(1, 2, 3);
            found.verify();
            assertThat(run(cairn).status()).isEqualTo(dev.cairn.api.run.RunStatus.COMPLETED);
        }
    }

    @Test
    void aHomeWithAbsoluteLocationsIsMigratedOnOpenSoItsLaterCopiesAreSafe() throws Exception {
        Path home = temp.resolve("home");
        ArtifactVersion unused;
        try (Cairn cairn = Cairn.open(home)) {
            unused = run(cairn).step("consume").output("output");
        }
        Path database = home.resolve("metadata.db");
        String homeUri = home.toUri().toString(); // file:///…/home/
        // what a Cairn before this change wrote: absolute file: URIs (in the one-slash form java.net.URI gives for paths)
        String absolutePrefix = "file:" + home.toUri().getRawPath();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database); Statement statement = connection.createStatement()) {
            statement.executeUpdate("UPDATE artifact_versions SET uri = '" + absolutePrefix + "' || substr(uri, 3),"
                    + " store_uri = '" + absolutePrefix + "' || substr(store_uri, 3) WHERE substr(uri, 1, 2) = './'");
            assertThat(strings(statement, "SELECT uri FROM artifact_versions")).isNotEmpty().allMatch(uri -> uri.startsWith("file:/"));
        }
        assertThat(homeUri).startsWith("file:");

        try (Cairn cairn = Cairn.open(home)) {
            assertThat(Path.of(cairn.client().getArtifactVersion(unused.id()).uri())).isEqualTo(Path.of(unused.uri()));
        }
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database); Statement statement = connection.createStatement()) {
            assertThat(strings(statement, "SELECT uri FROM artifact_versions")).isNotEmpty().allMatch(uri -> uri.startsWith("./store/"));
            assertThat(strings(statement, "SELECT store_uri FROM artifact_versions")).isNotEmpty().allMatch(uri -> uri.startsWith("./store"));
        }

        Path copy = temp.resolve("copy");
        assertThat(exec("cp", "-a", home.toString(), copy.toString())).isZero();
        try (Cairn cairn = Cairn.open(copy)) {
            assertThat(cairn.client().prune(PruneOptions.defaults()).versions()).hasSize(1);
        }
        assertThat(Path.of(unused.uri())).isDirectory();
    }

    /**
     * A home opened through a symbolic link (a linked home directory, macOS's {@code /tmp}): the local store records files
     * by their real path, so the metadata must recognise that form as inside the home too, or it stores absolute
     * locations and a copy of the home prunes the original's files.
     */
    @Test
    void aHomeReachedThroughASymbolicLinkStillStoresRelativeLocationsSoItsCopyIsSafe() throws Exception {
        Path real = Files.createDirectories(temp.resolve("real"));
        Path link = Files.createSymbolicLink(temp.resolve("link"), real);
        Path home = link.resolve("home");
        ArtifactVersion unused;
        try (Cairn cairn = Cairn.open(home)) {
            unused = run(cairn).step("consume").output("output");
        }
        Path originalFiles = Path.of(unused.uri());
        assertThat(originalFiles).isDirectory();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + real.resolve("home/metadata.db"));
                Statement statement = connection.createStatement()) {
            assertThat(strings(statement, "SELECT uri FROM artifact_versions")).isNotEmpty().allMatch(uri -> uri.startsWith("./store/"));
            assertThat(strings(statement, "SELECT store_uri FROM artifact_versions")).isNotEmpty().allMatch(uri -> uri.startsWith("./store"));
        }

        Path copy = temp.resolve("backup");
        assertThat(exec("cp", "-a", real.resolve("home").toString(), copy.toString())).isZero();
        try (Cairn cairn = Cairn.open(copy)) {
            assertThat(Path.of(cairn.client().getArtifactVersion(unused.id()).uri())).startsWith(copy.toRealPath());
            assertThat(cairn.client().prune(PruneOptions.defaults()).versions()).extracting(PruneReport.PrunedVersion::id)
                    .containsExactly(unused.id());
        }
        assertThat(originalFiles).as("the original's files are untouched").isDirectory();
        try (Cairn cairn = Cairn.open(home)) {
            assertThat((int) cairn.client().getArtifactVersion(unused.id()).load()).isEqualTo(3);
            cairn.client().getArtifactVersion(unused.id()).verify();
        }
    }

    private static List<String> strings(Statement statement, String sql) throws Exception {
        List<String> values = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }

    private static int exec(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }
}
