package dev.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.cairn.api.Cairn;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Ref;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.StepRun;
import dev.cairn.api.run.StepStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cached re-runs of long chains, where the engine looks up and verifies hits ahead of the scheduler: whatever it
 * guessed ahead, each step must end exactly as a lookup made at that moment would decide.
 */
class CacheLookaheadTest {
    @TempDir
    Path home;

    private Cairn cairn;

    static final AtomicInteger EXECUTIONS = new AtomicInteger();
    /** Added by {@link Steps#drift}: a step whose result depends on something outside its inputs. */
    static final AtomicInteger DRIFT = new AtomicInteger();

    @BeforeEach
    void open() {
        cairn = Cairn.builder().home(home).parallelism(2).build();
        EXECUTIONS.set(0);
        DRIFT.set(0);
    }

    @AfterEach
    void close() {
        cairn.close();
    }

    public static final class Steps {
        @Step
        public static int start(int value) {
            EXECUTIONS.incrementAndGet();
            return value;
        }

        @Step
        public static int next(int value) {
            EXECUTIONS.incrementAndGet();
            return value + 1;
        }

        @Step
        public static int drift(int value) {
            EXECUTIONS.incrementAndGet();
            return value + DRIFT.get();
        }
    }

    /** start, then {@code length - 1} steps {@code next}, with {@code drift} at position {@code driftAt} (if ≥ 1). */
    static Pipeline chain(int length, int driftAt) {
        return Pipeline.define("lookahead", p -> {
            Ref<Integer> value = p.call(Steps::start, Param.of(0));
            for (int i = 1; i < length; i++) {
                value = i == driftAt ? p.call(Steps::drift, value) : p.call(Steps::next, value);
            }
        });
    }

    private static Path dataOf(StepRun step) {
        return Path.of(step.output("output").uri()).resolve("data.json");
    }

    private static int last(PipelineRun run) {
        List<StepRun> steps = run.steps();
        return steps.get(steps.size() - 1).output("output").load();
    }

    @Test
    void chainLongerThanTheLookaheadWindowIsReusedWholeAndEachStepLinksItsOwnSource() {
        int length = 1_500;
        PipelineRun first = cairn.run(chain(length, -1));
        int executed = EXECUTIONS.get();
        PipelineRun second = cairn.run(chain(length, -1));

        assertThat(EXECUTIONS.get()).isEqualTo(executed);
        assertThat(second.steps()).hasSize(length).allSatisfy(step -> assertThat(step.status()).isEqualTo(StepStatus.CACHED));
        for (int i = 0; i < length; i++) {
            StepRun cached = second.steps().get(i);
            StepRun source = first.steps().get(i);
            assertThat(cached.cachedFrom()).as("step %d", i).contains(source.id());
            assertThat(cached.output("output").id()).as("step %d", i).isEqualTo(source.output("output").id());
        }
        assertThat(last(second)).isEqualTo(length - 1);
        long checkedAhead = second.steps().stream()
                .filter(step -> step.cacheNote().orElse("").endsWith("verified against their content hashes ahead of the scheduler"))
                .count();
        assertThat(checkedAhead).as("hits looked up and verified ahead of the scheduler").isPositive();
    }

    public static final class Failing {
        @Step
        public static int fail(int value) {
            throw new IllegalStateException("fails on purpose");
        }
    }

    @Test
    void stepsSkippedAfterAFailureDoNotHoldTheLookaheadBack() {
        int skipped = 1_100; // more than the walk's window of steps ahead of those taken
        int branch = 60;
        Pipeline pipeline = Pipeline.define("with_failure", p -> {
            Ref<Integer> failed = p.call(Failing::fail, Param.of(1));
            for (int i = 0; i < skipped; i++) {
                p.call(Steps::next, failed);
            }
            Ref<Integer> value = p.call(Steps::start, Param.of(0));
            for (int i = 1; i < branch; i++) {
                value = p.call(Steps::next, value);
            }
        });
        cairn.run(pipeline);
        PipelineRun second = cairn.run(pipeline);

        List<StepRun> branchSteps = second.steps().subList(1 + skipped, 1 + skipped + branch);
        assertThat(branchSteps).allSatisfy(step -> assertThat(step.status()).isEqualTo(StepStatus.CACHED));
        assertThat(branchSteps.stream().filter(step -> step.cacheNote().orElse("").endsWith("ahead of the scheduler")))
                .as("the walk went on past the skipped steps").isNotEmpty();
    }

    static Pipeline namedChain(String name, int length) {
        return Pipeline.define(name, p -> {
            Ref<Integer> value = p.call(Steps::start, Param.of(0));
            for (int i = 1; i < length; i++) {
                value = p.call(Steps::next, value);
            }
        });
    }

