package dev.cairn.engine.materializers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.cairn.api.Cairn;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunStatus;
import dev.cairn.api.run.StepStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #12, scenario 10: a value the JSON materializer would not give back equal fails the step with
 * MATERIALIZER_FAILED naming the step, the output and the offending type; no lossy artifact is stored.
 */
class LossyJsonTest {
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

    public record Labelled(String name, Object label) {}

    public enum Kind { A }

    public static final class Steps {
        @Step
        public static Map<String, Object> withThread() {
            Map<String, Object> value = new LinkedHashMap<>();
            value.put("ok", 1);
            value.put("worker", new Thread(() -> {}));
            return value;
        }

        @Step
        public static Map<String, Object> withLong() {
            return Map.of("count", 5L);
        }

        @Step
        public static List<Labelled> withRecordHoldingAnEnum() {
            return List.of(new Labelled("x", "fine"), new Labelled("y", Kind.A));
        }

        @Step
        public static Map<String, Object> plainJson() {
            Map<String, Object> value = new LinkedHashMap<>();
            value.put("text", "t");
            value.put("int", 3);
            value.put("big", 5_000_000_000L);
            value.put("ratio", 0.25);
            value.put("nested", List.of(Map.of("a", true), List.of(1, "two")));
            return value;
        }

        @Step
        public static Map<String, Long> declaredLongs() {
            return Map.of("count", 5L);
        }
    }

    private PipelineRun run(String name, java.util.function.Consumer<dev.cairn.api.pipeline.PipelineBuilder> body) {
        return cairn.run(Pipeline.define(name, body::accept));
    }

    private void assertRefused(PipelineRun run, String step, String offending) throws Exception {
        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        assertThat(run.step(step).status()).isEqualTo(StepStatus.FAILED);
        assertThat(run.step(step).error()).hasValueSatisfying(error -> assertThat(error)
                .contains("[MATERIALIZER_FAILED]").contains("output 'output' of step '" + step + "'").contains(offending));
        assertThat(cairn.client().listArtifactVersions()).isEmpty();
        try (Stream<Path> artifacts = Files.exists(home.resolve("store/artifacts")) ? Files.walk(home.resolve("store/artifacts")) : Stream.empty()) {
            assertThat(artifacts.filter(Files::isRegularFile)).isEmpty();
        }
    }

    @Test
    void aThreadInAMapOfObjectsFailsTheStepNamingStepOutputAndType() throws Exception {
        assertRefused(run("thread", p -> p.call(Steps::withThread)), "withThread", "value[\"worker\"] is a java.lang.Thread");
    }

    @Test
    void aLongUnderObjectWouldComeBackAsAnIntegerAndIsRefused() throws Exception {
        assertRefused(run("long", p -> p.call(Steps::withLong)), "withLong", "java.lang.Long (5), which JSON reads back as an Integer");
    }

    @Test
    void anEnumInARecordComponentOfTypeObjectIsRefused() throws Exception {
        assertRefused(run("record", p -> p.call(Steps::withRecordHoldingAnEnum)), "withRecordHoldingAnEnum",
                "value[1].label is a " + Kind.class.getName());
    }

    @Test
    void jsonValuesAndDeclaredTypesStillRoundTrip() {
        PipelineRun plain = run("plain", p -> p.call(Steps::plainJson));
        assertThat(plain.status()).isEqualTo(RunStatus.COMPLETED);
        Map<String, Object> loaded = plain.step("plainJson").output("output").load();
        assertThat(loaded).isEqualTo(Steps.plainJson());

        PipelineRun longs = run("longs", p -> p.call(Steps::declaredLongs));
        Map<String, Long> counts = longs.step("declaredLongs").output("output").load();
        assertThat(counts).isEqualTo(Map.of("count", 5L));
        assertThat(cairn.client().listArtifactVersions()).hasSize(2);
    }
}
