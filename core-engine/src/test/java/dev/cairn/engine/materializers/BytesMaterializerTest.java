package dev.cairn.engine.materializers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.Visualization;
import dev.cairn.api.artifact.VisualizationType;
import dev.cairn.testkit.TestingArtifactWriter;
import dev.cairn.testkit.TestingArtifactReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BytesMaterializerTest {
    @TempDir
    Path directory;

    private final BytesMaterializer materializer = new BytesMaterializer();

    @Test
    void storesRawBytesAndReadsThemBack() throws IOException {
        byte[] value = new byte[300_001]; // several write chunks
        new Random(7).nextBytes(value);
        TestingArtifactWriter writer = new TestingArtifactWriter(directory, "blob", byte[].class);

        materializer.save(value, writer);

        assertThat(writer.created()).containsExactly("data.bin");
        assertThat(Files.readAllBytes(directory.resolve("data.bin"))).isEqualTo(value);
        assertThat(materializer.load(byte[].class, new TestingArtifactReader(directory, "blob:1"))).isEqualTo(value);
    }

    @Test
    void roundTripsAnEmptyArray() throws IOException {
        materializer.save(new byte[0], new TestingArtifactWriter(directory, "empty", byte[].class));
        assertThat(Files.size(directory.resolve("data.bin"))).isZero();
        assertThat(materializer.load(byte[].class, new TestingArtifactReader(directory, "empty:1"))).isEmpty();
    }

    @Test
    void savesOnlyByteArrays() {
        assertThat(materializer.canSave(byte[].class)).isTrue();
        assertThat(materializer.canSave(Byte[].class)).isFalse();
        assertThat(materializer.handledTypes()).containsExactly(byte[].class);
    }

    @Test
    void refusesToLoadAsAnotherType() throws IOException {
        materializer.save(new byte[] {1}, new TestingArtifactWriter(directory, "blob", byte[].class));
        assertThatThrownBy(() -> materializer.load(String.class, new TestingArtifactReader(directory, "blob:1")))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.MATERIALIZER_FAILED))
                .hasMessageContaining("'blob:1'")
                .hasMessageContaining("java.lang.String");
    }

    @Test
    void recordsTheLength() {
        assertThat(materializer.extractMetadata(new byte[12])).isEqualTo(Map.of("length", 12));
    }

    @Test
    void rendersAHexDump() {
        byte[] value = "Hello, Cairn!\n`\u0000\u00ff".getBytes(StandardCharsets.ISO_8859_1);

        List<Visualization> visualizations = materializer.visualizations(value);

        assertThat(visualizations).hasSize(1);
        assertThat(visualizations.get(0).type()).isEqualTo(VisualizationType.MARKDOWN);
        assertThat(visualizations.get(0).fileName()).isEqualTo("hexdump.md");
        assertThat(visualizations.get(0).text()).isEqualTo("""
                _17 bytes._

                ```
                00000000  48 65 6c 6c 6f 2c 20 43  61 69 72 6e 21 0a 60 00  |Hello, Cairn!...|
                00000010  ff                                                |.|
                ```
                """);
    }

    @Test
    void dumpsOnlyTheFirst256Bytes() {
        String dump = materializer.visualizations(new byte[1_000]).get(0).text();
        assertThat(dump).startsWith("_1000 bytes; the first 256 are shown._");
        assertThat(dump.lines().filter(line -> line.matches("[0-9a-f]{8} .*"))).hasSize(16);
        assertThat(dump).contains("000000f0 ").doesNotContain("00000100 ");
    }
}
