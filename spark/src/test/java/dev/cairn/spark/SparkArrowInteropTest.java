package dev.cairn.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.table.Table;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.artifact.LoadOptions;
import dev.cairn.api.artifact.TypeRef;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunStatus;
import dev.cairn.materializers.arrow.ArrowMaterializer;

/**
 * A Spark Dataset artifact taken by a plain Java step as an Arrow {@code Table} (materializers-arrow reads its Parquet
 * parts), and an Arrow Parquet artifact taken by a Spark step as a {@code Dataset<Row>}: the engine picks the
 * materializer that declares it reads the writer's files ({@code Materializer.canLoad}).
 */
class SparkArrowInteropTest {
    private static final BufferAllocator ALLOCATOR = new RootAllocator();
    private static final List<AutoCloseable> MADE = Collections.synchronizedList(new ArrayList<>());
    static final int ARROW_ROWS = 400;
    static final int NESTED_ROWS = 60;

    @TempDir
    Path home;

    /** A row of {@code SparkSteps.generate}'s Dataset, as a Java record. */
    public record Sale(long id, String category, double amount) {}

    @BeforeAll
    static void start() {
        TestingSpark.session();
    }

    @AfterAll
    static void closeArrow() throws Exception {
        for (AutoCloseable made : MADE) {
            made.close();
        }
        ALLOCATOR.close();
    }

    /** A plain Java step: the rows of an Arrow table as "id,category,amount" lines, sorted. */
    @Step
    public static List<String> tableLines(Table table) {
        try (table) {
            return lines(table);
        }
    }

    /** A plain Java step: an Arrow table of {@link #ARROW_ROWS} rows (id, sensor, value, bucket, level), saved as Parquet. */
    @Step
    public static Table arrowTable() {
        // bucket and level: few values, so their Parquet pages are dictionary pages (DictionaryPageEncoder) Spark reads
        VectorSchemaRoot root = VectorSchemaRoot.of(new BigIntVector("id", ALLOCATOR), new VarCharVector("sensor", ALLOCATOR),
                new Float8Vector("value", ALLOCATOR), new Float8Vector("bucket", ALLOCATOR), new org.apache.arrow.vector.IntVector("level", ALLOCATOR));
        MADE.add(root);
        BigIntVector id = (BigIntVector) root.getVector("id");
        VarCharVector sensor = (VarCharVector) root.getVector("sensor");
        Float8Vector value = (Float8Vector) root.getVector("value");
        root.allocateNew();
        for (int i = 0; i < ARROW_ROWS; i++) {
            id.setSafe(i, i);
            sensor.setSafe(i, ("s" + i % 3).getBytes(StandardCharsets.UTF_8));
            value.setSafe(i, i / 8.0);
            ((Float8Vector) root.getVector("bucket")).setSafe(i, i % 5 * 0.5);
            ((org.apache.arrow.vector.IntVector) root.getVector("level")).setSafe(i, i % 3 - 1);
        }
        root.setRowCount(ARROW_ROWS);
        Table table = new Table(root);
        MADE.add(table);
        return table;
    }

    /** A Spark step: the rows of a Dataset as lines, sorted (collected on the driver: the data is small). */
    @Step
    public static List<String> datasetLines(Dataset<Row> rows) {
        return lines(rows);
    }

    @Step
    public static List<String> strings(List<String> strings) {
        return strings;
    }

    /**
     * A Spark step: a Dataset of Spark's own types as it writes them by default — an int96 timestamp, decimals stored as
     * int32 (9,2), int64 (18,4) and a 16-byte array (38,10), a struct, an array with null elements (and null and empty
     * arrays), a map with null values, an array of structs holding arrays — with nulls at every level, in 3 partitions.
     */
    @Step
    public static Dataset<Row> nestedDataset() {
        return SparkSessions.current().range(0, NESTED_ROWS, 1, 3).selectExpr(
                "id",
                "CASE WHEN id % 7 = 3 THEN NULL ELSE timestamp_micros(1709210096789012 - id * 86400000001 * 400) END AS ts",
                "CASE WHEN id % 8 = 5 THEN NULL ELSE CAST(id * 12.34 - 300 AS DECIMAL(9,2)) END AS d9",
                "CAST(id * 123456789.0123 - 99999999999.5 AS DECIMAL(18,4)) AS d18",
                "CAST(concat(CASE WHEN id % 2 = 0 THEN '-' ELSE '' END, id % 10, '23456789012345678901234567.01234567', id % 10)"
                        + " AS DECIMAL(38,10)) AS d38",
                "CASE WHEN id % 5 = 0 THEN NULL ELSE named_struct('name', CASE WHEN id % 3 = 0 THEN NULL ELSE concat('n', id) END,"
                        + " 'n', id * 2) END AS s",
                "CASE WHEN id % 6 = 0 THEN NULL WHEN id % 6 = 1 THEN CAST(array() AS ARRAY<BIGINT>)"
                        + " ELSE array(id, CASE WHEN id % 2 = 0 THEN NULL ELSE id + 1 END, NULL) END AS arr",
                "CASE WHEN id % 4 = 0 THEN NULL ELSE map(concat('k', id), CASE WHEN id % 3 = 0 THEN NULL ELSE id END, 'z', id) END AS m",
                "CASE WHEN id % 9 = 4 THEN NULL ELSE array(named_struct('x', id, 'tags', CASE WHEN id % 2 = 0 THEN NULL"
                        + " ELSE array('a', NULL, concat('t', id)) END), CAST(NULL AS STRUCT<x: BIGINT, tags: ARRAY<STRING>>)) END AS items",
                "array(id, id * 3) AS pair"); // elements never null: a two-level list in Spark's legacy format
    }