    @Test
    void concurrentRunsOfOneEngineEachGetTheirHits() throws Exception {
        List<String> names = List.of("a", "b", "c", "d", "e");
        for (String name : names) {
            cairn.run(namedChain(name, 150));
        }
        int executed = EXECUTIONS.get();
        java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newFixedThreadPool(names.size());
        try {
            List<java.util.concurrent.Future<PipelineRun>> runs = new java.util.ArrayList<>();
            for (String name : names) {
                runs.add(callers.submit(() -> cairn.run(namedChain(name, 150))));
            }
            for (java.util.concurrent.Future<PipelineRun> run : runs) {
                PipelineRun finished = run.get(120, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(finished.steps()).allSatisfy(step -> assertThat(step.status()).isEqualTo(StepStatus.CACHED));
                assertThat(last(finished)).isEqualTo(149);
            }
        } finally {
            callers.shutdownNow();
        }
        assertThat(EXECUTIONS.get()).isEqualTo(executed);
    }

    @Test
    void closingTheEngineStopsItsCacheCheckThreads() throws InterruptedException {
        java.util.Set<Thread> before = cacheCheckThreads();
        try (Cairn other = Cairn.builder().home(home.resolve("other")).parallelism(2).build()) {
            other.run(chain(50, -1));
            other.run(chain(50, -1));
        }
        java.util.Set<Thread> started = cacheCheckThreads();
        started.removeAll(before);
        for (Thread thread : started) {
            thread.join(10_000);
            assertThat(thread.isAlive()).as("%s after close", thread.getName()).isFalse();
        }
    }

    private static java.util.Set<Thread> cacheCheckThreads() {
        java.util.Set<Thread> threads = new java.util.HashSet<>();
        Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("cairn-cache-check-")).forEach(threads::add);
        return threads;
    }

    @Test
    void corruptedStepThatNowComputesDifferentBytesRerunsEverythingBelowIt() throws IOException {
        PipelineRun first = cairn.run(chain(60, 20));
        assertThat(last(first)).as("58 steps add 1, drift adds 0").isEqualTo(58);
        Files.writeString(dataOf(first.steps().get(20)), "12345");
        DRIFT.set(100);

        PipelineRun second = cairn.run(chain(60, 20));

        for (int i = 0; i < 20; i++) {
            assertThat(second.steps().get(i).status()).as("step %d", i).isEqualTo(StepStatus.CACHED);
        }
        assertThat(second.steps().get(20).status()).isEqualTo(StepStatus.COMPLETED);
        assertThat(second.steps().get(20).cacheNote()).hasValueSatisfying(note -> assertThat(note).contains("is corrupted"));
        for (int i = 21; i < 60; i++) {
            assertThat(second.steps().get(i).status()).as("step %d: its input changed", i).isEqualTo(StepStatus.COMPLETED);
        }
        assertThat(last(second)).isEqualTo(158);
    }

    @Test
    void corruptedStepThatRecomputesTheSameBytesLeavesEverythingBelowCached() throws IOException {
        PipelineRun first = cairn.run(chain(60, 20));
        Files.writeString(dataOf(first.steps().get(20)), "12345");
        int executed = EXECUTIONS.get();

        PipelineRun second = cairn.run(chain(60, 20));

        assertThat(EXECUTIONS.get()).as("only the corrupted step ran").isEqualTo(executed + 1);
        assertThat(second.steps().get(20).status()).isEqualTo(StepStatus.COMPLETED);
        for (int i = 0; i < 60; i++) {
            if (i != 20) {
                assertThat(second.steps().get(i).status()).as("step %d", i).isEqualTo(StepStatus.CACHED);
            }
        }
        assertThat(last(second)).isEqualTo(58);
    }

    @Test
    void corruptionFarBelowTheStartIsCaughtEvenThoughItWasCheckedAhead() throws IOException {
        PipelineRun first = cairn.run(chain(300, -1));
        Files.writeString(dataOf(first.steps().get(250)), "99999");
        Files.delete(dataOf(first.steps().get(280)));

        PipelineRun second = cairn.run(chain(300, -1));

        assertThat(second.steps().get(250).status()).isEqualTo(StepStatus.COMPLETED);
        assertThat(second.steps().get(250).cacheNote()).hasValueSatisfying(note -> assertThat(note).contains("is corrupted"));
        assertThat(second.steps().get(280).status()).isEqualTo(StepStatus.COMPLETED);
        assertThat(second.steps().get(280).cacheNote()).hasValueSatisfying(note -> assertThat(note).contains("failed verification"));
        assertThat(second.steps().stream().filter(step -> step.status() == StepStatus.CACHED)).hasSize(298);
        int value = second.steps().get(250).output("output").load();
        assertThat(value).isEqualTo(250);
        assertThat(last(second)).isEqualTo(299);
    }

    @Test
    void keysPredictedFromTheRunThatComputedTheStepsAboveAreNotTrustedWhereANewerResultDiffers() throws IOException {
        // run 1 computes the chain (drift adds 0); run 2 finds drift's output corrupted and recomputes it with drift adding
        // 100, so below it a second set of keys exists. Run 3 reuses steps 0-19 from run 1, and step 20 from run 2 (its
        // newer result): the keys of 21-59 the lookahead predicts from run 1 (which computed 0-19) are not the real ones.
        PipelineRun first = cairn.run(chain(60, 20));
        Files.writeString(dataOf(first.steps().get(20)), "12345");
        DRIFT.set(100);
        PipelineRun second = cairn.run(chain(60, 20));
        assertThat(last(second)).isEqualTo(158);
        int executed = EXECUTIONS.get();

        PipelineRun third = cairn.run(chain(60, 20));

        assertThat(EXECUTIONS.get()).as("nothing computed").isEqualTo(executed);
        for (int i = 0; i < 60; i++) {
            StepRun source = (i < 20 ? first : second).steps().get(i);
            assertThat(third.steps().get(i).status()).as("step %d", i).isEqualTo(StepStatus.CACHED);
            assertThat(third.steps().get(i).cachedFrom()).as("step %d", i).contains(source.id());
            assertThat(third.steps().get(i).output("output").id()).as("step %d", i).isEqualTo(source.output("output").id());
        }
        assertThat(last(third)).isEqualTo(158);
    }
}
