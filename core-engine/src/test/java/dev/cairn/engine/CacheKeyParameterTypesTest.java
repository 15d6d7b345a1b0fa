package dev.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.cairn.api.Cairn;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.StepStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #12, scenario 9: parameters that are written as the same JSON but reach the step as different Java values
 * get different cache keys, so a cached result computed for one is never handed out for the other.
 */
class CacheKeyParameterTypesTest {
    @TempDir
    Path home;

    private Cairn cairn;

    @BeforeEach
    void open() {
        cairn = Cairn.open(home);
    }

    @AfterEach
    void close() {
        cairn.close();
    }

    public enum Colour { RED }

    public record Point(int x, Object label) {}

    public static final class Steps {
        /** What the step saw: the Java type and value of its parameter. */
        @Step
        public static String describe(Object value) {
            return describeValue(value);
        }

        @Step
        public static String describeList(List<Object> values) {
            return values.stream().map(Steps::describeValue).toList().toString();
        }

        @Step
        public static String describeLong(long value) {
            return "long " + value;
        }

        @Step
        public static String describePoint(Point point) {
            return describeValue(point.label());
        }

        static String describeValue(Object value) {
            String type = value.getClass().isArray() ? value.getClass().getSimpleName()
                    : value instanceof Set ? "Set" : value instanceof List ? "List" : value instanceof Map ? "Map" : value.getClass().getSimpleName();
            return type + ":" + (value.getClass().isArray() ? java.util.Arrays.toString((int[]) value) : value);
        }
    }

    private PipelineRun describe(Object value) {
        return cairn.run(Pipeline.define("types", p -> p.call(Steps::describe, Param.of(value))));
    }

    /** Runs the two values one after the other in one pipeline name: the second must be computed, not taken from cache. */
    private void assertDistinct(Object first, Object second, String secondSeen) {
        PipelineRun one = describe(first);
        PipelineRun two = describe(second);
        assertThat(two.step("describe").status()).as("%s after %s", second, first).isEqualTo(StepStatus.COMPLETED);
        assertThat(two.step("describe").cacheKey()).isNotEqualTo(one.step("describe").cacheKey());
        String seen = two.step("describe").output("output").load();
        assertThat(seen).isEqualTo(secondSeen);
    }

    @Test
    void integerAndLongUnderObjectGetDifferentKeys() {
        assertDistinct(1, 1L, "Long:1");
    }

    @Test
    void floatAndDoubleGetDifferentKeys() {
        assertDistinct(0.1d, 0.1f, "Float:0.1");
    }

    @Test
    void characterAndStringEnumAndNameArrayAndListSetAndListGetDifferentKeys() {
        assertDistinct("a", 'a', "Character:a");
        assertDistinct("RED", Colour.RED, "Colour:RED");
        assertDistinct(List.of(1, 2), new int[] {1, 2}, "int[]:[1, 2]");
        assertDistinct(List.of(3), Set.of(3), "Set:[3]");
        assertDistinct(Map.of("1", "x"), Map.of(1, "x"), "Map:{1=x}");
    }

    @Test
    void nestedValuesCarryTheirTypesToo() {
        PipelineRun ints = cairn.run(Pipeline.define("nested", p -> p.call(Steps::describeList, Param.of(List.<Object>of(1, 2)))));
        PipelineRun longs = cairn.run(Pipeline.define("nested", p -> p.call(Steps::describeList, Param.of(List.<Object>of(1L, 2)))));
        assertThat(longs.step("describeList").status()).isEqualTo(StepStatus.COMPLETED);
        assertThat((String) longs.step("describeList").output("output").load()).isEqualTo("[Long:1, Integer:2]");
        assertThat(ints.step("describeList").cacheKey()).isNotEqualTo(longs.step("describeList").cacheKey());

        PipelineRun intLabel = cairn.run(Pipeline.define("record", p -> p.call(Steps::describePoint, Param.of(new Point(1, 7)))));
        PipelineRun longLabel = cairn.run(Pipeline.define("record", p -> p.call(Steps::describePoint, Param.of(new Point(1, 7L)))));
        assertThat(longLabel.step("describePoint").status()).isEqualTo(StepStatus.COMPLETED);
        assertThat((String) longLabel.step("describePoint").output("output").load()).isEqualTo("Long:7");
        assertThat(intLabel.step("describePoint").cacheKey()).isNotEqualTo(longLabel.step("describePoint").cacheKey());
    }

    @Test
    void equalValuesOfOneTypeStillHitTheCacheAndSetOrderDoesNotMatter() {
        describe(1L);
        assertThat(describe(1L).step("describe").status()).isEqualTo(StepStatus.CACHED);
        describe(new java.util.LinkedHashSet<>(List.of("b", "a")));
        assertThat(describe(new java.util.LinkedHashSet<>(List.of("a", "b"))).step("describe").status()).isEqualTo(StepStatus.CACHED);

        cairn.run(Pipeline.define("declared", p -> p.call(Steps::describeLong, Param.of(5L))));
        assertThat(cairn.run(Pipeline.define("declared", p -> p.call(Steps::describeLong, Param.of(5L)))).step("describeLong").status())
                .isEqualTo(StepStatus.CACHED);
    }
}
