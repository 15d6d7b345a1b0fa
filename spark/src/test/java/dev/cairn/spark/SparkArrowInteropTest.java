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
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.table.Table;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
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

    /** A plain Java step: an Arrow table of {@link #ARROW_ROWS} rows (id, sensor, value), saved as Parquet. */
    @Step
    public static Table arrowTable() {
        VectorSchemaRoot root = VectorSchemaRoot.of(new BigIntVector("id", ALLOCATOR), new VarCharVector("sensor", ALLOCATOR),
                new Float8Vector("value", ALLOCATOR));
        MADE.add(root);
        BigIntVector id = (BigIntVector) root.getVector("id");
        VarCharVector sensor = (VarCharVector) root.getVector("sensor");
        Float8Vector value = (Float8Vector) root.getVector("value");
        root.allocateNew();
        for (int i = 0; i < ARROW_ROWS; i++) {
            id.setSafe(i, i);
            sensor.setSafe(i, ("s" + i % 3).getBytes(StandardCharsets.UTF_8));
            value.setSafe(i, i / 8.0);
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
            assertThat(arrowRows).hasSize(ARROW_ROWS).contains("7,s1,0.875");
            List<String> datasetRows = run.step("datasetLines").output("output").load();
            assertThat(datasetRows).isEqualTo(arrowRows);
            Dataset<Row> loaded = arrow.load(new TypeRef<Dataset<Row>>() {}.type(), LoadOptions.DEFAULT.withVerify(true));
            assertThat(loaded.columns()).containsExactly("id", "sensor", "value");
            assertThat(lines(loaded)).isEqualTo(arrowRows);
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
