package dev.cairn.materializers.arrow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.table.Table;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import dev.cairn.testkit.TestingArtifactReader;
import dev.cairn.testkit.TestingArtifactWriter;

/**
 * A reader nobody here wrote, in another language: {@code pyarrow.parquet.read_table} (in the Python of
 * {@code CAIRN_TEST_PYTHON}; skipped, saying so, without it or without pyarrow) reads the Parquet files
 * {@link ArrowMaterializer} writes with the schema and the values that were saved.
 */
class PyArrowInteropTest {
    /**
     * Prints the file's schema (one {@code name type nullable} line per field), its row and row-group counts, then one
     * line per row (or only sums when asked): each value in a canonical text form the test builds from the saved rows too.
     */
    private static final String SCRIPT = """
            import json, math, sys, datetime, decimal
            import pyarrow as pa, pyarrow.parquet as pq, pyarrow.compute as pc
            path, mode = sys.argv[1], sys.argv[2]
            table = pq.read_table(path)
            for field in table.schema:
                print("field", field.name, str(field.type), "nullable" if field.nullable else "not-null", sep="\\t")
            print("rows", table.num_rows, "row-groups", pq.ParquetFile(path).metadata.num_row_groups, sep="\\t")
            columns = [table.column(i).cast(pa.int64()) if pa.types.is_timestamp(table.schema[i].type) else table.column(i)
                       for i in range(table.num_columns)]
            def c(v):
                if v is None: return "null"
                if isinstance(v, bool): return "true" if v else "false"
                if isinstance(v, int): return str(v)
                if isinstance(v, float): return "nan" if math.isnan(v) else repr(v)
                if isinstance(v, decimal.Decimal): return str(v)
                if isinstance(v, datetime.date): return v.isoformat()
                if isinstance(v, bytes): return "0x" + v.hex()
                if isinstance(v, str): return json.dumps(v, ensure_ascii=False)
                if isinstance(v, dict): return "{" + ",".join(k + "=" + c(x) for k, x in v.items()) + "}"
                if isinstance(v, list): return "[" + ",".join(c(x) for x in v) + "]"
                raise TypeError(type(v))
            if mode == "rows":
                values = [col.to_pylist() for col in columns]
                for r in range(table.num_rows):
                    print("row", *[c(values[i][r]) for i in range(len(values))], sep="\\t")
            else:
                print("sums", *[pc.sum(col).as_py() for col in columns], sep="\\t")
                match = table.filter(pc.equal(table.column(0), 123456))
                print("match", *[c(v) for v in match.to_pylist()[0].values()], sep="\\t")
            """;

    private static Path python;

    @TempDir
    Path directory;

    private RootAllocator allocator;
    private ArrowMaterializer materializer;

    /** Finds the Python of {@code CAIRN_TEST_PYTHON} with pyarrow, or skips the test (class) saying what is missing. */
    @BeforeAll
    static void findPythonWithPyarrow() throws Exception {
        String configured = System.getenv("CAIRN_TEST_PYTHON");
        Assumptions.assumeTrue(configured != null && !configured.isBlank() && Files.isExecutable(Path.of(configured)),
                "CAIRN_TEST_PYTHON is not set to a Python interpreter with pyarrow: run ./run-tests (it makes one), or create a venv with "
                        + "`pip install pyarrow` and export CAIRN_TEST_PYTHON=<venv>/bin/python");
        Process probe = new ProcessBuilder(configured, "-c", "import pyarrow.parquet").redirectErrorStream(true).start();
        String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Assumptions.assumeTrue(probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0,
                "the Python of CAIRN_TEST_PYTHON (" + configured + ") has no pyarrow: pip install pyarrow into it (" + output.trim() + ")");
        python = Path.of(configured);
    }

    @BeforeEach
    void open() {
        allocator = TestingAllocator.create();
        materializer = new ArrowMaterializer(allocator);
    }

    @AfterEach
    void close() {
        TestingAllocator.closeAndAssertNoLeaks(allocator);
    }

    private List<String> read(Path dir, String mode) throws IOException, InterruptedException {
        return runPython(directory, "read.py", SCRIPT, dir.resolve(ParquetFormat.FILE_NAME).toString(), mode).lines().toList();
    }

