package dev.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.pipeline.MultipleOutputs;
import dev.cairn.api.pipeline.Outputs;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Ref;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunStatus;
import dev.cairn.api.run.StepFailure;
import dev.cairn.api.run.StepRun;
import dev.cairn.api.run.StepStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Method-reference lookups of steps and outputs, widening parameters, step tags, structured failures, runOrThrow, no-cache. */
class StepErgonomicsTest {
    @TempDir
    Path home;

    private Cairn cairn;

    static final AtomicInteger EXECUTIONS = new AtomicInteger();

    @BeforeEach
    void open() {
        cairn = Cairn.open(home);
        EXECUTIONS.set(0);
    }

    @AfterEach
    void close() {
        cairn.close();
    }

    public record Split(List<Integer> trainData, List<Integer> testData) implements MultipleOutputs {}

    public static final class Steps {
        @Step(tags = {"raw", "nightly"})
        public static List<Integer> load() {
            EXECUTIONS.incrementAndGet();
            return List.of(1, 2, 3, 4, 5);
        }

        @Step(name = "split_data")
        public static Split split(List<Integer> rows) {
            return new Split(rows.subList(0, 4), rows.subList(4, rows.size()));
        }

        @Step
        public static double scale(List<Integer> rows, double factor, long offset) {
            return rows.stream().mapToInt(Integer::intValue).sum() * factor + offset;
        }

        @Step
        public static int explode(List<Integer> rows) {
            throw new IllegalStateException("no rows today (" + rows.size() + " given)");
        }

        /** Receives an int as float, a long as double, a float as double and a long as float: each as Java widens it. */
        @Step
        public static String widened(float fromInt, double fromLong, double fromFloat, float fromLongToFloat) {
            return fromInt + "|" + fromLong + "|" + fromFloat + "|" + fromLongToFloat;
        }

        @Step
        public static int narrow(short value) {
            return value;
        }

        @Step(tags = {"fine", " "})
        public static int blankTag() {
            return 1;
        }
    }

    private static Pipeline training() {
        return Pipeline.define("training", p -> {
            Ref<List<Integer>> rows = p.call(Steps::load);
            Outputs<Split> split = p.call(Steps::split, rows);
            p.call(Steps::scale, split.get(Split::trainData), Param.of(2), Param.of(7)); // int → double, int → long
        });
    }

