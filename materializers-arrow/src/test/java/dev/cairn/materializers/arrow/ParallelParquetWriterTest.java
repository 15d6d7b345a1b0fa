package dev.cairn.materializers.arrow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.table.Table;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import dev.cairn.testkit.TestingArtifactReader;
import dev.cairn.testkit.TestingArtifactWriter;

/**
 * The parallel Parquet save: many row groups encoded on workers and appended in order into one file that DuckDB,
 * pyarrow and this module read with every value (compared with the single-threaded writer's file of the same rows),
 * the same bytes on every save whatever the threads' timing, at most the bound of chunks in flight, and a failing
 * worker fails the save.
 */
class ParallelParquetWriterTest {
    /** 64 KiB chunks: the 30,000 rich rows make dozens of row groups. */
    static final ParallelParquetWriter.Settings SMALL = new ParallelParquetWriter.Settings(64 * 1024, 2, 2);

    @TempDir
    Path directory;

    private RootAllocator allocator;
    private ArrowMaterializer materializer;

    @BeforeEach
    void open() {
        allocator = TestingAllocator.create();
        materializer = new ArrowMaterializer(allocator);
        ParallelParquetWriter.settingsForTests = SMALL;
    }

    @AfterEach
    void close() {
        ParallelParquetWriter.settingsForTests = null;
        ParallelParquetWriter.hookForTests = null;
        TestingAllocator.closeAndAssertNoLeaks(allocator);
    }

    /** Rows of every column type with values that change from row to row and nulls in every nullable column. */
    static List<ArrowMaterializerTest.Rich> varied(int count) {
        List<ArrowMaterializerTest.Rich> rows = new ArrayList<>();
        List<ArrowMaterializerTest.Rich> base = ArrowMaterializerTest.richRows();
        for (int i = 0; i < count; i++) {
            if (i % 3 == 1) {
                rows.add(base.get(1));
                continue;
            }
            rows.add(new ArrowMaterializerTest.Rich(i % 2 == 0, (byte) i, (short) (i * 7), i, (long) i * 1_000_003L, i * 0.5f, i / 3.0,
                    i % 4 == 0, i % 5, (long) -i, i * 0.25, "name " + i + (i % 10 == 0 ? " é" : ""), new BigDecimal(i).movePointLeft(2),
                    LocalDate.of(2000, 1, 1).plusDays(i % 9000), Instant.ofEpochSecond(1_700_000_000L + i, i),
                    i % 2 == 0 ? ArrowMaterializerTest.Color.GREEN : ArrowMaterializerTest.Color.RED, new byte[] {(byte) i, (byte) (i >> 8)},
                    new ArrowMaterializerTest.Address(i % 7 == 0 ? null : "city " + (i % 100), i), Arrays.asList("t" + i, i % 6 == 0 ? null : "u"),
                    List.of(new ArrowMaterializerTest.Address("h" + (i % 3), i)), Arrays.asList(List.of(i, i + 1), i % 8 == 0 ? null : List.of())));
        }
        return rows;
    }

    /** Every flat column type (no struct or list): such chunks are written column by column ({@link FlatChunkEncoder}). */
    record Flat(boolean flag, byte tiny, short small, int count, long big, float ratio, double score, Boolean maybeFlag, Integer maybeCount,
            Long maybeBig, Double maybeScore, String name, BigDecimal price, LocalDate day, Instant at, ArrowMaterializerTest.Color color,
            byte[] payload) {}

    static final java.lang.reflect.Type FLAT_LIST = new TypeLiteral<List<Flat>>() {}.type();

    static List<Flat> flat(int count) {
        List<Flat> rows = new ArrayList<>();
        for (ArrowMaterializerTest.Rich r : varied(count)) {
            rows.add(new Flat(r.flag(), r.tiny(), r.small(), r.count(), r.big(), r.ratio(), r.score(), r.maybeFlag(), r.maybeCount(), r.maybeBig(),
                    r.maybeScore(), r.name(), r.price(), r.day(), r.at(), r.color(), r.payload()));
        }
        return rows;
    }

