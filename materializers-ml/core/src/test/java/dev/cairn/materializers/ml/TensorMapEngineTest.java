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
        public static TensorMap largeWeights() {
            java.util.SplittableRandom random = new java.util.SplittableRandom(5);
            float[] heap = new float[3 << 20];
            for (int i = 0; i < heap.length; i++) {
                heap[i] = (float) random.nextDouble();
            }
            java.nio.ByteBuffer direct = java.nio.ByteBuffer.allocateDirect(5 << 20).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            while (direct.hasRemaining()) {
                direct.put((byte) random.nextInt());
            }
            return TensorMap.of(Map.of("heap", Tensor.ofFloats(heap, 3, 1 << 20), "direct", Tensor.of(DType.U8, direct.flip(), 5 << 20)));
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

    @Test
    void theManifestHashOfALargeTensorFileIsTheSha256OfTheFileOnDisk() throws Exception {
        try (Cairn cairn = Cairn.open(home)) {
            PipelineRun run = cairn.run(Pipeline.define("large_tensors", p -> p.call(Steps::largeWeights)));
            assertThat(run.status()).as(run.error().orElse("")).isEqualTo(RunStatus.COMPLETED);
            ArtifactVersion weights = run.step("largeWeights").output("output");
            Path file = Path.of(weights.uri()).resolve(TensorMapMaterializer.FILE);
            byte[] bytes = java.nio.file.Files.readAllBytes(file);
            assertThat(bytes.length).isGreaterThan(17 << 20);
            String sha256 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
            assertThat(weights.files()).singleElement().satisfies(entry -> {
                assertThat(entry.path()).isEqualTo(TensorMapMaterializer.FILE);
                assertThat(entry.size()).isEqualTo(bytes.length);
                assertThat(entry.sha256()).isEqualTo(sha256);
            });
            weights.verify();
            assertThat(weights.<TensorMap>load()).isEqualTo(Steps.largeWeights());
        }
    }
}
