package dev.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.PipelineOptions;
import dev.cairn.api.pipeline.Ref;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunHandle;
import dev.cairn.api.run.RunStatus;
import dev.cairn.api.run.StepStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stopping runs: RunHandle.cancel, the run timeout, and what the engine's close does to a run in progress. */
class CancellationTest {
    @TempDir
    Path home;

    private Cairn cairn;

    static volatile CountDownLatch started;
    static volatile CountDownLatch release;

    @BeforeEach
    void open() {
        started = new CountDownLatch(1);
        release = new CountDownLatch(1);
        cairn = Cairn.builder().home(home).parallelism(2).cancelGracePeriod(Duration.ofMillis(300)).build();
    }

    @AfterEach
    void close() {
        release.countDown();
        cairn.close();
    }

    public static final class Steps {
        @Step
        public static String sleeper(long millis) throws InterruptedException {
            started.countDown();
            Thread.sleep(millis);
            return "slept";
        }

        /** Ignores interruption until the test releases it. */
        @Step
        public static String stubborn() {
            started.countDown();
            while (true) {
                try {
                    if (release.await(10, TimeUnit.SECONDS)) {
                        return "late";
                    }
                } catch (InterruptedException ignored) {
                    // carries on regardless
                }
            }
        }

        @Step
        public static String after(String input) {
            return input + "!";
        }

        @Step
        public static String quick() {
            return "quick";
        }
    }

    private static Pipeline sleepy(long millis) {
        return Pipeline.define("sleepy", p -> {
            Ref<String> slept = p.call(Steps::sleeper, Param.of(millis));
            p.call(Steps::after, slept);
        });
    }

    @Test
    void cancellingInterruptsTheRunningStepSkipsThePendingOnesAndRecordsWhoAndWhy() throws InterruptedException {
        RunHandle handle = cairn.start(sleepy(60_000));
        assertThat(cairn.client().getPipelineRun(handle.runId()).status()).isEqualTo(RunStatus.RUNNING);
        assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();

        assertThat(handle.cancel("the operator asked")).isTrue();
        PipelineRun run = handle.await(Duration.ofSeconds(20)).orElseThrow();

        assertThat(run.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(run.error()).hasValueSatisfying(error -> assertThat(error)
                .contains("Cancelled by thread '" + Thread.currentThread().getName() + "'").contains("the operator asked"));
        assertThat(run.step("sleeper").status()).isEqualTo(StepStatus.FAILED);
        assertThat(run.step("sleeper").error()).hasValueSatisfying(error -> assertThat(error).contains("Interrupted because the run was cancelled"));
        assertThat(run.step("after").status()).isEqualTo(StepStatus.SKIPPED);
        assertThat(run.step("after").error()).hasValueSatisfying(error -> assertThat(error).contains("Not run: Cancelled by"));
        PipelineRun stored = cairn.client().getPipelineRun(handle.runId());
        assertThat(stored.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(stored.step("after").status()).isEqualTo(StepStatus.SKIPPED);
        assertThat(cairn.client().listArtifactVersions("sleepy::sleeper::output")).isEmpty();
        assertThat(handle.isDone()).isTrue();
        assertThat(handle.cancel("again")).isFalse();
    }

    @Test
    void aStepThatIgnoresInterruptionIsAbandonedAfterTheGracePeriodAndWhatItReturnsLaterIsDiscarded() throws InterruptedException {
        RunHandle handle = cairn.start(Pipeline.define("stubborn", p -> p.call(Steps::after, p.call(Steps::stubborn))));
        assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();
        handle.cancel("shutting down");

        PipelineRun run = handle.await(Duration.ofSeconds(20)).orElseThrow();
        assertThat(run.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(run.step("stubborn").status()).isEqualTo(StepStatus.FAILED);
        assertThat(run.step("stubborn").error()).hasValueSatisfying(error -> assertThat(error).startsWith("Abandoned").contains("PT0.3S"));
        assertThat(run.step("after").status()).isEqualTo(StepStatus.SKIPPED);

        release.countDown(); // the step now returns "late"; its output must not appear
        cairn.close(); // waits for the worker threads, so the abandoned step has finished by now
        try (Cairn reopened = Cairn.open(home)) {
            assertThat(reopened.client().listArtifactVersions("stubborn::stubborn::output")).isEmpty();
            assertThat(reopened.client().getPipelineRun(handle.runId()).step("stubborn").status()).isEqualTo(StepStatus.FAILED);
        }
    }

    @Test
    void aRunTimeoutCancelsTheRunThroughTheSamePath() {
        Pipeline slow = Pipeline.define("slow", p -> p.call(Steps::after, p.call(Steps::sleeper, Param.of(60_000L))))
                .withOptions(PipelineOptions.builder().timeout(Duration.ofMillis(200)).build());

        PipelineRun run = cairn.run(slow);

        assertThat(run.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(run.error()).hasValueSatisfying(error -> assertThat(error).contains("Cancelled by the run timeout").contains("PT0.2S"));
        assertThat(run.step("after").status()).isEqualTo(StepStatus.SKIPPED);
    }

    @Test
    void aStartedRunThatFinishesIsAwaited() {
        RunHandle handle = cairn.start(Pipeline.define("fast", p -> p.call(Steps::after, p.call(Steps::quick))));
        PipelineRun run = handle.await();
        assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(run.step("after").output("output").<String>load()).isEqualTo("quick!");
        assertThat(handle.cancel()).isFalse();
    }

    @Test
    void closeWaitsForARunThatFinishesInTime() {
        RunHandle handle = cairn.start(sleepy(300));
        cairn.close();
        assertThat(handle.await(Duration.ZERO)).hasValueSatisfying(run -> assertThat(run.status()).isEqualTo(RunStatus.COMPLETED));
    }

    @Test
    void closeCancelsARunThatOutlastsTheCloseTimeoutAndRecordsWhy() throws InterruptedException {
        cairn.close();
        cairn = Cairn.builder().home(home).closeTimeout(Duration.ofMillis(100)).cancelGracePeriod(Duration.ofMillis(300)).build();
        RunHandle handle = cairn.start(sleepy(60_000));
        assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();

        cairn.close();

        PipelineRun run = handle.await(Duration.ZERO).orElseThrow();
        assertThat(run.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(run.error()).hasValueSatisfying(error -> assertThat(error).contains("Cancelled by Cairn.close()").contains("PT0.1S"));
        try (Cairn reopened = Cairn.open(home)) {
            assertThat(reopened.client().getPipelineRun(handle.runId()).status()).isEqualTo(RunStatus.CANCELLED);
        }
    }

    @Test
    void aClosedEngineRefusesNewWorkAndCloseIsIdempotent() {
        cairn.close();
        cairn.close();
        for (org.assertj.core.api.ThrowableAssert.ThrowingCallable call : java.util.List.<org.assertj.core.api.ThrowableAssert.ThrowingCallable>of(
                () -> cairn.run(sleepy(1)), () -> cairn.start(sleepy(1)), cairn::client, () -> cairn.validate(sleepy(1)))) {
            assertThatThrownBy(call).isInstanceOf(CairnException.class).hasMessageContaining("closed")
                    .extracting(e -> ((CairnException) e).errorCode()).isEqualTo(ErrorCode.ENGINE_CLOSED);
        }
    }
}
