package dev.cairn.materializers.ml.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.FloatBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.cairn.materializers.ml.SafeTensors;
import dev.cairn.materializers.ml.Tensor;
import dev.cairn.materializers.ml.TensorMap;
import dev.cairn.materializers.ml.TestingArtifactReader;
import dev.cairn.materializers.ml.TestingArtifactWriter;
import dev.cairn.materializers.ml.TestingPython;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Python writes an ONNX model with the {@code onnx} helper API (weights in an external-data file); Cairn stores it and
 * runs it; Python's onnxruntime then runs the Cairn-written artifact and gets the same predictions as Java.
 */
class OnnxPythonInteropTest {
    @TempDir
    Path directory;

    @Test
    void aModelBuiltInPythonRunsInCairnAndTheStoredArtifactRunsInPythonWithTheSamePredictions() throws Exception {
        TestingPython.interpreter("numpy", "onnx", "onnxruntime", "safetensors");
        Path exported = Files.createDirectories(directory.resolve("exported"));
        TestingPython.run(directory, """
                import sys, numpy as np, onnx, onnxruntime as ort
                from onnx import helper, TensorProto, numpy_helper
                from safetensors.numpy import save_file
                rng = np.random.default_rng(3)
                W = rng.normal(size=(5, 3)).astype(np.float32)
                b = rng.normal(size=(3,)).astype(np.float32)
                graph = helper.make_graph(
                    [helper.make_node('Gemm', ['X', 'W', 'b'], ['Z']), helper.make_node('Sigmoid', ['Z'], ['P'])],
                    'logistic',
                    [helper.make_tensor_value_info('X', TensorProto.FLOAT, ['batch', 5])],
                    [helper.make_tensor_value_info('P', TensorProto.FLOAT, ['batch', 3])],
                    initializer=[numpy_helper.from_array(W, 'W'), numpy_helper.from_array(b, 'b')])
                model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 17)], producer_name='python-onnx-helper')
                model.ir_version = 10
                onnx.checker.check_model(model)
                onnx.save_model(model, sys.argv[1] + '/model.onnx', save_as_external_data=True, all_tensors_to_one_file=True,
                                location='weights.data', size_threshold=0)
                X = rng.normal(size=(4, 5)).astype(np.float32)
                P = ort.InferenceSession(sys.argv[1] + '/model.onnx').run(None, {'X': X})[0]
                save_file({'X': X, 'P': P}, sys.argv[1] + '/io.safetensors')
                """, exported.toString());
        TensorMap io;
        try (SeekableByteChannel channel = Files.newByteChannel(exported.resolve("io.safetensors"))) {
            io = SafeTensors.read(channel, "io.safetensors");
        }
        Path artifact = Files.createDirectories(directory.resolve("artifact"));
        OnnxMaterializer materializer = new OnnxMaterializer();
        try (OnnxModel model = OnnxModel.fromFile(exported.resolve("model.onnx"))) {
            assertThat(model.externalData()).containsOnlyKeys("weights.data");
            assertThat(model.info().producerName()).isEqualTo("python-onnx-helper");
            assertThat(model.info().signature().inputs().get(0).shapeText()).isEqualTo("[?, 5]");
            materializer.save(model, new TestingArtifactWriter(artifact, OnnxModel.class));
        }
        float[] javaPredictions;
        try (OnnxModel loaded = materializer.load(OnnxModel.class, new TestingArtifactReader(artifact));
             OnnxTensor x = OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), FloatBuffer.wrap(io.require("X").toFloatArray()), new long[] {4, 5});
             OrtSession.Result result = loaded.session().run(Map.of("X", x))) {
            float[][] p = (float[][]) result.get(0).getValue();
            javaPredictions = new float[12];
            for (int i = 0; i < 4; i++) {
                System.arraycopy(p[i], 0, javaPredictions, i * 3, 3);
            }
        }
        float[] pythonPredictions = io.require("P").toFloatArray();
        for (int i = 0; i < pythonPredictions.length; i++) {
            assertThat(javaPredictions[i]).isCloseTo(pythonPredictions[i], org.assertj.core.data.Offset.offset(1e-6f));
        }
        try (OutputStream out = Files.newOutputStream(directory.resolve("java.safetensors"))) {
            SafeTensors.write(TensorMap.of(Map.of("P", Tensor.ofFloats(javaPredictions, 4, 3))), out);
        }
        String output = TestingPython.run(directory, """
                import sys, numpy as np, onnxruntime as ort
                from safetensors.numpy import load_file
                io = load_file(sys.argv[2])
                P = ort.InferenceSession(sys.argv[1] + '/model.onnx').run(None, {'X': io['X']})[0]
                np.testing.assert_allclose(P, load_file(sys.argv[3])['P'], rtol=0, atol=1e-6)
                print('same predictions')
                """, artifact.toString(), exported.resolve("io.safetensors").toString(), directory.resolve("java.safetensors").toString());
        assertThat(output).contains("same predictions");
    }
}
