package dev.cairn.materializers.ml.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import dev.cairn.api.Cairn;
import dev.cairn.api.artifact.ArtifactType;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.materializers.ml.NothingHalfWritten;
import dev.cairn.api.pipeline.ArtifactName;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Ref;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunStatus;
import dev.cairn.api.run.StepStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An ONNX model through the real engine: stored, cached, and used for inference by another pipeline. */
class OnnxEngineTest {
    public static final class Steps {
        private Steps() {}

        @Step
        @ArtifactName("linear_onnx")
        public static OnnxModel export() {
            return OnnxModel.fromBytes(TestingOnnxModels.linear(8, null));
        }

        @Step
        public static OnnxModel exportWithACallback() {
            return OnnxModel.fromBytes(TestingOnnxModels.linear(8, null)).withHyperParameters(java.util.Map.of("callback", new Object()));
        }

        @Step
        public static float[] infer(OnnxModel model) throws Exception {
            try (model) {
                return OnnxMaterializerTest.run(model, OnnxMaterializerTest.ROWS)[1];
            }
        }
    }

    @TempDir
    Path home;

    /** Stores the model as {@code linear_onnx}. */
    private final Pipeline training = Pipeline.define("onnx_training", p -> p.call(Steps::export));
    /** Runs inference with the latest {@code linear_onnx}. */
    private final Pipeline inference = Pipeline.define("onnx_inference", p -> {
        Ref<OnnxModel> model = p.artifact("linear_onnx");
        p.call(Steps::infer, model);
    });

    /** Runs {@link #training}, which completes. */
    private PipelineRun train(Cairn cairn) {
        PipelineRun run = cairn.run(training);
        assertThat(run.status()).as(run.error().orElse("")).isEqualTo(RunStatus.COMPLETED);
        return run;
    }

    @Test
    void aModelStoredByOnePipelineServesInferenceInAnother() throws Exception {
        try (Cairn cairn = Cairn.open(home)) {
            PipelineRun run = train(cairn);
            ArtifactVersion model = run.step("export").output("output");
            assertThat(model.artifactType()).isEqualTo(ArtifactType.MODEL);
            assertThat(model.materializerId()).isEqualTo(OnnxMaterializer.ID);
            assertThat(model.metadata()).containsEntry("parameter_count", 8L).containsKey("signature");
            assertThat(cairn.run(training).step("export").status()).isEqualTo(StepStatus.CACHED);

            PipelineRun inferred = cairn.run(inference);
            assertThat(inferred.status()).as(inferred.error().orElse("")).isEqualTo(RunStatus.COMPLETED);
            float[] y = inferred.step("infer").output("output").load();
            assertThat(y).containsExactly(TestingOnnxModels.expected(OnnxMaterializerTest.ROWS[1]));
            model.verify();
        }
    }

    @Test
    void aStepWhoseModelInputWasChangedAfterItWasStoredFailsNamingTheFile() throws Exception {
        try (Cairn cairn = Cairn.open(home)) {
            PipelineRun run = train(cairn);
            // one weight changed in place: onnxruntime would load it, the step's verified input must not
            Path stored = Path.of(run.step("export").output("output").uri()).resolve(OnnxMaterializer.MODEL_FILE);
            byte[] bytes = java.nio.file.Files.readAllBytes(stored);
            bytes[bytes.length / 2] ^= 0x01;
            java.nio.file.Files.write(stored, bytes);

            PipelineRun inferred = cairn.run(inference);
            assertThat(inferred.status()).isEqualTo(RunStatus.FAILED);
            assertThat(inferred.step("infer").status()).isEqualTo(StepStatus.FAILED);
            assertThat(inferred.error().orElse("")).contains("INTEGRITY_VIOLATION").contains("model.onnx").contains("does not match its manifest");
        }
    }

    @Test
    void aRefusedModelFailsTheStepAndLeavesNoVersionNoDraftAndNoFile() {
        try (Cairn cairn = Cairn.open(home)) {
            PipelineRun run = cairn.run(Pipeline.define("onnx_refused", p -> p.call(Steps::exportWithACallback)));
            NothingHalfWritten.assertRunLeftNothing(cairn, home, run, "exportWithACallback", "not JSON values");
        }
    }
}
