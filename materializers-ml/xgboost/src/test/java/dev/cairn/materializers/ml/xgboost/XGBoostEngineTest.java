package dev.cairn.materializers.ml.xgboost;

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

/** An XGBoost model through the real engine: stored as a MODEL artifact, cached, reloaded with identical predictions. */
class XGBoostEngineTest {
    public static final class Steps {
        private Steps() {}

        @Step
        public static XGBoostModel trainModel() throws Exception {
            return new XGBoostModel(XGBoostTraining.train(8), XGBoostTraining.params());
        }

        @Step
        public static XGBoostModel trainWithACallback() throws Exception {
            return new XGBoostModel(XGBoostTraining.train(2), java.util.Map.of("callback", new Object()));
        }

        @Step
        public static double meanPrediction(XGBoostModel model) throws Exception {
            float[][] predictions = XGBoostTraining.predict(model.booster());
            double sum = 0;
            for (float[] p : predictions) {
                sum += p[0];
            }
            return sum / predictions.length;
        }
    }

    @TempDir
    Path home;

    @Test
    void aStepReturningAModelIsStoredCachedAndReloaded() throws Exception {
        Pipeline pipeline = Pipeline.define("xgboost_pipeline", p -> p.call(Steps::meanPrediction, p.call(Steps::trainModel)));
        Pipeline uncached = Pipeline.define("xgboost_pipeline", p -> p.with(StepOptions.builder().enableCache(false).build()).call(Steps::trainModel));
        try (Cairn cairn = Cairn.open(home)) {
            PipelineRun run = cairn.run(pipeline);
            assertThat(run.status()).as(run.error().orElse("")).isEqualTo(RunStatus.COMPLETED);
            ArtifactVersion model = run.step("trainModel").output("output");
            assertThat(model.materializerId()).isEqualTo(XGBoostMaterializer.ID);
            assertThat(model.artifactType()).isEqualTo(ArtifactType.MODEL);
            assertThat(Path.of(model.uri()).resolve("model.ubj")).isRegularFile();
            assertThat(model.metadata()).containsEntry("framework", "xgboost").containsEntry("boosted_rounds", 8L);
            assertThat(model.visualizations()).extracting(v -> v.fileName()).containsExactly("model.html");

            XGBoostModel loaded = model.load();
            assertThat(XGBoostTraining.predict(loaded.booster())).isDeepEqualTo(XGBoostTraining.predict(Steps.trainModel().booster()));
            assertThat(loaded.params()).isEqualTo(XGBoostTraining.params());

            PipelineRun again = cairn.run(pipeline);
            assertThat(again.step("trainModel").status()).isEqualTo(StepStatus.CACHED);
            assertThat(again.step("meanPrediction").status()).isEqualTo(StepStatus.CACHED);

            PipelineRun retrained = cairn.run(uncached);
            ArtifactVersion retrainedModel = retrained.step("trainModel").output("output");
            assertThat(retrainedModel.version()).isNotEqualTo(model.version());
            assertThat(retrainedModel.contentHash()).as("retraining gives the same bytes: an early cut-off for the steps below").isEqualTo(model.contentHash());
            model.verify();
        }
    }

    @Test
    void refusedParamsFailTheStepAndLeaveNoVersionNoDraftAndNoFile() {
        try (Cairn cairn = Cairn.open(home)) {
            PipelineRun run = cairn.run(Pipeline.define("xgboost_refused", p -> p.call(Steps::trainWithACallback)));
            NothingHalfWritten.assertRunLeftNothing(cairn, home, run, "trainWithACallback", "not JSON values");
        }
    }
}
