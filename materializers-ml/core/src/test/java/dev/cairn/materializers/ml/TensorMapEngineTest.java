package dev.cairn.materializers.ml;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import dev.cairn.api.Cairn;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Ref;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tensors through the real engine: found by ServiceLoader, stored as safetensors, cached, reloaded. */
class TensorMapEngineTest {
    public static final class Steps {
        private Steps() {}

        @Step
        public static TensorMap weights() {
            return TensorMap.of(Map.of("w", Tensor.ofFloats(new float[] {1, 2, 3, 4}, 2, 2), "b", Tensor.ofDoubles(new double[] {0.5}, 1)));
        }

        @Step
        public static TensorMap unreadableWeights() {
            return SafeTensorsTest.headerTooLarge();
        }

        @Step
        public static Tensor firstRow(TensorMap weights) {
            float[] w = weights.require("w").toFloatArray();
            return Tensor.ofFloats(new float[] {w[0], w[1]}, 2);
        }
    }

    @TempDir
    Path home;

    @Test
    void aPipelineStoresTensorsAsSafetensorsCachesAndReloadsThem() {
        Pipeline pipeline = Pipeline.define("tensor_pipeline", p -> {
            Ref<TensorMap> weights = p.call(Steps::weights);
            p.call(Steps::firstRow, weights);
        });
        try (Cairn cairn = Cairn.open(home)) {
            PipelineRun run = cairn.run(pipeline);
            assertThat(run.status()).as(run.error().orElse("")).isEqualTo(RunStatus.COMPLETED);
            ArtifactVersion weights = run.step("weights").output("output");
            assertThat(weights.materializerId()).isEqualTo(TensorMapMaterializer.ID);
            assertThat(Path.of(weights.uri()).resolve(TensorMapMaterializer.FILE)).isRegularFile();
            assertThat(weights.metadata()).containsEntry("tensor_count", 2L).containsEntry("total_bytes", 24L);
            assertThat(weights.visualizations()).extracting(v -> v.fileName()).containsExactly("tensors.html");
            assertThat(weights.<TensorMap>load()).isEqualTo(Steps.weights());
            Tensor row = run.step("firstRow").output("output").load();
            assertThat(row.toFloatArray()).containsExactly(1f, 2f);

            PipelineRun again = cairn.run(pipeline);
            assertThat(again.step("weights").status()).isEqualTo(dev.cairn.api.run.StepStatus.CACHED);
            assertThat(again.step("firstRow").output("output").contentHash()).isEqualTo(run.step("firstRow").output("output").contentHash());
            weights.verify();
        }
    }

    @Test
    void aMapWhoseHeaderNoReaderAcceptsFailsTheStepAndLeavesNothingBehind() {
        try (Cairn cairn = Cairn.open(home)) {
            PipelineRun run = cairn.run(Pipeline.define("refused_tensors", p -> p.call(Steps::unreadableWeights)));
            NothingHalfWritten.assertRunLeftNothing(cairn, home, run, "unreadableWeights", "safetensors readers accept");
        }
    }
}
