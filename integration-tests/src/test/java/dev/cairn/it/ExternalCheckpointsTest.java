package dev.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.cairn.api.Cairn;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.StepStatus;
import dev.cairn.examples.ExternalCheckpoints;

class ExternalCheckpointsTest {
    @Test
    void eachCheckpointIsOneVersionAndTheLatestFeedsAPipeline(@TempDir Path home) {
        try (Cairn cairn = Cairn.open(home)) {
            List<ArtifactVersion> versions = ExternalCheckpoints.trainAndRegister(cairn, home.resolve("store"), "run-a", 3);
            assertThat(versions).extracting(ArtifactVersion::version).containsExactly("1", "2", "3");
            assertThat(versions).extracting(ArtifactVersion::contentHash).doesNotHaveDuplicates();
            assertThat(versions.get(2).uri().toString()).endsWith("/checkpoints/run-a/epoch-3");

            PipelineRun first = cairn.run(ExternalCheckpoints.evaluation());
            assertThat(first.step("meanWeight").inputs().get("checkpoint").id()).isEqualTo(versions.get(2).id());
            assertThat(cairn.run(ExternalCheckpoints.evaluation()).step("meanWeight").status()).isEqualTo(StepStatus.CACHED);

            ExternalCheckpoints.trainAndRegister(cairn, home.resolve("store"), "run-b", 1);
            assertThat(cairn.run(ExternalCheckpoints.evaluation()).step("meanWeight").status()).isEqualTo(StepStatus.COMPLETED);
        }
    }
}
