package dev.cairn.materializers.arrow;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.SplittableRandom;

import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import dev.cairn.testkit.TestingArtifactWriter;

/**
 * The flat encoder's choices made for speed: which columns try a dictionary (decided from a sample, the values read
 * back by DuckDB unchanged, and columns of few values keep their dictionary).
 */
class FlatChunkEncoderTest {
    private static final int ROWS = 120_000;

    @TempDir
    Path directory;

    private RootAllocator allocator;

    @BeforeEach
    void open() {
        allocator = TestingAllocator.create();
    }

    @AfterEach
    void close() {
        ParallelParquetWriter.settingsForTests = null;
        TestingAllocator.closeAndAssertNoLeaks(allocator);
    }

    /**
     * id: all distinct; measurement: random doubles; cycle: r % 20,000 (its first 20,000 rows all distinct);
     * category: 7 values and nulls; name: 100 strings.
     */
    private VectorSchemaRoot rows() {
        Schema schema = new Schema(List.of(
                new Field("id", FieldType.notNullable(new ArrowType.Int(64, true)), null),
                new Field("measurement", FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)), null),
                new Field("cycle", FieldType.notNullable(new ArrowType.Int(64, true)), null),
                new Field("category", FieldType.nullable(new ArrowType.Int(32, true)), null),
                new Field("name", FieldType.nullable(ArrowType.Utf8.INSTANCE), null)));
        VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
        BigIntVector id = (BigIntVector) root.getVector(0);
        Float8Vector measurement = (Float8Vector) root.getVector(1);
        BigIntVector cycle = (BigIntVector) root.getVector(2);
        IntVector category = (IntVector) root.getVector(3);
        VarCharVector name = (VarCharVector) root.getVector(4);
        SplittableRandom random = new SplittableRandom(7);
        for (int r = 0; r < ROWS; r++) {
            id.setSafe(r, r);
            measurement.setSafe(r, random.nextGaussian());
            cycle.setSafe(r, r % 20_000);
            if (r % 5 == 0) {
                category.setNull(r);
            } else {
                category.setSafe(r, r % 7);
            }
            name.setSafe(r, ("name-" + r % 100).getBytes(StandardCharsets.UTF_8));
        }
        root.setRowCount(ROWS);
        return root;
    }

    @Test
    void onlyColumnsTooVariedForADictionarySkipTheAttemptAndDuckDbReadsEveryValue() throws Exception {
        try (VectorSchemaRoot root = rows()) {
            // The whole table, and a chunk made of three pieces of it, are judged the same way; cycle, whose first
            // 20,000 rows are all distinct, is seen to repeat (a sample of the first rows would have missed that).
            assertThat(FlatChunkEncoder.dictionaryColumns(List.of(new FlatChunkEncoder.Piece(root, 0, ROWS)), 5))
                    .containsExactly(false, false, true, true, true);
            assertThat(FlatChunkEncoder.dictionaryColumns(List.of(new FlatChunkEncoder.Piece(root, 0, 1000),
                    new FlatChunkEncoder.Piece(root, 1000, 60_000), new FlatChunkEncoder.Piece(root, 60_000, ROWS)), 5))
                    .containsExactly(false, false, true, true, true);
            // Fewer rows than the sample: parquet-java decides, as before.
            assertThat(FlatChunkEncoder.dictionaryColumns(List.of(new FlatChunkEncoder.Piece(root, 0, 10_000)), 5))
                    .containsExactly(true, true, true, true, true);

            // Row groups of about 50,000 rows, each judged on its own.
            ParallelParquetWriter.settingsForTests = new ParallelParquetWriter.Settings(2 << 20, 2, 3);
            Path saved = Files.createDirectories(directory.resolve("saved"));
            new ArrowMaterializer(allocator).save(root, new TestingArtifactWriter(saved, VectorSchemaRoot.class));
            Path file = saved.resolve(ParquetFormat.FILE_NAME);
            List<BlockMetaData> groups;
            try (ParquetFileReader reader = new ParquetFileReader(new LocalInputFile(file), ParquetReadOptions.builder(new PlainParquetConfiguration()).build())) {
                groups = reader.getRowGroups();
            }
            assertThat(groups).hasSizeGreaterThan(1);
            assertThat(groups.get(0).getRowCount()).isGreaterThanOrEqualTo(FlatChunkEncoder.DICTIONARY_SAMPLE);
            for (BlockMetaData group : groups) {
                List<ColumnChunkMetaData> columns = group.getColumns();
                assertThat(columns.get(0).hasDictionaryPage()).as("id").isFalse();
                assertThat(columns.get(1).hasDictionaryPage()).as("measurement").isFalse();
                assertThat(columns.get(3).hasDictionaryPage()).as("category").isTrue();
                assertThat(columns.get(4).hasDictionaryPage()).as("name").isTrue();
            }
            try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:"); Statement sql = duckdb.createStatement();
                    ResultSet rs = sql.executeQuery("SELECT count(*), count(*) FILTER (WHERE id <> file_row_number OR cycle <> file_row_number % 20000"
                            + " OR name <> ('name-' || (file_row_number % 100)) OR (category IS NULL) <> (file_row_number % 5 = 0)"
                            + " OR category <> file_row_number % 7), sum(measurement) FROM read_parquet('" + file + "', file_row_number = true)")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(ROWS);
                assertThat(rs.getLong(2)).as("rows whose values differ").isZero();
                double sum = 0;
                Float8Vector measurement = (Float8Vector) root.getVector(1);
                for (int r = 0; r < ROWS; r++) {
                    sum += measurement.get(r);
                }
                assertThat(rs.getDouble(3)).isCloseTo(sum, org.assertj.core.data.Offset.offset(1e-6));
            }
        }
    }
}
