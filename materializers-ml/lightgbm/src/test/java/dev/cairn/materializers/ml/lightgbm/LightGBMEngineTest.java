package dev.cairn.materializers.ml.lightgbm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import dev.cairn.api.Cairn;
import dev.cairn.api.artifact.ArtifactType;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.materializers.ml.NothingHalfWritten;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunStatus;
import dev.cairn.api.run.StepStatus;
import io.github.metarank.lightgbm4j.LGBMBooster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A LightGBM booster through the real engine: stored as model.txt, cached, reloaded with identical predictions. */
class LightGBMEngineTest {
    public static final class Steps {
        private Steps() {}

        @Step
        public static LGBMBooster trainBooster() throws Exception {
            return LightGBMTraining.train(5);
        }

        @Step
        public static LGBMBooster trainAndClose() throws Exception {
            LGBMBooster booster = LightGBMTraining.train(2);
            booster.close();
            return booster;
        }
    }

    @TempDir
    Path home;

    @Test
    void aStepReturningABoosterIsStoredCachedAndReloaded() throws Exception {
        Pipeline pipeline = Pipeline.define("lightgbm_pipeline", p -> p.call(Steps::trainBooster));
        try (Cairn cairn = Cairn.open(home); LGBMBooster reference = Steps.trainBooster()) {
            PipelineRun run = cairn.run(pipeline);
            assertThat(run.status()).as(run.error().orElse("")).isEqualTo(RunStatus.COMPLETED);
            ArtifactVersion model = run.step("trainBooster").output("output");
            assertThat(model.artifactType()).isEqualTo(ArtifactType.MODEL);
            assertThat(Path.of(model.uri()).resolve("model.txt")).isRegularFile();
            assertThat(model.metadata()).containsEntry("tree_count", 5L);
            try (LGBMBooster loaded = model.load()) {
                assertThat(LightGBMTraining.predict(loaded)).containsExactly(LightGBMTraining.predict(reference));
            }
            assertThat(cairn.run(pipeline).step("trainBooster").status()).isEqualTo(StepStatus.CACHED);
        }
    }

    @Test
    void aBoosterThatCannotBeWrittenFailsTheStepAndLeavesNoVersionNoDraftAndNoFile() {
        try (Cairn cairn = Cairn.open(home)) {
            PipelineRun run = cairn.run(Pipeline.define("lightgbm_refused", p -> p.call(Steps::trainAndClose)));
            NothingHalfWritten.assertRunLeftNothing(cairn, home, run, "trainAndClose", "LightGBM could not write the model");
        }
    }
}
