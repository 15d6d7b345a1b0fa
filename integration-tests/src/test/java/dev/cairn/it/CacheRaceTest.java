package dev.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.cairn.api.Cairn;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.StepStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two processes that start the same uncached step at the same moment compute it once. */
class CacheRaceTest {
    public static final class Steps {
        @Step
        public static String slow(String log) throws Exception {
            Files.writeString(Path.of(log), ProcessHandle.current().pid() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            Thread.sleep(1_500);
            return "computed";
        }
    }

    static Pipeline pipeline(String log) {
        return Pipeline.define("race", p -> p.call(Steps::slow, Param.of(log)));
    }

    /** The child: waits for the start signal, then runs the pipeline. */
    public static void main(String[] args) throws Exception {
        Path go = Path.of(args[1]);
        while (!Files.exists(go)) {
            Thread.sleep(5);
        }
        try (Cairn cairn = Cairn.open(Path.of(args[0]))) {
            PipelineRun run = cairn.run(pipeline(args[2]));
            System.out.println("STATUS " + run.step("slow").status());
        }
    }

    @Test
    void twoProcessesComputeTheStepOnce(@TempDir Path dir) throws Exception {
        Path home = dir.resolve("home");
        Path go = dir.resolve("go");
        Path log = dir.resolve("executions.log");
        try (Cairn cairn = Cairn.open(home)) {
            cairn.client().listRuns(); // create the database before the race
        }
        Process first = ChildJvm.start(CacheRaceTest.class, dir.resolve("first.log"), home.toString(), go.toString(), log.toString());
        Process second = ChildJvm.start(CacheRaceTest.class, dir.resolve("second.log"), home.toString(), go.toString(), log.toString());
        Thread.sleep(1_500); // both JVMs up and polling
        Files.writeString(go, "go");
        assertThat(first.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String outputs = Files.readString(dir.resolve("first.log")) + Files.readString(dir.resolve("second.log"));
        assertThat(first.exitValue()).as(outputs).isZero();
        assertThat(second.exitValue()).as(outputs).isZero();

        assertThat(Files.readAllLines(log)).as("the step body ran once").hasSize(1);
        assertThat(outputs).contains("STATUS COMPLETED").contains("STATUS CACHED");
        try (Cairn cairn = Cairn.open(home)) {
            List<PipelineRun> runs = cairn.client().listRuns("race");
            assertThat(runs).hasSize(2);
            assertThat(runs).extracting(r -> r.step("slow").status()).containsExactlyInAnyOrder(StepStatus.COMPLETED, StepStatus.CACHED);
            assertThat(cairn.client().listArtifactVersions("race::slow::output")).hasSize(1);
        }
    }
}
