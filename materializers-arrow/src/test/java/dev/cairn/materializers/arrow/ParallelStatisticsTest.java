package dev.cairn.materializers.arrow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The column statistics a Parquet save computes on its workers (column by column, merged in batch order on the calling
 * thread) are those of {@link ColumnStatistics#add} batch after batch on one thread, to the last bit: every numeric
 * type, NaNs, nulls in some batches and not in others, many row groups, workers finishing in shuffled orders.
 */
class ParallelStatisticsTest {
    private static final Schema SCHEMA = new Schema(List.of(
            field("i8", new ArrowType.Int(8, true)), field("i16", new ArrowType.Int(16, true)), field("i32", new ArrowType.Int(32, true)),
            field("i64", new ArrowType.Int(64, true)), field("f32", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)),
            field("f64", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)), field("dec", new ArrowType.Decimal(20, 3, 128)),
            field("day", new ArrowType.Date(DateUnit.DAY)), field("at", new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC")),
            field("name", ArrowType.Utf8.INSTANCE)));

    @TempDir
    Path directory;

    @RegisterExtension
    final TestingAllocator.PerTest arrow = new TestingAllocator.PerTest();


    @AfterEach
    void close() {
        ParallelParquetWriter.hookForTests = null;
    }

    private static Field field(String name, ArrowType type) {
        return new Field(name, FieldType.nullable(type), null);
    }

    /** Batch {@code index} of {@code rows} rows; batches of odd index have nulls (and so take the statistics' gathering path). */
    private VectorSchemaRoot batch(int index, int rows) {
        VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, arrow.get());
        root.allocateNew();
        SplittableRandom random = new SplittableRandom(index);
        boolean nulls = index % 2 == 1;
        for (int r = 0; r < rows; r++) {
            if (nulls && r % 7 == 3) {
                continue; // every vector left null in this row
            }
            ((TinyIntVector) root.getVector(0)).setSafe(r, (byte) random.nextInt(-128, 128));
            ((SmallIntVector) root.getVector(1)).setSafe(r, (short) random.nextInt(-30_000, 30_000));
            ((IntVector) root.getVector(2)).setSafe(r, random.nextInt());
            ((BigIntVector) root.getVector(3)).setSafe(r, 5_000_000_000L + random.nextLong(1_000_000_000L));
            ((Float4Vector) root.getVector(4)).setSafe(r, r % 101 == 0 ? Float.NaN : (float) (1e3 + random.nextGaussian()));
            ((Float8Vector) root.getVector(5)).setSafe(r, r % 97 == 0 ? Double.NaN : 1e6 + random.nextGaussian() * (index + 1));
            ((DecimalVector) root.getVector(6)).setSafe(r, BigDecimal.valueOf(random.nextLong(-10_000_000L, 10_000_000L), 3));
            ((DateDayVector) root.getVector(7)).setSafe(r, random.nextInt(0, 40_000));
            ((TimeStampMicroTZVector) root.getVector(8)).setSafe(r, 1_700_000_000_000_000L + random.nextLong(1_000_000_000_000L));
            ((VarCharVector) root.getVector(9)).setSafe(r, ("n" + r).getBytes(StandardCharsets.UTF_8));
        }
        root.setRowCount(rows);
        return root;
    }

    /** Batches larger than a row group (cut across several) and many smaller ones (several end in one row group). */
    private static int rowsOf(int index) {
        return index == 5 ? 1 : index % 4 == 0 ? 1_000 + (index * 977) % 3_000 : 20 + (index * 37) % 150;
    }

    /** The statistics of the batches added one after the other on this thread: what the workers must reproduce. */
    private Map<String, Object> sequential(int batches) {
        ColumnStatistics statistics = new ColumnStatistics(SCHEMA);
        for (int b = 0; b < batches; b++) {
            try (VectorSchemaRoot batch = batch(b, rowsOf(b))) {
                statistics.add(batch);
            }
        }
        return statistics.toMetadata();
    }

    /** Saves the batches with {@code settings}; returns the statistics the writer gathered. */
    private ColumnStatistics parallel(int batches, ParallelParquetWriter.Settings settings, String name) throws Exception {
        ColumnStatistics statistics = new ColumnStatistics(SCHEMA);
        AtomicInteger released = new AtomicInteger();
        try (OutputStream out = Files.newOutputStream(directory.resolve(name));
                ParallelParquetWriter writer = new ParallelParquetWriter(out, SCHEMA, name, settings, statistics)) {
            for (int b = 0; b < batches; b++) {
                VectorSchemaRoot batch = batch(b, rowsOf(b));
                writer.accept(batch, () -> {
                    batch.close();
                    released.incrementAndGet();
                });
            }
        }
        assertThat(released.get()).isEqualTo(batches);
        return statistics;
    }

    @Test
    void statisticsGatheredOnTheWorkersEqualTheSequentialOnesToTheBitWhateverTheTiming() throws Exception {
        int batches = 40;
        Map<String, Object> expected = sequential(batches);
        assertThat(expected.toString()).contains("nan_count", "stddev", "mean");
        for (int save = 0; save < 4; save++) {
            int parity = save;
            // each save delays other tasks (chunks wait; the statistics tasks of later batches overtake them), so workers finish in other orders
            ParallelParquetWriter.hookForTests = (writer, chunk) -> {
                if ((chunk + parity) % 3 == 0) {
                    Thread.sleep(3 + parity);
                }
            };
            ParallelParquetWriter.Settings settings = new ParallelParquetWriter.Settings(16 * 1024, 1 + save, 1 + save);
            ColumnStatistics statistics = parallel(batches, settings, "save" + save + ".parquet");
            assertThat(ParallelParquetWriterTest.rowGroups(directory.resolve("save" + save + ".parquet"))).hasSizeGreaterThan(20);
            assertThat(statistics.rows()).isEqualTo(sequentialRows(batches));
            assertThat(statistics.toMetadata()).isEqualTo(expected);
        }
    }

    @Test
    void aTableOfOneChunkGetsItsStatisticsOnTheCallingThread() throws Exception {
        Map<String, Object> expected = sequential(3);
        ParallelParquetWriter.Settings settings = new ParallelParquetWriter.Settings(Long.MAX_VALUE / 4, 2, 3);
        AtomicInteger encoded = new AtomicInteger();
        ParallelParquetWriter.hookForTests = (writer, chunk) -> encoded.incrementAndGet();
        assertThat(parallel(3, settings, "one.parquet").toMetadata()).isEqualTo(expected);
        assertThat(encoded.get()).isZero();
    }

    private static long sequentialRows(int batches) {
        long rows = 0;
        for (int b = 0; b < batches; b++) {
            rows += rowsOf(b);
        }
        return rows;
    }
}
