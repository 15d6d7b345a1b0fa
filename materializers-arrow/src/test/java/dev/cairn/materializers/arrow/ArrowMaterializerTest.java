package dev.cairn.materializers.arrow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.LoadOptions;
import dev.cairn.api.artifact.Visualization;
import dev.cairn.api.artifact.VisualizationType;
import dev.cairn.testkit.TestingArtifactWriter;
import dev.cairn.testkit.TestingArtifactReader;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.table.Table;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ArrowMaterializerTest {
    enum Color { RED, GREEN }

    record Address(String city, int zip) {}

    record Rich(
            boolean flag, byte tiny, short small, int count, long big, float ratio, double score,
            Boolean maybeFlag, Integer maybeCount, Long maybeBig, Double maybeScore,
            String name, BigDecimal price, LocalDate day, Instant at, Color color, byte[] payload,
            Address address, List<String> tags, List<Address> history, List<List<Integer>> matrix) {}

    record Row(int feature1, int feature2, int target) {}

    record Target(int target) {}

    record WrongType(String feature1) {}

    record Missing(int feature1, int nothere) {}

    record WithThread(int id, Thread thread) {}

    record WithChar(char letter) {}

    record Measurement(String sensor, double value, Long count) {}

    @TempDir
    Path directory;

    private RootAllocator allocator;
    private ArrowMaterializer materializer;

    @BeforeEach
    void createAllocator() {
        allocator = TestingAllocator.create();
        materializer = new ArrowMaterializer(allocator);
    }

    @AfterEach
    void noLeaks() {
        TestingAllocator.closeAndAssertNoLeaks(allocator);
    }

    static final Type RICH_LIST = new TypeLiteral<List<Rich>>() {}.type();
    static final Type ROW_LIST = new TypeLiteral<List<Row>>() {}.type();

    static List<Rich> richRows() {
        List<Rich> rows = new ArrayList<>();
        rows.add(new Rich(true, (byte) -8, (short) 300, 42, 1L << 40, 1.5f, 2.25,
                true, 7, -9L, 0.5, "héllo, \"world\"", new BigDecimal("12.34"), LocalDate.of(2024, 2, 29),
                Instant.ofEpochSecond(1_700_000_000L, 123_456_789), Color.GREEN, new byte[] {1, 2, 3},
                new Address("Lyon", 69000), List.of("a", "b"), List.of(new Address("Paris", 75001)), List.of(List.of(1, 2), List.of())));
        rows.add(new Rich(false, Byte.MIN_VALUE, Short.MAX_VALUE, -1, Long.MIN_VALUE, Float.NaN, -0.0,
                null, null, null, null, null, null, null, null, null, null,
                null, null, null, null));
        rows.add(new Rich(false, (byte) 0, (short) 0, 0, 0, 0f, 0,
                false, 0, 0L, 0.0, "", new BigDecimal("-99999999.99"), LocalDate.of(1900, 1, 1),
                Instant.ofEpochSecond(-1, 1), Color.RED, new byte[0],
                new Address(null, 1), Arrays.asList("x", null), new ArrayList<>(), Arrays.asList(null, List.of(3))));
        return rows;
    }

    private Object saveAndLoad(Object value, Type saveType, Map<String, String> options, Type loadType, LoadOptions loadOptions) throws IOException {
        materializer.save(value, new TestingArtifactWriter(directory, saveType, options));
        return materializer.load(loadType, new TestingArtifactReader(directory, loadOptions));
    }

    @ParameterizedTest
    @ValueSource(strings = {"parquet", "ipc"})
    void recordsOfEverySupportedComponentTypeRoundTrip(String format) throws IOException {
        List<Rich> rows = richRows();
        TestingArtifactWriter writer = new TestingArtifactWriter(directory, RICH_LIST, Map.of("format", format));
        materializer.save(rows, writer);
        assertThat(writer.created()).containsExactly(format.equals("ipc") ? "data.arrow" : "data.parquet");
        assertThat(writer.open()).isEmpty();

        TestingArtifactReader reader = new TestingArtifactReader(directory, "test_table:1");
        @SuppressWarnings("unchecked")
        List<Rich> loaded = (List<Rich>) materializer.load(RICH_LIST, reader);

        assertThat(loaded).hasSameSizeAs(rows);
        for (int i = 0; i < rows.size(); i++) {
            assertThat(loaded.get(i)).as("row " + i).usingRecursiveComparison()
                    .withEqualsForType(Float::equals, Float.class).withEqualsForType(Double::equals, Double.class)
                    .isEqualTo(rows.get(i));
        }
        assertThat(loaded.get(0).at().getNano()).isEqualTo(123_456_789);
        assertThat(reader.openChannels()).isZero();
    }

    @Test
    void listOfRecordsIsSavableButOtherListsAndUnsupportedComponentsAreNot() {
        assertThat(materializer.canSave(ROW_LIST)).isTrue();
        assertThat(materializer.canSave(new TypeLiteral<Collection<Rich>>() {}.type())).isTrue();
        assertThat(materializer.canSave(Table.class)).isTrue();
        assertThat(materializer.canSave(VectorSchemaRoot.class)).isTrue();
        assertThat(materializer.canSave(new TypeLiteral<List<String>>() {}.type())).isFalse();
        assertThat(materializer.canSave(List.class)).isFalse();
        assertThat(materializer.canSave(new TypeLiteral<List<WithThread>>() {}.type())).isFalse();
        assertThat(materializer.canSave(Row.class)).isFalse();
        assertThat(ArrowMaterializer.unsupportedReason(new TypeLiteral<List<WithThread>>() {}.type()))
                .hasValueSatisfying(reason -> assertThat(reason).contains("WithThread.thread").contains("java.lang.Thread"));
        assertThat(ArrowMaterializer.unsupportedReason(new TypeLiteral<List<WithChar>>() {}.type()))
                .hasValueSatisfying(reason -> assertThat(reason).contains("WithChar.letter").contains("char"));
    }

    @Test
    void savingARecordWithAnUnsupportedComponentNamesTheComponentAndType() {
        List<WithThread> rows = List.of(new WithThread(1, Thread.currentThread()));
        TestingArtifactWriter writer = new TestingArtifactWriter(directory, "test_table", new TypeLiteral<List<WithThread>>() {}.type());
        assertThatThrownBy(() -> materializer.save(rows, writer))
                .isInstanceOf(CairnException.class)
                .satisfies(e -> assertThat(((CairnException) e).errorCode()).isEqualTo(ErrorCode.MATERIALIZER_FAILED))
                .hasMessageContaining("test_table")
                .hasMessageContaining("WithThread.thread")
                .hasMessageContaining("java.lang.Thread");
        assertThat(writer.created()).isEmpty();
    }

    @Test
    void nullRowIsRejectedWithItsIndex() {
        List<Row> rows = Arrays.asList(new Row(1, 2, 3), null);
        assertThatThrownBy(() -> materializer.save(rows, new TestingArtifactWriter(directory, ROW_LIST)))
                .isInstanceOf(CairnException.class).hasMessageContaining("row 1 of the list is null");
    }

    @Test
    void unknownFormatOrOptionIsRejected() {
        List<Row> rows = List.of(new Row(1, 2, 3));
        assertThatThrownBy(() -> materializer.save(rows, new TestingArtifactWriter(directory, ROW_LIST, Map.of("format", "csv"))))
                .isInstanceOf(CairnException.class).hasMessageContaining("format=csv").hasMessageContaining("parquet").hasMessageContaining("ipc");
        assertThatThrownBy(() -> materializer.save(rows, new TestingArtifactWriter(directory, ROW_LIST, Map.of("fromat", "ipc"))))
                .isInstanceOf(CairnException.class).hasMessageContaining("Unknown output option 'fromat'");
    }

    static List<Row> rows(int count) {
        List<Row> rows = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            rows.add(new Row(i, i * 2, i % 7));
        }
        return rows;
    }

    @ParameterizedTest
    @ValueSource(strings = {"parquet", "ipc"})
    void aSubsetRecordProjectsTheStoredColumns(String format) throws IOException {
        List<Row> rows = rows(1000);
        @SuppressWarnings("unchecked")
        List<Target> targets = (List<Target>) saveAndLoad(rows, ROW_LIST, Map.of("format", format),
                new TypeLiteral<List<Target>>() {}.type(), LoadOptions.DEFAULT);
        assertThat(targets).hasSize(1000);
        assertThat(targets.get(13)).isEqualTo(new Target(13 % 7));
    }

    @ParameterizedTest
    @ValueSource(strings = {"parquet", "ipc"})
    void rowLimitStopsEarly(String format) throws IOException {
        List<Row> rows = rows(200_000);
        @SuppressWarnings("unchecked")
        List<Row> head = (List<Row>) saveAndLoad(rows, ROW_LIST, Map.of("format", format), ROW_LIST, LoadOptions.DEFAULT.withRowLimit(70_000));
        assertThat(head).hasSize(70_000).isEqualTo(rows.subList(0, 70_000));
        try (Table table = (Table) materializer.load(Table.class, new TestingArtifactReader(directory, "test_table:1", LoadOptions.DEFAULT.withRowLimit(5)))) {
            assertThat(table.getRowCount()).isEqualTo(5);
        }
    }

    @Test
    void aProjectedParquetLoadReadsOnlyItsColumnChunks() throws IOException {
        List<Measurement> rows = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            rows.add(new Measurement("sensor-" + (i * 7919 % 100_003), Math.sin(i) * 1000, (long) i * 31));
        }
        materializer.save(rows, new TestingArtifactWriter(directory, new TypeLiteral<List<Measurement>>() {}.type()));
        TestingArtifactReader full = new TestingArtifactReader(directory, "test_table:1");
        materializer.load(new TypeLiteral<List<Measurement>>() {}.type(), full);
        TestingArtifactReader projected = new TestingArtifactReader(directory, "test_table:1", LoadOptions.DEFAULT.withColumns(List.of("count")));
        try (Table table = (Table) materializer.load(Table.class, projected)) {
            assertThat(table.getSchema().getFields()).extracting(Field::getName).containsExactly("count");
            assertThat(table.getRowCount()).isEqualTo(100_000);
        }
        assertThat(projected.bytesRead()).isLessThan(full.bytesRead() / 3);
    }

    @Test
    void tableLoadsWithChosenColumnsInTheRequestedOrder() throws IOException {
        materializer.save(rows(10), new TestingArtifactWriter(directory, ROW_LIST));
        TestingArtifactReader reader = new TestingArtifactReader(directory, "test_table:1", LoadOptions.DEFAULT.withColumns(List.of("target", "feature1")));
        try (VectorSchemaRoot root = (VectorSchemaRoot) materializer.load(VectorSchemaRoot.class, reader)) {
            assertThat(root.getSchema().getFields()).extracting(Field::getName).containsExactly("target", "feature1");
            assertThat(((IntVector) root.getVector("feature1")).get(9)).isEqualTo(9);
            assertThat(((IntVector) root.getVector("target")).get(9)).isEqualTo(2);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"parquet", "ipc"})
    void aProjectedColumnThatDoesNotExistIsNamed(String format) throws IOException {
        materializer.save(rows(10), new TestingArtifactWriter(directory, ROW_LIST, Map.of("format", format)));
        TestingArtifactReader reader = new TestingArtifactReader(directory, "test_table:1", LoadOptions.DEFAULT.withColumns(List.of("feature1", "nope")));
        assertThatThrownBy(() -> materializer.load(Table.class, reader))
                .isInstanceOf(CairnException.class)
                .satisfies(e -> assertThat(((CairnException) e).errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                .hasMessageContaining("Column 'nope' does not exist in artifact 'test_table:1'")
                .hasMessageContaining("[feature1, feature2, target]");
        assertThatThrownBy(() -> materializer.load(ROW_LIST, reader))
                .isInstanceOf(CairnException.class).hasMessageContaining("'nope'");
        assertThat(reader.openChannels()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"parquet", "ipc"})
    void aRecordThatDoesNotMatchTheStoredSchemaIsATypeMismatch(String format) throws IOException {
        materializer.save(rows(10), new TestingArtifactWriter(directory, ROW_LIST, Map.of("format", format)));
        assertThatThrownBy(() -> materializer.load(new TypeLiteral<List<WrongType>>() {}.type(), new TestingArtifactReader(directory, "test_table:1")))
                .isInstanceOf(CairnException.class)
                .satisfies(e -> assertThat(((CairnException) e).errorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH))
                .hasMessageContaining("test_table:1")
                .hasMessageContaining("WrongType.feature1")
                .hasMessageContaining("utf8")
                .hasMessageContaining("int32");
        assertThatThrownBy(() -> materializer.load(new TypeLiteral<List<Missing>>() {}.type(), new TestingArtifactReader(directory, "test_table:1")))
                .isInstanceOf(CairnException.class)
                .satisfies(e -> assertThat(((CairnException) e).errorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH))
                .hasMessageContaining("Missing.nothere");
    }

    @Test
    void loadingNullsIntoAPrimitiveComponentFails() throws IOException {
        record Nullable(Integer count) {}
        record Primitive(int count) {}
        materializer.save(List.of(new Nullable(1), new Nullable(null)), new TestingArtifactWriter(directory, new TypeLiteral<List<Nullable>>() {}.type()));
        assertThatThrownBy(() -> materializer.load(new TypeLiteral<List<Primitive>>() {}.type(), new TestingArtifactReader(directory, "test_table:1")))
                .isInstanceOf(CairnException.class)
                .hasMessageContaining("Primitive.count").hasMessageContaining("null").hasMessageContaining("boxed");
    }

    @Test
    void tableRoundTripsThroughParquetAndIpc() throws IOException {
        for (String format : List.of("parquet", "ipc")) {
            Path dir = directory.resolve(format);
            try (Table table = sampleTable(5)) {
                materializer.save(table, new TestingArtifactWriter(dir, Table.class, Map.of("format", format)));
                assertThat(table.getRowCount()).as("the saved table is left intact").isEqualTo(5);
                try (Table loaded = (Table) materializer.load(Table.class, new TestingArtifactReader(dir, "test_table:1"))) {
                    assertThat(loaded.getSchema()).isEqualTo(table.getSchema());
                    assertThat(loaded.contentToTSVString()).isEqualTo(table.contentToTSVString());
                }
            }
        }
    }

    private Table sampleTable(int rows) {
        Schema schema = new Schema(List.of(
                new Field("id", FieldType.notNullable(new ArrowType.Int(64, true)), null),
                new Field("value", FieldType.nullable(new ArrowType.FloatingPoint(org.apache.arrow.vector.types.FloatingPointPrecision.DOUBLE)), null),
                new Field("label", FieldType.nullable(ArrowType.Utf8.INSTANCE), null)));
        VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
        root.allocateNew();
        BigIntVector ids = (BigIntVector) root.getVector("id");
        Float8Vector values = (Float8Vector) root.getVector("value");
        VarCharVector labels = (VarCharVector) root.getVector("label");
        for (int i = 0; i < rows; i++) {
            ids.setSafe(i, i * 10L);
            if (i % 3 == 1) {
                values.setNull(i);
            } else {
                values.setSafe(i, i + 0.5);
            }
            labels.setSafe(i, ("row " + i).getBytes(StandardCharsets.UTF_8));
        }
        root.setRowCount(rows);
        return new Table(root);
    }

    @Test
    void unsupportedArrowColumnIsNamed() throws IOException {
        Schema schema = new Schema(List.of(new Field("half", FieldType.nullable(new ArrowType.FloatingPoint(org.apache.arrow.vector.types.FloatingPointPrecision.HALF)), null)));
        try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
            assertThatThrownBy(() -> materializer.save(root, new TestingArtifactWriter(directory, VectorSchemaRoot.class)))
                    .isInstanceOf(CairnException.class).hasMessageContaining("column 'half'").hasMessageContaining("HALF");
        }
    }

    @Test
    void metadataHasSchemaRowCountAndColumnStatistics() {
        List<Measurement> rows = List.of(new Measurement("a", 1.0, 10L), new Measurement("b", 2.0, null),
                new Measurement(null, 3.0, 30L), new Measurement("d", 6.0, 20L));
        Map<String, Object> metadata = materializer.extractMetadata(rows);
        assertThat(metadata).containsEntry("row_count", 4L).containsEntry("column_count", 3);
        assertThat(metadata).containsKeys(dev.cairn.api.MetadataKeys.ROW_COUNT, dev.cairn.api.MetadataKeys.COLUMN_COUNT,
                dev.cairn.api.MetadataKeys.SCHEMA, dev.cairn.api.MetadataKeys.COLUMNS);
        assertThat(metadata.get("schema")).isEqualTo(List.of(
                Map.of("name", "sensor", "type", "utf8", "nullable", true),
                Map.of("name", "value", "type", "float64", "nullable", false),
                Map.of("name", "count", "type", "int64", "nullable", true)));
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> columns = (Map<String, Map<String, Object>>) metadata.get("columns");
        assertThat(columns.get("sensor")).isEqualTo(Map.of("null_count", 1L));
        assertThat(columns.get("value")).containsEntry("null_count", 0L).containsEntry("min", 1.0).containsEntry("max", 6.0)
                .containsEntry("mean", 3.0);
        assertThat((Double) columns.get("value").get("stddev")).isCloseTo(Math.sqrt(14.0 / 3), org.assertj.core.data.Offset.offset(1e-12));
        assertThat(columns.get("count")).containsEntry("null_count", 1L).containsEntry("min", 10L).containsEntry("max", 30L)
                .containsEntry("mean", 20.0).containsEntry("stddev", 10.0);
    }

    @Test
    void visualizationsDescribeAndSampleAsCsvAndHtml() {
        List<Row> rows = rows(100);
        List<Visualization> visualizations = materializer.visualizations(rows);
        assertThat(visualizations).extracting(Visualization::fileName)
                .containsExactly("describe.csv", "describe.html", "sample.csv", "sample.html");
        String describe = visualizations.get(0).text();
        assertThat(describe).startsWith("column,type,count,null_count,mean,stddev,min,max\r\n")
                .contains("feature1,int32,100,0,49.5,");
        String sample = visualizations.get(2).text();
        assertThat(sample.split("\r\n")).hasSize(1 + TableRendering.SAMPLE_ROWS);
        assertThat(sample).startsWith("feature1,feature2,target\r\n0,0,0\r\n1,2,1\r\n");
        assertThat(visualizations.get(3).type()).isEqualTo(VisualizationType.HTML);
        assertThat(visualizations.get(3).text()).contains("<th>feature1</th>").contains("<td>19</td>").contains("<td>38</td>").doesNotContain("<td>40</td>")
                .contains("Showing the first 20 of 100 rows.");
    }

    @Test
    void htmlEscapesCellText() {
        List<Measurement> rows = List.of(new Measurement("<script>alert('x')</script>", 1, 1L));
        String html = materializer.visualizations(rows).get(3).text();
        assertThat(html).doesNotContain("<script>").contains("&lt;script&gt;");
    }

    @Test
    void emptyListRoundTrips() throws IOException {
        @SuppressWarnings("unchecked")
        List<Row> loaded = (List<Row>) saveAndLoad(List.of(), ROW_LIST, Map.of(), ROW_LIST, LoadOptions.DEFAULT);
        assertThat(loaded).isEmpty();
        assertThat(materializer.extractMetadata(List.of())).containsEntry("row_count", 0L);
    }

    @Test
    void decimalsComeBackAtTheLargestScale() throws IOException {
        record Price(BigDecimal amount) {}
        Type type = new TypeLiteral<List<Price>>() {}.type();
        @SuppressWarnings("unchecked")
        List<Price> loaded = (List<Price>) saveAndLoad(List.of(new Price(new BigDecimal("1.5")), new Price(new BigDecimal("2.25"))), type,
                Map.of(), type, LoadOptions.DEFAULT);
        assertThat(loaded).extracting(Price::amount).containsExactly(new BigDecimal("1.50"), new BigDecimal("2.25"));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"parquet", "ipc"})
    void metadataAndVisualizationsGatheredWhileSavingEqualThoseComputedAfresh(String format) throws IOException {
        List<Rich> rows = richRows();
        materializer.save(rows, new TestingArtifactWriter(directory, RICH_LIST, Map.of("format", format)));
        Map<String, Object> gathered = materializer.extractMetadata(rows);
        List<dev.cairn.api.artifact.Visualization> rendered = materializer.visualizations(rows);

        ArrowMaterializer fresh = new ArrowMaterializer(allocator);
        assertThat(gathered).isEqualTo(fresh.extractMetadata(rows));
        assertThat(rendered).isEqualTo(fresh.visualizations(rows));
        assertThat(materializer.visualizations(rows)).as("computed again once the saved description was used").isEqualTo(rendered);
        List<Rich> other = richRows().subList(0, 1);
        assertThat(materializer.extractMetadata(other)).as("another value is described afresh").isEqualTo(fresh.extractMetadata(other));
    }
}
