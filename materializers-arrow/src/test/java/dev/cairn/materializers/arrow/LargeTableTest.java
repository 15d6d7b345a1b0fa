package dev.cairn.materializers.arrow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.table.Table;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import dev.cairn.testkit.TestingArtifactWriter;
import dev.cairn.testkit.TestingArtifactReader;

/**
 * A table larger than the heap saves and loads: surefire runs this class alone in a JVM with {@code -Xmx128m}
 * (execution {@code larger-than-heap} in this module's pom), and the test checks that the table really is larger.
 */
class LargeTableTest {
    private static final int COLUMNS = 8;
    private static final int ROWS = 4_000_000;

    @TempDir
    Path directory;

    private RootAllocator allocator;
    private ArrowMaterializer materializer;

    @BeforeEach
    void createAllocator() {
        allocator = TestingAllocator.create();
        materializer = new ArrowMaterializer(allocator);
    }

    @AfterEach
    void noLeaks() {
        TestingAllocator.closeAndAssertNoLeaks(allocator);
    }

    private static double value(int column, int row) {
        return row * 0.25 + column;
    }

    private Table bigTable() {
        List<Field> fields = new ArrayList<>();
        for (int c = 0; c < COLUMNS; c++) {
            fields.add(new Field("c" + c, FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)), null));
        }
        VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(fields), allocator);
        for (FieldVector vector : root.getFieldVectors()) {
            ((Float8Vector) vector).allocateNew(ROWS);
        }
        for (int c = 0; c < COLUMNS; c++) {
            Float8Vector vector = (Float8Vector) root.getVector(c);
            for (int r = 0; r < ROWS; r++) {
                vector.set(r, value(c, r));
            }
        }
        root.setRowCount(ROWS);
        return new Table(root);
    }

    @ParameterizedTest
    @ValueSource(strings = {"parquet", "ipc"})
    void aTableLargerThanTheHeapSavesAndLoads(String format) throws IOException {
        long tableBytes = (long) ROWS * COLUMNS * Double.BYTES;
        assertThat(Runtime.getRuntime().maxMemory()).as("this test must run with a heap smaller than the table").isLessThan(tableBytes);
        try (Table table = bigTable()) {
            materializer.save(table, new TestingArtifactWriter(directory, Table.class, Map.of("format", format)));
        }
        assertThat(allocator.getAllocatedMemory()).isZero();
        assertThat(Files.size(directory.resolve(format.equals("ipc") ? IpcFormat.FILE_NAME : ParquetFormat.FILE_NAME))).isPositive();
        try (Table loaded = (Table) materializer.load(Table.class, new TestingArtifactReader(directory, "test_table:1"))) {
            assertThat(loaded.getRowCount()).isEqualTo(ROWS);
            assertThat(allocator.getAllocatedMemory()).as("the loaded table lives off-heap").isGreaterThanOrEqualTo(tableBytes);
            try (VectorSchemaRoot root = loaded.toVectorSchemaRoot()) {
                for (int c = 0; c < COLUMNS; c++) {
                    Float8Vector vector = (Float8Vector) root.getVector(c);
                    double sum = 0;
                    for (int r = 0; r < ROWS; r += 997) {
                        assertThat(vector.get(r)).isEqualTo(value(c, r));
                        sum += vector.get(r);
                    }
                    assertThat(vector.get(ROWS - 1)).isEqualTo(value(c, ROWS - 1));
                    assertThat(sum).isPositive();
                }
            }
        }
    }
}
