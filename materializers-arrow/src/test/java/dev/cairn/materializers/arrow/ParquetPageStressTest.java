package dev.cairn.materializers.arrow;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import dev.cairn.testkit.TestingArtifactWriter;

/**
 * A stress test for the pages of parallel Parquet saves, in one run: many saves of many row groups of several flat
 * column types (high- and low-cardinality, the low ones — int32, int64, float, double, date — in dictionary pages of
 * {@link DictionaryPageEncoder}, with and without nulls, chunks of one page and of several), each saved by
 * four workers and by one, and every value of every page checked by DuckDB against the formula that made it, plus
 * the four-worker file byte for byte equal to the one-worker file. A page buffer reused while parquet-java still
 * reads it (session 8's reusing allocator) gave DuckDB "ZSTD Decompression failure" in about one save of eight; a
 * page encoded wrongly gives another value or another byte.
 */
class ParquetPageStressTest {
    /** Row {@code n} of a save: every value a function of {@code n} that DuckDB can compute too. */
    public record Row(int n32, long n64, double d, float f, String s, Long maybe64, Double maybeD, Integer sparse, boolean flag, LocalDate day,
            int few, double lowD, Long lowL, float lowF, int lowI) {
        static Row of(int n) {
            return new Row(n, ((long) n * 1_000_003L) % 998_244_353L - 400_000_000L, (double) n / 3.0, n * 0.5f, "n" + n,
                    n % 7 == 0 ? null : -13L * n, n % 5 == 0 ? null : n * 0.25, n % 97 == 0 ? n : null, n % 3 == 0,
                    LocalDate.of(2000, 1, 1).plusDays(n % 9000), n % 11, (n % 50) * 0.5 - 12.0, n % 13 == 0 ? null : (n % 1000) * 1_000_003L,
                    (n % 37) * 0.25f, n % 5_000 - 2_500);
        }
    }

    static final java.lang.reflect.Type ROWS = new TypeLiteral<List<Row>>() {}.type();

    /** Every column compared with its formula over {@code n}; DuckDB counts the rows where one differs. */
    private static final String MISMATCHES = """
            SELECT count(*) FROM (SELECT CAST(file_row_number AS BIGINT) + %d AS n, * FROM read_parquet('%s', file_row_number = true))
            WHERE n32 IS DISTINCT FROM n
               OR n64 IS DISTINCT FROM (n * 1000003) %% 998244353 - 400000000
               OR d IS DISTINCT FROM CAST(n AS DOUBLE) / CAST(3 AS DOUBLE)
               OR f IS DISTINCT FROM CAST(n AS FLOAT) * CAST(0.5 AS FLOAT)
               OR s IS DISTINCT FROM 'n' || n
               OR maybe64 IS DISTINCT FROM (CASE WHEN n %% 7 = 0 THEN NULL ELSE -13 * n END)
               OR maybeD IS DISTINCT FROM (CASE WHEN n %% 5 = 0 THEN NULL ELSE CAST(n AS DOUBLE) * CAST(0.25 AS DOUBLE) END)
               OR sparse IS DISTINCT FROM (CASE WHEN n %% 97 = 0 THEN n ELSE NULL END)
               OR flag IS DISTINCT FROM (n %% 3 = 0)
               OR day IS DISTINCT FROM DATE '2000-01-01' + CAST(n %% 9000 AS INTEGER)
               OR few IS DISTINCT FROM n %% 11
               OR lowD IS DISTINCT FROM CAST(n %% 50 AS DOUBLE) * 0.5 - 12.0
               OR lowL IS DISTINCT FROM (CASE WHEN n %% 13 = 0 THEN NULL ELSE (n %% 1000) * 1000003 END)
               OR lowF IS DISTINCT FROM CAST(n %% 37 AS FLOAT) * CAST(0.25 AS FLOAT)
               OR lowI IS DISTINCT FROM n %% 5000 - 2500
            """;

    @TempDir
    Path directory;

    private RootAllocator allocator;
    private ArrowMaterializer materializer;

    @BeforeEach
    void open() {
        allocator = TestingAllocator.create();
        materializer = new ArrowMaterializer(allocator);
    }

    @AfterEach
    void close() {
        ParallelParquetWriter.settingsForTests = null;
        TestingAllocator.closeAndAssertNoLeaks(allocator);
    }

