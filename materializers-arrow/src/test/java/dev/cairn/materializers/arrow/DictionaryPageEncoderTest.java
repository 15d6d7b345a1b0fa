package dev.cairn.materializers.arrow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMilliVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dictionary pages {@link DictionaryPageEncoder} writes for fixed-width columns that keep a dictionary — int32,
 * int64, float, double, date and timestamp, low and high cardinality, nulls at every bit offset, NaNs of two payloads,
 * -0.0 and 0.0, one distinct value (ids of bit width 0), runs long enough for RLE runs, and a column whose chunk has
 * more distinct values than parquet-java's dictionary page holds: every value read back by DuckDB, by pyarrow (raw
 * bits) and by parquet-java's own reader, each page's min, max and null count equal to what parquet-java's
 * {@link org.apache.parquet.column.statistics.Statistics} make of its values one by one, and equal bytes when encoded
 * again.
 */
class DictionaryPageEncoderTest {
    private static final int ROWS = 14 * PlainPageEncoder.PAGE_ROWS + 1_234;

    @TempDir
    Path directory;

    @RegisterExtension
    final TestingAllocator.PerTest arrow = new TestingAllocator.PerTest();



    private static Field field(String name, boolean nullable, ArrowType type) {
        return new Field(name, nullable ? FieldType.nullable(type) : FieldType.notNullable(type), null);
    }

    private static final ArrowType DOUBLE = new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
    private static final ArrowType FLOAT = new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
    private static final ArrowType LONG = new ArrowType.Int(64, true);
    private static final ArrowType INT = new ArrowType.Int(32, true);

    /** The columns, and whether each keeps its dictionary. */
    private static final Schema SCHEMA = new Schema(List.of(
            field("price", true, DOUBLE), // ~3,000 values, -0.0 and 0.0, nulls
            field("odd", true, DOUBLE), // 20 values, NaNs of two payloads, nulls (no column index: parquet-java drops it)
            field("rating", false, FLOAT), // 50 values and -0.0 / 0.0
            field("category", true, INT), // 1,000 values, nulls in runs and alone
            field("epoch", false, LONG), // 300 values in runs of 40 (RLE runs), extremes
            field("day", true, new ArrowType.Date(DateUnit.DAY)), // 365 values
            field("at", false, new ArrowType.Timestamp(TimeUnit.MILLISECOND, null)), // 20 values
            field("one", true, INT), // one value and nulls: ids of bit width 0
            field("many", false, LONG), // a quarter of the rows 0, the others distinct: more than a dictionary page holds
            field("manyD", true, DOUBLE))); // the same as doubles
    private static final boolean[] KEEPS = {true, true, true, true, true, true, true, true, false, false};

