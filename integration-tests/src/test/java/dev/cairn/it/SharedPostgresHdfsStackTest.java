package dev.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.cairn.api.Cairn;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.lineage.Lineage;
import dev.cairn.api.lineage.LineageNode;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.StepStatus;
import dev.cairn.engine.metadata.postgres.TestingPostgres;
import dev.cairn.stores.hdfs.testing.TestingHdfsCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared stack of issue 14: two JVMs, each with its own home, on one PostgreSQL metadata store and one HDFS
 * (a MiniDFSCluster in this JVM, reached by the child through its {@code hdfs://} URI). Each sees the other's runs,
 * versions, cache hits and lineage.
 */
class SharedPostgresHdfsStackTest {
    private static TestingHdfsCluster cluster;

    @TempDir
    Path dir;

    @BeforeAll
    static void startCluster() {
        cluster = TestingHdfsCluster.start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private List<String> child(URI metadata, URI store, String... command) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> line = new ArrayList<>(List.of(java, "--add-opens=java.base/java.nio=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", SharedStackMain.class.getName(), dir.resolve("child-home").toString(),
                metadata.toString(), store.toString()));
        line.addAll(List.of(command));
        Process process = new ProcessBuilder(line).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.waitFor(180, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        String last = output.lines().reduce((a, b) -> b).orElseThrow();
        return List.of(last.split(" "));
    }

    @Test
    void twoJvmsOnOnePostgresAndOneHdfsSeeEachOthersRunsVersionsCacheHitsAndLineage() throws Exception {
        URI metadata = TestingPostgres.server().newDatabase();
        URI store = cluster.uri("/cairn/shared-" + UUID.randomUUID());

        List<String> childRun = child(metadata, store, "run");
        UUID childRunId = UUID.fromString(childRun.get(0));
        assertThat(childRun.subList(1, 3)).containsExactly("COMPLETED", "COMPLETED");

        try (Cairn here = Cairn.builder().home(dir.resolve("home")).metadata(metadata).artifactStore(store).build()) {
            PipelineRun theirs = here.client().getPipelineRun(childRunId);
            ArtifactVersion produced = theirs.step("produce").output("output");
            assertThat(produced.uri().getScheme()).isEqualTo("hdfs");
            assertThat((Integer) produced.load()).as("read from HDFS, written by the other JVM").isEqualTo(42);

            PipelineRun mine = here.run(SharedStackMain.PIPELINE);
            assertThat(mine.step("produce").status()).as("a cache hit on the other JVM's result").isEqualTo(StepStatus.CACHED);
            assertThat(mine.step("consume").cachedFrom()).contains(theirs.step("consume").id());
            Lineage lineage = here.client().lineage(theirs.step("consume").output("output"));
            assertThat(lineage.upstream(lineage.root())).extracting(LineageNode::id)
                    .contains(produced.id(), theirs.step("produce").id(), theirs.step("consume").id());

            ArtifactVersion saved = here.client().save("written here", "note");
            List<String> loaded = child(metadata, store, "load", "note", saved.version());
            assertThat(loaded.get(0) + " " + loaded.get(1)).as("the other JVM loads this one's version").isEqualTo("written here");
            assertThat(loaded.get(3)).as("from HDFS").startsWith("hdfs://localhost:");

            List<String> again = child(metadata, store, "run");
            assertThat(again.subList(1, 3)).as("the other JVM's second run hits the cache").containsExactly("CACHED", "CACHED");
            assertThat(here.client().listRuns("shared-hdfs")).extracting(PipelineRun::id)
                    .contains(childRunId, mine.id(), UUID.fromString(again.get(0)));
        }
    }
}
