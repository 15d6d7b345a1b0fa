package dev.cairn.materializers.ml.xgboost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.Visualization;
import dev.cairn.materializers.ml.TestingRemoteReader;
import dev.cairn.materializers.ml.ModelSidecar;
import dev.cairn.materializers.ml.Tensor;
import dev.cairn.materializers.ml.TensorMap;
import dev.cairn.materializers.ml.TestingArtifactReader;
import dev.cairn.materializers.ml.TestingArtifactWriter;
import dev.cairn.materializers.ml.TestingPython;
import ml.dmlc.xgboost4j.java.Booster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class XGBoostMaterializerTest {
    private static Booster booster;
    private final XGBoostMaterializer materializer = new XGBoostMaterializer();

    @TempDir
    Path directory;

    @BeforeAll
    static void train() throws Exception {
        booster = XGBoostTraining.train(12);
    }

    private Path save(Object model, String name, Map<String, String> options) throws Exception {
        Path dir = Files.createDirectories(directory.resolve(name));
        materializer.save(model, new TestingArtifactWriter(dir, XGBoostModel.class, options));
        return dir;
    }

    @Test
    void ubjRoundTripGivesIdenticalPredictionsParamsAndDeterministicBytes() throws Exception {
        XGBoostModel model = new XGBoostModel(booster, XGBoostTraining.params())
                .withExampleInput(TensorMap.of(Map.of("features", Tensor.ofFloats(new float[] {1, 2, 3, 4}, 1, 4))));
        Path first = save(model, "first", Map.of());
        assertThat(new TestingArtifactReader(first).files()).containsExactly("cairn-model.json", "example-input.safetensors", "model.ubj");

        XGBoostModel loaded = (XGBoostModel) materializer.load(XGBoostModel.class, new TestingArtifactReader(first));
        assertThat(XGBoostTraining.predict(loaded.booster())).isDeepEqualTo(XGBoostTraining.predict(booster));
        assertThat(loaded.params()).isEqualTo(XGBoostTraining.params());
        assertThat(loaded.exampleInput()).contains(model.exampleInput().orElseThrow());

        Path second = save(model, "second", Map.of());
        Path reloaded = save(loaded, "reloaded", Map.of());
        byte[] bytes = Files.readAllBytes(first.resolve("model.ubj"));
        assertThat(Files.readAllBytes(second.resolve("model.ubj"))).isEqualTo(bytes);
        assertThat(Files.readAllBytes(reloaded.resolve("model.ubj"))).as("save(load(x)) has the bytes of x").isEqualTo(bytes);
        assertThat(Files.readAllBytes(second.resolve("cairn-model.json"))).isEqualTo(Files.readAllBytes(first.resolve("cairn-model.json")));

        ModelSidecar sidecar = ModelSidecar.parse(Files.readString(first.resolve("cairn-model.json")), "s");
        assertThat(sidecar.framework()).isEqualTo("xgboost");
        assertThat(sidecar.frameworkVersion()).isEqualTo("3.4.0");
        assertThat(sidecar.signature().inputs().get(0).shape()).containsExactly(-1L, 4L);
        assertThat(sidecar.properties()).containsEntry("boosted_rounds", 12L);
        loaded.booster().dispose();
    }

    @Test
    void aModelFromAStoreThatIsNotLocalIsStreamedAndPredictsTheSame() throws Exception {
        Path dir = save(new XGBoostModel(booster, XGBoostTraining.params()), "remote", Map.of());
        XGBoostModel streamed = (XGBoostModel) materializer.load(XGBoostModel.class, new TestingRemoteReader(new TestingArtifactReader(dir)));
        XGBoostModel local = (XGBoostModel) materializer.load(XGBoostModel.class, new TestingArtifactReader(dir));
        assertThat(XGBoostTraining.predict(streamed.booster())).isDeepEqualTo(XGBoostTraining.predict(booster))
                .isDeepEqualTo(XGBoostTraining.predict(local.booster()));
        Files.write(dir.resolve("model.ubj"), java.util.Arrays.copyOf(Files.readAllBytes(dir.resolve("model.ubj")), 40));
        assertThatThrownBy(() -> materializer.load(XGBoostModel.class, new TestingRemoteReader(new TestingArtifactReader(dir))))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INTEGRITY_VIOLATION));
        streamed.booster().dispose();
        local.booster().dispose();
    }

    @Test
    void aBareBoosterIsStoredWithoutParamsAndLoadsAsABooster() throws Exception {
        Path dir = save(booster, "bare", Map.of("format", "json"));
        assertThat(dir.resolve("model.json")).isRegularFile();
        Booster loaded = (Booster) materializer.load(Booster.class, new TestingArtifactReader(dir));
        assertThat(XGBoostTraining.predict(loaded)).isDeepEqualTo(XGBoostTraining.predict(booster));
        loaded.dispose();
    }

    @Test
    void metadataAndSummaryDescribeTheModel() {
        XGBoostModel model = new XGBoostModel(booster, XGBoostTraining.params());
        Map<String, Object> metadata = materializer.extractMetadata(model);
        assertThat(metadata).containsEntry("framework", "xgboost").containsEntry("format", "ubj").containsEntry("boosted_rounds", 12L)
                .containsEntry("feature_count", 4L).containsKeys("file_size", "signature", "hyper_parameters");
        assertThat((Long) metadata.get("file_size")).isPositive();
        List<Visualization> visualizations = materializer.visualizations(model);
        assertThat(visualizations).extracting(Visualization::fileName).containsExactly("model.html");
        assertThat(visualizations.get(0).text()).contains("Feature importance (total gain)").contains("<td>f0</td>").contains("reg:squarederror")
                .contains("<td>features</td><td>F32</td><td>[?, 4]</td>");
    }

    @Test
    void treeCountAndTotalGainReadFromTheSavedBytesMatchXGBoostsOwnFigures() throws Exception {
        String[] names = {"f0", "f1", "f2", "f3"};
        Map<String, Double> expected = booster.getScore(names, "total_gain");
        for (String format : List.of("ubj", "json")) {
            TreeStatistics statistics = TreeStatistics.of(booster.toByteArray(format), format, 4);
            assertThat(statistics.treeCount()).as(format).isEqualTo(12);
            for (int i = 0; i < 4; i++) {
                assertThat(statistics.totalGain()[i]).as("%s %s", format, names[i])
                        .isCloseTo(expected.getOrDefault(names[i], 0.0), org.assertj.core.data.Percentage.withPercentage(1e-3));
            }
        }
        assertThat(materializer.extractMetadata(new XGBoostModel(booster, Map.of()))).containsEntry("tree_count", 12L);
    }

    @Test
    void corruptedTruncatedOrNewerModelsFailClearlyNamingTheArtifact() throws Exception {
        Path dir = save(new XGBoostModel(booster, XGBoostTraining.params()), "bad", Map.of());
        byte[] bytes = Files.readAllBytes(dir.resolve("model.ubj"));
        Files.write(dir.resolve("model.ubj"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> materializer.load(XGBoostModel.class, new TestingArtifactReader(dir)))
                .isInstanceOf(CairnException.class)
                .satisfies(e -> assertThat(((CairnException) e).errorCode()).isEqualTo(ErrorCode.INTEGRITY_VIOLATION))
                .hasMessageContaining("model.ubj of artifact test_model:1").hasMessageContaining("truncated or corrupted");
        Files.write(dir.resolve("model.ubj"), "{not a model".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> materializer.load(XGBoostModel.class, new TestingArtifactReader(dir)))
                .isInstanceOf(CairnException.class).hasMessageContaining("model.ubj of artifact test_model:1");

        Files.write(dir.resolve("model.ubj"), bytes);
        String sidecar = Files.readString(dir.resolve("cairn-model.json"));
        Files.writeString(dir.resolve("cairn-model.json"), sidecar.replace("\"framework_version\": \"3.4.0\"", "\"framework_version\": \"4.1.0\""));
        assertThatThrownBy(() -> materializer.load(XGBoostModel.class, new TestingArtifactReader(dir)))
                .isInstanceOf(CairnException.class)
                .hasMessageContaining("artifact test_model:1").hasMessageContaining("xgboost 4.1.0").hasMessageContaining("Upgrade xgboost");
        Files.delete(dir.resolve("cairn-model.json"));
        assertThatThrownBy(() -> materializer.load(XGBoostModel.class, new TestingArtifactReader(dir)))
                .isInstanceOf(CairnException.class).hasMessageContaining("has no cairn-model.json");
    }

    @Test
    void paramsThatAreNotJsonOrAnUnknownFormatAreRefusedBeforeAnyFileIsWritten() throws Exception {
        Path dir = Files.createDirectories(directory.resolve("refused"));
        TestingArtifactWriter writer = new TestingArtifactWriter(dir, XGBoostModel.class);
        assertThatThrownBy(() -> materializer.save(new XGBoostModel(booster, Map.of("callback", new Object())), writer))
                .isInstanceOf(CairnException.class).hasMessageContaining("test_model").hasMessageContaining("not JSON values");
        TestingArtifactWriter pickle = new TestingArtifactWriter(dir, XGBoostModel.class, Map.of("format", "pickle"));
        assertThatThrownBy(() -> materializer.save(booster, pickle)).isInstanceOf(CairnException.class).hasMessageContaining("format=pickle");
        assertThat(writer.created()).isEmpty();
        assertThat(pickle.created()).isEmpty();
    }

    @Test
    void pythonWalksTheJsonModelAndGetsTheSamePredictions() throws Exception {
        TestingPython.interpreter("numpy");
        Path dir = save(new XGBoostModel(booster, XGBoostTraining.params()), "json", Map.of("format", "json"));
        float[] x = XGBoostTraining.features();
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < XGBoostTraining.ROWS; i++) {
            for (int j = 0; j < XGBoostTraining.FEATURES; j++) {
                rows.append(j == 0 ? "" : ",").append(Float.toString(x[i * XGBoostTraining.FEATURES + j]));
            }
            rows.append('\n');
        }
        Files.writeString(directory.resolve("x.csv"), rows);
        // An independent reader: plain json + numpy, walking XGBoost's documented JSON model schema (no xgboost wheel here).
        String output = TestingPython.run(directory, """
                import json, sys
                import numpy as np
                model = json.load(open(sys.argv[1]))
                learner = model['learner']
                base = float(str(learner['learner_model_param']['base_score']).strip('[]'))
                trees = learner['gradient_booster']['model']['trees']
                assert int(learner['gradient_booster']['model']['gbtree_model_param']['num_trees']) == len(trees)
                X = np.loadtxt(sys.argv[2], delimiter=',', dtype=np.float32, ndmin=2)
                def leaf(tree, row):
                    node = 0
                    while tree['left_children'][node] != -1:
                        f = tree['split_indices'][node]
                        v = row[f]
                        if np.isnan(v):
                            node = tree['left_children'][node] if tree['default_left'][node] else tree['right_children'][node]
                        elif v < np.float32(tree['split_conditions'][node]):
                            node = tree['left_children'][node]
                        else:
                            node = tree['right_children'][node]
                    return tree['base_weights'][node] if False else tree['split_conditions'][node]
                for row in X:
                    print(repr(float(np.float32(base + sum(np.float32(leaf(t, row)) for t in trees)))))
                print('trees', len(trees))
                """, dir.resolve("model.json").toString(), directory.resolve("x.csv").toString());
        List<String> lines = output.lines().toList();
        float[][] java = XGBoostTraining.predict(booster);
        assertThat(lines).contains("trees 12");
        for (int i = 0; i < XGBoostTraining.ROWS; i++) {
            assertThat(Float.parseFloat(lines.get(i))).as("row %d", i).isCloseTo(java[i][0], org.assertj.core.data.Offset.offset(1e-4f));
        }
    }

    @Test
    void aModelJsonWrittenByPythonIsStoredAndLoadedByCairnWithThePredictionsPythonComputed() throws Exception {
        TestingPython.interpreter("numpy");
        Path template = save(new XGBoostModel(booster, XGBoostTraining.params()), "template", Map.of("format", "json"));
        float[] x = XGBoostTraining.features();
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < XGBoostTraining.ROWS; i++) {
            for (int j = 0; j < XGBoostTraining.FEATURES; j++) {
                rows.append(j == 0 ? "" : ",").append(Float.toString(x[i * XGBoostTraining.FEATURES + j]));
            }
            rows.append('\n');
        }
        Files.writeString(directory.resolve("x.csv"), rows);
        Path written = directory.resolve("python-model.json");
        // Python (json + numpy only: there is no xgboost wheel here) writes a new model: the first 8 of the 12 trees,
        // every leaf value halved, and a base score of 0.25; it predicts with the documented tree schema itself.
        String output = TestingPython.run(directory, """
                import json, sys
                import numpy as np
                model = json.load(open(sys.argv[1]))
                learner = model['learner']
                gbtree = learner['gradient_booster']['model']
                keep = 8
                gbtree['trees'] = gbtree['trees'][:keep]
                gbtree['tree_info'] = gbtree['tree_info'][:keep]
                gbtree['iteration_indptr'] = list(range(keep + 1))
                gbtree['gbtree_model_param']['num_trees'] = str(keep)
                for tree in gbtree['trees']:
                    for node, left in enumerate(tree['left_children']):
                        if left == -1:
                            tree['split_conditions'][node] = tree['split_conditions'][node] / 2
                            tree['base_weights'][node] = tree['base_weights'][node] / 2
                learner['learner_model_param']['base_score'] = '[2.5E-1]'
                json.dump(model, open(sys.argv[3], 'w'))
                X = np.loadtxt(sys.argv[2], delimiter=',', dtype=np.float32, ndmin=2)
                def leaf(tree, row):
                    node = 0
                    while tree['left_children'][node] != -1:
                        v = row[tree['split_indices'][node]]
                        if np.isnan(v):
                            node = tree['left_children'][node] if tree['default_left'][node] else tree['right_children'][node]
                        elif v < np.float32(tree['split_conditions'][node]):
                            node = tree['left_children'][node]
                        else:
                            node = tree['right_children'][node]
                    return tree['split_conditions'][node]
                for row in X:
                    print(repr(float(np.float32(0.25 + sum(np.float32(leaf(t, row)) for t in gbtree['trees'])))))
                """, template.resolve("model.json").toString(), directory.resolve("x.csv").toString(), written.toString());
        List<String> lines = output.lines().toList();
        Booster fromPython = ml.dmlc.xgboost4j.java.XGBoost.loadModel(written.toString());
        try {
            Path stored = save(new XGBoostModel(fromPython, Map.of("written_by", "python")), "from-python", Map.of());
            XGBoostModel loaded = (XGBoostModel) materializer.load(XGBoostModel.class, new TestingArtifactReader(stored));
            try {
                assertThat(ModelSidecar.parse(Files.readString(stored.resolve("cairn-model.json")), "s").properties()).containsEntry("boosted_rounds", 8L);
                float[][] predictions = XGBoostTraining.predict(loaded.booster());
                float[][] original = XGBoostTraining.predict(booster);
                for (int i = 0; i < XGBoostTraining.ROWS; i++) {
                    assertThat(predictions[i][0]).as("row %d", i).isCloseTo(Float.parseFloat(lines.get(i)), org.assertj.core.data.Offset.offset(1e-4f));
                }
                assertThat(predictions[0][0]).as("Python's changes reached the model").isNotCloseTo(original[0][0], org.assertj.core.data.Offset.offset(1e-3f));
            } finally {
                loaded.booster().dispose();
            }
        } finally {
            fromPython.dispose();
        }
    }

    @Test
    void aVerifiedLoadChecksTheFilesWhileXGBoostLoadsAndReturnsNoBoosterWhenOneWasChanged() throws Exception {
        Path dir = save(new XGBoostModel(booster, XGBoostTraining.params()), "verified", Map.of());
        TestingArtifactReader verifying = TestingArtifactReader.verifying(dir);
        XGBoostModel intact = (XGBoostModel) materializer.load(XGBoostModel.class, verifying);
        assertThat(XGBoostTraining.predict(intact.booster())).isDeepEqualTo(XGBoostTraining.predict(booster));
        intact.booster().dispose();

        // the lowest mantissa bit of the first split condition (big-endian float32 values after "[$d#<count>")
        byte[] bytes = Files.readAllBytes(dir.resolve("model.ubj"));
        byte[] key = "split_conditions".getBytes(StandardCharsets.US_ASCII);
        int at = -1;
        for (int i = 0; at < 0 && i + key.length <= bytes.length; i++) {
            at = java.util.Arrays.equals(bytes, i, i + key.length, key, 0, key.length) ? i + key.length : -1;
        }
        assertThat(new String(bytes, at, 4, StandardCharsets.US_ASCII)).isEqualTo("[$d#");
        int countSize = switch (bytes[at + 4]) {
            case 'i', 'U' -> 1;
            case 'I' -> 2;
            case 'l' -> 4;
            default -> 8;
        };
        bytes[at + 5 + countSize + 3] ^= 0x01;
        Files.write(dir.resolve("model.ubj"), bytes);
        // XGBoost loads the changed file without complaint; only the check against the manifest can tell
        ((XGBoostModel) materializer.load(XGBoostModel.class, new TestingArtifactReader(dir))).booster().dispose();
        assertThatThrownBy(() -> materializer.load(Booster.class, verifying))
                .isInstanceOf(CairnException.class)
                .satisfies(e -> assertThat(((CairnException) e).errorCode()).isEqualTo(ErrorCode.INTEGRITY_VIOLATION))
                .hasMessageContaining("'model.ubj' of artifact test_model:1").hasMessageContaining("does not match its manifest");
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(thread -> thread.getName().startsWith("cairn-verify"));
    }
}
