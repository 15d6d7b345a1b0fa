package dev.cairn.materializers.arrow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.LoadOptions;
import dev.cairn.testkit.TestingArtifactWriter;
import dev.cairn.testkit.TestingArtifactReader;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.compare.VectorEqualsVisitor;
import org.apache.arrow.vector.table.Table;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.EncodingStats;
import org.apache.parquet.column.ParquetProperties.WriterVersion;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Parquet load path that reads flat columns with column readers and the rest by record assembly: files with many
 * row groups and pages (written with small sizes), nulls, all-null columns, dictionary-encoded, plain and mixed column
 * chunks, struct and list columns next to flat ones, projections and row limits across row groups. Loaded values are
 * compared with the rows saved, and loaded tables with the same rows saved as Arrow IPC (a path that shares no
 * Parquet code).
 */
class ParquetColumnReadTest {
    enum Color { RED, GREEN, BLUE }

    record Address(String city, int zip) {}

    record Mixed(long id, Double price, Float ratio, Integer count, LocalDate day, Instant at, Boolean flag, byte tiny, short small,
            String label, String unique, BigDecimal amount, Integer nothing, String noText, Color color, Address address,
            List<Integer> tags, double score) {}

    record Halves(long half, Double maybe) {}

    static final Type MIXED = new TypeLiteral<List<Mixed>>() {}.type();
    private static final Type HALVES = new TypeLiteral<List<Halves>>() {}.type();
    private static final int ROWS = 150_000;
    private static final long SMALL_ROW_GROUP = 256 * 1024;
    private static final int SMALL_PAGE = 8 * 1024;

    @TempDir
    Path temp;

    private Path parquet;
    private Path ipc;
    private RootAllocator allocator;
    private ArrowMaterializer materializer;

    @BeforeEach
    void setUp() throws IOException {
        allocator = TestingAllocator.create();
        materializer = new ArrowMaterializer(allocator);
        parquet = Files.createDirectory(temp.resolve("parquet"));
        ipc = Files.createDirectory(temp.resolve("ipc"));
    }

    @AfterEach
    void noLeaks() {
        TestingAllocator.closeAndAssertNoLeaks(allocator);
    }

    static Mixed mixed(int i) {
        return new Mixed(
                i,
                i % 7 == 3 ? null : i * 0.25,
                i % 5 == 0 ? null : i / 3f,
                i % 11 == 0 ? null : i % 100,
                i % 13 == 0 ? null : LocalDate.ofEpochDay(18_000 + i % 400),
                i % 17 == 0 ? null : Instant.ofEpochSecond(1_700_000_000L + i, i * 1000L % 1_000_000_000L),
                i % 3 == 0 ? null : i % 2 == 0,
                (byte) i,
                (short) (i * 7),
                i % 9 == 0 ? null : "label-" + i % 50,
                "unique-" + i,
                i % 19 == 0 ? null : BigDecimal.valueOf(i * 31L, 2),
                null,
                null,
                i % 23 == 0 ? null : Color.values()[i % 3],
                i % 29 == 0 ? null : new Address(i % 4 == 0 ? null : "city-" + i % 10, i),
                i % 31 == 0 ? null : i % 4 == 1 ? List.of() : i % 4 == 2 ? Arrays.asList(i, null, -i) : List.of(i),
                Math.sin(i));
    }

