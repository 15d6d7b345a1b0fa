package dev.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.cairn.api.Cairn;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.pipeline.ArtifactName;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.pipeline.StepOptions;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several processes sharing one home create versions of the same name at once: all distinct, none fails. */
class ConcurrentProcessesTest {
    public static final class Steps {
        @Step
        @ArtifactName("shared_name")
        public static String produce(String who) {
            return who;
        }
    }

    /** The child: runs the pipeline {@code args[2]} times. */
    public static void main(String[] args) {
        int runs = Integer.parseInt(args[2]);
        try (Cairn cairn = Cairn.open(Path.of(args[0]))) {
            for (int i = 0; i < runs; i++) {
                PipelineRun run = cairn.run(Pipeline.define("concurrent", p -> p.with(StepOptions.builder().enableCache(false).build()).call(Steps::produce, Param.of(args[1]))));
                if (run.status() != RunStatus.COMPLETED) {
                    System.out.println("FAILED " + run.error().orElse(""));
                    System.exit(3);
                }
            }
        }
    }

    @Test
    void threeProcessesGetDistinctVersions(@TempDir Path home) throws Exception {
        int processes = 3;
        int runsEach = 15;
        List<Process> children = new ArrayList<>();
        for (int i = 0; i < processes; i++) {
            children.add(ChildJvm.start(ConcurrentProcessesTest.class, home.resolve("child-" + i + ".log"), home.toString(), "p" + i, Integer.toString(runsEach)));
        }
        for (int i = 0; i < processes; i++) {
            Process child = children.get(i);
            assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).as(Files.readString(home.resolve("child-" + i + ".log"))).isZero();
        }
        try (Cairn cairn = Cairn.open(home)) {
            List<ArtifactVersion> versions = cairn.client().listArtifactVersions("shared_name");
            assertThat(versions).hasSize(processes * runsEach);
            List<Integer> numbers = versions.stream().map(v -> Integer.parseInt(v.version())).sorted().toList();
            assertThat(numbers).doesNotHaveDuplicates().startsWith(1).endsWith(processes * runsEach);
            assertThat(cairn.client().listRuns("concurrent")).hasSize(processes * runsEach).allMatch(r -> r.status() == RunStatus.COMPLETED);
        }
    }
}
