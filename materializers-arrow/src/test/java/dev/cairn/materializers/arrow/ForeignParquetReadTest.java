package dev.cairn.materializers.arrow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.LoadOptions;
import dev.cairn.testkit.TestingArtifactReader;
import dev.cairn.testkit.TestingArtifactWriter;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.table.Table;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.util.Text;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.duckdb.DuckDBResultSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parquet files written by tools that are not this module (pyarrow, DuckDB, parquet-java's example writer with the legacy
 * layouts of Hive and old Spark), placed as part files of an artifact and loaded as an Arrow {@link Table} as a Spark
 * Dataset artifact is: every value and null equal to what the writer was given, one by one.
 */
class ForeignParquetReadTest {
    /**
     * Builds a table of every type pyarrow writes (argument 2: {@code int96} — timestamps as int96 and decimals of precision
     * up to 18 as int32/int64 — or {@code legacy-names} — non-compliant list names, fixed-length decimals, int64 timestamps
     * with and without zone), saves it as an Arrow IPC file {@code given.arrow} (what the writer was given) and as two
     * Parquet parts of row groups of 2 rows, then prints the first part's Parquet schema.
     */
    private static final String PYARROW_WRITER = """
            import sys, decimal
            import pyarrow as pa, pyarrow.parquet as pq, pyarrow.ipc as ipc
            out, variant = sys.argv[1], sys.argv[2]
            D = decimal.Decimal
            point = pa.struct([("x", pa.float64()), ("label", pa.string())])
            cols = {
                "id": pa.array([1, 2, 3, 4, 5], pa.int64()),
                "ts": pa.array([1709210096789012345, None, 0, -2208988800000000001, -1], pa.timestamp("ns", "UTC")),
                "dec9": pa.array([D("1234567.89"), D("-0.01"), None, D("0.00"), D("-9999999.99")], pa.decimal128(9, 2)),
                "dec18": pa.array([D("12345678901234.5678"), None, D("-0.0001"), D("0.0000"), D("-99999999999999.9999")], pa.decimal128(18, 4)),
                "dec38": pa.array([D("1234567890123456789012345678.0123456789"), D("-0.0000000001"), None, D("0E-10"),
                                   D("-9999999999999999999999999999.9999999999")], pa.decimal128(38, 10)),
                "dec50": pa.array([D("123456789012345678901234567890123456789012345.12345"), None, D("-1.00001"), D("0.00000"), D("7.5")],
                                  pa.decimal256(50, 5)),
                "person": pa.array([{"name": "ann", "age": 31, "home": {"x": 1.5, "label": "a"}}, None,
                                    {"name": None, "age": None, "home": None}, {"name": "bo", "age": 7, "home": {"x": None, "label": None}},
                                    {"name": "", "age": -1, "home": {"x": -0.0, "label": "\u00e9"}}],
                                   pa.struct([("name", pa.string()), ("age", pa.int32()), ("home", point)])),
                "ints": pa.array([[1, None, 3], None, [], [None], [2147483647, -2147483648]], pa.list_(pa.int32())),
                "points": pa.array([[{"x": 1.0, "label": "p"}, None, {"x": None, "label": "q"}], [], None, [None], [{"x": 2.5, "label": None}]],
                                   pa.list_(point)),
                "matrix": pa.array([[["a", None], [], None], None, [[None]], [], [["b"], ["c", "d"]]], pa.list_(pa.list_(pa.string()))),
                "scores": pa.array([[("a", 1), ("b", None)], None, [], [("z", -5)], [("k", 0), ("l", 2)]], pa.map_(pa.string(), pa.int32())),
                "groups": pa.array([[(1, ["x", None]), (2, None)], [(3, [])], None, [], [(4, ["y"])]], pa.map_(pa.int32(), pa.list_(pa.string()))),
                "u8": pa.array([255, 0, None, 1, 128], pa.uint8()),
                "u16": pa.array([65535, 0, None, 1, 32768], pa.uint16()),
                "u32": pa.array([4294967295, 0, None, 1, 2147483648], pa.uint32()),
                "u64": pa.array([18446744073709551615, 0, None, 1, 9223372036854775808], pa.uint64()),
                "day": pa.array([19000, None, 0, -719162, 2932896], pa.date32()),
                "tms": pa.array([0, 86399999, None, 1, 43200000], pa.time32("ms")),
                "tus": pa.array([0, 86399999999, None, 1, 43200000000], pa.time64("us")),
                "tns": pa.array([0, 86399999999999, None, 1, 43200000000000], pa.time64("ns")),
                "fixed": pa.array([b"0123456789abcdef", None, b"\\x00" * 16, b"\\xff" * 16, b"fedcba9876543210"], pa.binary(16)),
                "raw": pa.array([b"", None, b"\\x00\\x01", b"abc", b"\\xff"], pa.binary()),
                "doc": pa.array(['{"a": [1, null]}', None, "[]", "null", '"\u00e9"'], pa.json_()),
                "uid": pa.array([b"0123456789abcdef", None, b"\\x00" * 16, b"\\xff" * 16, b"fedcba9876543210"], pa.uuid()),
            }
            if variant != "int96":
                cols["ts_ms"] = pa.array([1709210096789, None, 0, -1, 253402300799999], pa.timestamp("ms"))
                cols["ts_us_utc"] = pa.array([1709210096789012, None, 0, -62135596800000000, 253402300799999999], pa.timestamp("us", "UTC"))
            table = pa.table(cols)
            with ipc.new_file(out + "/given.arrow", table.schema) as writer:
                writer.write_table(table)
            options = dict(row_group_size=2)
            if variant == "int96":
                options.update(use_deprecated_int96_timestamps=True, store_decimal_as_integer=True)
            else:
                options.update(use_compliant_nested_type=False)
            pq.write_table(table.slice(0, 3), out + "/part-00000.parquet", **options)
            pq.write_table(table.slice(3), out + "/part-00001.parquet", **options)
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
        TestingAllocator.closeAndAssertNoLeaks(allocator);
    }

    @Test
    void pyarrowsInt96TimestampsIntegerDecimalsStructsListsAndMapsLoadAsTheTableItWasGiven() throws Exception {
        Path dir = pyarrow("int96");
        assertThat(parquetSchema(dir.resolve("part-00000.parquet")))
                .contains("optional int96 ts;", "optional int32 dec9 (DECIMAL(9,2))", "optional int64 dec18 (DECIMAL(18,4))",
                        "optional fixed_len_byte_array(21) dec50 (DECIMAL(50,5))", "repeated group list", "repeated group key_value");
        assertLoadsAsGiven(dir);
    }

    @Test
    void pyarrowsNonCompliantListNamesFixedLengthDecimalsAndInt64TimestampsLoadAsTheTableItWasGiven() throws Exception {
        Path dir = pyarrow("legacy-names");
        assertThat(parquetSchema(dir.resolve("part-00000.parquet")))
                .contains("optional fixed_len_byte_array(4) dec9 (DECIMAL(9,2))", "optional fixed_len_byte_array(8) dec18 (DECIMAL(18,4))",
                        "optional int32 item", "optional int64 ts_ms (TIMESTAMP(MILLIS,false))", "optional int64 ts_us_utc (TIMESTAMP(MICROS,true))",
                        "optional binary doc (JSON)", "optional fixed_len_byte_array(16) uid (UUID)");
        assertLoadsAsGiven(dir);
    }

    @Test
    void aProjectionPicksNestedColumnsWholeAndRefusesAPathIntoOne() throws Exception {
        Path dir = pyarrow("int96");
        try (VectorSchemaRoot given = given(dir);
                VectorSchemaRoot loaded = loadTable(
                        new TestingArtifactReader(dir, "spark_parts:1", LoadOptions.DEFAULT.withColumns(List.of("groups", "id", "person"))))) {
            assertThat(loaded.getSchema().getFields()).extracting(Field::getName).containsExactly("groups", "id", "person");
            for (String column : List.of("groups", "id", "person")) {
                assertSameColumn(column, given.getVector(column), loaded.getVector(column), given.getRowCount());
            }
        }
        assertThatThrownBy(() -> materializer.load(Table.class,
                new TestingArtifactReader(dir, "spark_parts:1", LoadOptions.DEFAULT.withColumns(List.of("person.name")))))
                .isInstanceOf(CairnException.class).hasMessageContaining("Column 'person.name' does not exist in artifact 'spark_parts:1'")
                .hasMessageContaining("person");
    }

    /**
     * Prints, for each column of pyarrow's table ({@code given.arrow}, argument 2), the type pyarrow reads from the Parquet
     * file argument 1 and whether its values are pyarrow's (extension types compared by their storage; the column cast to
     * the given type, which only renames list and map fields: the test checks the types read).
     */
    private static final String PYARROW_READER = """
            import sys
            import pyarrow as pa, pyarrow.parquet as pq, pyarrow.ipc as ipc
            saved = pq.read_table(sys.argv[1])
            given = ipc.open_file(sys.argv[2]).read_all()
            for name in given.column_names:
                expected = given.column(name)
                if isinstance(expected.type, pa.ExtensionType):
                    expected = pa.chunked_array([chunk.storage for chunk in expected.chunks], expected.type.storage_type)
                actual = saved.column(name)
                same = actual.cast(expected.type).equals(expected)
                print(name, actual.type, "same" if same else "different: %s" % actual, sep="\t")
            """;

    /**
     * A table loaded from pyarrow's parts holds what the materializer's own tables do not: unsigned integers, times,
     * fixed-size binaries, decimal256 and maps (and int96 timestamps as {@code timestamp[ns, UTC]}). Saved again as
     * Parquet it loads back equal to what pyarrow was given, and pyarrow and DuckDB read the saved file's values.
     */
    @Test
    void aTableLoadedFromForeignPartsSavesAsParquetLoadsBackEqualAndPyarrowAndDuckDbReadIt() throws Exception {
        Path dir = pyarrow("int96");
        Path saved = Files.createDirectories(directory.resolve("saved"));
        try (Table table = (Table) materializer.load(Table.class, new TestingArtifactReader(dir, "spark_parts:1"))) {
            materializer.save(table, new TestingArtifactWriter(saved, Table.class));
        }
        assertLoadsAsGiven(dir, new TestingArtifactReader(saved, "resaved:1"));
        // only flat columns: written by the flat chunk encoder's route, which leaves these types to the row writer
        List<String> flat = List.of("id", "u8", "u16", "u32", "u64", "tms", "tus", "tns", "fixed", "uid", "dec50", "ts");
        Path savedFlat = Files.createDirectories(directory.resolve("saved-flat"));
        try (Table table = (Table) materializer.load(Table.class,
                new TestingArtifactReader(dir, "spark_parts:1", LoadOptions.DEFAULT.withColumns(flat)))) {
            materializer.save(table, new TestingArtifactWriter(savedFlat, Table.class));
        }
        try (VectorSchemaRoot given = given(dir); VectorSchemaRoot loaded = loadTable(new TestingArtifactReader(savedFlat, "resaved:2"))) {
            assertThat(loaded.getSchema().getFields()).extracting(Field::getName).containsExactlyElementsOf(flat);
            for (String column : flat) {
                assertThat(shape(loaded.getSchema().findField(column))).isEqualTo(shape(given.getSchema().findField(column)));
                assertSameColumn(column, given.getVector(column), loaded.getVector(column), given.getRowCount());
            }
        }
        Path file = saved.resolve(ParquetFormat.FILE_NAME);
        assertThat(parquetSchema(file)).contains("optional int32 u8 (INTEGER(8,false))", "optional int64 u64 (INTEGER(64,false))",
                "optional int32 tms (TIME(MILLIS,false))", "optional int64 tns (TIME(NANOS,false))", "optional fixed_len_byte_array(16) fixed;",
                "optional fixed_len_byte_array(32) dec50 (DECIMAL(50,5))", "optional group scores (MAP) {\n    repeated group key_value {\n"
                        + "      required binary key (STRING);\n      optional int32 value (INTEGER(32,true));");

        String read = PyArrowInteropTest.runPython(directory, "read.py", PYARROW_READER, file.toString(), dir.resolve("given.arrow").toString());
        Map<String, String> pyarrowTypes = new LinkedHashMap<>();
        for (String line : read.strip().split("\n")) {
            String[] parts = line.split("\t");
            assertThat(parts[2]).as("pyarrow's values of column %s", parts[0]).isEqualTo("same");
            pyarrowTypes.put(parts[0], parts[1]);
        }
        assertThat(pyarrowTypes).containsEntry("u8", "uint8").containsEntry("u16", "uint16").containsEntry("u32", "uint32")
                .containsEntry("u64", "uint64").containsEntry("tms", "time32[ms]").containsEntry("tus", "time64[us]")
                .containsEntry("tns", "time64[ns]").containsEntry("fixed", "fixed_size_binary[16]").containsEntry("dec50", "decimal256(50, 5)")
                .containsEntry("ts", "timestamp[ns, tz=UTC]").containsEntry("scores", "map<string, int32 ('scores')>");

        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = duckdb.createStatement();
                ResultSet rows = statement.executeQuery("SELECT id, u8, u16, u32, u64, tms, tus, hex(fixed), scores, groups, dec38"
                        + " FROM read_parquet('" + file + "') ORDER BY id")) {
            List<String> values = new ArrayList<>();
            while (rows.next()) {
                List<String> row = new ArrayList<>();
                for (int column = 1; column <= 11; column++) {
                    row.add(rows.getString(column));
                }
                values.add(String.join(" | ", row));
            }
            assertThat(values).containsExactly(
                    "1 | 255 | 65535 | 4294967295 | 18446744073709551615 | 00:00 | 00:00 | 30313233343536373839616263646566 | {a=1, b=NULL}"
                            + " | {1=[x, NULL], 2=NULL} | 1234567890123456789012345678.0123456789",
                    "2 | 0 | 0 | 0 | 0 | 23:59:59.999 | 23:59:59.999999 | null | null | {3=[]} | -1E-10",
                    "3 | null | null | null | null | null | null | 00000000000000000000000000000000 | {} | null | null",
                    "4 | 1 | 1 | 1 | 1 | 00:00:00.001 | 00:00:00.000001 | FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF | {z=-5} | {} | 0E-10",
                    "5 | 128 | 32768 | 2147483648 | 9223372036854775808 | 12:00 | 12:00 | 66656463626139383736353433323130 | {k=0, l=2}"
                            + " | {4=[y]} | -9999999999999999999999999999.9999999999");
        }
    }

    /** A person of pyarrow's table, as a record. */
    public record Person(String name, Integer age) {}

    /** Some of pyarrow's columns (an int96 timestamp, decimals, a list, a struct) as a record. */
    public record Sample(long id, Instant ts, BigDecimal dec9, BigDecimal dec38, List<Integer> ints, Person person) {}

    /** pyarrow's unsigned 32-bit column, wrongly as a signed one. */
    public record Unsigned(long id, Integer u32) {}

    @Test
    void aListOfRecordsTakesInt96TimestampsDecimalsListsAndStructsAndRefusesAnUnsignedColumnNamingItsType() throws Exception {
        Path dir = pyarrow("int96");
        @SuppressWarnings("unchecked")
        List<Sample> samples = (List<Sample>) materializer.load(new TypeLiteral<List<Sample>>() {}.type(), new TestingArtifactReader(dir, "spark_parts:1"));
        assertThat(samples).containsExactly(
                new Sample(1, Instant.ofEpochSecond(1_709_210_096L, 789_012_345), new BigDecimal("1234567.89"),
                        new BigDecimal("1234567890123456789012345678.0123456789"), Arrays.asList(1, null, 3), new Person("ann", 31)),
                new Sample(2, null, new BigDecimal("-0.01"), new BigDecimal("-0.0000000001"), null, null),
                new Sample(3, Instant.EPOCH, null, null, List.of(), new Person(null, null)),
                new Sample(4, Instant.ofEpochSecond(-2_208_988_801L, 999_999_999), new BigDecimal("0.00"), new BigDecimal("0E-10"),
                        Arrays.asList((Integer) null), new Person("bo", 7)),
                new Sample(5, Instant.ofEpochSecond(-1, 999_999_999), new BigDecimal("-9999999.99"),
                        new BigDecimal("-9999999999999999999999999999.9999999999"), List.of(2147483647, -2147483648), new Person("", -1)));
        assertThatThrownBy(() -> materializer.load(new TypeLiteral<List<Unsigned>>() {}.type(), new TestingArtifactReader(dir, "spark_parts:1")))
                .isInstanceOf(CairnException.class).hasMessageContaining("'u32' is uint32");
    }

    /**
     * The legacy layouts of parquet-format's backward-compatibility rules, written by parquet-java itself: two-level lists
     * (a repeated primitive; a repeated group of two fields; one named {@code array}; one named {@code <list>_tuple}), old
     * Spark's three-level {@code bag}/{@code array} list, and a {@code MAP_KEY_VALUE} map.
     */
    @Test
    void legacyTwoLevelListsAndMapKeyValueMapsLoadWithTheirElementsAndEntries() throws Exception {
        MessageType schema = MessageTypeParser.parseMessageType("message hive_schema {"
                + " required int64 id;"
                + " optional group tags (LIST) { repeated binary array (UTF8); }"
                + " optional group pairs (LIST) { repeated group pair { required int32 a; optional binary b (UTF8); } }"
                + " optional group wrapped (LIST) { repeated group array { optional binary s (UTF8); } }"
                + " optional group singles (LIST) { repeated group singles_tuple { optional int32 v; } }"
                + " optional group bagged (LIST) { repeated group bag { optional int32 array; } }"
                + " optional group legacy_map (MAP_KEY_VALUE) { repeated group map { required binary key (UTF8); optional int64 value; } }"
                + " }");
        SimpleGroupFactory rows = new SimpleGroupFactory(schema);
        List<Group> written = new ArrayList<>();
        Group first = rows.newGroup().append("id", 1L);
        first.addGroup("tags").append("array", "x").append("array", "y");
        Group pairs = first.addGroup("pairs");
        pairs.addGroup("pair").append("a", 1).append("b", "one");
        pairs.addGroup("pair").append("a", 2);
        Group wrapped = first.addGroup("wrapped");
        wrapped.addGroup("array").append("s", "w");
        wrapped.addGroup("array");
        Group singles = first.addGroup("singles");
        singles.addGroup("singles_tuple").append("v", 7);
        Group bagged = first.addGroup("bagged");
        bagged.addGroup("bag").append("array", 5);
        bagged.addGroup("bag");
        Group map = first.addGroup("legacy_map");
        map.addGroup("map").append("key", "k1").append("value", 10L);
        map.addGroup("map").append("key", "k2");
        written.add(first);
        Group second = rows.newGroup().append("id", 2L); // every nested column null
        written.add(second);
        Group third = rows.newGroup().append("id", 3L); // every nested column empty
        for (String column : List.of("tags", "pairs", "wrapped", "singles", "bagged", "legacy_map")) {
            third.addGroup(column);
        }
        written.add(third);
        try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(directory.resolve("part-00000.parquet")))
                .withType(schema).build()) {
            for (Group row : written) {
                writer.write(row);
            }
        }

        try (VectorSchemaRoot loaded = loadTable(new TestingArtifactReader(directory, "hive_parts:1"))) {
            assertThat(loaded.getSchema().getFields()).extracting(ForeignParquetReadTest::shape).containsExactly(
                    "Int(64, true)", "List?<Utf8>", "List?<Struct<a:Int(32, true),b:Utf8?>>", "List?<Struct<s:Utf8?>>",
                    "List?<Struct<v:Int(32, true)?>>", "List?<Int(32, true)?>",
                    "Map(false)?<entries:Struct<key:Utf8,value:Int(64, true)?>>");
            // (Arrow's getObject of a struct leaves out its null fields)
            assertThat(rowsOf(loaded)).containsExactly(
                    Arrays.asList(1L, List.of("x", "y"), List.of(struct("a", 1, "b", "one"), struct("a", 2)),
                            List.of(struct("s", "w"), struct()), List.of(struct("v", 7)), Arrays.asList(5, null),
                            List.of(struct("key", "k1", "value", 10L), struct("key", "k2"))),
                    Arrays.asList(2L, null, null, null, null, null, null),
                    Arrays.asList(3L, List.of(), List.of(), List.of(), List.of(), List.of(), List.of()));
        }
    }

    /**
     * int96 values as parquet-java writes what it is given (8 little-endian bytes of nanoseconds of the day, then the
     * Julian day): the epoch, one nanosecond before it, and pyarrow's limits load exactly; a day past 2262-04-11 does not
     * fit {@code timestamp[ns]} and is refused naming the column and the file, not wrapped around.
     */
    @Test
    void int96ValuesAreJulianDaysAndNanosecondsAndOnesOutsideTheNanosecondRangeAreRefused() throws Exception {
        MessageType schema = MessageTypeParser.parseMessageType("message spark_schema { optional int96 at; }");
        long epochDay = 2_440_588L;
        long day = 86_400_000_000_000L;
        writeInt96(directory.resolve("part-00000.parquet"), schema, new long[][] {
            {epochDay, 0}, {epochDay - 1, day - 1}, {epochDay + 19_782, 45_296_789_012_345L}, {epochDay + 106_751, 85_636_854_775_807L},
            {epochDay - 106_752, 763_145_224_192L}});
        try (VectorSchemaRoot loaded = loadTable(new TestingArtifactReader(directory, "int96_parts:1"))) {
            assertThat(rowsOf(loaded)).extracting(row -> row.get(0)).containsExactly(0L, -1L, 1_709_210_096_789_012_345L,
                    Long.MAX_VALUE, Long.MIN_VALUE);
        }
        Path outside = Files.createDirectories(directory.resolve("outside"));
        writeInt96(outside.resolve("part-00000.parquet"), schema, new long[][] {{epochDay, 0}, {epochDay + 106_752, 0}});
        assertThatThrownBy(() -> materializer.load(Table.class, new TestingArtifactReader(outside, "int96_parts:2")))
                .isInstanceOf(CairnException.class).satisfies(e -> assertThat(((CairnException) e).errorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH))
                .hasMessageContaining("file part-00000.parquet of artifact 'int96_parts:2'").hasMessageContaining("column 'at'")
                .hasMessageContaining("Julian day " + (epochDay + 106_752)).hasMessageContaining("timestamp[ns]");
    }

    private static void writeInt96(Path file, MessageType schema, long[][] daysAndNanos) throws IOException {
        SimpleGroupFactory rows = new SimpleGroupFactory(schema);
        try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(file)).withType(schema).build()) {
            for (long[] value : daysAndNanos) {
                ByteBuffer bytes = ByteBuffer.allocate(12).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(value[1]).putInt((int) value[0]);
                writer.write(rows.newGroup().append("at", org.apache.parquet.io.api.Binary.fromConstantByteArray(bytes.array())));
            }
        }
    }

    /**
     * DuckDB's types as it writes them (decimals of precision up to 18 as int32/int64, UUID, ENUM, TIME, timestamps with
     * and without zone and of every unit, unsigned and small integers, structs, lists with null elements, maps, lists of
     * structs) load with the values DuckDB's own query returns; an INTERVAL column is refused naming the column, its
     * Parquet type and the file.
     */
    @Test
    void duckDbsTypesLoadWithTheValuesOfItsQueryAndAnIntervalIsRefusedNamingTheColumnAndFile() throws Exception {
        String select = "SELECT * FROM (VALUES"
                + " (1, 123.4::DECIMAL(4,1), 1234567.89::DECIMAL(9,2), 12345678901234.5678::DECIMAL(18,4),"
                + "  '1234567890123456789012345678.0123456789'::DECIMAL(38,10), 'c0a80001-0000-4000-8000-00000000002a'::UUID, 'green'::color,"
                + "  TIME '23:59:59.999999', TIMESTAMP '2024-02-29 12:34:56.789012', TIMESTAMPTZ '2024-02-29 12:34:56.789012+00',"
                + "  '2024-02-29 12:34:56.789'::TIMESTAMP_MS, '2024-02-29 12:34:56.789012345'::TIMESTAMP_NS,"
                + "  255::UTINYINT, 65535::USMALLINT, 4294967295::UINTEGER, 18446744073709551615::UBIGINT, (-128)::TINYINT, (-32768)::SMALLINT,"
                + "  {'a': 1, 'b': ['x', NULL]}, [1, NULL, 3], MAP {'k': 1, 'n': NULL}, [{'k': 'p', 'v': 1.5}, NULL],"
                + "  DATE '2024-02-29', '\\xAA\\x00'::BLOB, true, 1.5::FLOAT, 'text'),"
                + " (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
                + "  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),"
                + " (3, -999.9::DECIMAL(4,1), -0.01::DECIMAL(9,2), 0::DECIMAL(18,4), '-0.0000000001'::DECIMAL(38,10),"
                + "  '00000000-0000-0000-0000-000000000000'::UUID, 'red'::color, TIME '00:00:00', TIMESTAMP '1900-01-01 00:00:00',"
                + "  TIMESTAMPTZ '1969-12-31 23:59:59.999999+00', '1970-01-01'::TIMESTAMP_MS, '1677-09-22 00:00:00'::TIMESTAMP_NS,"
                + "  0::UTINYINT, 0::USMALLINT, 0::UINTEGER, 0::UBIGINT, 127::TINYINT, 32767::SMALLINT,"
                + "  {'a': NULL, 'b': []}, [], MAP {}, [], DATE '0001-01-01', ''::BLOB, false, -0.0::FLOAT, '')"
                + ") AS t(id, d4, d9, d18, d38, u, e, tm, ts, tz, ts_ms, ts_ns, ut, us, ui, ub, ti, si, s, l, m, ls, dt, bl, b, f, v)";
        Path file = directory.resolve("part-00000.parquet");
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = duckdb.createStatement()) {
            statement.execute("SET TimeZone = 'UTC'");
            statement.execute("CREATE TYPE color AS ENUM ('red', 'green')");
            statement.execute("COPY (" + select + ") TO '" + file + "' (FORMAT parquet)");
            assertThat(parquetSchema(file)).contains("optional int32 d4 (DECIMAL(4,1))", "optional int32 d9 (DECIMAL(9,2))",
                    "optional int64 d18 (DECIMAL(18,4))", "fixed_len_byte_array(16) u (UUID)");

            try (VectorSchemaRoot loaded = loadTable(new TestingArtifactReader(directory, "duckdb_parts:1"))) {
                assertThat(loaded.getSchema().getFields()).extracting(ForeignParquetReadTest::shape).containsExactly(
                        "Int(32, true)?", "Decimal(4, 1, 128)?", "Decimal(9, 2, 128)?", "Decimal(18, 4, 128)?", "Decimal(38, 10, 128)?",
                        "FixedSizeBinary(16)?", "Utf8?", "Time(MICROSECOND, 64)?", "Timestamp(MICROSECOND, null)?",
                        "Timestamp(MICROSECOND, UTC)?", "Timestamp(MILLISECOND, null)?", "Timestamp(NANOSECOND, null)?",
                        "Int(8, false)?", "Int(16, false)?", "Int(32, false)?", "Int(64, false)?", "Int(8, true)?", "Int(16, true)?",
                        "Struct?<a:Int(32, true)?,b:List?<Utf8?>>", "List?<Int(32, true)?>", "Map(false)?<entries:Struct<key:Utf8,value:Int(32, true)?>>",
                        "List?<Struct?<k:Utf8?,v:Decimal(2, 1, 128)?>>", "Date(DAY)?", "Binary?", "Bool?", "FloatingPoint(SINGLE)?", "Utf8?");
                // what DuckDB's query gives, through its own Arrow export (the UUID and ENUM as text)
                try (ResultSet result = statement.executeQuery("SELECT * REPLACE (u::VARCHAR AS u, e::VARCHAR AS e) FROM (" + select + ")")) {
                    ArrowReader export = (ArrowReader) result.unwrap(DuckDBResultSet.class).arrowExportStream(allocator, 1024);
                    try (export) {
                        assertThat(export.loadNextBatch()).isTrue();
                        VectorSchemaRoot expected = export.getVectorSchemaRoot();
                        assertThat(loaded.getRowCount()).isEqualTo(expected.getRowCount());
                        for (Field field : loaded.getSchema().getFields()) {
                            FieldVector actual = loaded.getVector(field.getName());
                            for (int row = 0; row < expected.getRowCount(); row++) {
                                Object value = plain(actual.getObject(row));
                                if (field.getName().equals("u") && value != null) {
                                    ByteBuffer bytes = ByteBuffer.wrap(HexFormat.of().parseHex(((String) value).substring(2)));
                                    value = new UUID(bytes.getLong(), bytes.getLong()).toString();
                                }
                                assertThat(value).as("column %s, row %d", field.getName(), row)
                                        .isEqualTo(plain(expected.getVector(field.getName()).getObject(row)));
                            }
                        }
                    }
                }
            }

            Files.delete(file);
            statement.execute("COPY (SELECT 1 AS id, INTERVAL 3 DAY AS waited) TO '" + file + "' (FORMAT parquet)");
        }
        assertThatThrownBy(() -> materializer.load(Table.class, new TestingArtifactReader(directory, "duckdb_parts:2")))
                .isInstanceOf(CairnException.class).satisfies(e -> assertThat(((CairnException) e).errorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH))
                .hasMessageContaining("file part-00000.parquet of artifact 'duckdb_parts:2'").hasMessageContaining("column 'waited'")
                .hasMessageContaining("fixed_len_byte_array(12) waited (INTERVAL)");
    }

    private Path pyarrow(String variant) throws Exception {
        PyArrowInteropTest.findPythonWithPyarrow();
        Path dir = Files.createDirectories(directory.resolve(variant));
        PyArrowInteropTest.runPython(directory, "write.py", PYARROW_WRITER, dir.toString(), variant);
        return dir;
    }

    /** The table pyarrow was given: its IPC file (not a part: the load reads only {@code *.parquet}). */
    private VectorSchemaRoot given(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir.resolve("given.arrow"), StandardOpenOption.READ);
                ArrowFileReader reader = new ArrowFileReader(channel, allocator)) {
            assertThat(reader.loadNextBatch()).isTrue();
            VectorSchemaRoot batch = reader.getVectorSchemaRoot();
            List<FieldVector> vectors = new ArrayList<>();
            for (FieldVector vector : batch.getFieldVectors()) {
                org.apache.arrow.vector.util.TransferPair copy = vector.getTransferPair(allocator);
                copy.transfer();
                vectors.add((FieldVector) copy.getTo());
            }
            VectorSchemaRoot given = new VectorSchemaRoot(vectors);
            given.setRowCount(batch.getRowCount());
            return given;
        }
    }

    /** Loads an artifact as a {@link Table}, then as its vectors. */
    private VectorSchemaRoot loadTable(TestingArtifactReader artifact) throws IOException {
        try (Table table = (Table) materializer.load(Table.class, artifact)) {
            return table.toVectorSchemaRoot();
        }
    }

    /** Loads the part files of {@code dir} as a Spark Dataset artifact's are loaded and compares them with {@code given.arrow}. */
    private void assertLoadsAsGiven(Path dir) throws IOException {
        assertLoadsAsGiven(dir, new TestingArtifactReader(dir, "spark_parts:1"));
    }

    /** Loads {@code artifact} as a {@link Table} and compares it with {@code given.arrow} of {@code dir}. */
    private void assertLoadsAsGiven(Path dir, TestingArtifactReader artifact) throws IOException {
        try (VectorSchemaRoot given = given(dir);
                VectorSchemaRoot loaded = loadTable(artifact)) {
            assertThat(loaded.getSchema().getFields()).extracting(ForeignParquetReadTest::shape)
                    .containsExactlyElementsOf(given.getSchema().getFields().stream().map(ForeignParquetReadTest::shape).toList());
            assertThat(loaded.getRowCount()).isEqualTo(given.getRowCount()).isEqualTo(5);
            for (Field field : given.getSchema().getFields()) {
                assertSameColumn(field.getName(), given.getVector(field.getName()), loaded.getVector(field.getName()), given.getRowCount());
            }
        }
    }

    private static void assertSameColumn(String column, FieldVector given, FieldVector loaded, long rows) {
        for (int row = 0; row < rows; row++) {
            assertThat(plain(loaded.getObject(row))).as("column %s, row %d", column, row).isEqualTo(plain(given.getObject(row)));
        }
    }

    /** A value of {@code getObject} with byte arrays as hex and Arrow text as strings, so that equal values compare equal. */
    private static Object plain(Object value) {
        if (value instanceof byte[] bytes) {
            return "0x" + HexFormat.of().formatHex(bytes);
        } else if (value instanceof Text text) {
            return text.toString();
        } else if (value instanceof BigDecimal decimal) {
            return decimal.toPlainString();
        } else if (value instanceof List<?> list) {
            List<Object> plain = new ArrayList<>();
            list.forEach(item -> plain.add(plain(item)));
            return plain;
        } else if (value instanceof Map<?, ?> map) {
            Map<Object, Object> plain = new LinkedHashMap<>();
            map.forEach((key, item) -> plain.put(plain(key), plain(item)));
            return plain;
        }
        return value;
    }

    /** A field's type, nullability ({@code ?}) and children, without the names of list elements (writers name them differently). */
    private static String shape(Field field) {
        String type = field.getType().toString() + (field.isNullable() ? "?" : "");
        if (field.getChildren().isEmpty()) {
            return type;
        }
        boolean list = field.getType().getTypeID() == ArrowType.ArrowTypeID.List;
        return type + field.getChildren().stream().map(child -> list ? shape(child) : child.getName() + ":" + shape(child))
                .collect(Collectors.joining(",", "<", ">"));
    }

    private static List<List<Object>> rowsOf(VectorSchemaRoot table) {
        List<List<Object>> rows = new ArrayList<>();
        for (int row = 0; row < table.getRowCount(); row++) {
            List<Object> values = new ArrayList<>();
            for (Field field : table.getSchema().getFields()) {
                values.add(plain(table.getVector(field.getName()).getObject(row)));
            }
            rows.add(values);
        }
        return rows;
    }

    private static Map<String, Object> struct(Object... namesAndValues) {
        Map<String, Object> struct = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            struct.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return struct;
    }

    private static String parquetSchema(Path file) throws IOException {
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
            return reader.getFileMetaData().getSchema().toString();
        }
    }
}