    @Test
    void everyPageOfManyParallelSavesReadsBackAsWrittenAndEqualsTheOneWorkerFile() throws Exception {
        // chunk sizes: a page or less per column chunk (parquet-java tries every dictionary), and several pages with
        // the high-cardinality columns sampled as plain
        long[] chunkBytes = {64 << 10, 256 << 10, 4 << 20};
        int saves = 6;
        List<String> failures = new ArrayList<>();
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:"); Statement sql = duckdb.createStatement()) {
            for (int save = 0; save < saves; save++) {
                long chunk = chunkBytes[save % chunkBytes.length];
                int first = save * 1_000_003 % 50_000;
                int count = 150_000 + 7_919 * save;
                List<Row> rows = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    rows.add(Row.of(first + i));
                }
                Path parallel = save(rows, "save" + save + "-parallel", new ParallelParquetWriter.Settings(chunk, 4, 5));
                Path single = save(rows, "save" + save + "-single", new ParallelParquetWriter.Settings(chunk, 1, 1));
                String label = "save " + save + " (" + count + " rows from " + first + ", " + chunk + "-byte chunks, "
                        + ParallelParquetWriterTest.rowGroups(parallel).size() + " row groups)";
                try {
                    String total = ParallelParquetWriterTest.single(sql, "SELECT count(*) FROM read_parquet('" + parallel + "')");
                    String wrong = ParallelParquetWriterTest.single(sql, MISMATCHES.formatted(first, parallel));
                    if (!total.equals(String.valueOf(count)) || !wrong.equals("0")) {
                        failures.add(label + ": DuckDB read " + total + " rows, " + wrong + " of them with another value");
                    }
                } catch (SQLException e) {
                    failures.add(label + ": DuckDB failed: " + e.getMessage());
                }
                if (!java.util.Arrays.equals(Files.readAllBytes(parallel), Files.readAllBytes(single))) {
                    failures.add(label + ": the four-worker file differs from the one-worker file");
                }
                ParallelParquetWriterTest.deleteTree(parallel.getParent());
                ParallelParquetWriterTest.deleteTree(single.getParent());
            }
            // every flat column type (strings, decimals, binaries, nulls everywhere) in 64 KiB row groups, as
            // ParallelParquetWriterTest saves them: DuckDB reads every value of both files and finds the same rows
            for (int save = 0; save < FLAT_SAVES; save++) {
                int count = 30_000 + 1_000 * save;
                List<ParallelParquetWriterTest.Flat> rows = ParallelParquetWriterTest.flat(count);
                Path parallel = save(rows, ParallelParquetWriterTest.FLAT_LIST, "flat" + save + "-parallel", ParallelParquetWriterTest.SMALL);
                Path single = save(rows, ParallelParquetWriterTest.FLAT_LIST, "flat" + save + "-single", new ParallelParquetWriter.Settings(64 << 10, 1, 1));
                String label = "flat save " + save + " (" + count + " rows, " + ParallelParquetWriterTest.rowGroups(parallel).size() + " row groups)";
                try {
                    String a = "read_parquet('" + parallel + "')";
                    String b = "read_parquet('" + single + "')";
                    String total = ParallelParquetWriterTest.single(sql, "SELECT count(*) FROM " + a);
                    String missing = ParallelParquetWriterTest.single(sql, "SELECT count(*) FROM (SELECT * FROM " + a + " EXCEPT ALL SELECT * FROM " + b + ")");
                    String extra = ParallelParquetWriterTest.single(sql, "SELECT count(*) FROM (SELECT * FROM " + b + " EXCEPT ALL SELECT * FROM " + a + ")");
                    if (!total.equals(String.valueOf(count)) || !missing.equals("0") || !extra.equals("0")) {
                        failures.add(label + ": DuckDB read " + total + " rows, " + missing + " / " + extra + " differing from the one-worker file");
                    }
                } catch (SQLException e) {
                    failures.add(label + ": DuckDB failed: " + e.getMessage());
                }
                if (!java.util.Arrays.equals(Files.readAllBytes(parallel), Files.readAllBytes(single))) {
                    failures.add(label + ": the two-worker file differs from the one-worker file");
                }
                ParallelParquetWriterTest.deleteTree(parallel.getParent());
                ParallelParquetWriterTest.deleteTree(single.getParent());
            }
        }
        assertThat(failures).as("saves with a wrong page, of %d + %d", saves, FLAT_SAVES).isEmpty();
    }

    private static final int FLAT_SAVES = 24;

    private Path save(List<Row> rows, String name, ParallelParquetWriter.Settings settings) throws Exception {
        return save(rows, ROWS, name, settings);
    }

    private Path save(List<?> rows, java.lang.reflect.Type type, String name, ParallelParquetWriter.Settings settings) throws Exception {
        Path dir = Files.createDirectories(directory.resolve(name));
        ParallelParquetWriter.settingsForTests = settings;
        materializer.save(rows, new TestingArtifactWriter(dir, type));
        return dir.resolve(ParquetFormat.FILE_NAME);
    }
}