    /** Writes {@code rows} with the single-threaded writer (the path before this one) as the reference file. */
    private Path reference(List<?> rows) throws IOException {
        return reference(rows, ArrowMaterializerTest.RICH_LIST);
    }

    private Path reference(List<?> rows, java.lang.reflect.Type type) throws IOException {
        Path dir = Files.createDirectories(directory.resolve("reference"));
        ParallelParquetWriter.settingsForTests = new ParallelParquetWriter.Settings(Long.MAX_VALUE / 4, 1, 1);
        try {
            materializer.save(rows, new TestingArtifactWriter(dir, type));
        } finally {
            ParallelParquetWriter.settingsForTests = SMALL;
        }
        return dir.resolve(ParquetFormat.FILE_NAME);
    }

    static List<BlockMetaData> rowGroups(Path file) throws IOException {
        try (ParquetFileReader reader = new ParquetFileReader(new LocalInputFile(file), ParquetReadOptions.builder(new PlainParquetConfiguration()).build())) {
            return reader.getRowGroups();
        }
    }

    @Test
    void duckDbReadsEveryValueOfAManyRowGroupFileInRowOrder() throws Exception {
        List<ArrowMaterializerTest.Rich> rows = varied(30_000);
        Path parallelDir = Files.createDirectories(directory.resolve("parallel"));
        materializer.save(rows, new TestingArtifactWriter(parallelDir, ArrowMaterializerTest.RICH_LIST));
        Path parallel = parallelDir.resolve(ParquetFormat.FILE_NAME);
        Path reference = reference(rows);

        List<BlockMetaData> groups = rowGroups(parallel);
        assertThat(groups).as("row groups of the parallel file").hasSizeGreaterThan(10);
        assertThat(rowGroups(reference)).as("the reference file has one row group").hasSize(1);
        assertThat(groups.stream().mapToLong(BlockMetaData::getRowCount).sum()).isEqualTo(30_000);
        for (BlockMetaData group : groups) {
            for (ColumnChunkMetaData column : group.getColumns()) {
                assertThat(column.getCodec().name()).isEqualTo("ZSTD");
                assertThat(column.getStatistics().isEmpty()).as("statistics of %s", column.getPath()).isFalse();
            }
        }

        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:"); Statement sql = duckdb.createStatement()) {
            String a = "read_parquet('" + parallel + "', file_row_number = true)";
            String b = "read_parquet('" + reference + "', file_row_number = true)";
            assertThat(single(sql, "SELECT count(*) FROM " + a)).isEqualTo("30000");
            assertThat(single(sql, "SELECT count(*) FROM (SELECT * FROM " + a + " EXCEPT ALL SELECT * FROM " + b + ")")).isEqualTo("0");
            assertThat(single(sql, "SELECT count(*) FROM (SELECT * FROM " + b + " EXCEPT ALL SELECT * FROM " + a + ")")).isEqualTo("0");
            assertThat(single(sql, "SELECT count(*) FROM " + a + " WHERE \"count\" <> file_row_number AND file_row_number % 3 <> 1"))
                    .as("rows in their order").isEqualTo("0");
            assertThat(single(sql, "SELECT count(*) FROM " + a + " WHERE name IS NULL")).isEqualTo("10000");
        }