    static List<Mixed> mixedRows(int count) {
        List<Mixed> rows = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            rows.add(mixed(i));
        }
        return rows;
    }

    /** Writes {@code rows} as the artifact's Parquet file with the given sizes, and as Arrow IPC for comparison. */
    private void save(List<?> rows, Type type, long rowGroupBytes, int pageBytes) throws IOException {
        save(rows, type, rowGroupBytes, pageBytes, WriterVersion.PARQUET_1_0);
    }

    private void save(List<?> rows, Type type, long rowGroupBytes, int pageBytes, WriterVersion version) throws IOException {
        try (TableSource source = TableSource.of(rows, type, allocator);
                OutputStream out = Files.newOutputStream(parquet.resolve(ParquetFormat.FILE_NAME));
                ParquetFormat.Writer writer = new ParquetFormat.Writer(out, source.schema(), "test", rowGroupBytes, pageBytes, version)) {
            source.forEachBatch(writer::write);
        }
        materializer.save(rows, new TestingArtifactWriter(ipc, type, Map.of("format", "ipc")));
    }

    private static List<BlockMetaData> rowGroups(Path directory) throws IOException {
        try (ParquetFileReader reader = new ParquetFileReader(new LocalInputFile(directory.resolve(ParquetFormat.FILE_NAME)),
                ParquetReadOptions.builder(new PlainParquetConfiguration()).build())) {
            return reader.getRowGroups();
        }
    }

    private static EncodingStats encodings(BlockMetaData group, String column) {
        for (ColumnChunkMetaData chunk : group.getColumns()) {
            if (chunk.getPath().toDotString().equals(column)) {
                return chunk.getEncodingStats();
            }
        }
        throw new AssertionError("no column " + column);
    }

    /** Loads as a {@code VectorSchemaRoot} (a {@code Table} load is the same read, wrapped). */
    private VectorSchemaRoot load(Path directory, LoadOptions options) throws IOException {
        return (VectorSchemaRoot) materializer.load(VectorSchemaRoot.class, new TestingArtifactReader(directory, options));
    }

    /** Each column of {@code actual} equals the same column of {@code expected}: type, row count, nulls and values. */
    private static void assertSameColumns(VectorSchemaRoot actual, VectorSchemaRoot expected) {
        assertThat(actual.getSchema()).isEqualTo(expected.getSchema());
        assertThat(actual.getRowCount()).isEqualTo(expected.getRowCount());
        for (int c = 0; c < actual.getFieldVectors().size(); c++) {
            FieldVector column = actual.getVector(c);
            assertThat(VectorEqualsVisitor.vectorEquals(column, expected.getVector(c))).as("column " + column.getName()).isTrue();
            assertThat(column.getNullCount()).as("nulls of " + column.getName()).isEqualTo(expected.getVector(c).getNullCount());
        }
    }

    @Test
    void flatColumnsWithNullsStructsAndListsRoundTripAcrossManyRowGroups() throws IOException {
        List<Mixed> rows = mixedRows(ROWS);
        save(rows, MIXED, SMALL_ROW_GROUP, SMALL_PAGE);
        List<BlockMetaData> groups = rowGroups(parquet);
        assertThat(groups).as("row groups").hasSizeGreaterThan(4);
        assertThat(encodings(groups.get(1), "label").hasDictionaryEncodedPages()).as("label is dictionary-encoded").isTrue();
        assertThat(encodings(groups.get(1), "count").hasDictionaryEncodedPages()).as("count is dictionary-encoded").isTrue();
        assertThat(encodings(groups.get(1), "unique").hasDictionaryEncodedPages()).as("unique is plain").isFalse();
        assertThat(encodings(groups.get(1), "score").hasDictionaryEncodedPages()).as("score is plain").isFalse();

        @SuppressWarnings("unchecked")
        List<Mixed> loaded = (List<Mixed>) materializer.load(MIXED, new TestingArtifactReader(parquet, "test_table:1"));
        assertThat(loaded).hasSize(ROWS);
        for (int i = 0; i < ROWS; i++) {
            if (!loaded.get(i).equals(rows.get(i))) {
                assertThat(loaded.get(i)).as("row " + i).isEqualTo(rows.get(i));
            }
        }
        try (VectorSchemaRoot root = load(parquet, LoadOptions.DEFAULT); VectorSchemaRoot fromIpc = load(ipc, LoadOptions.DEFAULT)) {
            assertSameColumns(root, fromIpc);
            assertThat(root.getVector("nothing").getNullCount()).isEqualTo(ROWS);
            assertThat(root.getVector("noText").getNullCount()).isEqualTo(ROWS);
            assertThat(root.getVector("price").getNullCount()).isEqualTo((ROWS + 3) / 7);
            assertThat(((BigIntVector) root.getVector("id")).get(ROWS - 1)).isEqualTo(ROWS - 1);
        }
        try (Table table = (Table) materializer.load(Table.class, new TestingArtifactReader(parquet, "test_table:1"))) {
            assertThat(table.getRowCount()).isEqualTo(ROWS);
        }
    }

    @Test
    void filesWithVersion2PagesAndDeltaEncodingsLoadThroughTheColumnReaders() throws IOException {
        // Another writer's choices: version 2 data pages, and delta encodings where dictionaries fall back. The pages
        // are then read by parquet-java's column readers rather than decoded by this module.
        List<Mixed> rows = mixedRows(ROWS);
        save(rows, MIXED, SMALL_ROW_GROUP, SMALL_PAGE, WriterVersion.PARQUET_2_0);
        List<BlockMetaData> groups = rowGroups(parquet);
        assertThat(groups).hasSizeGreaterThan(4);
        assertThat(encodings(groups.get(1), "price").usesV2Pages()).isTrue();
        assertThat(encodings(groups.get(1), "id").getDataEncodings()).as("id encodings").contains(Encoding.DELTA_BINARY_PACKED);
        try (VectorSchemaRoot root = load(parquet, LoadOptions.DEFAULT); VectorSchemaRoot fromIpc = load(ipc, LoadOptions.DEFAULT)) {
            assertSameColumns(root, fromIpc);
        }
        @SuppressWarnings("unchecked")
        List<Mixed> loaded = (List<Mixed>) materializer.load(MIXED, new TestingArtifactReader(parquet, "test_table:1", LoadOptions.DEFAULT.withRowLimit(90_001)));
        assertThat(loaded).isEqualTo(rows.subList(0, 90_001));
    }

    @Test
    void aRowLimitInsideALaterRowGroupReadsExactlyThoseRowsAndNotTheRest() throws IOException {
        save(mixedRows(ROWS), MIXED, SMALL_ROW_GROUP, SMALL_PAGE);
        List<BlockMetaData> groups = rowGroups(parquet);
        assertThat(groups).hasSizeGreaterThan(6);
        long limit = groups.get(0).getRowCount() + groups.get(1).getRowCount() + groups.get(2).getRowCount() / 2;
        LoadOptions options = LoadOptions.DEFAULT.withRowLimit(limit);
        TestingArtifactReader reader = new TestingArtifactReader(parquet, options);
        try (VectorSchemaRoot head = (VectorSchemaRoot) materializer.load(VectorSchemaRoot.class, reader);
                VectorSchemaRoot expected = load(ipc, options)) {
            assertThat(head.getRowCount()).isEqualTo(limit);
            assertSameColumns(head, expected);
        }
        assertThat(reader.bytesRead()).as("bytes read for 2.5 of " + groups.size() + " row groups")
                .isLessThan(Files.size(parquet.resolve(ParquetFormat.FILE_NAME)) / 2);

        @SuppressWarnings("unchecked")
        List<Mixed> records = (List<Mixed>) materializer.load(MIXED, new TestingArtifactReader(parquet, options));
        assertThat(records).isEqualTo(mixedRows((int) limit));
    }

    @Test
    void aProjectionMixingListFlatAndStructColumnsAcrossRowGroups() throws IOException {
        save(mixedRows(ROWS), MIXED, SMALL_ROW_GROUP, SMALL_PAGE);
        LoadOptions options = LoadOptions.DEFAULT.withColumns(List.of("tags", "price", "address", "label", "id")).withRowLimit(100_001);
        try (VectorSchemaRoot projected = load(parquet, options); VectorSchemaRoot expected = load(ipc, options)) {
            assertThat(projected.getRowCount()).isEqualTo(100_001);
            assertSameColumns(projected, expected);
        }
    }

    @Test
    void aColumnChunkWithDictionaryPagesThenPlainPagesLoads() throws IOException {
        List<Halves> rows = new ArrayList<>();
        for (int i = 0; i < 300_000; i++) {
            rows.add(new Halves(i / 2, i % 10 == 0 ? null : (i / 2) * 0.5));
        }
        save(rows, HALVES, ParquetFormat.ROW_GROUP_BYTES, SMALL_PAGE);
        List<BlockMetaData> groups = rowGroups(parquet);
        assertThat(groups).hasSize(1);
        for (String column : List.of("half", "maybe")) {
            EncodingStats stats = encodings(groups.get(0), column);
            assertThat(stats.hasDictionaryEncodedPages() && stats.hasNonDictionaryEncodedPages())
                    .as(column + " has dictionary pages, then plain pages once the dictionary is full").isTrue();
        }
        try (VectorSchemaRoot root = load(parquet, LoadOptions.DEFAULT)) {
            BigIntVector half = (BigIntVector) root.getVector("half");
            Float8Vector maybe = (Float8Vector) root.getVector("maybe");
            for (int i = 0; i < rows.size(); i++) {
                assertThat(half.get(i)).isEqualTo(i / 2);
                if (i % 10 == 0) {
                    assertThat(maybe.isNull(i)).isTrue();
                } else {
                    assertThat(maybe.get(i)).isEqualTo((i / 2) * 0.5);
                }
            }
        }
        @SuppressWarnings("unchecked")
        List<Halves> loaded = (List<Halves>) materializer.load(HALVES, new TestingArtifactReader(parquet, "test_table:1"));
        assertThat(loaded).isEqualTo(rows);
    }

    @Test
    void requiredAndOptionalColumnsSetValidityAtEveryRowOffset() throws IOException {
        // Row limits that start and end row groups and batches at offsets that are not multiples of 8.
        record Pair(int required, Integer optional) {}
        List<Pair> rows = new ArrayList<>();
        for (int i = 0; i < 70_001; i++) {
            rows.add(new Pair(i, i % 3 == 1 ? null : -i));
        }
        Type type = new TypeLiteral<List<Pair>>() {}.type();
        save(rows, type, 16 * 1024, 1024);
        assertThat(rowGroups(parquet)).hasSizeGreaterThan(8);
        for (long limit : List.of(1L, 7L, 9L, 12_345L, 70_001L)) {
            try (VectorSchemaRoot root = load(parquet, LoadOptions.DEFAULT.withRowLimit(limit))) {
                IntVector required = (IntVector) root.getVector("required");
                IntVector optional = (IntVector) root.getVector("optional");
                assertThat(root.getRowCount()).isEqualTo(limit);
                assertThat(required.getNullCount()).isZero();
                for (int i = 0; i < limit; i++) {
                    assertThat(required.get(i)).isEqualTo(i);
                    assertThat(optional.isNull(i)).as("row " + i).isEqualTo(i % 3 == 1);
                    if (i % 3 != 1) {
                        assertThat(optional.get(i)).isEqualTo(-i);
                    }
                }
            }
        }
        @SuppressWarnings("unchecked")
        List<Pair> loaded = (List<Pair>) materializer.load(type, new TestingArtifactReader(parquet, "test_table:1"));
        assertThat(loaded).isEqualTo(rows);
    }

    @Test
    void damagedFilesWithFlatAndNestedColumnsFailClearly() throws IOException {
        save(mixedRows(ROWS), MIXED, SMALL_ROW_GROUP, SMALL_PAGE);
        Path file = parquet.resolve(ParquetFormat.FILE_NAME);
        byte[] good = Files.readAllBytes(file);
        for (double at : List.of(0.1, 0.35, 0.6, 0.85)) {
            Files.write(file, good);
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                for (long position = (long) (good.length * at); position < (long) (good.length * at) + 48; position++) {
                    raf.seek(position);
                    int b = raf.read();
                    raf.seek(position);
                    raf.write(b ^ 0x5a);
                }
            }
            assertLoadsFailClearly("bytes flipped at " + at);
        }
        Files.write(file, Arrays.copyOf(good, good.length / 2));
        assertLoadsFailClearly("truncated");
    }

    private void assertLoadsFailClearly(String damage) {
        for (Type type : List.of(MIXED, Table.class)) {
            TestingArtifactReader reader = new TestingArtifactReader(parquet, "test_table:1");
            assertThatThrownBy(() -> {
                Object loaded = materializer.load(type, reader);
                if (loaded instanceof AutoCloseable closeable) {
                    closeable.close();
                }
            })
                    .as(damage + ", loading as " + type.getTypeName())
                    .isInstanceOf(CairnException.class)
                    .satisfies(e -> assertThat(((CairnException) e).errorCode()).isEqualTo(ErrorCode.INTEGRITY_VIOLATION))
                    .hasMessageContaining("artifact 'test_table:1'");
            assertThat(reader.openChannels()).as("channels left open").isZero();
        }
    }
}
