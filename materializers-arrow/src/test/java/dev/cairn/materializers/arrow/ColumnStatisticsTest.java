package dev.cairn.materializers.arrow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
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
}