        try (Table loaded = (Table) materializer.load(Table.class, new TestingArtifactReader(parallelDir, "test_table:1"))) {
            assertThat(loaded.getRowCount()).isEqualTo(30_000);
        }
        @SuppressWarnings("unchecked")
        List<ArrowMaterializerTest.Rich> back = (List<ArrowMaterializerTest.Rich>) materializer.load(ArrowMaterializerTest.RICH_LIST,
                new TestingArtifactReader(parallelDir, "test_table:1"));
        assertThat(back).hasSize(rows.size());
        for (int i = 0; i < rows.size(); i += 1) {
            assertThat(canonical(back.get(i))).as("row %d", i).isEqualTo(canonical(rows.get(i)));
        }
    }

    @Test
    void duckDbReadsEveryValueOfAManyRowGroupFileOfFlatColumnsWrittenColumnByColumn() throws Exception {
        List<Flat> rows = flat(30_000);
        Path parallelDir = Files.createDirectories(directory.resolve("parallel"));
        materializer.save(rows, new TestingArtifactWriter(parallelDir, FLAT_LIST));
        Path parallel = parallelDir.resolve(ParquetFormat.FILE_NAME);
        Path reference = reference(rows, FLAT_LIST);
        List<BlockMetaData> groups = rowGroups(parallel);
        assertThat(groups).hasSizeGreaterThan(10);
        for (BlockMetaData group : groups) {
            for (ColumnChunkMetaData column : group.getColumns()) {
                assertThat(column.getCodec().name()).isEqualTo("ZSTD");
                assertThat(column.getStatistics().isEmpty()).as("statistics of %s", column.getPath()).isFalse();
            }
        }
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:"); Statement sql = duckdb.createStatement()) {
            String a = "read_parquet('" + parallel + "', file_row_number = true)";
            String b = "read_parquet('" + reference + "', file_row_number = true)";
            assertThat(single(sql, "SELECT count(*) FROM " + a)).isEqualTo("30000");
            assertThat(single(sql, "SELECT count(*) FROM (SELECT * FROM " + a + " EXCEPT ALL SELECT * FROM " + b + ")")).isEqualTo("0");
            assertThat(single(sql, "SELECT count(*) FROM (SELECT * FROM " + b + " EXCEPT ALL SELECT * FROM " + a + ")")).isEqualTo("0");
            assertThat(single(sql, "SELECT count(*) FROM " + a + " WHERE \"count\" <> file_row_number AND file_row_number % 3 <> 1")).isEqualTo("0");
            assertThat(single(sql, "SELECT count(*) FROM " + a + " WHERE name IS NULL")).isEqualTo("10000");
            assertThat(single(sql, "SELECT count(*) FROM " + a + " WHERE maybeFlag IS NULL")).isEqualTo("10000");
        }
        try (Table loaded = (Table) materializer.load(Table.class, new TestingArtifactReader(parallelDir, "test_table:1"))) {
            assertThat(FlatChunkEncoder.handles(loaded.getSchema())).as("every column is flat").isTrue();
        }
        @SuppressWarnings("unchecked")
        List<Flat> back = (List<Flat>) materializer.load(FLAT_LIST, new TestingArtifactReader(parallelDir, "test_table:1"));
        assertThat(back).hasSize(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            assertThat(canonical(back.get(i))).as("row %d", i).isEqualTo(canonical(rows.get(i)));
        }
    }

    private static String canonical(Record row) {
        StringBuilder text = new StringBuilder();
        for (var component : row.getClass().getRecordComponents()) {
            try {
                Object value = component.getAccessor().invoke(row);
                text.append(value instanceof byte[] bytes ? Arrays.toString(bytes)
                        : value instanceof BigDecimal decimal ? decimal.stripTrailingZeros().toPlainString()
                        : value instanceof Float f && f.isNaN() ? "NaN" : String.valueOf(value)).append('|');
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }
        return text.toString();
    }

    static String single(Statement sql, String query) throws SQLException {
        try (ResultSet rs = sql.executeQuery(query)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    @Test
    void pyarrowReadsTheManyRowGroupFileAsTheReferenceFile() throws Exception {
        String python = System.getenv("CAIRN_TEST_PYTHON");
        Assumptions.assumeTrue(python != null && !python.isBlank() && Files.isExecutable(Path.of(python)),
                "CAIRN_TEST_PYTHON is not set to a Python interpreter with pyarrow (./run-tests makes one)");
        for (boolean flatColumns : new boolean[] {true, false}) {
            List<?> rows = flatColumns ? flat(20_000) : varied(20_000);
            java.lang.reflect.Type type = flatColumns ? FLAT_LIST : ArrowMaterializerTest.RICH_LIST;
            Path parallelDir = Files.createDirectories(directory.resolve("parallel-" + flatColumns));
            materializer.save(rows, new TestingArtifactWriter(parallelDir, type));
            Path reference = reference(rows, type);
            comparedByPyarrow(python, parallelDir, reference);
            deleteTree(reference.getParent());
        }
    }

    static void deleteTree(Path dir) throws IOException {
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    private void comparedByPyarrow(String python, Path parallelDir, Path reference) throws Exception {
        Path script = Files.writeString(directory.resolve("compare.py"), """
                import sys
                import pyarrow.parquet as pq
                a = pq.ParquetFile(sys.argv[1])
                b = pq.read_table(sys.argv[2])
                t = a.read()
                print("groups", a.num_row_groups)
                print("rows", t.num_rows)
                import pyarrow as pa
                def plain(table):  # nanosecond timestamps as integers, so that to_pylist can show them
                    for i, field in enumerate(table.schema):
                        if pa.types.is_timestamp(field.type):
                            table = table.set_column(i, field.name, table.column(i).cast(pa.int64()))
                    return repr(table.to_pylist())
                print("equal", t.schema.equals(b.schema) and plain(t) == plain(b))
                """);
        Process process = new ProcessBuilder(python, script.toString(), parallelDir.resolve(ParquetFormat.FILE_NAME).toString(), reference.toString())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(300, TimeUnit.SECONDS)).isTrue();
        Assumptions.assumeFalse(output.contains("No module named 'pyarrow'"), "no pyarrow in " + python);
        assertThat(process.exitValue()).as(output).isZero();
        List<String> lines = output.lines().toList();
        assertThat(lines).contains("rows 20000", "equal True");
        assertThat(Integer.parseInt(lines.stream().filter(l -> l.startsWith("groups ")).findFirst().orElseThrow().substring(7))).isGreaterThan(10);
    }

    @Test
    void twoSavesOfTheSameTableGiveTheSameBytesWhateverTheThreadsTiming() throws Exception {
        List<ArrowMaterializerTest.Rich> rows = varied(20_000);
        List<byte[]> files = new ArrayList<>();
        for (int save = 0; save < 3; save++) {
            int parity = save;
            // each save delays other chunks, so workers finish in different orders
            ParallelParquetWriter.hookForTests = (writer, chunk) -> {
                if ((chunk + parity) % 3 == 0) {
                    Thread.sleep(5);
                }
            };
            ParallelParquetWriter.settingsForTests = new ParallelParquetWriter.Settings(64 * 1024, 2 + save, 1 + 2 * save);
            Path dir = Files.createDirectories(directory.resolve("save" + save));
            materializer.save(rows, new TestingArtifactWriter(dir, ArrowMaterializerTest.RICH_LIST));
            files.add(Files.readAllBytes(dir.resolve(ParquetFormat.FILE_NAME)));
        }
        assertThat(rowGroups(directory.resolve("save0").resolve(ParquetFormat.FILE_NAME))).hasSizeGreaterThan(10);
        assertThat(files.get(1)).isEqualTo(files.get(0));
        assertThat(files.get(2)).isEqualTo(files.get(0));
    }

    @Test
    void noMoreThanTheBoundOfChunksAreInFlight() throws Exception {
        List<ArrowMaterializerTest.Rich> rows = varied(20_000);
        AtomicInteger peak = new AtomicInteger();
        AtomicReference<ParallelParquetWriter> seen = new AtomicReference<>();
        ParallelParquetWriter.settingsForTests = new ParallelParquetWriter.Settings(64 * 1024, 2, 3);
        ParallelParquetWriter.hookForTests = (writer, chunk) -> {
            seen.set(writer);
            if (chunk == 0) {
                // hold the first chunk until the feeding thread waits for it (the bound) or more than the bound are held
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!writer.waitingForOldest() && writer.buffersHeld() <= writer.maxInFlight() && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
            }
            peak.accumulateAndGet(writer.buffersHeld(), Math::max);
        };
        materializer.save(rows, new TestingArtifactWriter(directory, ArrowMaterializerTest.RICH_LIST));
        ParallelParquetWriter writer = seen.get();
        assertThat(writer.chunksWritten()).isGreaterThan(10);
        assertThat(writer.peakInFlight()).isEqualTo(3);
        assertThat(peak.get()).isBetween(1, 3);
        assertThat(writer.buffersHeld()).isZero();
    }

    @Test
    void aTableOfOneChunkIsWrittenOnTheCallingThread() throws Exception {
        AtomicInteger encoded = new AtomicInteger();
        ParallelParquetWriter.hookForTests = (writer, chunk) -> encoded.incrementAndGet();
        ParallelParquetWriter.settingsForTests = null;
        materializer.save(varied(1000), new TestingArtifactWriter(directory, ArrowMaterializerTest.RICH_LIST));
        assertThat(encoded.get()).isZero();
        assertThat(rowGroups(directory.resolve(ParquetFormat.FILE_NAME))).hasSize(1);
    }

    @Test
    void aFailingWorkerFailsTheSaveNamingTheRowGroupAndReleasesEveryBatch() {
        ParallelParquetWriter.hookForTests = (writer, chunk) -> {
            if (chunk == 4) {
                throw new IllegalStateException("worker broke on purpose");
            }
        };
        TestingArtifactWriter writer = new TestingArtifactWriter(directory, ArrowMaterializerTest.RICH_LIST);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> materializer.save(varied(20_000), writer))
                .isInstanceOf(dev.cairn.api.CairnException.class)
                .hasMessageContaining("Encoding row group 4 (rows ")
                .hasMessageContaining("data.parquet of artifact 'artifact'")
                .hasMessageContaining("worker broke on purpose");
        // the allocator is checked for leaks after the test: every batch was released
    }

    public record Row(int feature1, int feature2, int target) {}

    public static final class Steps {
        private Steps() {}

        @dev.cairn.api.pipeline.Step
        public static List<Row> manyRows() {
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < 100_000; i++) {
                rows.add(new Row(i, i * 2, i % 3));
            }
            return rows;
        }
    }

    @Test
    void inTheEngineAFailingWorkerFailsTheStepAndLeavesNoArtifact() throws Exception {
        ParallelParquetWriter.hookForTests = (writer, chunk) -> {
            if (chunk == 4) {
                throw new IllegalStateException("worker broke on purpose");
            }
        };
        Path home = directory.resolve("home");
        try (dev.cairn.api.Cairn cairn = dev.cairn.api.Cairn.open(home)) {
            dev.cairn.api.run.PipelineRun run = cairn.run(dev.cairn.api.pipeline.Pipeline.define("parallel_failure", p -> p.call(Steps::manyRows)));
            assertThat(run.status()).isEqualTo(dev.cairn.api.run.RunStatus.FAILED);
            assertThat(run.step("manyRows").error()).hasValueSatisfying(error -> assertThat(error)
                    .contains("[MATERIALIZER_FAILED]").contains("output 'output' of step 'manyRows'")
                    .contains("Encoding row group 4 (rows ").contains("data.parquet of artifact 'parallel_failure::manyRows::output'")
                    .contains("worker broke on purpose"));
            assertThat(cairn.client().listArtifactVersions()).isEmpty();
        }
        try (java.util.stream.Stream<Path> files = Files.exists(home.resolve("store/artifacts")) ? Files.walk(home.resolve("store/artifacts"))
                : java.util.stream.Stream.empty()) {
            assertThat(files.filter(Files::isRegularFile)).isEmpty();
        }
        // and the same step saves once the worker works (the many-row-group artifact loads whole)
        ParallelParquetWriter.hookForTests = null;
        try (dev.cairn.api.Cairn cairn = dev.cairn.api.Cairn.open(home)) {
            dev.cairn.api.run.PipelineRun run = cairn.run(dev.cairn.api.pipeline.Pipeline.define("parallel_failure", p -> p.call(Steps::manyRows)));
            assertThat(run.status()).as(run.error().orElse("")).isEqualTo(dev.cairn.api.run.RunStatus.COMPLETED);
            dev.cairn.api.artifact.ArtifactVersion saved = run.step("manyRows").output("output");
            assertThat(rowGroups(Path.of(saved.uri()).resolve(ParquetFormat.FILE_NAME))).hasSizeGreaterThan(10);
            List<Row> back = saved.load();
            assertThat(back).isEqualTo(Steps.manyRows());
            saved.verify();
        }
    }
}
