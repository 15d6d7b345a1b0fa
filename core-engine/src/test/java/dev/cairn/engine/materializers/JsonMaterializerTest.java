package dev.cairn.engine.materializers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.Visualization;
import dev.cairn.api.artifact.VisualizationType;
import dev.cairn.testkit.TestingArtifactWriter;
import dev.cairn.testkit.TestingArtifactReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JsonMaterializerTest {
    public enum Color { RED, GREEN, BLUE }

    public record Row(int feature1, double feature2, String label) {}

    public record Dataset(String name, List<Row> rows, Map<String, Row> byLabel, Map<Color, List<Row>> byColor, Optional<Row> best) {}

    public record Event(Instant at, LocalDate day, LocalDateTime local, UUID id, Color color, BigDecimal amount, BigInteger count,
                        char initial, Optional<String> note) {}

    public record Node(String name, List<Node> children) {}

    public record Pair<A, B>(A first, B second) {}

    public record Measurement(double value) {}

    public record WithThread(String name, Thread thread) {}

    public static final class Bean {
        private String name;
        private int count;

        public Bean() {}

        Bean(String name, int count) {
            this.name = name;
            this.count = count;
        }

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public int getCount() {
            return count;
        }

        public void setCount(int count) {
            this.count = count;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Bean other && Objects.equals(name, other.name) && count == other.count;
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, count);
        }
    }

    public static final class Point {
        private final int x;
        private final int y;

        @JsonCreator
        public Point(@JsonProperty("x") int x, @JsonProperty("y") int y) {
            this.x = x;
            this.y = y;
        }

        @JsonProperty("x")
        int x() {
            return x;
        }

        @JsonProperty("y")
        int y() {
            return y;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Point other && x == other.x && y == other.y;
        }

        @Override
        public int hashCode() {
            return Objects.hash(x, y);
        }
    }

    /** Neither annotated for Jackson nor a bean: no getter/setter pair. */
    public static final class Opaque {
        private final int secret = 1;

        public int secret() {
            return secret;
        }
    }

    public abstract static class AbstractBean {
        public String getName() {
            return "";
        }

        public void setName(String name) {}
    }

    public static final class ExplodingBean {
        public ExplodingBean() {}

        public String getName() {
            throw new IllegalStateException("boom");
        }

        public void setName(String name) {}
    }

    @TempDir
    Path temporaryDirectory;

    private final JsonMaterializer materializer = new JsonMaterializer();

    static Stream<Arguments> scalars() {
        return Stream.of(
                Arguments.of(true, Boolean.class),
                Arguments.of((byte) -7, Byte.class),
                Arguments.of((short) 1234, Short.class),
                Arguments.of(Integer.MIN_VALUE, Integer.class),
                Arguments.of(Long.MAX_VALUE, Long.class),
                Arguments.of(0.1f, Float.class),
                Arguments.of(-0.1 + 1e-17, Double.class),
                Arguments.of(new BigDecimal("123456789012345678901234567890.000000000000000000001"), BigDecimal.class),
                Arguments.of(new BigDecimal("1.500"), BigDecimal.class),
                Arguments.of(new BigInteger("-98765432109876543210987654321"), BigInteger.class),
                Arguments.of('λ', Character.class),
                Arguments.of("héllo, \"wörld\" ✓\n", String.class),
                Arguments.of(Color.GREEN, Color.class),
                Arguments.of(Instant.parse("2024-02-29T12:34:56.123456789Z"), Instant.class),
                Arguments.of(LocalDate.of(1999, 12, 31), LocalDate.class),
                Arguments.of(LocalDateTime.of(2024, 1, 2, 3, 4, 5, 6), LocalDateTime.class),
                Arguments.of(UUID.fromString("123e4567-e89b-12d3-a456-426614174000"), UUID.class));
    }

    @ParameterizedTest(name = "{1}: {0}")
    @MethodSource("scalars")
    void roundTripsScalars(Object value, Class<?> type) throws IOException {
        assertThat(materializer.canSave(type)).isTrue();
        Object loaded = roundTrip(value, type);
        assertThat(loaded).isEqualTo(value).isInstanceOf(type);
    }

    @Test
    void keepsBigDecimalPrecisionAndScale() throws IOException {
        BigDecimal value = new BigDecimal("0.10000000000000000000000000000000000001");
        BigDecimal loaded = (BigDecimal) roundTrip(value, BigDecimal.class);
        assertThat(loaded.scale()).isEqualTo(value.scale());
        assertThat(loaded.unscaledValue()).isEqualTo(value.unscaledValue());
    }

    @Test
    void roundTripsPrimitiveTypesAsTheirWrappers() throws IOException {
        assertThat(materializer.canSave(int.class)).isTrue();
        assertThat(roundTrip(42, int.class)).isEqualTo(42);
        assertThat(roundTrip(2.5, double.class)).isEqualTo(2.5);
    }

    @Test
    void roundTripsNonFiniteDoubles() throws IOException {
        List<Double> values = List.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, Double.MIN_VALUE);
        Type type = new TypeReference<List<Double>>() {}.getType();
        assertThat(roundTrip(values, type)).isEqualTo(values);
        assertThat(roundTrip(Double.NaN, Double.class)).isEqualTo(Double.NaN);
        assertThat(roundTrip(Float.NEGATIVE_INFINITY, Float.class)).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(roundTrip(new Measurement(Double.POSITIVE_INFINITY), Measurement.class)).isEqualTo(new Measurement(Double.POSITIVE_INFINITY));
    }

    @Test
    void storesNonFiniteDoublesAsValidJsonStrings() throws IOException {
        Path directory = save(List.of(1.0, Double.NaN), new TypeReference<List<Double>>() {}.getType());
        assertThat(Files.readString(directory.resolve("data.json"))).isEqualTo("[1.0,\"NaN\"]");
    }

    @Test
    void roundTripsNestedGenericRecordsInListsAndMaps() throws IOException {
        Row a = new Row(1, 0.5, "a");
        Row b = new Row(2, -1.25, "b|c");
        Dataset dataset = new Dataset("train", List.of(a, b), Map.of("a", a, "b", b),
                Map.of(Color.RED, List.of(a), Color.BLUE, List.of(b, a)), Optional.of(b));
        List<Dataset> value = List.of(dataset, new Dataset("empty", List.of(), Map.of(), Map.of(), Optional.empty()));
        Type type = new TypeReference<List<Dataset>>() {}.getType();

        @SuppressWarnings("unchecked")
        List<Dataset> loaded = (List<Dataset>) roundTrip(value, type);

        assertThat(loaded).isEqualTo(value);
        assertThat(loaded.get(0).rows().get(1)).isInstanceOf(Row.class);
        assertThat(loaded.get(0).byColor().get(Color.BLUE).get(0)).isInstanceOf(Row.class);
    }

    @Test
    void roundTripsMapsWithStringEnumAndNumberKeys() throws IOException {
        Map<String, List<Row>> byName = Map.of("x", List.of(new Row(1, 2, "3")));
        assertThat(roundTrip(byName, new TypeReference<Map<String, List<Row>>>() {}.getType())).isEqualTo(byName);
        Map<Color, Integer> byColor = Map.of(Color.RED, 1, Color.BLUE, 3);
        assertThat(roundTrip(byColor, new TypeReference<Map<Color, Integer>>() {}.getType())).isEqualTo(byColor);
        Map<Integer, String> byInteger = Map.of(-1, "minus one", 10, "ten");
        assertThat(roundTrip(byInteger, new TypeReference<Map<Integer, String>>() {}.getType())).isEqualTo(byInteger);
        Map<Long, Double> byLong = Map.of(Long.MIN_VALUE, 1.0);
        assertThat(roundTrip(byLong, new TypeReference<Map<Long, Double>>() {}.getType())).isEqualTo(byLong);
        Map<BigDecimal, String> byDecimal = Map.of(new BigDecimal("1.10"), "a");
        assertThat(roundTrip(byDecimal, new TypeReference<Map<BigDecimal, String>>() {}.getType())).isEqualTo(byDecimal);
        TreeMap<Double, String> sorted = new TreeMap<>(Map.of(0.5, "half", 2.0, "two"));
        assertThat(roundTrip(sorted, new TypeReference<TreeMap<Double, String>>() {}.getType())).isEqualTo(sorted).isInstanceOf(TreeMap.class);
    }

    @Test
    void roundTripsOptionalEmptyAndPresent() throws IOException {
        Type type = new TypeReference<Optional<Row>>() {}.getType();
        assertThat(roundTrip(Optional.of(new Row(1, 2, "x")), type)).isEqualTo(Optional.of(new Row(1, 2, "x")));
        assertThat(roundTrip(Optional.empty(), type)).isEqualTo(Optional.empty());
        Type optionalList = new TypeReference<Optional<List<Color>>>() {}.getType();
        assertThat(roundTrip(Optional.of(List.of(Color.RED)), optionalList)).isEqualTo(Optional.of(List.of(Color.RED)));
    }

    @Test
    void roundTripsRecordsOfEveryScalarKind() throws IOException {
        Event event = new Event(Instant.parse("2020-01-01T00:00:00.000000001Z"), LocalDate.of(2020, 2, 29),
                LocalDateTime.of(2020, 3, 1, 23, 59, 59), UUID.randomUUID(), Color.BLUE, new BigDecimal("-0.000100"),
                BigInteger.TWO.pow(100), 'q', Optional.empty());
        assertThat(roundTrip(event, Event.class)).isEqualTo(event);
        Event withNote = new Event(event.at(), event.day(), event.local(), event.id(), event.color(), event.amount(), event.count(),
                'r', Optional.of("note"));
        assertThat(roundTrip(withNote, Event.class)).isEqualTo(withNote);
    }

    @Test
    void roundTripsSetsCollectionsAndArrays() throws IOException {
        Set<String> set = new LinkedHashSet<>(List.of("b", "a"));
        assertThat(roundTrip(set, new TypeReference<Set<String>>() {}.getType())).isEqualTo(set).isInstanceOf(Set.class);
        Collection<Long> collection = List.of(1L, 2L);
        assertThat(roundTrip(collection, new TypeReference<Collection<Long>>() {}.getType())).isEqualTo(collection);
        ArrayList<Row> arrayList = new ArrayList<>(List.of(new Row(5, 5, "5")));
        assertThat(roundTrip(arrayList, new TypeReference<ArrayList<Row>>() {}.getType())).isEqualTo(arrayList);
        assertThat((String[]) roundTrip(new String[] {"x", null, "z"}, String[].class)).containsExactly("x", null, "z");
        assertThat((Row[]) roundTrip(new Row[] {new Row(1, 1, "1")}, Row[].class)).containsExactly(new Row(1, 1, "1"));
        assertThat((char[]) roundTrip("chars".toCharArray(), char[].class)).containsExactly('c', 'h', 'a', 'r', 's');
        long[][][] cube = {{{1, 2}, {3}}, {}};
        assertThat((long[][][]) roundTrip(cube, long[][][].class)).isDeepEqualTo(cube);
        assertThat(roundTrip(OptionalInt.of(7), OptionalInt.class)).isEqualTo(OptionalInt.of(7));
        assertThat(roundTrip(OptionalDouble.empty(), OptionalDouble.class)).isEqualTo(OptionalDouble.empty());
    }

    @Test
    void roundTripsRecursiveAndGenericRecords() throws IOException {
        Node tree = new Node("root", List.of(new Node("leaf", List.of())));
        assertThat(materializer.canSave(Node.class)).isTrue();
        assertThat(roundTrip(tree, Node.class)).isEqualTo(tree);
        Type pairType = new TypeReference<Pair<Row, List<Color>>>() {}.getType();
        Pair<Row, List<Color>> pair = new Pair<>(new Row(1, 2, "p"), List.of(Color.GREEN));
        assertThat(roundTrip(pair, pairType)).isEqualTo(pair);
    }

    @Test
    void roundTripsRawContainersAsJsonValues() throws IOException {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("text", "t");
        value.put("number", 3);
        value.put("list", List.of(true, "x"));
        assertThat(materializer.canSave(Map.class)).isTrue();
        assertThat(roundTrip(value, Map.class)).isEqualTo(value);
        assertThat(roundTrip(value, new TypeReference<Map<String, Object>>() {}.getType())).isEqualTo(value);
    }

    @Test
    void roundTripsBeansAndJacksonAnnotatedClasses() throws IOException {
        assertThat(materializer.canSave(Bean.class)).isTrue();
        assertThat(roundTrip(new Bean("b", 3), Bean.class)).isEqualTo(new Bean("b", 3));
        assertThat(materializer.canSave(Point.class)).isTrue();
        assertThat(roundTrip(new Point(-1, 7), Point.class)).isEqualTo(new Point(-1, 7));
        Type points = new TypeReference<List<Point>>() {}.getType();
        assertThat(roundTrip(List.of(new Point(1, 2)), points)).isEqualTo(List.of(new Point(1, 2)));
    }

    @Test
    void checksTypeArgumentsRecursively() {
        assertThat(materializer.canSave(new TypeReference<List<Row>>() {}.getType())).isTrue();
        assertThat(materializer.canSave(new TypeReference<List<Thread>>() {}.getType())).isFalse();
        assertThat(materializer.canSave(new TypeReference<Map<String, List<Optional<Row>>>>() {}.getType())).isTrue();
        assertThat(materializer.canSave(new TypeReference<Map<String, List<Optional<Thread>>>>() {}.getType())).isFalse();
        assertThat(materializer.canSave(new TypeReference<Map<Row, String>>() {}.getType())).isFalse();
        assertThat(materializer.canSave(new TypeReference<Map<Color, String>>() {}.getType())).isTrue();
        assertThat(materializer.canSave(new TypeReference<Optional<Thread>>() {}.getType())).isFalse();
        assertThat(materializer.canSave(new TypeReference<Pair<Row, Thread>>() {}.getType())).isFalse();
        assertThat(materializer.canSave(new TypeReference<List<? extends Row>>() {}.getType())).isTrue();
        assertThat(materializer.canSave(List.class)).isTrue();
        assertThat(materializer.canSave(Thread[].class)).isFalse();
        assertThat(materializer.canSave(WithThread.class)).isFalse();
    }

    @Test
    void refusesPlatformOpaqueAndAbstractClasses() {
        assertThat(materializer.canSave(Object.class)).isFalse();
        assertThat(materializer.canSave(Thread.class)).isFalse();
        assertThat(materializer.canSave(Date.class)).isFalse();
        assertThat(materializer.canSave(Opaque.class)).isFalse();
        assertThat(materializer.canSave(AbstractBean.class)).isFalse();
        assertThat(materializer.canSave(Runnable.class)).isFalse();
        assertThat(materializer.canSave(Enum.class)).isFalse();
    }

    @Test
    void failsToLoadAFileOfAnotherTypeNamingArtifactAndType() throws IOException {
        Path directory = save("not a number", String.class);
        assertThatThrownBy(() -> materializer.load(Integer.class, new TestingArtifactReader(directory, "scores:3")))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.MATERIALIZER_FAILED))
                .hasMessageContaining("'scores:3'")
                .hasMessageContaining("java.lang.Integer")
                .hasMessageContaining("data.json");
    }

    @Test
    void failsToLoadMalformedJson() throws IOException {
        Path directory = Files.createTempDirectory(temporaryDirectory, "artifact");
        Files.writeString(directory.resolve("data.json"), "[{\"feature1\": 1,");
        Type type = new TypeReference<List<Row>>() {}.getType();
        assertThatThrownBy(() -> materializer.load(type, new TestingArtifactReader(directory, "rows:1")))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.MATERIALIZER_FAILED))
                .hasMessageContaining("'rows:1'")
                .hasMessageContaining("java.util.List<" + Row.class.getName() + ">");
    }

    @Test
    void failsToSaveAValueJacksonCannotWriteNamingArtifactAndType() throws IOException {
        Path directory = Files.createTempDirectory(temporaryDirectory, "artifact");
        TestingArtifactWriter writer = new TestingArtifactWriter(directory, "pipeline::step::output", ExplodingBean.class);
        assertThatThrownBy(() -> materializer.save(new ExplodingBean(), writer))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.MATERIALIZER_FAILED))
                .hasMessageContaining("'pipeline::step::output'")
                .hasMessageContaining(ExplodingBean.class.getName())
                .hasMessageContaining("boom");
    }

    @Test
    void writesCanonicalJson() throws IOException {
        Path directory = save(Map.of("b", new Row(1, 2.0, "x"), "a", new Row(3, 4.5, "y")),
                new TypeReference<Map<String, Row>>() {}.getType());
        assertThat(Files.readString(directory.resolve("data.json"))).isEqualTo(
                "{\"a\":{\"feature1\":3,\"feature2\":4.5,\"label\":\"y\"},\"b\":{\"feature1\":1,\"feature2\":2.0,\"label\":\"x\"}}");
    }

    @Test
    void extractsMetadata() {
        assertThat(materializer.extractMetadata(42)).containsExactlyEntriesOf(Map.of("value", 42));
        assertThat(materializer.extractMetadata(new BigDecimal("1.5"))).containsEntry("value", new BigDecimal("1.5"));
        assertThat(materializer.extractMetadata(Double.NaN)).containsEntry("value", "NaN");
        assertThat(materializer.extractMetadata("hello")).containsExactlyEntriesOf(Map.of("length", 5));
        assertThat(materializer.extractMetadata(List.of(1, 2, 3, 6)))
                .containsEntry("length", 4).containsEntry("min", 1L).containsEntry("max", 6L).containsEntry("mean", 3.0);
        assertThat(materializer.extractMetadata(List.of(0.5, 1.5)))
                .containsEntry("min", 0.5).containsEntry("max", 1.5).containsEntry("mean", 1.0);
        assertThat(materializer.extractMetadata(List.of(1.0, Double.NaN))).containsEntry("min", "NaN").containsEntry("mean", "NaN");
        assertThat(materializer.extractMetadata(List.of("a", "b"))).containsExactlyEntriesOf(Map.of("length", 2));
        assertThat(materializer.extractMetadata(new Integer[] {4, null, 8}))
                .containsEntry("length", 3).containsEntry("min", 4L).containsEntry("max", 8L).containsEntry("mean", 6.0);
        assertThat(materializer.extractMetadata(Map.of("a", 1, "b", 2))).containsExactlyEntriesOf(Map.of("size", 2));
        assertThat(materializer.extractMetadata(new Row(1, 2, "3"))).containsExactlyEntriesOf(Map.of("field_count", 3));
        assertThat(materializer.extractMetadata(Optional.of("abc"))).containsEntry("present", true).containsEntry("length", 3);
        assertThat(materializer.extractMetadata(Optional.empty())).containsExactlyEntriesOf(Map.of("present", false));
    }

    @Test
    void previewsSmallValuesAsPrettyJson() {
        List<Visualization> visualizations = materializer.visualizations(Map.of("b", List.of(1, 2), "a", "x"));
        assertThat(visualizations).hasSize(1);
        Visualization preview = visualizations.get(0);
        assertThat(preview.fileName()).isEqualTo("preview.json");
        assertThat(preview.text()).isEqualTo("{\n  \"a\" : \"x\",\n  \"b\" : [ 1, 2 ]\n}");
    }

    @Test
    void truncatesLargePreviewsWithANote() {
        List<String> large = IntStream.range(0, 20_000).mapToObj(i -> "value-" + i + "-ä").toList();
        Visualization preview = materializer.visualizations(large).get(0);
        assertThat(preview.type()).isEqualTo(VisualizationType.MARKDOWN);
        assertThat(preview.fileName()).isEqualTo("preview.md");
        assertThat(preview.text()).startsWith("_Preview truncated: the first ").contains("```json\n[ \"value-0-ä\"");
        assertThat(preview.content().length).isBetween(JsonMaterializer.PREVIEW_LIMIT_BYTES - 8, JsonMaterializer.PREVIEW_LIMIT_BYTES + 200);
        assertThat(new String(preview.content(), StandardCharsets.UTF_8)).doesNotContain("\uFFFD");
    }

    @Test
    void keepsTheTruncatedPreviewFenceClosedWhenTheValueHoldsBackticks() {
        List<String> large = IntStream.range(0, 5_000).mapToObj(i -> "```python\nprint(" + i + ")\n```").toList();
        String preview = materializer.visualizations(large).get(0).text();
        assertThat(preview).contains("\n````json\n").endsWith("\n````\n");
    }

    @Test
    void rendersListsOfRecordsAsMarkdownAndCsvTables() {
        List<Row> rows = IntStream.range(0, 1_500).mapToObj(i -> new Row(i, i / 2.0, "r" + i)).toList();
        List<Row> withSpecials = new ArrayList<>(List.of(new Row(-1, 0.25, "a|b, \"quoted\"\nnext")));
        withSpecials.addAll(rows);

        List<Visualization> visualizations = materializer.visualizations(withSpecials);

        assertThat(visualizations).extracting(Visualization::fileName).containsExactly("preview.md", "table.md", "table.csv"); // 1,501 rows exceed the 64 KiB preview
        String markdown = visualizations.get(1).text();
        assertThat(markdown).startsWith("| feature1 | feature2 | label |\n| --- | --- | --- |\n"
                + "| -1 | 0.25 | a\\|b, \"quoted\"<br>next |\n| 0 | 0.0 | r0 |\n");
        assertThat(markdown.lines().filter(line -> line.startsWith("|")).count()).isEqualTo(1 + 1 + 20); // header, separator, rows
        assertThat(markdown).endsWith("_Showing the first 20 of 1501 rows._\n");
        String csv = visualizations.get(2).text();
        assertThat(csv).startsWith("feature1,feature2,label\r\n-1,0.25,\"a|b, \"\"quoted\"\"\nnext\"\r\n0,0.0,r0\r\n");
        assertThat(csv.split("\r\n")).hasSize(1 + 1_000);
    }

    @Test
    void rendersNestedValuesInTableCellsAsJson() {
        Dataset dataset = new Dataset("d", List.of(new Row(1, 2, "x")), Map.of(), Map.of(), Optional.empty());
        String csv = materializer.visualizations(List.of(dataset)).get(2).text();
        assertThat(csv).isEqualTo("name,rows,byLabel,byColor,best\r\n"
                + "d,\"[{\"\"feature1\"\":1,\"\"feature2\"\":2.0,\"\"label\"\":\"\"x\"\"}]\",{},{},null\r\n");
    }

    private Object roundTrip(Object value, Type type) throws IOException {
        Path directory = save(value, type);
        return materializer.load(type, new TestingArtifactReader(directory, "artifact:1"));
    }

    private Path save(Object value, Type type) throws IOException {
        Path directory = Files.createTempDirectory(temporaryDirectory, "artifact");
        TestingArtifactWriter writer = new TestingArtifactWriter(directory, "artifact", type);
        materializer.save(value, writer);
        assertThat(writer.created()).containsExactly("data.json");
        return directory;
    }
}
