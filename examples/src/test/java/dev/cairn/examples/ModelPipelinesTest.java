package dev.cairn.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;

import java.nio.file.Path;
import java.util.List;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnException;
import dev.cairn.api.artifact.ArtifactType;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunStatus;
import dev.cairn.materializers.ml.xgboost.XGBoostModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelPipelinesTest {
    @TempDir
    Path home;

    @Test
    void theInferencePipelinePredictsWithTheModelTheTrainingPipelineStored() throws Exception {
        try (Cairn cairn = Cairn.open(home)) {
            PipelineRun training = cairn.run(ExamplePipelines.modelTraining());
            assertThat(training.status()).as(training.error().orElse("")).isEqualTo(RunStatus.COMPLETED);
            ArtifactVersion model = cairn.client().getArtifactVersion("xgboost_model");
            assertThat(model.artifactType()).isEqualTo(ArtifactType.MODEL);
            XGBoostModel loaded = model.load();
            assertThat(loaded.params()).containsEntry("objective", "reg:squarederror").containsEntry("num_boost_round", 20L);
            assertThat(loaded.exampleInput()).isPresent();
            double rmse = training.step("evaluateXGBoost").output("output").load();
            assertThat(rmse).isNotNegative();

            assertThatThrownBy(() -> cairn.run(ExamplePipelines.modelInference()))
                    .as("without the alias, the inference pipeline is refused before it runs")
                    .isInstanceOf(CairnException.class).hasMessageContaining("champion");
            ArtifactTour.promoteQuickstartModel(cairn, training, new PrintWriter(new StringWriter()));
            PipelineRun inference = cairn.run(ExamplePipelines.modelInference());
            assertThat(inference.step("predictXGBoost").inputs().get("model").id()).as("the version xgboost_model@champion points to")
                    .isEqualTo(model.id());
            assertThat(inference.status()).as(inference.error().orElse("")).isEqualTo(RunStatus.COMPLETED);
            List<Double> predictions = inference.step("predictXGBoost").output("output").load();
            assertThat(predictions).hasSize(5);
            assertThat(predictions).isEqualTo(ModelSteps.predictXGBoost(QuickstartSteps.processData(QuickstartSteps.createData()), loaded));
            assertThat(predictions.get(0)).as("the first training row (target 10) is fitted closely").isCloseTo(10.0, org.assertj.core.data.Offset.offset(1.0));

            ArtifactVersion onnx = cairn.client().getArtifactVersion("onnx_model");
            assertThat(onnx.materializerId()).isEqualTo("cairn.ml.onnx");
            assertThat(cairn.client().getArtifactVersion("tribuo_model").materializerId()).isEqualTo("cairn.ml.tribuo");
            List<String> labels = inference.step("predictOnnx").output("output").load();
            assertThat(labels).hasSize(5).allMatch(label -> label.equals("high") || label.equals("low"));
        }
    }
}
