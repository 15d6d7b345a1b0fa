package dev.cairn.materializers.ml.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.materializers.ml.ModelSidecar;
import dev.cairn.materializers.ml.NothingHalfWritten;
import dev.cairn.materializers.ml.TensorSpec;
import dev.cairn.materializers.ml.TestingArtifactReader;
import dev.cairn.materializers.ml.TestingArtifactWriter;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxMaterializerTest {
    static final float[][] ROWS = {{1, 2, 3}, {-1, 0.5f, 4}};

    private final OnnxMaterializer materializer = new OnnxMaterializer();

    @TempDir
    Path directory;

    static float[][] run(OnnxModel model, float[][] rows) throws Exception {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        float[] flat = new float[rows.length * 3];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * 3, 3);
        }
        try (OnnxTensor x = OnnxTensor.createTensor(environment, FloatBuffer.wrap(flat), new long[] {rows.length, 3});
             OrtSession.Result result = model.session().run(Map.of("X", x))) {
            return (float[][]) result.get(0).getValue();
        }
    }

    private Path save(OnnxModel model, String name) throws Exception {
        Path dir = Files.createDirectories(directory.resolve(name));
        materializer.save(model, new TestingArtifactWriter(dir, OnnxModel.class));
        return dir;
    }

    @Test
    void anInlineModelIsStoredAsItsOwnBytesWithTheSignatureReadFromTheGraphAndRunsAfterLoading() throws Exception {
        byte[] bytes = TestingOnnxModels.linear(8, null);
        try (OnnxModel model = OnnxModel.fromBytes(bytes).withHyperParameters(Map.of("epochs", 3L))) {
            assertThat(model.info().signature().inputs()).containsExactly(new TensorSpec("X", "F32", List.of(-1L, 3L)));
            assertThat(model.info().signature().outputs()).containsExactly(new TensorSpec("Y", "F32", List.of(-1L, 2L)));
            assertThat(model.info().parameterCount()).isEqualTo(8);
            assertThat(model.info().opsets()).containsEntry("", 13L);
            Path dir = save(model, "inline");
            assertThat(new TestingArtifactReader(dir).files()).containsExactly("cairn-model.json", "model.onnx");
            assertThat(Files.readAllBytes(dir.resolve("model.onnx"))).isEqualTo(bytes);
            ModelSidecar sidecar = ModelSidecar.parse(Files.readString(dir.resolve("cairn-model.json")), "s");
            assertThat(sidecar.properties()).containsEntry("parameter_count", 8L).containsEntry("producer_name", "cairn-tests");
            assertThat(sidecar.hyperParameters()).containsEntry("epochs", 3L);

            try (OnnxModel loaded = materializer.load(OnnxModel.class, new TestingArtifactReader(dir))) {
                float[][] y = run(loaded, ROWS);
                assertThat(y[0]).containsExactly(TestingOnnxModels.expected(ROWS[0]));
                assertThat(y[1]).containsExactly(TestingOnnxModels.expected(ROWS[1]));
                assertThat(loaded.hyperParameters()).containsEntry("epochs", 3L);
                assertThat(loaded.session()).as("one session, created on demand").isSameAs(loaded.session());
            }
            Map<String, Object> metadata = materializer.extractMetadata(model);
            assertThat(metadata).containsEntry("framework", "onnx").containsEntry("parameter_count", 8L).containsEntry("file_size", (long) bytes.length);
            assertThat(materializer.visualizations(model).get(0).text()).contains("<td>X</td><td>F32</td><td>[?, 3]</td>").contains("&lt;test&gt;");
        }
    }

    @Test
    void externalDataIsStoredInsideTheArtifactAndFoundAgainOnLoad() throws Exception {
        Path source = Files.createDirectories(directory.resolve("source/weights"));
        Files.write(directory.resolve("source/model.onnx"), TestingOnnxModels.linear(8, "weights/w.bin"));
        Files.write(source.resolve("w.bin"), TestingOnnxModels.weightBytes());
        try (OnnxModel model = OnnxModel.fromFile(directory.resolve("source/model.onnx"))) {
            assertThat(model.externalData()).containsOnlyKeys("weights/w.bin");
            assertThat(run(model, ROWS)[0]).containsExactly(TestingOnnxModels.expected(ROWS[0]));
            Path dir = save(model, "external");
            assertThat(new TestingArtifactReader(dir).files()).containsExactly("cairn-model.json", "model.onnx", "weights/w.bin");
            try (OnnxModel loaded = materializer.load(OnnxModel.class, new TestingArtifactReader(dir))) {
                assertThat(run(loaded, ROWS)[1]).containsExactly(TestingOnnxModels.expected(ROWS[1]));
            }
            Files.delete(dir.resolve("weights/w.bin"));
            assertThatThrownBy(() -> materializer.load(OnnxModel.class, new TestingArtifactReader(dir)))
                    .isInstanceOf(CairnException.class)
                    .satisfies(e -> assertThat(((CairnException) e).errorCode()).isEqualTo(ErrorCode.INTEGRITY_VIOLATION))
                    .hasMessageContaining("test_model:1").hasMessageContaining("weights/w.bin");
        }
        assertThatThrownBy(() -> OnnxModel.fromBytes(TestingOnnxModels.linear(8, "weights/w.bin")))
                .isInstanceOf(CairnException.class).hasMessageContaining("weights/w.bin").hasMessageContaining("not given");
    }

    @Test
    void hyperParametersThatAreNotJsonAreRefusedBeforeAnyFileIsWritten() throws Exception {
        Path dir = Files.createDirectories(directory.resolve("refused"));
        TestingArtifactWriter writer = new TestingArtifactWriter(dir, OnnxModel.class);
        OnnxModel model = OnnxModel.of(TestingOnnxModels.linear(8, "w.bin"), Map.of("w.bin", TestingOnnxModels.weightBytes()), "test")
                .withHyperParameters(Map.of("callback", new Object()));
        assertThatThrownBy(() -> materializer.save(model, writer))
                .isInstanceOf(CairnException.class).hasMessageContaining("test_model").hasMessageContaining("not JSON values");
        NothingHalfWritten.assertNothingWritten(writer, dir);
    }

    @Test
    void externalDataPathsThatEscapeAreRefusedWhenCreatingStoringOrLoading() throws Exception {
        Files.createDirectories(directory.resolve("a/b"));
        Files.write(directory.resolve("x"), TestingOnnxModels.weightBytes());
        for (String location : List.of("../../x", "/etc/passwd", "weights/../../x", "..\\x")) {
            Files.write(directory.resolve("a/b/model.onnx"), TestingOnnxModels.linear(8, location));
            assertThatThrownBy(() -> OnnxModel.fromFile(directory.resolve("a/b/model.onnx")))
                    .as(location)
                    .isInstanceOf(CairnException.class)
                    .satisfies(e -> assertThat(((CairnException) e).errorCode()).isEqualTo(ErrorCode.PATH_OUTSIDE_STORE))
                    .hasMessageContaining("a/b/model.onnx").hasMessageContaining("refused");
            assertThatThrownBy(() -> OnnxModel.of(TestingOnnxModels.linear(8, location), Map.of(location, new byte[24]), "upload"))
                    .isInstanceOf(CairnException.class).hasMessageContaining("refused");
        }
        // A link inside the folder that points outside it.
        Files.write(directory.resolve("a/b/model.onnx"), TestingOnnxModels.linear(8, "w.bin"));
        Files.createSymbolicLink(directory.resolve("a/b/w.bin"), directory.resolve("x"));
        assertThatThrownBy(() -> OnnxModel.fromFile(directory.resolve("a/b/model.onnx")))
                .isInstanceOf(CairnException.class).hasMessageContaining("through a link").hasMessageContaining("refused");

        // A crafted artifact whose model points outside it: refused on load, nothing read from outside.
        Path artifact = save(OnnxModel.fromBytes(TestingOnnxModels.linear(8, null)), "crafted");
        Files.write(artifact.resolve("model.onnx"), TestingOnnxModels.linear(8, "../../x"));
        assertThatThrownBy(() -> materializer.load(OnnxModel.class, new TestingArtifactReader(artifact)))
                .isInstanceOf(CairnException.class)
                .satisfies(e -> assertThat(((CairnException) e).errorCode()).isEqualTo(ErrorCode.PATH_OUTSIDE_STORE))
                .hasMessageContaining("artifact test_model:1").hasMessageContaining("../../x");
    }

    @Test
    void corruptedOrTruncatedModelFilesFailNamingTheArtifact() throws Exception {
        byte[] bytes = TestingOnnxModels.linear(8, null);
        Path dir = save(OnnxModel.fromBytes(bytes), "corrupt");
        Files.write(dir.resolve("model.onnx"), java.util.Arrays.copyOf(bytes, bytes.length - 7));
        assertThatThrownBy(() -> materializer.load(OnnxModel.class, new TestingArtifactReader(dir)))
                .isInstanceOf(CairnException.class)
                .satisfies(e -> assertThat(((CairnException) e).errorCode()).isEqualTo(ErrorCode.INTEGRITY_VIOLATION))
                .hasMessageContaining("model.onnx of artifact test_model:1");
        Files.write(dir.resolve("model.onnx"), new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
        assertThatThrownBy(() -> materializer.load(OnnxModel.class, new TestingArtifactReader(dir)))
                .isInstanceOf(CairnException.class).hasMessageContaining("model.onnx of artifact test_model:1");
        assertThatThrownBy(() -> OnnxModel.fromBytes("not onnx".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .isInstanceOf(CairnException.class).hasMessageContaining("not a well-formed ONNX");
    }

    @Test
    void theNewestSupportedIrVersionRunsAndANewerOneIsRefusedOnLoad() throws Exception {
        try (OnnxModel newest = OnnxModel.fromBytes(TestingOnnxModels.linear(OnnxMaterializer.MAX_IR_VERSION, null))) {
            assertThat(run(newest, ROWS)[0]).containsExactly(TestingOnnxModels.expected(ROWS[0]));
        }
        Path dir = save(OnnxModel.fromBytes(TestingOnnxModels.linear(OnnxMaterializer.MAX_IR_VERSION + 1, null)), "newer");
        assertThatThrownBy(() -> materializer.load(OnnxModel.class, new TestingArtifactReader(dir)))
                .isInstanceOf(CairnException.class)
                .satisfies(e -> assertThat(((CairnException) e).errorCode()).isEqualTo(ErrorCode.MATERIALIZER_FAILED))
                .hasMessageContaining("artifact test_model:1").hasMessageContaining(Integer.toString(OnnxMaterializer.MAX_IR_VERSION + 1))
                .hasMessageContaining("Upgrade");
    }

    /** Flips one byte of W's data in the stored model: still a valid model for onnxruntime, with other predictions. */
    private static void flipAWeight(Path modelFile) throws Exception {
        byte[] bytes = Files.readAllBytes(modelFile);
        byte[] w = java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(TestingOnnxModels.W[0]).array();
        for (int i = 0; i + 4 <= bytes.length; i++) {
            if (java.util.Arrays.equals(bytes, i, i + 4, w, 0, 4)) {
                bytes[i + 3] ^= 0x01; // the sign/exponent byte: 0.5 becomes another float
                Files.write(modelFile, bytes);
                return;
            }
        }
        throw new AssertionError("W[0] not found in " + modelFile);
    }

    @Test
    void aVerifiedLoadChecksTheFilesWhileTheSessionIsCreatedAndReturnsNoModelWhenOneWasChanged() throws Exception {
        Path dir = save(OnnxModel.fromBytes(TestingOnnxModels.linear(8, null)), "verified");
        TestingArtifactReader verifying = TestingArtifactReader.verifying(dir);
        try (OnnxModel loaded = materializer.load(OnnxModel.class, verifying)) {
            assertThat(run(loaded, ROWS)[0]).containsExactly(TestingOnnxModels.expected(ROWS[0]));
        }
        flipAWeight(dir.resolve("model.onnx"));
        // onnxruntime loads the changed file without complaint; only the check against the manifest can tell
        try (OnnxModel unverified = materializer.load(OnnxModel.class, new TestingArtifactReader(dir))) {
            assertThat(run(unverified, ROWS)[0]).isNotEqualTo(TestingOnnxModels.expected(ROWS[0]));
        }
        assertThatThrownBy(() -> materializer.load(OnnxModel.class, verifying))
                .isInstanceOf(CairnException.class)
                .satisfies(e -> assertThat(((CairnException) e).errorCode()).isEqualTo(ErrorCode.INTEGRITY_VIOLATION))
                .hasMessageContaining("'model.onnx' of artifact test_model:1").hasMessageContaining("does not match its manifest");
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(thread -> thread.getName().startsWith("cairn-verify"));

        // a changed sidecar is reported as such too, not as whatever reading it then did
        Path other = save(OnnxModel.fromBytes(TestingOnnxModels.linear(8, null)), "sidecar");
        TestingArtifactReader recorded = TestingArtifactReader.verifying(other);
        Files.writeString(other.resolve("cairn-model.json"), "{not json");
        assertThatThrownBy(() -> materializer.load(OnnxModel.class, recorded))
                .isInstanceOf(CairnException.class)
                .satisfies(e -> assertThat(((CairnException) e).errorCode()).isEqualTo(ErrorCode.INTEGRITY_VIOLATION))
                .hasMessageContaining("'cairn-model.json' of artifact test_model:1").hasMessageContaining("does not match its manifest");
    }

    @Test
    void aModelLoadedFromALocalStoreHandsOnnxruntimeTheStoredFileWhenTheSessionIsCreated() throws Exception {
        byte[] bytes = TestingOnnxModels.linear(8, null);
        Path dir = save(OnnxModel.fromBytes(bytes), "in-place");
        try (OnnxModel loaded = materializer.load(OnnxModel.class, new TestingArtifactReader(dir))) {
            // not read into memory at load: the session (created on demand) reads the artifact's file as it is then
            flipAWeight(dir.resolve("model.onnx"));
            assertThat(run(loaded, ROWS)[0]).isNotEqualTo(TestingOnnxModels.expected(ROWS[0]));
            assertThat(loaded.modelBytes()).isEqualTo(Files.readAllBytes(dir.resolve("model.onnx"))).isNotEqualTo(bytes);
            assertThat(materializer.extractMetadata(loaded)).containsEntry("file_size", (long) bytes.length).containsEntry("parameter_count", 8L);
        }
    }

    /**
     * A load from a local store maps the model file to read its graph; the mapping is released then, not when the garbage
     * collector frees the buffer: once the model (with its session, which reads the file and its external data) is
     * closed and the artifact's files are deleted (pruned), the process maps none of them (their disk space is free).
     */
    @Test
    void aModelLoadedFromALocalStoreLeavesNoMappingOfItsFilesOnceClosedAndPruned() throws Exception {
        Path maps = Path.of("/proc/self/maps");
        Assumptions.assumeTrue(Files.isReadable(maps), "no /proc/self/maps on this platform");
        Path source = Files.createDirectories(directory.resolve("source/weights"));
        Files.write(directory.resolve("source/model.onnx"), TestingOnnxModels.linear(8, "weights/w.bin"));
        Files.write(source.resolve("w.bin"), TestingOnnxModels.weightBytes());
        Path dir;
        try (OnnxModel model = OnnxModel.fromFile(directory.resolve("source/model.onnx"))) {
            dir = save(model, "pruned").toRealPath();
        }
        for (int i = 0; i < 3; i++) {
            try (OnnxModel loaded = materializer.load(OnnxModel.class, new TestingArtifactReader(dir))) {
                assertThat(run(loaded, ROWS)[1]).containsExactly(TestingOnnxModels.expected(ROWS[1]));
            }
        }
        Files.delete(dir.resolve("model.onnx"));
        Files.delete(dir.resolve("weights/w.bin"));
        assertThat(Files.readAllLines(maps)).as("mappings of the artifact's files").filteredOn(line -> line.contains(dir.toString())).isEmpty();
    }
}