    /**
     * Runs {@code script} (saved as {@code name} in {@code directory}) with the Python of {@code CAIRN_TEST_PYTHON} and
     * {@code arguments}; fails unless it exits with 0 within 300 s. Call {@link #findPythonWithPyarrow()} first.
     *
     * @return what it printed (stdout and stderr)
     */
    static String runPython(Path directory, String name, String script, String... arguments) throws IOException, InterruptedException {
        Path saved = Files.writeString(directory.resolve(name), script);
        Path output = directory.resolve("python-output-" + System.nanoTime() + ".txt");
        List<String> command = new ArrayList<>(List.of(python.toString(), saved.toString()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        boolean finished = process.waitFor(300, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly();
        }
        String text = Files.readString(output, StandardCharsets.UTF_8);
        assertThat(finished).as("%s did not finish within 300 s: %s", name, text).isTrue();
        assertThat(process.exitValue()).as("%s %s failed:%n%s", name, command.subList(2, command.size()), text).isZero();
        return text;
    }

    private static List<String> starting(List<String> lines, String kind) {
        return lines.stream().filter(line -> line.startsWith(kind + "\t")).map(line -> line.substring(kind.length() + 1)).toList();
    }

    @Test
    void pyarrowReadsRecordsOfEveryComponentTypeWithTheirSchemaAndValues() throws Exception {
        List<ArrowMaterializerTest.Rich> rows = ArrowMaterializerTest.richRows();
        materializer.save(rows, new TestingArtifactWriter(directory, ArrowMaterializerTest.RICH_LIST));

        List<String> lines = read(directory, "rows");

        assertThat(starting(lines, "field")).containsExactly(
                "flag\tbool\tnot-null", "tiny\tint8\tnot-null", "small\tint16\tnot-null", "count\tint32\tnot-null", "big\tint64\tnot-null",
                "ratio\tfloat\tnot-null", "score\tdouble\tnot-null",
                "maybeFlag\tbool\tnullable", "maybeCount\tint32\tnullable", "maybeBig\tint64\tnullable", "maybeScore\tdouble\tnullable",
                "name\tstring\tnullable", "price\tdecimal128(38, 2)\tnullable", "day\tdate32[day]\tnullable",
                "at\ttimestamp[ns, tz=UTC]\tnullable", "color\tstring\tnullable", "payload\tbinary\tnullable",
                "address\tstruct<city: string, zip: int32 not null>\tnullable", "tags\tlist<element: string>\tnullable",
                "history\tlist<element: struct<city: string, zip: int32 not null>>\tnullable", "matrix\tlist<element: list<element: int32>>\tnullable");
        assertThat(starting(lines, "rows")).containsExactly("3\trow-groups\t1");
        assertThat(starting(lines, "row")).containsExactly(rows.stream().map(PyArrowInteropTest::canonical).toArray(String[]::new));
    }

    @Test
    void pyarrowReadsA300000RowRecordListAndTheTableArtifactSavedFromIt() throws Exception {
        List<ArrowMaterializerTest.Row> rows = ArrowMaterializerTest.rows(300_000);
        materializer.save(rows, new TestingArtifactWriter(directory, ArrowMaterializerTest.ROW_LIST));
        Path tableDir = directory.resolve("table");
        try (Table table = (Table) materializer.load(Table.class, new TestingArtifactReader(directory, "test_table:1"))) {
            materializer.save(table, new TestingArtifactWriter(tableDir, Table.class));
        }
        long targets = rows.stream().mapToLong(ArrowMaterializerTest.Row::target).sum();
        for (Path dir : List.of(directory, tableDir)) {
            List<String> lines = read(dir, "sums");
            assertThat(starting(lines, "field")).as(dir.toString())
                    .containsExactly("feature1\tint32\tnot-null", "feature2\tint32\tnot-null", "target\tint32\tnot-null");
            assertThat(starting(lines, "rows")).singleElement().satisfies(line -> assertThat(line).startsWith("300000\trow-groups\t"));
            assertThat(starting(lines, "sums")).containsExactly("44999850000\t89999700000\t" + targets);
            assertThat(starting(lines, "match")).containsExactly("123456\t246912\t" + 123456 % 7);
        }
    }

    /** A saved row in the script's canonical form, tab-separated. */
    private static String canonical(ArrowMaterializerTest.Rich row) {
        return List.<Object>of(row.flag(), row.tiny(), row.small(), row.count(), row.big(), row.ratio(), row.score()).stream()
                .map(PyArrowInteropTest::canonical).collect(Collectors.joining("\t")) + "\t"
                + java.util.stream.Stream.of(row.maybeFlag(), row.maybeCount(), row.maybeBig(), row.maybeScore(), row.name(), row.price(),
                        row.day(), row.at(), row.color(), row.payload(), row.address(), row.tags(), row.history(), row.matrix())
                        .map(PyArrowInteropTest::canonical).collect(Collectors.joining("\t"));
    }

    private static String canonical(Object value) {
        if (value == null) {
            return "null";
        } else if (value instanceof Float f) {
            return canonical((double) f);
        } else if (value instanceof Double d) {
            return d.isNaN() ? "nan" : Double.toString(d); // Python's repr of these values (1.5, 2.25, -0.0, 0.5, 0.0)
        } else if (value instanceof BigDecimal decimal) {
            return decimal.toPlainString();
        } else if (value instanceof LocalDate date) {
            return date.toString();
        } else if (value instanceof Instant at) {
            return java.math.BigInteger.valueOf(at.getEpochSecond()).multiply(java.math.BigInteger.valueOf(1_000_000_000L))
                    .add(java.math.BigInteger.valueOf(at.getNano())).toString();
        } else if (value instanceof Enum<?> constant) {
            return canonical(constant.name());
        } else if (value instanceof String text) {
            return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        } else if (value instanceof byte[] bytes) {
            return "0x" + HexFormat.of().formatHex(bytes);
        } else if (value instanceof ArrowMaterializerTest.Address address) {
            return "{city=" + canonical(address.city()) + ",zip=" + address.zip() + "}";
        } else if (value instanceof List<?> list) {
            List<String> items = new ArrayList<>();
            for (Object item : list) {
                items.add(canonical(item));
            }
            return "[" + String.join(",", items) + "]";
        }
        return value.toString(); // booleans and integers
    }
}
