package dev.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.cairn.api.Cairn;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * A process killed (SIGKILL) in the middle of a run leaves the run {@code RUNNING} only until its renewal expires:
 * the next engine records it as {@code FAILED}, and the outputs it had committed become prunable like those of any
 * finished run.
 */
class AbandonedRunTest {
    static final Duration TIMEOUT = Duration.ofMillis(600);

    public static final class Steps {
        @Step
        public static String produce(String text) {
            return text + " produced";
        }

        @Step
        public static String hang(String input, String marker) throws Exception {
            Files.writeString(Path.of(marker), input);
            Thread.sleep(120_000);
            return input;
        }

        @Step
        public static int after(String input) {
            return input.length();
        }
    }

    static Pipeline pipeline(String marker) {
        StepOptions uncached = StepOptions.builder().enableCache(false).build();
        return Pipeline.define("killed", p -> {
            Ref<String> produced = p.with(uncached).call(Steps::produce, Param.of("data"));
            Ref<String> hung = p.with(uncached).call(Steps::hang, produced, Param.of(marker));
            p.with(uncached).call(Steps::after, hung);
        });
    }

    /** The child: runs the pipeline until it is killed inside {@code hang}. */
    public static void main(String[] args) {
        try (Cairn cairn = Cairn.builder().home(Path.of(args[0])).runHeartbeatTimeout(TIMEOUT).build()) {
            cairn.run(pipeline(args[1]));
        }
    }

    @Test
    void killedRunIsRecordedAsFailedAndItsOutputsBecomePrunable(@TempDir Path home) throws Exception {
        Path marker = home.resolve("marker");
        Process child = ChildJvm.start(AbandonedRunTest.class, home.resolve("child.log"), home.toString(), marker.toString());
        ChildJvm.awaitMarker(child, marker, home.resolve("child.log"), "reached the hanging step");
        try (Cairn cairn = Cairn.builder().home(home).runHeartbeatTimeout(TIMEOUT).build()) {
            assertThat(cairn.client().listRuns("killed")).singleElement()
                    .satisfies(run -> assertThat(run.status()).as("alive and renewing").isEqualTo(RunStatus.RUNNING));
        }
        child.destroyForcibly();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(TIMEOUT.toMillis() * 2);

        try (Cairn cairn = Cairn.builder().home(home).runHeartbeatTimeout(TIMEOUT).build()) {
            PipelineRun run = cairn.client().listRuns("killed").get(0);
            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            assertThat(run.error()).hasValueSatisfying(error -> assertThat(error).contains("Abandoned").contains("killed or crashed"));
            assertThat(run.step("produce").status()).isEqualTo(StepStatus.COMPLETED);
            assertThat(run.step("hang").status()).isIn(StepStatus.FAILED, StepStatus.SKIPPED);
            assertThat(run.step("after").status()).isEqualTo(StepStatus.SKIPPED);
            String produced = run.step("produce").output("output").load();
            assertThat(produced).as("committed artifacts stay loadable").isEqualTo("data produced");

            PruneReport report = cairn.client().prune(PruneOptions.defaults());
            assertThat(report.versions()).extracting(PruneReport.PrunedVersion::name).containsExactly("killed::produce::output");
        }
    }
}