    @Test
    void aPlainStepTakesASparkDatasetAsAnArrowTableAndASparkStepTakesAnArrowArtifactAsADataset() {
        try (Cairn cairn = Cairn.open(home)) {
            PipelineRun run = cairn.run(Pipeline.define("interop", p -> {
                p.call(SparkArrowInteropTest::tableLines, p.call(SparkSteps::generate, Param.of(4)).loadedAs(Table.class));
                p.call(SparkArrowInteropTest::datasetLines, p.call(SparkArrowInteropTest::arrowTable)
                        .loadedAs(new TypeRef<Dataset<Row>>() {}));
            }));
            assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);

            ArtifactVersion dataset = run.step("generate").output("output");
            assertThat(dataset.materializerId()).isEqualTo(DatasetMaterializer.ID);
            assertThat(dataset.files()).hasSizeGreaterThan(1); // several part files, read as one table
            List<String> sparkRows = lines(dataset.<Dataset<Row>>load(new TypeRef<Dataset<Row>>() {}));
            assertThat(sparkRows).hasSize(SparkSteps.ROWS);
            List<String> tableRows = run.step("tableLines").output("output").load();
            assertThat(tableRows).isEqualTo(sparkRows);
            try (Table table = dataset.load(Table.class, LoadOptions.DEFAULT.withVerify(true))) { // the client too, verified
                assertThat(table.getRowCount()).isEqualTo(SparkSteps.ROWS);
                assertThat(lines(table)).isEqualTo(sparkRows);
            }

            List<Sale> sales = dataset.load(new TypeRef<List<Sale>>() {}); // as Java records, through the same Arrow reader
            assertThat(sales.stream().map(sale -> sale.id() + "," + sale.category() + "," + sale.amount()).sorted().toList()).isEqualTo(sparkRows);

            ArtifactVersion arrow = run.step("arrowTable").output("output");
            assertThat(arrow.materializerId()).isEqualTo(ArrowMaterializer.ID);
            List<String> arrowRows;
            try (Table table = arrow.load(Table.class)) {
                arrowRows = lines(table);
            }
            assertThat(arrowRows).hasSize(ARROW_ROWS).contains("7,s1,0.875,1.0,0");
            List<String> datasetRows = run.step("datasetLines").output("output").load();
            assertThat(datasetRows).isEqualTo(arrowRows);
            Dataset<Row> loaded = arrow.load(new TypeRef<Dataset<Row>>() {}.type(), LoadOptions.DEFAULT.withVerify(true));
            assertThat(loaded.columns()).containsExactly("id", "sensor", "value", "bucket", "level");
            assertThat(lines(loaded)).isEqualTo(arrowRows);
        }
    }

    /**
     * Spark's default Parquet (int96 timestamps, int32/int64/fixed-length decimals, standard nested layouts) and, in a
     * second run, its legacy format ({@code spark.sql.parquet.writeLegacyFormat}: fixed-length decimals, {@code bag}/{@code
     * array} lists, two-level lists of non-null elements) load in a plain step as an Arrow {@code Table}: every value and
     * null equal to Spark's rows.
     */
    @Test
    void aDatasetOfInt96TimestampsDecimalsStructsArraysAndMapsLoadsAsATableWithSparksValues() throws Exception {
        assertThat(TestingSpark.session().conf().get("spark.sql.parquet.outputTimestampType")).isEqualTo("INT96");
        for (boolean legacy : List.of(false, true)) {
            TestingSpark.session().conf().set("spark.sql.parquet.writeLegacyFormat", Boolean.toString(legacy));
            Path runHome = home.resolve(legacy ? "legacy" : "default");
            try (Cairn cairn = Cairn.open(runHome)) {
                PipelineRun run = cairn.run(Pipeline.define("nested_interop", p ->
                        p.call(SparkArrowInteropTest::tableRows, p.call(SparkArrowInteropTest::nestedDataset).loadedAs(Table.class))));
                assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
                ArtifactVersion dataset = run.step("nestedDataset").output("output");
                assertThat(dataset.files()).hasSizeGreaterThan(1);
                String footer = partSchema(runHome);
                if (legacy) {
                    assertThat(footer).contains("optional fixed_len_byte_array(4) d9 (DECIMAL(9,2))", "repeated group bag",
                            "repeated int64 array");
                } else {
                    assertThat(footer).contains("optional int96 ts", "optional int32 d9 (DECIMAL(9,2))", "int64 d18 (DECIMAL(18,4))",
                            "fixed_len_byte_array(16) d38 (DECIMAL(38,10))", "repeated group key_value", "repeated group list");
                }
                List<String> sparkRows = rows(dataset.<Dataset<Row>>load(new TypeRef<Dataset<Row>>() {}));
                assertThat(sparkRows).hasSize(NESTED_ROWS);
                assertThat(sparkRows.get(3)).contains("ts=null", "arr=[3, 4, null]", "m=map[k3->null, z->3]", "s={name=null, n=6}");
                List<String> stepRows = run.step("tableRows").output("output").load();
                assertThat(stepRows).as(legacy ? "legacy format" : "default format").containsExactlyElementsOf(sparkRows);
                try (Table table = dataset.load(Table.class)) {
                    assertThat(table.getSchema().getFields()).extracting(field -> field.getName() + ":" + field.getType()).startsWith(
                            "id:Int(64, true)", "ts:Timestamp(NANOSECOND, UTC)", "d9:Decimal(9, 2, 128)", "d18:Decimal(18, 4, 128)",
                            "d38:Decimal(38, 10, 128)", "s:Struct", "arr:List", "m:Map(false)", "items:List", "pair:List");
                }
            } finally {
                TestingSpark.session().conf().unset("spark.sql.parquet.writeLegacyFormat");
            }
        }
    }

    /** A plain Java step: an Arrow table's rows in {@link #rows(Dataset)}'s form, by id. */
    @Step
    public static List<String> tableRows(Table table) {
        try (table) {
            List<String> rows = new ArrayList<>();
            List<FieldVector> vectors = new ArrayList<>();
            for (org.apache.arrow.vector.types.pojo.Field field : table.getSchema().getFields()) {
                vectors.add(table.getVectorCopy(field.getName()));
            }
            try {
                for (int i = 0; i < table.getRowCount(); i++) {
                    List<String> values = new ArrayList<>();
                    for (FieldVector vector : vectors) {
                        values.add(vector.getName() + "=" + arrowValue(vector, i));
                    }
                    rows.add(String.join(" ", values));
                }
            } finally {
                vectors.forEach(FieldVector::close);
            }
            rows.sort(java.util.Comparator.comparingLong(row -> Long.parseLong(row.substring(3, row.indexOf(' ')))));
            return rows;
        }
    }

    /** A value of an Arrow vector in the form {@link #sparkValue} gives Spark's; timestamps as epoch nanoseconds. */
    private static String arrowValue(ValueVector vector, int index) {
        if (vector.isNull(index)) {
            return "null";
        }
        if (vector instanceof StructVector struct) {
            List<String> fields = new ArrayList<>();
            for (FieldVector child : struct.getChildrenFromFields()) {
                fields.add(child.getName() + "=" + arrowValue(child, index));
            }
            return "{" + String.join(", ", fields) + "}";
        }
        if (vector instanceof MapVector map) {
            StructVector entries = (StructVector) map.getDataVector();
            List<String> pairs = new ArrayList<>();
            for (int j = map.getElementStartIndex(index); j < map.getElementEndIndex(index); j++) {
                pairs.add(arrowValue(entries.getChild("key"), j) + "->" + arrowValue(entries.getChild("value"), j));
            }
            Collections.sort(pairs);
            return "map" + pairs;
        }
        if (vector instanceof ListVector list) {
            List<String> items = new ArrayList<>();
            for (int j = list.getElementStartIndex(index); j < list.getElementEndIndex(index); j++) {
                items.add(arrowValue(list.getDataVector(), j));
            }
            return items.toString();
        }
        Object value = vector.getObject(index);
        return value instanceof java.math.BigDecimal decimal ? decimal.toPlainString() : value.toString();
    }

    /** The rows of a Dataset as "column=value ..." lines (nested values spelt out, timestamps as epoch nanoseconds), by id. */
    private static List<String> rows(Dataset<Row> rows) {
        List<String> lines = new ArrayList<>();
        for (Row row : rows.collectAsList()) {
            List<String> values = new ArrayList<>();
            for (StructField field : row.schema().fields()) {
                values.add(field.name() + "=" + sparkValue(row.get(row.fieldIndex(field.name())), field.dataType()));
            }
            lines.add(String.join(" ", values));
        }
        lines.sort(java.util.Comparator.comparingLong(row -> Long.parseLong(row.substring(3, row.indexOf(' ')))));
        return lines;
    }

    private static String sparkValue(Object value, DataType type) {
        if (value == null) {
            return "null";
        }
        if (type instanceof StructType struct) {
            Row row = (Row) value;
            List<String> fields = new ArrayList<>();
            for (StructField field : struct.fields()) {
                fields.add(field.name() + "=" + sparkValue(row.get(row.fieldIndex(field.name())), field.dataType()));
            }
            return "{" + String.join(", ", fields) + "}";
        }
        if (type instanceof MapType map) {
            List<String> pairs = new ArrayList<>();
            scala.jdk.javaapi.CollectionConverters.asJava((scala.collection.Map<?, ?>) value).forEach((key, item) ->
                    pairs.add(sparkValue(key, map.keyType()) + "->" + sparkValue(item, map.valueType())));
            Collections.sort(pairs);
            return "map" + pairs;
        }
        if (type instanceof ArrayType array) {
            List<String> items = new ArrayList<>();
            for (Object item : scala.jdk.javaapi.CollectionConverters.asJava((scala.collection.Seq<?>) value)) {
                items.add(sparkValue(item, array.elementType()));
            }
            return items.toString();
        }
        if (value instanceof java.sql.Timestamp || value instanceof java.time.Instant) {
            java.time.Instant at = value instanceof java.sql.Timestamp timestamp ? timestamp.toInstant() : (java.time.Instant) value;
            return Long.toString(Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000_000L), at.getNano()));
        }
        return value instanceof java.math.BigDecimal decimal ? decimal.toPlainString() : value.toString();
    }

    /** The Parquet schema of a part file of the one Dataset artifact under {@code home}. */
    private static String partSchema(Path home) throws java.io.IOException {
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(home)) {
            Path part = files.filter(file -> file.getFileName().toString().matches("part-\\d+\\.parquet")).findFirst().orElseThrow();
            try (org.apache.parquet.hadoop.ParquetFileReader reader = org.apache.parquet.hadoop.ParquetFileReader.open(
                    new org.apache.parquet.io.LocalInputFile(part))) {
                return reader.getFileMetaData().getSchema().toString();
            }
        }
    }

    @Test
    void aTypeNeitherMaterializerLoadsADatasetAsIsStillAClearTypeMismatch() {
        try (Cairn cairn = Cairn.open(home)) {
            assertThatThrownBy(() -> cairn.run(Pipeline.define("mismatch", p -> p.call(SparkArrowInteropTest::strings,
                    p.call(SparkSteps::generate, Param.of(2)).loadedAs(new TypeRef<List<String>>() {})))))
                    .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH))
                    .hasMessageContaining("output 'output' of step 'generate'").hasMessageContaining("Dataset<org.apache.spark.sql.Row>")
                    .hasMessageContaining("java.util.List<java.lang.String>").hasMessageContaining(DatasetMaterializer.ID);
        }
    }

    private static List<String> lines(Table table) {
        List<String> lines = new ArrayList<>();
        List<FieldVector> vectors = new ArrayList<>();
        for (org.apache.arrow.vector.types.pojo.Field field : table.getSchema().getFields()) {
            vectors.add(table.getVectorCopy(field.getName()));
        }
        try {
            for (int i = 0; i < table.getRowCount(); i++) {
                StringBuilder line = new StringBuilder();
                for (FieldVector vector : vectors) {
                    line.append(line.length() == 0 ? "" : ",").append(vector.getObject(i));
                }
                lines.add(line.toString());
            }
        } finally {
            vectors.forEach(FieldVector::close);
        }
        Collections.sort(lines);
        return lines;
    }

    private static List<String> lines(Dataset<Row> rows) {
        List<String> lines = new ArrayList<>();
        for (Row row : rows.collectAsList()) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < row.size(); c++) {
                line.append(c == 0 ? "" : ",").append(row.get(c));
            }
            lines.add(line.toString());
        }
        Collections.sort(lines);
        return lines;
    }
}
