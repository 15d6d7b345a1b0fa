package dev.cairn.materializers.arrow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.internal.column.columnindex.ColumnIndex;
import org.apache.parquet.internal.column.columnindex.OffsetIndex;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.PrimitiveType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pages {@link PlainPageEncoder} writes for high-cardinality fixed-width columns: every value (NaN, -0.0 and 0.0,
 * infinities, extreme integers, nulls at every bit offset, pieces starting mid-byte) read back by DuckDB, and each
 * page's min, max and null count — in the column index, and the column chunk's in the footer — equal to what
 * parquet-java's own {@link Statistics} make of the page's values one by one.
 */
class PlainPageEncoderTest {
    private static final int ROWS = 3 * PlainPageEncoder.PAGE_ROWS + 1_234;

    @TempDir
    Path directory;

    @RegisterExtension
    final TestingAllocator.PerTest arrow = new TestingAllocator.PerTest();



    @Test
    void everyValueReadsBackAndEveryPageHasParquetJavasStatistics() throws Exception {
        Schema schema = new Schema(List.of(
                new Field("d", FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)), null),
                new Field("f", FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)), null),
                new Field("l", FieldType.nullable(new ArrowType.Int(64, true)), null),
                new Field("i", FieldType.notNullable(new ArrowType.Int(32, true)), null),
                new Field("day", FieldType.nullable(new ArrowType.Date(DateUnit.DAY)), null),
                new Field("dense", FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)), null)));
        Path file = directory.resolve("chunk.parquet");
        SplittableRandom random = new SplittableRandom(7);
        try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, arrow.get())) {
            for (FieldVector vector : root.getFieldVectors()) {
                ((org.apache.arrow.vector.FixedWidthVector) vector).allocateNew(ROWS);
            }
            Float8Vector d = (Float8Vector) root.getVector("d");
            Float4Vector f = (Float4Vector) root.getVector("f");
            BigIntVector l = (BigIntVector) root.getVector("l");
            IntVector i = (IntVector) root.getVector("i");
            DateDayVector day = (DateDayVector) root.getVector("day");
            Float8Vector dense = (Float8Vector) root.getVector("dense");
            for (int r = 0; r < ROWS; r++) {
                int page = r / PlainPageEncoder.PAGE_ROWS;
                // page 0: a NaN now and then; page 1: only values >= 0 with both zeros (min -0.0 by Double.compare);
                // page 2: infinities; the last page: nulls in runs and alone
                double value = page == 1 ? random.nextDouble() * 1e6 : (random.nextDouble() - 0.5) * 1e6;
                if (page == 0 && r % 1_000 == 17) {
                    value = Double.NaN;
                } else if (page == 1 && r % 5_000 == 3) {
                    value = r % 10_000 == 3 ? -0.0 : 0.0;
                } else if (page == 2 && r % 7_000 == 5) {
                    value = r % 14_000 == 5 ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
                }
                boolean isNull = r % 13 == 4 || (page == 3 && r % 64 < 20);
                if (isNull) {
                    d.setNull(r);
                    f.setNull(r);
                    l.setNull(r);
                    day.setNull(r);
                } else {
                    d.set(r, value);
                    f.set(r, (float) value);
                    l.set(r, r == 5 ? Long.MIN_VALUE : r == 6 ? Long.MAX_VALUE : random.nextLong());
                    day.set(r, random.nextInt(-1_000_000, 1_000_000));
                }
                i.set(r, r == 9 ? Integer.MIN_VALUE : r == 10 ? Integer.MAX_VALUE : random.nextInt());
                dense.set(r, r * 0.001);
            }
            root.setRowCount(ROWS);
            // pieces start mid-byte of the validity bits and mid-page
            List<FlatChunkEncoder.Piece> pieces = List.of(new FlatChunkEncoder.Piece(root, 0, 777), new FlatChunkEncoder.Piece(root, 777, 30_001),
                    new FlatChunkEncoder.Piece(root, 30_001, ROWS));
            boolean[] dictionary = FlatChunkEncoder.dictionaryColumns(pieces, schema.getFields().size());
            assertThat(dictionary).as("every column sampled as too varied for a dictionary").containsOnly(false);
            try (OutputStream out = Files.newOutputStream(file)) {
                FlatChunkEncoder.encode(pieces, schema, out, "the test chunk");
            }

            try (ParquetFileReader reader = new ParquetFileReader(new LocalInputFile(file), ParquetReadOptions.builder(new PlainParquetConfiguration()).build())) {
                for (ColumnChunkMetaData chunk : reader.getRowGroups().get(0).getColumns()) {
                    assertThat(chunk.getEncodings()).as("encodings of %s", chunk.getPrimitiveType())
                            .doesNotContain(Encoding.PLAIN_DICTIONARY, Encoding.RLE_DICTIONARY).contains(Encoding.PLAIN);
                }
            }
            assertEveryPageHasParquetJavasStatistics(file, root, ROWS);
            assertDuckDbReadsEveryValue(file, root, ROWS);
        }
    }

    /**
     * Booleans ({@link BooleanPageEncoder}): pages of only true, only false, both, all null, nulls at every bit offset,
     * pieces starting mid-byte — every value read back by DuckDB, page and chunk statistics equal to parquet-java's.
     */
    @Test
    void booleansReadBackAndEveryPageHasParquetJavasStatistics() throws Exception {
        Schema schema = new Schema(List.of(new Field("maybe", FieldType.nullable(ArrowType.Bool.INSTANCE), null),
                new Field("flag", FieldType.notNullable(ArrowType.Bool.INSTANCE), null)));
        Path file = directory.resolve("booleans.parquet");
        SplittableRandom random = new SplittableRandom(3);
        try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, arrow.get())) {
            org.apache.arrow.vector.BitVector maybe = (org.apache.arrow.vector.BitVector) root.getVector(0);
            org.apache.arrow.vector.BitVector flag = (org.apache.arrow.vector.BitVector) root.getVector(1);
            maybe.allocateNew(ROWS);
            flag.allocateNew(ROWS);
            for (int r = 0; r < ROWS; r++) {
                int page = r / PlainPageEncoder.PAGE_ROWS;
                // page 0: both values and nulls; page 1: only true; page 2: only false (maybe: all null); last: nulls in runs
                if (page == 2 || r % 13 == 4 || page == 3 && r % 64 < 20) {
                    maybe.setNull(r);
                } else {
                    maybe.set(r, page == 1 || page != 2 && random.nextBoolean() ? 1 : 0);
                }
                flag.set(r, page == 1 ? 1 : page == 2 ? 0 : random.nextInt(2));
            }
            root.setRowCount(ROWS);
            List<FlatChunkEncoder.Piece> pieces = List.of(new FlatChunkEncoder.Piece(root, 0, 777), new FlatChunkEncoder.Piece(root, 777, 30_001),
                    new FlatChunkEncoder.Piece(root, 30_001, ROWS));
            try (OutputStream out = Files.newOutputStream(file)) {
                FlatChunkEncoder.encode(pieces, schema, out, "the boolean chunk");
            }
            assertEveryPageHasParquetJavasStatistics(file, root, ROWS);
            assertDuckDbReadsEveryValue(file, root, ROWS);
        }
    }

    /**
     * Checks that the one row group of {@code file} holds the {@code rows} rows of {@code root} in pages of
     * {@link PlainPageEncoder#PAGE_ROWS} rows, each with the min, max and null count (in the column index) that
     * parquet-java's own {@link Statistics} make of its values one by one, and each column chunk's in the footer too.
     * A column without index must have a NaN (parquet-java then drops the index and the chunk's min and max).
     */
    static void assertEveryPageHasParquetJavasStatistics(Path file, VectorSchemaRoot root, int rows) throws Exception {
        try (ParquetFileReader reader = new ParquetFileReader(new LocalInputFile(file), ParquetReadOptions.builder(new PlainParquetConfiguration()).build())) {
            BlockMetaData block = reader.getRowGroups().get(0);
            for (int c = 0; c < root.getFieldVectors().size(); c++) {
                ColumnChunkMetaData chunk = block.getColumns().get(c);
                FieldVector vector = root.getVector(c);
                PrimitiveType type = chunk.getPrimitiveType();
                OffsetIndex offsets = reader.readOffsetIndex(chunk);
                ColumnIndex index = reader.readColumnIndex(chunk);
                assertThat(offsets.getPageCount()).as("pages of %s", type).isEqualTo((rows + PlainPageEncoder.PAGE_ROWS - 1) / PlainPageEncoder.PAGE_ROWS);
                Statistics<?> whole = Statistics.createStats(type);
                boolean nan = false;
                for (int p = 0; p < offsets.getPageCount(); p++) {
                    int first = (int) offsets.getFirstRowIndex(p);
                    int last = (int) offsets.getLastRowIndex(p, rows);
                    assertThat(first).isEqualTo(p * PlainPageEncoder.PAGE_ROWS);
                    Statistics<?> expected = Statistics.createStats(type);
                    for (int r = first; r <= last; r++) {
                        add(expected, vector, r);
                        nan |= vector.getObject(r) instanceof Double d && d.isNaN() || vector.getObject(r) instanceof Float f && f.isNaN();
                    }
                    whole.mergeStatistics(expected);
                    String what = type + " page " + p;
                    if (index == null) {
                        continue;
                    }
                    assertThat(index.getNullCounts().get(p)).as("nulls of %s", what).isEqualTo(expected.getNumNulls());
                    if (index.getNullPages().get(p) || !expected.hasNonNullValue()) {
                        assertThat(expected.hasNonNullValue()).as(what).isFalse();
                        continue;
                    }
                    assertThat(index.getMinValues().get(p).array()).as("min of %s", what).isEqualTo(indexed(expected, true));
                    assertThat(index.getMaxValues().get(p).array()).as("max of %s", what).isEqualTo(indexed(expected, false));
                }
                Statistics<?> footer = chunk.getStatistics();
                assertThat(footer.getNumNulls()).as("nulls of %s", type).isEqualTo(whole.getNumNulls());
                if (index == null) {
                    // parquet-java drops a floating-point column's index when a page has a NaN, and the chunk's min and max
                    assertThat(nan).as("%s has a NaN (it has no column index)", type).isTrue();
                    assertThat(footer.hasNonNullValue()).as("min and max of %s", type).isFalse();
                    continue;
                }
                assertThat(footer.getMinBytes()).as("min of %s", type).isEqualTo(indexed(whole, true));
                assertThat(footer.getMaxBytes()).as("max of %s", type).isEqualTo(indexed(whole, false));
            }
        }
    }

    /**
     * Checks that DuckDB reads every value of {@code file} (one row group of {@code rows} rows of {@code root}'s flat
     * fixed-width columns) as in {@code root}: floating point by {@link Double#compare} (so -0.0 is not 0.0), integers,
     * dates and timestamps as their numbers.
     */
    static void assertDuckDbReadsEveryValue(Path file, VectorSchemaRoot root, int rows) throws Exception {
        List<String> columns = new ArrayList<>();
        for (FieldVector vector : root.getFieldVectors()) {
            String name = "\"" + vector.getName() + "\"";
            columns.add(switch (vector.getField().getType().getTypeID()) {
                case Date -> "CAST(" + name + " - DATE '1970-01-01' AS INTEGER)";
                case Timestamp -> "epoch_ms(" + name + ")";
                default -> name;
            });
        }
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:"); Statement sql = duckdb.createStatement();
                ResultSet rs = sql.executeQuery("SELECT " + String.join(", ", columns) + " FROM read_parquet('" + file
                        + "', file_row_number = true) ORDER BY file_row_number")) {
            List<String> wrong = new ArrayList<>();
            for (int r = 0; r < rows; r++) {
                assertThat(rs.next()).as("row %d", r).isTrue();
                for (int c = 0; c < columns.size(); c++) {
                    FieldVector vector = root.getVector(c);
                    Object expected = vector.isNull(r) ? null : vector.getObject(r);
                    Object actual = rs.getObject(c + 1);
                    boolean same;
                    if (expected == null) {
                        same = actual == null;
                    } else if (expected instanceof Double e) {
                        same = actual instanceof Double a && Double.compare(e, a) == 0;
                    } else if (expected instanceof Float e) {
                        same = actual instanceof Float a && Float.compare(e, a) == 0;
                    } else if (expected instanceof java.time.LocalDate e) {
                        same = actual instanceof Number a && a.longValue() == e.toEpochDay();
                    } else if (expected instanceof Boolean e) {
                        same = e.equals(actual);
                    } else if (vector instanceof org.apache.arrow.vector.TimeStampVector timestamps) {
                        same = actual instanceof Number a && a.longValue() == timestamps.get(r);
                    } else {
                        same = actual instanceof Number a && ((Number) expected).longValue() == a.longValue();
                    }
                    if (!same && wrong.size() < 10) {
                        wrong.add("row " + r + " " + vector.getName() + ": " + expected + " read as " + actual);
                    }
                }
            }
            assertThat(rs.next()).isFalse();
            assertThat(wrong).isEmpty();
        }
    }

    /**
     * The min or max of {@code statistics} as a column index or a footer read back holds it: parquet-java writes (or
     * reads) a zero min as -0.0 and a zero max as +0.0 (as the Parquet format asks), whatever the sign of the zero seen.
     */
    private static byte[] indexed(Statistics<?> statistics, boolean min) {
        if (statistics instanceof org.apache.parquet.column.statistics.DoubleStatistics doubles) {
            double value = min ? doubles.getMin() : doubles.getMax();
            if (value == 0.0) {
                return org.apache.parquet.bytes.BytesUtils.longToBytes(Double.doubleToLongBits(min ? -0.0 : 0.0));
            }
        } else if (statistics instanceof org.apache.parquet.column.statistics.FloatStatistics floats) {
            float value = min ? floats.getMin() : floats.getMax();
            if (value == 0.0f) {
                return org.apache.parquet.bytes.BytesUtils.intToBytes(Float.floatToIntBits(min ? -0.0f : 0.0f));
            }
        }
        return min ? statistics.getMinBytes() : statistics.getMaxBytes();
    }

    /** Adds row {@code r} of {@code vector} to {@code statistics} as parquet-java's column writer does, value by value. */
    static void add(Statistics<?> statistics, FieldVector vector, int r) {
        if (vector.isNull(r)) {
            statistics.incrementNumNulls();
        } else if (vector instanceof org.apache.arrow.vector.BitVector v) {
            statistics.updateStats(v.get(r) != 0);
        } else if (vector instanceof Float8Vector v) {
            statistics.updateStats(v.get(r));
        } else if (vector instanceof Float4Vector v) {
            statistics.updateStats(v.get(r));
        } else if (vector instanceof BigIntVector v) {
            statistics.updateStats(v.get(r));
        } else if (vector instanceof IntVector v) {
            statistics.updateStats(v.get(r));
        } else if (vector instanceof org.apache.arrow.vector.TimeStampVector v) {
            statistics.updateStats(v.get(r));
        } else {
            statistics.updateStats(((DateDayVector) vector).get(r));
        }
    }
}
