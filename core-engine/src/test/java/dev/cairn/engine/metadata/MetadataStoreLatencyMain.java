package dev.cairn.engine.metadata;

import static dev.cairn.engine.metadata.TestingMetadata.T0;
import static dev.cairn.engine.metadata.TestingMetadata.artifactUri;
import static dev.cairn.engine.metadata.TestingMetadata.newVersion;
import static dev.cairn.engine.metadata.TestingMetadata.run;
import static dev.cairn.engine.metadata.TestingMetadata.stepRun;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import dev.cairn.api.artifact.Visualization;
import dev.cairn.api.artifact.VisualizationType;
import dev.cairn.api.metadata.ArtifactVersionRecord;
import dev.cairn.api.metadata.InputKind;
import dev.cairn.api.metadata.MetadataStore.CommittedArtifact;
import dev.cairn.api.metadata.PipelineRunRecord;
import dev.cairn.api.metadata.StepInputRecord;
import dev.cairn.api.metadata.StepOutputRecord;
import dev.cairn.api.metadata.StepRunRecord;
import dev.cairn.api.run.StepStatus;

/**
 * Prints the latency of the calls the engine makes per step (not a test: run it by hand with the test
 * classpath; argument: number of steps, default 20,000). Each simulated step: {@code updateStepRun} to RUNNING,
 * one {@code reserveArtifactVersion}, one {@code completeStep} that commits the output with a visualization and
 * records one input and one output. The first pass warms the JIT; the second is printed. Wall-clock figures
 * include time the thread was not scheduled; the CPU figures do not, so they are the ones to compare on a busy
 * machine.
 */
public final class MetadataStoreLatencyMain {
    private MetadataStoreLatencyMain() {}

    public static void main(String[] args) throws Exception {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        Path directory = Files.createTempDirectory("cairn-latency");
        try (SqliteMetadataStore store = SqliteMetadataStore.open(directory.resolve("metadata.db"))) {
            for (int round = 1; round <= 3; round++) {
                PipelineRunRecord run = run("latency", T0.plusSeconds(round));
                List<StepRunRecord> stepRuns = new ArrayList<>();
                for (int i = 0; i < 10_000; i++) {
                    stepRuns.add(stepRun(run, "step" + i, i, i == 0 ? new String[0] : new String[] {"step" + (i - 1)}));
                }
                long start = System.nanoTime();
                store.insertRun(run, stepRuns);
                System.out.printf("insertRun with 10,000 step runs, round %d: %.1f ms%n", round, (System.nanoTime() - start) / 1e6);
            }

            ArtifactVersionRecord seed = store.reserveArtifactVersion(newVersion("seed"));
            store.commitArtifactVersion(new CommittedArtifact(seed.id(), artifactUri("seed", "1"), List.of()));
            measure(store, seed, steps, false);
            measure(store, seed, steps, true);
        }
    }

    private static void measure(SqliteMetadataStore store, ArtifactVersionRecord input, int steps, boolean print) {
        PipelineRunRecord run = run("latency", T0);
        List<StepRunRecord> stepRuns = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            stepRuns.add(stepRun(run, "step" + i, i));
        }
        store.insertRun(run, stepRuns);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long[][] wall = new long[3][steps];
        long[][] cpu = new long[3][steps];
        List<Visualization> visualizations = List.of(Visualization.text("summary", VisualizationType.MARKDOWN, "10 rows"));
        for (int i = 0; i < steps; i++) {
            StepRunRecord step = stepRuns.get(i);
            long c0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            StepRunRecord running = step.started(T0);
            store.updateStepRun(running);
            long t1 = System.nanoTime();
            long c1 = threads.getCurrentThreadCpuTime();
            ArtifactVersionRecord output = store.reserveArtifactVersion(newVersion("latency::step::output"));
            long t2 = System.nanoTime();
            long c2 = threads.getCurrentThreadCpuTime();
            store.completeStep(running.finished(StepStatus.COMPLETED, T0.plusSeconds(1), Optional.empty()),
                    List.of(new CommittedArtifact(output.id(), artifactUri("out", output.version()), visualizations)),
                    List.of(new StepInputRecord(step.id(), "rows", input.id(), InputKind.STEP_OUTPUT)),
                    List.of(new StepOutputRecord(step.id(), "output", output.id())));
            long t3 = System.nanoTime();
            long c3 = threads.getCurrentThreadCpuTime();
            wall[0][i] = t1 - t0;
            wall[1][i] = t2 - t1;
            wall[2][i] = t3 - t2;
            cpu[0][i] = c1 - c0;
            cpu[1][i] = c2 - c1;
            cpu[2][i] = c3 - c2;
        }
        if (print) {
            System.out.printf("%d steps; per call in µs (wall clock, and CPU time of the calling thread):%n", steps);
            String[] names = {"updateStepRun", "reserveArtifactVersion", "completeStep"};
            for (int call = 0; call < 3; call++) {
                report(names[call], wall[call], cpu[call]);
            }
        }
    }

    private static void report(String name, long[] wall, long[] cpu) {
        long[] sorted = wall.clone();
        Arrays.sort(sorted);
        System.out.printf("  %-24s wall mean %6.1f  p50 %6.1f  p90 %6.1f  p99 %7.1f | CPU mean %6.1f%n", name,
                Arrays.stream(wall).average().orElse(0) / 1e3, sorted[sorted.length / 2] / 1e3,
                sorted[sorted.length * 9 / 10] / 1e3, sorted[sorted.length * 99 / 100] / 1e3,
                Arrays.stream(cpu).average().orElse(0) / 1e3);
    }
}
