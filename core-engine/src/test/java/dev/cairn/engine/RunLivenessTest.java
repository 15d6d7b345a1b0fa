package dev.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.cairn.api.Cairn;
import dev.cairn.api.lifecycle.PruneOptions;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.pipeline.StepOptions;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run whose process is alive keeps renewing itself, so other engines never record it as abandoned. */
class RunLivenessTest {
    @TempDir
    Path home;

    static final CountDownLatch STARTED = new CountDownLatch(1);
    static final CountDownLatch RELEASE = new CountDownLatch(1);

    public static final class Steps {
        @Step
        public static int waitForRelease(int value) throws InterruptedException {
            STARTED.countDown();
            RELEASE.await(30, TimeUnit.SECONDS);
            return value;
        }
    }

    @Test
    void aRunThatOutlivesTheHeartbeatTimeoutStaysRunningWhileItsProcessRenewsIt() throws Exception {
        Duration timeout = Duration.ofMillis(300);
        Pipeline pipeline = Pipeline.define("long_running",
                p -> p.with(StepOptions.builder().enableCache(false).build()).call(Steps::waitForRelease, Param.of(7)));
        try (Cairn running = Cairn.builder().home(home).runHeartbeatTimeout(timeout).build()) {
            CompletableFuture<PipelineRun> run = CompletableFuture.supplyAsync(() -> running.run(pipeline));
            assertThat(STARTED.await(30, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(timeout.toMillis() * 4);
            try (Cairn other = Cairn.builder().home(home).runHeartbeatTimeout(timeout).build()) {
                other.client().prune(PruneOptions.defaults());
                assertThat(other.client().listRuns("long_running")).singleElement()
                        .satisfies(r -> assertThat(r.status()).as("renewed, so not abandoned").isEqualTo(RunStatus.RUNNING));
            }
            RELEASE.countDown();
            PipelineRun finished = run.get(30, TimeUnit.SECONDS);
            assertThat(finished.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(running.client().getPipelineRun(finished.id()).status()).isEqualTo(RunStatus.COMPLETED);
        }
    }
}
