package dev.cairn.engine.metadata.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.cairn.api.Cairn;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.StepStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two JVMs with homes of their own share one PostgreSQL metadata store and one artifact store. */
class SharedStackTest {
    @TempDir
    Path dir;

    @Test
    void aSecondJvmSeesTheFirstsRunsVersionsCacheAndLineage() throws Exception {
        URI metadata = TestingPostgres.server().newDatabase();
        URI store = dir.resolve("shared-store").toUri();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                SharedPipelineMain.class.getName(), dir.resolve("home-a").toString(), metadata.toString(), store.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(child.waitFor(180, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isZero();
        UUID firstRun = UUID.fromString(output.lines().reduce((a, b) -> b).orElseThrow());

        try (Cairn second = Cairn.builder().home(dir.resolve("home-b")).metadata(metadata).artifactStore(store).build()) {
            PipelineRun first = second.client().getPipelineRun(firstRun);
            assertThat(first.step("consume").status()).isEqualTo(StepStatus.COMPLETED);

            PipelineRun again = second.run(SharedPipelineMain.PIPELINE);
            assertThat(again.step("produce").status()).as("a cache hit on the other JVM's result").isEqualTo(StepStatus.CACHED);
            assertThat(again.step("consume").status()).isEqualTo(StepStatus.CACHED);
            assertThat(again.step("consume").cachedFrom()).contains(first.step("consume").id());
            assertThat((Integer) again.step("consume").output("output").load()).isEqualTo(43);

            assertThat(second.client().listRuns("shared")).extracting(PipelineRun::id).contains(firstRun, again.id());
            ArtifactVersion produced = first.step("produce").output("output");
            assertThat(second.client().getArtifactVersion(produced.name(), produced.version()).id()).isEqualTo(produced.id());
            dev.cairn.api.lineage.Lineage lineage = second.client().lineage(first.step("consume").output("output"));
            assertThat(lineage.upstream(lineage.root())).extracting(dev.cairn.api.lineage.LineageNode::id)
                    .as("the consumed artifact and both step runs, recorded by the other JVM")
                    .contains(produced.id(), first.step("consume").id(), first.step("produce").id());
        }
    }
}
