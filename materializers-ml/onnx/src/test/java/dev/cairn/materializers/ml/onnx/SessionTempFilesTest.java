package dev.cairn.materializers.ml.onnx;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import org.junit.jupiter.api.Test;

/**
 * Creating a session of a model with external data writes nothing under {@code java.io.tmpdir} (issue #20: Cairn's
 * temporary files live under its temp root, never loose in /tmp where a crash would leave them): onnxruntime gets the
 * external data from memory. Until then each session staged the model and its data in a {@code cairn-onnx*} folder
 * there. The build runs tests with {@code java.io.tmpdir} set to the module's {@code target} folder, which no other
 * process writes to; the test watches it while it creates the sessions, and a marker folder created at the end makes
 * the watch exact without waiting (inotify reports events in order: whatever was created before the marker is reported
 * before it). No {@code @TempDir}: JUnit would create it under the watched folder.
 */
class SessionTempFilesTest {
    @Test
    void sessionsOfAModelWithExternalDataWriteNothingUnderJavaIoTmpdir() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Path source = Files.createTempDirectory("onnx-source-");
        try {
            Path modelFile = source.resolve("model.onnx");
            Files.write(modelFile, TestingOnnxModels.linear(8, "weights/w.bin"));
            Files.write(Files.createDirectories(source.resolve("weights")).resolve("w.bin"), TestingOnnxModels.weightBytes());
            OrtEnvironment.getEnvironment(); // onnxruntime unpacks its own native libraries under java.io.tmpdir once
            try (OnnxModel warmUp = OnnxModel.fromBytes(TestingOnnxModels.linear(8, null))) {
                OnnxMaterializerTest.run(warmUp, OnnxMaterializerTest.ROWS);
            }
            List<String> created = new ArrayList<>();
            String marker = "end-marker-" + UUID.randomUUID();
            try (WatchService watcher = tmp.getFileSystem().newWatchService()) {
                tmp.register(watcher, ENTRY_CREATE);
                try (OnnxModel model = OnnxModel.fromFile(modelFile)) {
                    assertThat(OnnxMaterializerTest.run(model, OnnxMaterializerTest.ROWS)[0])
                            .containsExactly(TestingOnnxModels.expected(OnnxMaterializerTest.ROWS[0]));
                    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions(); OrtSession own = model.createSession(options)) {
                        assertThat(own.getInputNames()).contains("X");
                    }
                }
                Files.delete(Files.createDirectory(tmp.resolve(marker)));
                while (!created.contains(marker)) {
                    WatchKey key = watcher.take();
                    for (WatchEvent<?> event : key.pollEvents()) {
                        created.add(String.valueOf(event.context()));
                    }
                    key.reset();
                }
            }
            created.remove(marker);
            assertThat(created).as("created under java.io.tmpdir (%s) while the sessions were created", tmp).isEmpty();

            // a session of the caller's own keeps the in-memory external data it reads, even after the model closes
            OrtSession own;
            try (OnnxModel model = OnnxModel.fromFile(modelFile)) {
                own = model.createSession(new OrtSession.SessionOptions());
            }
            for (int i = 0; i < 3; i++) {
                System.gc();
                new OnnxModel[] {OnnxModel.fromBytes(TestingOnnxModels.linear(8, null))}[0].close(); // polls for collected sessions
            }
            try (own; OnnxTensor x = OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), FloatBuffer.wrap(OnnxMaterializerTest.ROWS[0]),
                    new long[] {1, 3}); OrtSession.Result result = own.run(Map.of("X", x))) {
                assertThat(((float[][]) result.get(0).getValue())[0]).containsExactly(TestingOnnxModels.expected(OnnxMaterializerTest.ROWS[0]));
            }
        } finally {
            try (Stream<Path> files = Files.walk(source)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
    }
}