    private VectorSchemaRoot rows() {
        VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, arrow.get());
        for (FieldVector vector : root.getFieldVectors()) {
            ((BaseFixedWidthVector) vector).allocateNew(ROWS);
        }
        Float8Vector price = (Float8Vector) root.getVector("price");
        Float8Vector odd = (Float8Vector) root.getVector("odd");
        Float4Vector rating = (Float4Vector) root.getVector("rating");
        IntVector category = (IntVector) root.getVector("category");
        BigIntVector epoch = (BigIntVector) root.getVector("epoch");
        DateDayVector day = (DateDayVector) root.getVector("day");
        TimeStampMilliVector at = (TimeStampMilliVector) root.getVector("at");
        IntVector one = (IntVector) root.getVector("one");
        BigIntVector many = (BigIntVector) root.getVector("many");
        Float8Vector manyD = (Float8Vector) root.getVector("manyD");
        SplittableRandom random = new SplittableRandom(11);
        double otherNaN = Double.longBitsToDouble(0x7ff8000000000123L);
        for (int r = 0; r < ROWS; r++) {
            int page = r / PlainPageEncoder.PAGE_ROWS;
            if (r % 17 == 3 || page == 5 && r % 64 < 30) {
                price.setNull(r);
            } else if ((page == 1 || page == 2) && r % 3_000 == 7) {
                price.set(r, r % 6_000 == 7 ? -0.0 : 0.0);
            } else {
                // page 1 holds only values >= 0 with its zeros (min -0.0 by Double.compare); page 2 also negatives
                price.set(r, (page == 1 ? random.nextInt(3_000) : random.nextInt(3_000) - 1_500) * 0.25);
            }
            if (r % 19 == 2) {
                odd.setNull(r);
            } else {
                odd.set(r, page == 0 && r % 1_000 == 11 ? (r % 2_000 == 11 ? Double.NaN : otherNaN) : random.nextInt(20) - 10.0);
            }
            rating.set(r, page == 3 && r % 500 == 1 ? (r % 1_000 == 1 ? -0.0f : 0.0f) : random.nextInt(1, 51) * 0.1f);
            if (r % 13 == 4 || page == 4 && r % 256 < 100) {
                category.setNull(r);
            } else {
                category.set(r, random.nextInt(1_000) - 500);
            }
            epoch.set(r, r == 5 ? Long.MIN_VALUE : r == 6 ? Long.MAX_VALUE : 1_700_000_000_000L + (r / 40 % 300) * 86_400_000L);
            if (r % 11 == 0) {
                day.setNull(r);
            } else {
                day.set(r, 19_000 + random.nextInt(365));
            }
            at.set(r, 1_600_000_000_000L + random.nextInt(20) * 1_000L);
            if (r % 3 == 0) {
                one.setNull(r);
            } else {
                one.set(r, 42);
            }
            many.set(r, r % 4 == 0 ? 0 : r);
            if (r % 9 == 1) {
                manyD.setNull(r);
            } else {
                manyD.set(r, r % 4 == 0 ? 0.5 : r * 1.5);
            }
        }
        root.setRowCount(ROWS);
        return root;
    }

    private Path encode(VectorSchemaRoot root, String name) throws Exception {
        // pieces start mid-byte of the validity bits and mid-page
        List<FlatChunkEncoder.Piece> pieces = List.of(new FlatChunkEncoder.Piece(root, 0, 777), new FlatChunkEncoder.Piece(root, 777, 30_001),
                new FlatChunkEncoder.Piece(root, 30_001, ROWS));
        assertThat(FlatChunkEncoder.dictionaryColumns(pieces, SCHEMA.getFields().size()))
                .as("every column sampled as one to try a dictionary for").containsOnly(true);
        Path file = directory.resolve(name);
        try (OutputStream out = Files.newOutputStream(file)) {
            FlatChunkEncoder.encode(pieces, SCHEMA, out, "the test chunk");
        }
        return file;
    }

    @Test
    void everyValueReadsBackAndEveryPageHasParquetJavasStatistics() throws Exception {
        try (VectorSchemaRoot root = rows()) {
            Path file = encode(root, "chunk.parquet");
            try (ParquetFileReader reader = new ParquetFileReader(new LocalInputFile(file), ParquetReadOptions.builder(new PlainParquetConfiguration()).build())) {
                List<ColumnChunkMetaData> chunks = reader.getRowGroups().get(0).getColumns();
                PageReadStore group = reader.readRowGroup(0);
                for (int c = 0; c < chunks.size(); c++) {
                    ColumnChunkMetaData chunk = chunks.get(c);
                    String name = SCHEMA.getFields().get(c).getName();
                    if (KEEPS[c]) {
                        assertThat(chunk.getEncodings()).as("encodings of %s", name).contains(Encoding.RLE_DICTIONARY).doesNotContain(Encoding.PLAIN_DICTIONARY);
                        DictionaryPage dictionary = group.getPageReader(reader.getFileMetaData().getSchema().getColumns().get(c)).readDictionaryPage();
                        assertThat(dictionary).as("dictionary page of %s", name).isNotNull();
                        assertThat(dictionary.getEncoding()).isEqualTo(Encoding.PLAIN);
                        assertThat(dictionary.getDictionarySize()).as("dictionary of %s", name).isEqualTo(distinctBits(root.getVector(c)));
                    } else {
                        assertThat(chunk.hasDictionaryPage()).as("%s: more distinct values than a dictionary page holds", name).isFalse();
                        assertThat(chunk.getEncodings()).as("encodings of %s", name).doesNotContain(Encoding.RLE_DICTIONARY);
                    }
                }
            }
            PlainPageEncoderTest.assertEveryPageHasParquetJavasStatistics(file, root, ROWS);
            PlainPageEncoderTest.assertDuckDbReadsEveryValue(file, root, ROWS);
            assertThat(Files.readAllBytes(encode(root, "again.parquet"))).as("the same chunk encoded again").isEqualTo(Files.readAllBytes(file));
        }
    }

    /** The number of distinct raw bit patterns among the non-null values of a fixed-width column. */
    private static int distinctBits(FieldVector vector) {
        java.util.Set<Long> bits = new java.util.HashSet<>();
        int width = ((BaseFixedWidthVector) vector).getTypeWidth();
        for (int r = 0; r < vector.getValueCount(); r++) {
            if (!vector.isNull(r)) {
                bits.add(width == 4 ? vector.getDataBuffer().getInt(4L * r) : vector.getDataBuffer().getLong(8L * r));
            }
        }
        return bits.size();
    }

    /** pyarrow: per column one validity byte per row, then the column's raw value bytes (NaN payloads kept). */
    private static final String PYARROW_BITS = """
            import sys, numpy as np, pyarrow.parquet as pq
            table = pq.read_table(sys.argv[1])
            with open(sys.argv[2], "wb") as out:
                for column in table.columns:
                    a = column.combine_chunks()
                    w = a.type.bit_width // 8
                    out.write(np.asarray(a.is_valid().to_numpy(zero_copy_only=False), dtype=np.uint8).tobytes())
                    out.write(np.frombuffer(a.buffers()[1], dtype=np.uint8)[a.offset * w:(a.offset + len(a)) * w].tobytes())
            """;

    @Test
    void pyarrowReadsTheRawBitsOfEveryValue() throws Exception {
        PyArrowInteropTest.findPythonWithPyarrow();
        try (VectorSchemaRoot root = rows()) {
            Path file = encode(root, "chunk.parquet");
            Path bits = directory.resolve("bits.bin");
            PyArrowInteropTest.runPython(directory, "bits.py", PYARROW_BITS, file.toString(), bits.toString());
            ByteBuffer read = ByteBuffer.wrap(Files.readAllBytes(bits)).order(ByteOrder.LITTLE_ENDIAN);
            List<String> wrong = new ArrayList<>();
            for (FieldVector vector : root.getFieldVectors()) {
                int width = ((BaseFixedWidthVector) vector).getTypeWidth();
                int valuesAt = read.position() + ROWS;
                for (int r = 0; r < ROWS; r++) {
                    boolean valid = read.get(read.position() + r) != 0;
                    long expected = width == 4 ? vector.getDataBuffer().getInt(4L * r) : vector.getDataBuffer().getLong(8L * r);
                    long actual = width == 4 ? read.getInt(valuesAt + 4 * r) : read.getLong(valuesAt + 8 * r);
                    if (valid == vector.isNull(r) || valid && expected != actual) {
                        if (wrong.size() < 10) {
                            wrong.add("row " + r + " " + vector.getName() + ": " + (vector.isNull(r) ? "null" : Long.toHexString(expected))
                                    + " read as " + (valid ? Long.toHexString(actual) : "null"));
                        }
                    }
                }
                read.position(valuesAt + ROWS * width);
            }
            assertThat(read.remaining()).isZero();
            assertThat(wrong).isEmpty();
        }
    }
}
