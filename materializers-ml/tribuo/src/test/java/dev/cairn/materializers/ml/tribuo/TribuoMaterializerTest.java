package dev.cairn.materializers.ml.tribuo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.materializers.ml.ModelSidecar;
import dev.cairn.materializers.ml.NothingHalfWritten;
import dev.cairn.materializers.ml.TestingArtifactReader;
import dev.cairn.materializers.ml.TestingArtifactWriter;
import dev.cairn.materializers.ml.TestingPython;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;

class TribuoMaterializerTest {
    private static Model<Label> model;
    private final TribuoMaterializer materializer = new TribuoMaterializer();

    @TempDir
    Path directory;

    @BeforeAll
    static void train() {
        model = TribuoTraining.train();
    }

    private Path save(Model<?> value, String name) throws Exception {
        Path dir = Files.createDirectories(directory.resolve(name));
        materializer.save(value, new TestingArtifactWriter(dir, Model.class));
        return dir;
    }

    static double yesScore(Prediction<Label> prediction) {
        return prediction.getOutputScores().get("yes").getScore();
    }

    @Test
    void protobufRoundTripGivesTheSamePredictionsAndTheOnnxExportRunsInOnnxruntime() throws Exception {
        Path dir = save(model, "model");
        assertThat(new TestingArtifactReader(dir).files()).containsExactly("cairn-model.json", "model.onnx", "model.pb");
        @SuppressWarnings("unchecked")
        Model<Label> loaded = (Model<Label>) materializer.load(Model.class, new TestingArtifactReader(dir));
        float[] flat = new float[TribuoTraining.ROWS * 3];
        for (int i = 0; i < TribuoTraining.ROWS; i++) {
            assertThat(loaded.predict(TribuoTraining.example(i)).getOutput().getLabel()).isEqualTo(model.predict(TribuoTraining.example(i)).getOutput().getLabel());
            assertThat(yesScore(loaded.predict(TribuoTraining.example(i)))).isEqualTo(yesScore(model.predict(TribuoTraining.example(i))));
            double[] row = TribuoTraining.row(i);
            for (int j = 0; j < 3; j++) {
                flat[i * 3 + j] = (float) row[j];
            }
        }
        ModelSidecar sidecar = ModelSidecar.parse(Files.readString(dir.resolve("cairn-model.json")), "s");
        assertThat(sidecar.hyperParameters()).containsKeys("epochs", "seed");
        assertThat(sidecar.properties()).containsEntry("feature_count", 3L).containsEntry("onnx_export", "model.onnx");

        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession session = environment.createSession(Files.readAllBytes(dir.resolve("model.onnx")));
             OnnxTensor input = OnnxTensor.createTensor(environment, FloatBuffer.wrap(flat), new long[] {TribuoTraining.ROWS, 3});
             OrtSession.Result result = session.run(Map.of("input", input))) {
            float[][] scores = (float[][]) result.get(0).getValue();
            int yes = model.getOutputIDInfo().getID(new Label("yes"));
            for (int i = 0; i < TribuoTraining.ROWS; i++) {
                assertThat((double) scores[i][yes]).as("row %d", i).isCloseTo(yesScore(model.predict(TribuoTraining.example(i))), org.assertj.core.data.Offset.offset(1e-5));
            }
        }
        // a logistic regression over 3 features and 2 labels: a weight per feature and a bias, per label
        assertThat(sidecar.properties()).containsEntry("parameter_count", (3L + 1) * 2);
        assertThat(materializer.extractMetadata(model)).containsEntry("framework", "tribuo").containsEntry("feature_count", 3L)
                .containsEntry("parameter_count", 8L);
        assertThat(materializer.visualizations(model).get(0).text()).contains("<td>a</td>").contains("epochs");
    }

    @Test
    void theSummaryListsFeatureImportanceFromGetTopFeaturesAndOmitsItWhenTheModelHasNone() throws Exception {
        // Tribuo's own importance: for a linear model, the weights per output; the summary keeps the largest |weight|
        java.util.Map<String, Double> expected = new java.util.HashMap<>();
        model.getTopFeatures(50).values().forEach(features -> features.forEach(pair -> expected.merge(pair.getA(), Math.abs(pair.getB()), Math::max)));
        assertThat(expected).containsKeys("a", "b", "c");
        java.util.List<String> ranked = expected.entrySet().stream()
                .sorted(java.util.Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(java.util.Map.Entry.comparingByKey()))
                .map(java.util.Map.Entry::getKey).toList();

        String html = materializer.visualizations(model).get(0).text();
        assertThat(html).contains("<h3>Feature importance (largest |weight| over outputs)</h3>");
        String importance = html.substring(html.indexOf("<h3>Feature importance"));
        int previous = -1;
        for (String feature : ranked) {
            String row = "<tr><td>" + feature + "</td><td>" + expected.get(feature) + "</td></tr>";
            assertThat(importance).as("row of %s", feature).contains(row);
            assertThat(importance.indexOf(row)).as("%s ranked by |weight|", feature).isGreaterThan(previous);
            previous = importance.indexOf(row);
        }

        // a model that reports no importance (Tribuo's getTopFeatures may throw) still gets its summary, without the table
        Model<Label> withoutImportance = new UnserializableModel(model) {
            @Override
            public java.util.Map<String, java.util.List<com.oracle.labs.mlrg.olcut.util.Pair<String, Double>>> getTopFeatures(int n) {
                throw new UnsupportedOperationException("no feature importance for this model");
            }
        };
        assertThat(materializer.visualizations(withoutImportance).get(0).text()).contains("<h3>Signature</h3>").doesNotContain("Feature importance");
    }

    @Test
    void aModelWithoutAProtobufFormIsRefusedBeforeAnyFileIsWritten() throws Exception {
        Path dir = Files.createDirectories(directory.resolve("refused"));
        TestingArtifactWriter writer = new TestingArtifactWriter(dir, Model.class);
        assertThatThrownBy(() -> materializer.save(new UnserializableModel(model), writer))
                .isInstanceOf(CairnException.class)
                .satisfies(e -> assertThat(((CairnException) e).errorCode()).isEqualTo(ErrorCode.MATERIALIZER_FAILED))
                .hasMessageContaining("test_model").hasMessageContaining("Tribuo could not serialize").hasMessageContaining("UnserializableModel");
        NothingHalfWritten.assertNothingWritten(writer, dir);
    }

    @Test
    void corruptedOrTruncatedModelsAndTheWrongTypeFailNamingTheArtifact() throws Exception {
        Path dir = save(model, "bad");
        byte[] bytes = Files.readAllBytes(dir.resolve("model.pb"));
        Files.write(dir.resolve("model.pb"), java.util.Arrays.copyOf(bytes, bytes.length / 3));
        assertThatThrownBy(() -> materializer.load(Model.class, new TestingArtifactReader(dir)))
                .isInstanceOf(CairnException.class)
                .satisfies(e -> assertThat(((CairnException) e).errorCode()).isEqualTo(ErrorCode.INTEGRITY_VIOLATION))
                .hasMessageContaining("model.pb of artifact test_model:1");
        Files.write(dir.resolve("model.pb"), bytes);
        assertThatThrownBy(() -> materializer.load(org.tribuo.ensemble.EnsembleModel.class, new TestingArtifactReader(dir)))
                .isInstanceOf(CairnException.class)
                .satisfies(e -> assertThat(((CairnException) e).errorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH))
                .hasMessageContaining("test_model:1");
    }

    @Test
    void pythonOnnxruntimeRunsTheExportedModel() throws Exception {
        TestingPython.interpreter("numpy", "onnx", "onnxruntime");
        Path dir = save(model, "python");
        StringBuilder csv = new StringBuilder();
        StringBuilder expected = new StringBuilder();
        int yes = model.getOutputIDInfo().getID(new Label("yes"));
        for (int i = 0; i < TribuoTraining.ROWS; i++) {
            double[] row = TribuoTraining.row(i);
            csv.append((float) row[0]).append(',').append((float) row[1]).append(',').append((float) row[2]).append('\n');
            expected.append(yesScore(model.predict(TribuoTraining.example(i)))).append('\n');
        }
        Files.writeString(directory.resolve("x.csv"), csv);
        Files.writeString(directory.resolve("expected.txt"), expected);
        String output = TestingPython.run(directory, """
                import sys, numpy as np, onnxruntime as ort, onnx
                m = onnx.load(sys.argv[1])
                assert [i.name for i in m.graph.input] == ['input'], m.graph.input
                X = np.loadtxt(sys.argv[2], delimiter=',', dtype=np.float32, ndmin=2)
                scores = ort.InferenceSession(sys.argv[1]).run(None, {'input': X})[0]
                np.testing.assert_allclose(scores[:, int(sys.argv[4])], np.loadtxt(sys.argv[3]), rtol=0, atol=1e-5)
                print('same scores')
                """, dir.resolve("model.onnx").toString(), directory.resolve("x.csv").toString(), directory.resolve("expected.txt").toString(),
                Integer.toString(yes));
        assertThat(output).contains("same scores");
    }
}
