package dev.cairn.materializers.arrow;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Decimal256Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.UInt4Vector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The statistics of a column without nulls (read straight from the Arrow buffer) equal those of the same values with a null. */
class ColumnStatisticsTest {
    private RootAllocator allocator;

    @BeforeEach
    void open() {
        allocator = TestingAllocator.create();
    }

    @AfterEach
    void close() {
        TestingAllocator.closeAndAssertNoLeaks(allocator);
    }

    private VectorSchemaRoot batch(int rows, boolean withNull) {
        Schema schema = new Schema(List.of(
                new Field("d", FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)), null),
                new Field("l", FieldType.nullable(new ArrowType.Int(64, true)), null),
                new Field("i", FieldType.nullable(new ArrowType.Int(32, true)), null)));
        VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
        Float8Vector d = (Float8Vector) root.getVector(0);
        BigIntVector l = (BigIntVector) root.getVector(1);
        IntVector i = (IntVector) root.getVector(2);
        SplittableRandom random = new SplittableRandom(3);
        int total = withNull ? rows + 1 : rows;
        for (int r = 0, v = 0; r < total; r++) {
            if (withNull && r == rows / 2) {
                d.setNull(r);
                l.setNull(r);
                i.setNull(r);
                continue;
            }
            d.setSafe(r, v % 97 == 0 ? Double.NaN : 1e6 + random.nextGaussian());
            l.setSafe(r, 5_000_000_000L + random.nextInt(1000) - 500);
            i.setSafe(r, random.nextInt(200) - 100);
            v++;
        }
        root.setRowCount(total);
        return root;
    }

    @Test
    void aColumnWithoutNullsHasTheStatisticsOfTheSameValuesWithANull() {
        Map<String, Object> plain;
        Map<String, Object> withNull;
        try (VectorSchemaRoot first = batch(10_000, false); VectorSchemaRoot second = batch(3_000, false)) {
            ColumnStatistics statistics = new ColumnStatistics(first.getSchema());
            statistics.add(first);
            statistics.add(second);
            plain = statistics.toMetadata();
        }
        try (VectorSchemaRoot first = batch(10_000, true); VectorSchemaRoot second = batch(3_000, true)) {
            ColumnStatistics statistics = new ColumnStatistics(first.getSchema());
            statistics.add(first);
            statistics.add(second);
            withNull = statistics.toMetadata();
        }
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> a = (Map<String, Map<String, Object>>) plain.get("columns");
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> b = (Map<String, Map<String, Object>>) withNull.get("columns");
        for (String column : List.of("d", "l", "i")) {
            Map<String, Object> expected = new HashMap<>(b.get(column));
            assertThat(expected.remove("null_count")).isEqualTo(2L);
            Map<String, Object> actual = new HashMap<>(a.get(column));
            assertThat(actual.remove("null_count")).isEqualTo(0L);
            assertThat(actual).as(column).isEqualTo(expected).containsKeys("min", "max", "mean", "stddev");
        }
        assertThat(a.get("d")).containsEntry("nan_count", 135L);
    }

    /**
     * The types of tables loaded from other tools' files: a uint32 above 2^31 - 1 counts as its unsigned value, a uint64
     * (whose values above 2^63 - 1 have no long) gets no min/max/mean, a decimal256 gets them as a decimal128 does.
     */
    @Test
    void unsignedAndDecimal256ColumnsHaveTheirValuesStatistics() {
        Schema schema = new Schema(List.of(
                new Field("u32", FieldType.nullable(new ArrowType.Int(32, false)), null),
                new Field("u64", FieldType.nullable(new ArrowType.Int(64, false)), null),
                new Field("d256", FieldType.nullable(new ArrowType.Decimal(50, 1, 256)), null)));
        Map<String, Object> metadata;
        try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
            UInt4Vector u32 = (UInt4Vector) root.getVector(0);
            UInt8Vector u64 = (UInt8Vector) root.getVector(1);
            Decimal256Vector d256 = (Decimal256Vector) root.getVector(2);
            u32.setSafe(0, -1); // 4294967295
            u32.setSafe(1, 1);
            u64.setSafe(0, -1L); // 18446744073709551615
            u64.setSafe(1, 1L);
            d256.setSafe(0, new BigDecimal("1234567890123456789012345678901234567890123456789.5"));
            d256.setSafe(1, new BigDecimal("-0.5"));
            root.setRowCount(2);
            ColumnStatistics statistics = new ColumnStatistics(schema);
            statistics.add(root);
            metadata = statistics.toMetadata();
        }
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> columns = (Map<String, Map<String, Object>>) metadata.get("columns");
        assertThat(columns.get("u32")).containsEntry("min", 1L).containsEntry("max", 4_294_967_295L);
        assertThat(columns.get("u64")).containsEntry("null_count", 0L).doesNotContainKeys("min", "max", "mean");
        assertThat(columns.get("d256")).containsEntry("min", -0.5).containsEntry("max", 1.2345678901234568e48);
    }
}
