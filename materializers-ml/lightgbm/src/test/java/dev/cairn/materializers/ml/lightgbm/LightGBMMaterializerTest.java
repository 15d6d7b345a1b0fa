package dev.cairn.materializers.ml.lightgbm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.materializers.ml.ModelSidecar;
import dev.cairn.materializers.ml.NothingHalfWritten;
import dev.cairn.materializers.ml.TestingArtifactReader;
import dev.cairn.materializers.ml.TestingArtifactWriter;
import dev.cairn.materializers.ml.TestingPython;
import io.github.metarank.lightgbm4j.LGBMBooster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LightGBMMaterializerTest {
    private static LGBMBooster booster;
    private final LightGBMMaterializer materializer = new LightGBMMaterializer();

    @TempDir
    Path directory;

    @BeforeAll
    static void train() throws Exception {
        booster = LightGBMTraining.train(10);
    }

    @AfterAll
    static void close() throws Exception {
        booster.close();
    }

    private Path save(LGBMBooster model, String name) throws Exception {
        Path dir = Files.createDirectories(directory.resolve(name));
        materializer.save(model, new TestingArtifactWriter(dir, LGBMBooster.class));
        return dir;
    }

    @Test
    void modelTextRoundTripsWithIdenticalPredictionsParametersAndDeterministicBytes() throws Exception {
        Path dir = save(booster, "first");
        assertThat(new TestingArtifactReader(dir).files()).containsExactly("cairn-model.json", "model.txt");
        try (LGBMBooster loaded = materializer.load(LGBMBooster.class, new TestingArtifactReader(dir))) {
            assertThat(LightGBMTraining.predict(loaded)).containsExactly(LightGBMTraining.predict(booster));
            Path again = save(loaded, "again");
            assertThat(Files.readAllBytes(again.resolve("model.txt"))).isEqualTo(Files.readAllBytes(dir.resolve("model.txt")));
        }
        assertThat(Files.readAllBytes(save(booster, "second").resolve("model.txt"))).isEqualTo(Files.readAllBytes(dir.resolve("model.txt")));
        ModelSidecar sidecar = ModelSidecar.parse(Files.readString(dir.resolve("cairn-model.json")), "s");
        assertThat(sidecar.frameworkVersion()).isEqualTo("4.3.0");
        assertThat(sidecar.hyperParameters()).containsEntry("objective", "binary").containsEntry("num_leaves", "7").containsEntry("learning_rate", "0.2");
        assertThat(sidecar.properties()).containsEntry("tree_count", 10L).containsEntry("feature_count", 3L);
        assertThat(sidecar.signature().inputs().get(0).shapeText()).isEqualTo("[?, 3]");

        Map<String, Object> metadata = materializer.extractMetadata(booster);
        assertThat(metadata).containsEntry("framework", "lightgbm").containsEntry("tree_count", 10L)
                .containsEntry("file_size", Files.size(dir.resolve("model.txt")));
        assertThat(materializer.visualizations(booster).get(0).text()).contains("Feature importance (gain)").contains("Column_0")
                .contains("<td>objective</td><td>binary</td>");
    }

    @Test
    void aBoosterLightGBMCannotWriteIsRefusedBeforeAnyFileIsWritten() throws Exception {
        LGBMBooster closed = LightGBMTraining.train(2);
        closed.close();
        Path dir = Files.createDirectories(directory.resolve("refused"));
        TestingArtifactWriter writer = new TestingArtifactWriter(dir, LGBMBooster.class);
        assertThatThrownBy(() -> materializer.save(closed, writer))
                .isInstanceOf(CairnException.class)
                .satisfies(e -> assertThat(((CairnException) e).errorCode()).isEqualTo(ErrorCode.MATERIALIZER_FAILED))
                .hasMessageContaining("test_model").hasMessageContaining("LightGBM could not write the model").hasMessageContaining("closed");
        NothingHalfWritten.assertNothingWritten(writer, dir);
    }

    @Test
    void truncatedCorruptedOrNewerModelTextsFailNamingTheArtifact() throws Exception {
        Path dir = save(booster, "bad");
        String text = Files.readString(dir.resolve("model.txt"));
        Files.writeString(dir.resolve("model.txt"), text.substring(0, text.length() / 2));
        assertThatThrownBy(() -> materializer.load(LGBMBooster.class, new TestingArtifactReader(dir)))
                .isInstanceOf(CairnException.class)
                .satisfies(e -> assertThat(((CairnException) e).errorCode()).isEqualTo(ErrorCode.INTEGRITY_VIOLATION))
                .hasMessageContaining("model.txt of artifact test_model:1").hasMessageContaining("truncated");
        Files.writeString(dir.resolve("model.txt"), "PK\u0003\u0004 not a model");
        assertThatThrownBy(() -> materializer.load(LGBMBooster.class, new TestingArtifactReader(dir)))
                .isInstanceOf(CairnException.class).hasMessageContaining("model.txt of artifact test_model:1");
        Files.writeString(dir.resolve("model.txt"), text.replaceFirst("version=v4", "version=v9"));
        assertThatThrownBy(() -> materializer.load(LGBMBooster.class, new TestingArtifactReader(dir)))
                .isInstanceOf(CairnException.class)
                .satisfies(e -> assertThat(((CairnException) e).errorCode()).isEqualTo(ErrorCode.MATERIALIZER_FAILED))
                .hasMessageContaining("artifact test_model:1").hasMessageContaining("v9");
    }

    @Test
    void pythonLightgbmReadsTheStoredModelWithEqualPredictionsAndCairnStoresAPythonTrainedModel() throws Exception {
        TestingPython.interpreter("numpy", "lightgbm");
        Path dir = save(booster, "for-python");
        StringBuilder csv = new StringBuilder();
        double[] x = LightGBMTraining.features();
        for (int i = 0; i < LightGBMTraining.ROWS; i++) {
            csv.append(x[i * 3]).append(',').append(x[i * 3 + 1]).append(',').append(x[i * 3 + 2]).append('\n');
        }
        Files.writeString(directory.resolve("x.csv"), csv);
        String output = TestingPython.run(directory, """
                import sys, numpy as np, lightgbm as lgb
                X = np.loadtxt(sys.argv[2], delimiter=',', ndmin=2)
                for p in lgb.Booster(model_file=sys.argv[1]).predict(X):
                    print(repr(float(p)))
                y = (X[:, 1] - X[:, 0] > 0).astype(np.float64)
                params = {'objective': 'binary', 'num_leaves': 5, 'min_data_in_leaf': 5, 'seed': 2, 'deterministic': True,
                          'num_threads': 1, 'verbose': -1}
                trained = lgb.train(params, lgb.Dataset(X, label=y), num_boost_round=6)
                trained.save_model(sys.argv[3])
                np.savetxt(sys.argv[4], trained.predict(X), fmt='%.17g')
                """, dir.resolve("model.txt").toString(), directory.resolve("x.csv").toString(), directory.resolve("python-model.txt").toString(),
                directory.resolve("python-predictions.txt").toString());
        double[] java = LightGBMTraining.predict(booster);
        List<String> lines = output.lines().toList();
        for (int i = 0; i < java.length; i++) {
            assertThat(Double.parseDouble(lines.get(i))).as("row %d", i).isCloseTo(java[i], org.assertj.core.data.Offset.offset(1e-12));
        }

        try (LGBMBooster fromPython = LGBMBooster.loadModelFromString(Files.readString(directory.resolve("python-model.txt")))) {
            Path stored = save(fromPython, "from-python");
            try (LGBMBooster loaded = materializer.load(LGBMBooster.class, new TestingArtifactReader(stored))) {
                double[] expected = Files.readAllLines(directory.resolve("python-predictions.txt")).stream().mapToDouble(Double::parseDouble).toArray();
                double[] actual = LightGBMTraining.predict(loaded);
                for (int i = 0; i < expected.length; i++) {
                    assertThat(actual[i]).as("row %d", i).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-12));
                }
            }
        }
    }
}
