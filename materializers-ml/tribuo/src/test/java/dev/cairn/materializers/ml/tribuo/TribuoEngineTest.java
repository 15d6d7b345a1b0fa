package dev.cairn.materializers.ml.tribuo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import dev.cairn.api.Cairn;
import dev.cairn.api.artifact.ArtifactType;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.materializers.ml.NothingHalfWritten;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.pipeline.StepOptions;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunStatus;
import dev.cairn.api.run.StepStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.classification.Label;

/** A Tribuo model through the real engine; retraining gives other bytes (provenance timestamps), so no early cut-off. */
class TribuoEngineTest {
    public static final class Steps {
        private Steps() {}

        @Step
        public static Model<Label> trainTribuo() {
            return TribuoTraining.train();
        }

        @Step
        public static Model<Label> trainOwnModel() {
            return new UnserializableModel(TribuoTraining.train());
        }
    }

    @TempDir
    Path home;

    @Test
    void aStepReturningATribuoModelIsStoredCachedAndReloaded() throws Exception {
        Pipeline pipeline = Pipeline.define("tribuo_pipeline", p -> p.call(Steps::trainTribuo));
        Pipeline uncached = Pipeline.define("tribuo_pipeline", p -> p.with(StepOptions.builder().enableCache(false).build()).call(Steps::trainTribuo));
        try (Cairn cairn = Cairn.open(home)) {
            PipelineRun run = cairn.run(pipeline);
            assertThat(run.status()).as(run.error().orElse("")).isEqualTo(RunStatus.COMPLETED);
            ArtifactVersion stored = run.step("trainTribuo").output("output");
            assertThat(stored.artifactType()).isEqualTo(ArtifactType.MODEL);
            assertThat(stored.materializerId()).isEqualTo(TribuoMaterializer.ID);
            Model<Label> loaded = stored.load();
            assertThat(loaded.predict(TribuoTraining.example(3)).getOutput()).isEqualTo(TribuoTraining.train().predict(TribuoTraining.example(3)).getOutput());
            assertThat(cairn.run(pipeline).step("trainTribuo").status()).isEqualTo(StepStatus.CACHED);
            Thread.sleep(5); // provenance timestamps have millisecond resolution
            ArtifactVersion retrained = cairn.run(uncached).step("trainTribuo").output("output");
            assertThat(retrained.contentHash()).as("Tribuo's bytes carry the training time").isNotEqualTo(stored.contentHash());
        }
    }

    @Test
    void aModelWithoutAProtobufFormFailsTheStepAndLeavesNoVersionNoDraftAndNoFile() {
        try (Cairn cairn = Cairn.open(home)) {
            PipelineRun run = cairn.run(Pipeline.define("tribuo_refused", p -> p.call(Steps::trainOwnModel)));
            NothingHalfWritten.assertRunLeftNothing(cairn, home, run, "trainOwnModel", "Tribuo could not serialize");
        }
    }
}
