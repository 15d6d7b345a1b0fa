package dev.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.cairn.api.Cairn;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.lifecycle.PruneOptions;
import dev.cairn.api.lifecycle.PruneReport;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Ref;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.pipeline.StepOptions;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunStatus;
import dev.cairn.api.run.StepStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenarios 4 and 5 of issue #12 with real processes: a child JVM runs a pipeline that consumes {@code p.artifact("x")}
 * and is stopped with SIGSTOP for several heartbeat timeouts. Another engine on the same host then opens the home and
 * prunes: the run stays {@code RUNNING} (its process lives), x and the run's committed output stay; resumed with
 * SIGCONT the child completes the run. A child killed with SIGKILL instead is recorded {@code FAILED} with its pid, and
 * its lease on x ends.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class PausedRunTest {
    static final Duration TIMEOUT = Duration.ofMillis(600);

    public static final class Steps {
        @Step
        public static String produce(String text) {
            return text + " produced";
        }

        @Step
        public static String hold(String produced, String x, String marker, String release) throws Exception {
            Files.writeString(Path.of(marker), produced);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.exists(Path.of(release)) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            return produced + " + " + x;
        }
    }

    static Pipeline pipeline(String marker, String release) {
        StepOptions uncached = StepOptions.builder().enableCache(false).build();
        return Pipeline.define("paused", p -> {
            Ref<String> produced = p.with(uncached).call(Steps::produce, Param.of("data"));
            Ref<String> x = p.artifact("x");
            p.with(uncached).call(Steps::hold, produced, x, Param.of(marker), Param.of(release));
        });
    }

    /** The child: runs the pipeline; it holds inside {@code hold} until the release file appears. */
    public static void main(String[] args) {
        try (Cairn cairn = Cairn.builder().home(Path.of(args[0])).runHeartbeatTimeout(TIMEOUT).build()) {
            PipelineRun run = cairn.run(pipeline(args[1], args[2]));
            System.exit(run.status() == RunStatus.COMPLETED ? 0 : 1);
        }
    }

    private static void signal(Process child, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(child.pid())).inheritIO().start();
        assertThat(kill.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).as("kill -%s", signal).isZero();
    }

    private static ArtifactVersion saveX(Path home) {
        try (Cairn cairn = Cairn.builder().home(home).runHeartbeatTimeout(TIMEOUT).build()) {
            return cairn.client().save("the input", "x");
        }
    }

    @Test
    void aStoppedJvmKeepsItsRunItsInputAndItsOutputsPastTheTimeoutAndFinishesWhenResumed(@TempDir Path home) throws Exception {
        ArtifactVersion x = saveX(home);
        Path marker = home.resolve("marker");
        Path release = home.resolve("release");
        Process child = ChildJvm.start(PausedRunTest.class, home.resolve("child.log"), home.toString(), marker.toString(), release.toString());
        try {
            ChildJvm.awaitMarker(child, marker, home.resolve("child.log"), "reached the holding step");
            signal(child, "STOP");
            Thread.sleep(TIMEOUT.toMillis() * 4);

            try (Cairn cairn = Cairn.builder().home(home).runHeartbeatTimeout(TIMEOUT).build()) {
                PruneReport report = cairn.client().prune(PruneOptions.defaults());
                assertThat(report.versions()).as("neither the leased input nor the running run's output").isEmpty();
                PipelineRun run = cairn.client().listRuns("paused").get(0);
                assertThat(run.status()).as("stopped, not gone").isEqualTo(RunStatus.RUNNING);
                assertThat(cairn.client().<String>load("x")).isEqualTo("the input");
                String produced = run.step("produce").output("output").load();
                assertThat(produced).isEqualTo("data produced");
            }

            signal(child, "CONT");
            Files.writeString(release, "go");
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).as("the child's run completed; log:\n%s", Files.readString(home.resolve("child.log"))).isZero();
        } finally {
            child.destroyForcibly();
        }
        try (Cairn cairn = Cairn.builder().home(home).runHeartbeatTimeout(TIMEOUT).build()) {
            PipelineRun run = cairn.client().listRuns("paused").get(0);
            assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
            String held = run.step("hold").output("output").load();
            assertThat(held).isEqualTo("data produced + the input");
            assertThat(cairn.client().getArtifactVersion("x").id()).isEqualTo(x.id());
        }
    }

    @Test
    void aKilledJvmIsRecordedFailedWithItsPidAndItsInputLeaseEnds(@TempDir Path home) throws Exception {
        ArtifactVersion x = saveX(home);
        Path marker = home.resolve("marker");
        Process child = ChildJvm.start(PausedRunTest.class, home.resolve("child.log"), home.toString(), marker.toString(),
                home.resolve("never").toString());
        ChildJvm.awaitMarker(child, marker, home.resolve("child.log"), "reached the holding step");
        child.destroyForcibly();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(TIMEOUT.toMillis() * 2);

        try (Cairn cairn = Cairn.builder().home(home).runHeartbeatTimeout(TIMEOUT).build()) {
            PruneReport report = cairn.client().prune(PruneOptions.defaults());
            PipelineRun run = cairn.client().listRuns("paused").get(0);
            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            assertThat(run.error()).hasValueSatisfying(error -> assertThat(error).contains("Abandoned").contains("pid " + child.pid()).contains("is gone"));
            assertThat(run.step("hold").status()).isIn(StepStatus.FAILED, StepStatus.SKIPPED);
            assertThat(report.versions()).extracting(PruneReport.PrunedVersion::id).as("x is no longer leased").contains(x.id());
        }
    }
}