    @Test
    void stepsAndOutputsAreFoundByMethodReference() {
        PipelineRun run = cairn.run(training());

        assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(run.step(Steps::load).name()).isEqualTo("load");
        assertThat(run.step(Steps::split).name()).isEqualTo("split_data");
        StepRun split = run.step(Steps::split);
        assertThat(split.output(Split::trainData).<List<Integer>>load()).containsExactly(1, 2, 3, 4);
        assertThat(split.output(Split::testData).id()).isEqualTo(split.output("testData").id());
        assertThat(run.step(Steps::scale).output("output").<Double>load()).isEqualTo(10.0 * 2 + 7);
        assertThatThrownBy(() -> run.step(Steps::explode))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.STEP_NOT_FOUND))
                .hasMessageContaining("explode");
    }

    @Test
    void intParametersWidenToLongAndDoubleAndTheWidenedValueIsRecorded() {
        PipelineRun run = cairn.run(training());

        assertThat(run.step(Steps::scale).parameters()).containsEntry("factor", 2.0).containsEntry("offset", 7L);
    }

    @Test
    void intToFloatLongToDoubleAndFloatToDoubleWidenAsJavaDoes() {
        int exactInFloatNot = 16_777_217; // 2^24 + 1: float rounds it, as Java's int → float does
        long exactInDoubleNot = 9_007_199_254_740_993L; // 2^53 + 1: double rounds it, as Java's long → double does
        float tenth = 0.1f; // float → double keeps the float's value (0.10000000149011612), not 0.1
        long large = 123_456_789_012L;
        PipelineRun run = cairn.run(Pipeline.define("widening", p -> p.call(Steps::widened, Param.of(exactInFloatNot), Param.of(exactInDoubleNot),
                Param.of(tenth), Param.of(large))));

        assertThat(run.status()).as(run.error().orElse("")).isEqualTo(RunStatus.COMPLETED);
        float fromInt = exactInFloatNot;
        double fromLong = exactInDoubleNot;
        double fromFloat = tenth;
        float fromLongToFloat = large;
        assertThat(run.step(Steps::widened).output("output").<String>load())
                .isEqualTo(fromInt + "|" + fromLong + "|" + fromFloat + "|" + fromLongToFloat)
                .isEqualTo("1.6777216E7|9.007199254740992E15|0.10000000149011612|1.23456791E11");
        assertThat(run.step(Steps::widened).parameters()).hasEntrySatisfying("fromInt", v -> assertThat(((Number) v).floatValue()).isEqualTo(fromInt))
                .hasEntrySatisfying("fromLong", v -> assertThat(((Number) v).doubleValue()).isEqualTo(fromLong))
                .hasEntrySatisfying("fromFloat", v -> assertThat(((Number) v).doubleValue()).isEqualTo(fromFloat))
                .hasEntrySatisfying("fromLongToFloat", v -> assertThat(((Number) v).floatValue()).isEqualTo(fromLongToFloat));
        // the widened values are what the run recorded and keys the cache on: the same call is cached
        assertThat(cairn.run(Pipeline.define("widening", p -> p.call(Steps::widened, Param.of(exactInFloatNot), Param.of(exactInDoubleNot),
                Param.of(tenth), Param.of(large)))).step(Steps::widened).status()).isEqualTo(StepStatus.CACHED);
    }

    @Test
    void aParameterThatWouldNeedNarrowingFailsAtDefineTimeNamingStepAndArgument() {
        assertThatThrownBy(() -> Pipeline.define("narrowing", p -> p.call(Steps::narrow, Param.of(70000))))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH))
                .hasMessageContaining("'value'")
                .hasMessageContaining("'narrow'")
                .hasMessageContaining("short");
    }

    @Test
    void aBlankStepTagFailsAtDefineTime() {
        assertThatThrownBy(() -> Pipeline.define("blank", p -> p.call(Steps::blankTag)))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_DEFINITION))
                .hasMessageContaining("blankTag").hasMessageContaining("blank tag");
    }

    @Test
    void stepTagsGoOnNewOutputsAndOnOutputsReusedFromTheCache() {
        PipelineRun first = cairn.run(training());
        assertThat(first.step(Steps::load).outputs().values()).allSatisfy(v -> assertThat(v.tags()).contains("raw", "nightly"));
        assertThat(first.step(Steps::split).output(Split::trainData).tags()).isEmpty();

        cairn.client().untagVersion(first.step(Steps::load).output("output").name(), first.step(Steps::load).output("output").version(), "nightly");
        PipelineRun second = cairn.run(training());

        assertThat(second.step(Steps::load).status()).isEqualTo(StepStatus.CACHED);
        assertThat(second.step(Steps::load).output("output").id()).isEqualTo(first.step(Steps::load).output("output").id());
        assertThat(second.step(Steps::load).output("output").tags()).contains("raw", "nightly");
        assertThat(cairn.client().listArtifactVersionsWithTag("raw")).hasSize(1);
        assertThat(EXECUTIONS.get()).isEqualTo(1);
    }

    @Test
    void cacheDisabledRunsEveryStepAgain() {
        cairn.run(training());
        PipelineRun again = cairn.run(training().withCacheDisabled());

        assertThat(again.steps()).allSatisfy(step -> assertThat(step.status()).isEqualTo(StepStatus.COMPLETED));
        assertThat(again.steps()).allSatisfy(step -> assertThat(step.cacheKey()).isEmpty());
        assertThat(EXECUTIONS.get()).isEqualTo(2);
        assertThat(cairn.client().listArtifactVersionsWithTag("raw")).hasSize(2);
    }

    private static Pipeline failing() {
        return Pipeline.define("failing", p -> p.call(Steps::explode, p.call(Steps::load)));
    }

    @Test
    void aFailedStepRecordsItsCodeExceptionClassAndMessage() {
        PipelineRun run = cairn.run(failing());

        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        StepFailure expected = new StepFailure(ErrorCode.STEP_FAILED, IllegalStateException.class.getName(), "no rows today (5 given)");
        assertThat(run.step(Steps::explode).failure()).contains(expected);
        assertThat(run.failure()).contains(expected);
        assertThat(run.step(Steps::load).failure()).isEmpty();
        // read back from the metadata store, not from the engine's memory
        assertThat(cairn.client().getPipelineRun(run.id()).step("explode").failure()).contains(expected);
        assertThat(cairn.client().getPipelineRun(run.id()).step("explode").error()).hasValueSatisfying(text -> assertThat(text).contains("IllegalStateException"));
    }

    @Test
    void runOrThrowThrowsTheFailedStepsCodeWhileRunReturnsAFailedRun() {
        assertThat(cairn.runOrThrow(training()).status()).isEqualTo(RunStatus.COMPLETED);

        assertThatThrownBy(() -> cairn.runOrThrow(failing()))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.STEP_FAILED))
                .hasMessageContaining("'explode'")
                .hasMessageContaining("java.lang.IllegalStateException: no rows today (5 given)")
                .hasMessageContaining("failing");
        assertThat(cairn.client().listRuns()).extracting(PipelineRun::status).contains(RunStatus.FAILED);
    }
}
