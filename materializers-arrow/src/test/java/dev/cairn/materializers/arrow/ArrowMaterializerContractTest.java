package dev.cairn.materializers.arrow;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import dev.cairn.api.spi.Materializer;
import dev.cairn.testkit.MaterializerContract;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The materializer contract for {@link ArrowMaterializer}: lists of records (as Parquet), with and without nulls. */
class ArrowMaterializerContractTest extends MaterializerContract<Object> {
    record Reading(String sensor, double value, Long count, LocalDate day, Instant at, BigDecimal price, List<String> tags) {}

    record Point(int x, int y) {}

    private RootAllocator allocator;
    private ArrowMaterializer materializer;

    @BeforeEach
    void openAllocator() {
        allocator = TestingAllocator.create();
        materializer = new ArrowMaterializer(allocator);
    }

    @AfterEach
    void closeAllocator() {
        TestingAllocator.closeAndAssertNoLeaks(allocator);
    }

    @Override
    protected Materializer<Object> materializer() {
        return materializer;
    }

    @Override
    protected List<Sample<Object>> samples() {
        List<Reading> readings = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            readings.add(new Reading("sensor-" + (i % 7), i * 0.25, i % 3 == 0 ? null : (long) i, LocalDate.of(2024, 1, 1).plusDays(i),
                    Instant.ofEpochSecond(1_700_000_000L + i), new BigDecimal(i).movePointLeft(2), List.of("t" + i % 4, "all")));
        }
        List<Point> points = List.of(new Point(1, 2), new Point(-3, 4));
        return samplesOf(
                new Sample<>("List<Reading>, 500 rows with nulls", new TypeLiteral<List<Reading>>() {}.type(), readings),
                new Sample<>("List<Point>, 2 rows", new TypeLiteral<List<Point>>() {}.type(), points),
                new Sample<>("an empty List<Point>", new TypeLiteral<List<Point>>() {}.type(), List.of()));
    }
}
