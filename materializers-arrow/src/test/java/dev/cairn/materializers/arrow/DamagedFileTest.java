package dev.cairn.materializers.arrow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.testkit.TestingArtifactWriter;
import dev.cairn.testkit.TestingArtifactReader;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.table.Table;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Truncated and corrupted files fail with a clear error naming the artifact: never a crash, never a partial result. */
class DamagedFileTest {
    record Reading(long id, double value, String label) {}

    private static final Type READINGS = new TypeLiteral<List<Reading>>() {}.type();

    @TempDir
    Path directory;

    private RootAllocator allocator;
    private ArrowMaterializer materializer;

    @BeforeEach
    void save() throws IOException {
        allocator = TestingAllocator.create();
        materializer = new ArrowMaterializer(allocator);
    }

    @AfterEach
    void noLeaks() {
        TestingAllocator.closeAndAssertNoLeaks(allocator);
    }

    private Path write(String format) throws IOException {
        List<Reading> rows = new ArrayList<>();
        for (int i = 0; i < 300_000; i++) {
            rows.add(new Reading(i, i * 0.25, "label-" + (i % 1000)));
        }
        materializer.save(rows, new TestingArtifactWriter(directory, READINGS, Map.of("format", format)));
        return directory.resolve(format.equals("ipc") ? IpcFormat.FILE_NAME : ParquetFormat.FILE_NAME);
    }

    private void assertLoadsFailClearly(TestingArtifactReader reader) {
        for (Type type : List.of(READINGS, Table.class)) {
            assertThatThrownBy(() -> {
                Object loaded = materializer.load(type, reader);
                if (loaded instanceof AutoCloseable closeable) {
                    closeable.close();
                }
            })
                    .as("loading as " + type.getTypeName())
                    .isInstanceOf(CairnException.class)
                    .satisfies(e -> assertThat(((CairnException) e).errorCode()).isEqualTo(ErrorCode.INTEGRITY_VIOLATION))
                    .hasMessageContaining("artifact 'test_table:1'");
        }
        assertThat(reader.openChannels()).as("channels left open").isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"parquet", "ipc"})
    void truncatedFileFails(String format) throws IOException {
        Path file = write(format);
        long size = Files.size(file);
        for (long keep : List.of(size / 2, size - 3, 7L)) {
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                raf.setLength(keep);
            }
            assertLoadsFailClearly(new TestingArtifactReader(directory, "test_table:1"));
        }
    }

    @Test
    void parquetWithFlippedBytesInADataPageFailsOnItsChecksum() throws IOException {
        Path file = write("parquet");
        long size = Files.size(file);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            for (long position = size / 4; position < size / 4 + 64; position++) {
                raf.seek(position);
                int b = raf.read();
                raf.seek(position);
                raf.write(b ^ 0x5a);
            }
        }
        assertLoadsFailClearly(new TestingArtifactReader(directory, "test_table:1"));
    }

    @Test
    void parquetWithACorruptedFooterFails() throws IOException {
        Path file = write("parquet");
        long size = Files.size(file);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            for (long position = size - 200; position < size - 8; position++) {
                raf.seek(position);
                raf.write(0xff);
            }
        }
        assertLoadsFailClearly(new TestingArtifactReader(directory, "test_table:1"));
    }

    @Test
    void aFileThatIsNotParquetFails() throws IOException {
        Files.writeString(directory.resolve(ParquetFormat.FILE_NAME), "id,value\n1,2\n");
        assertLoadsFailClearly(new TestingArtifactReader(directory, "test_table:1"));
    }

    @Test
    void anArtifactWithoutADataFileFails() throws IOException {
        Files.writeString(directory.resolve("other.txt"), "x");
        assertThatThrownBy(() -> materializer.load(READINGS, new TestingArtifactReader(directory, "test_table:1")))
                .isInstanceOf(CairnException.class)
                .hasMessageContaining("neither data.parquet nor data.arrow")
                .hasMessageContaining("[other.txt]");
    }
}
