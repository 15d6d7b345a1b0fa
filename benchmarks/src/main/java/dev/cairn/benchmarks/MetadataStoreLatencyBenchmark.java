package dev.cairn.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.cairn.api.artifact.ArtifactType;
import dev.cairn.api.artifact.Visualization;
import dev.cairn.api.artifact.VisualizationType;
import dev.cairn.api.metadata.ArtifactVersionRecord;
import dev.cairn.api.metadata.InputKind;
import dev.cairn.api.metadata.MetadataStore.CommittedArtifact;
import dev.cairn.api.metadata.NewArtifactVersion;
import dev.cairn.api.metadata.PipelineRunRecord;
import dev.cairn.api.metadata.StepInputRecord;
import dev.cairn.api.metadata.StepOutputRecord;
import dev.cairn.api.metadata.StepRunRecord;
import dev.cairn.api.run.RunStatus;
import dev.cairn.api.run.StepStatus;
import dev.cairn.engine.metadata.sqlite.SqliteMetadataStore;

/**
 * Prints the latency of the metadata calls the engine makes per step (argument: number of steps, default 20,000),
 * and, as the baseline measured in the same run, a bare SQLite write transaction on a plain JDBC connection to a file
 * in the same directory (WAL, {@code synchronous=NORMAL}, as the store): {@code BEGIN IMMEDIATE}, one single-row
 * {@code INSERT}, {@code COMMIT}; each call is printed with its ratio to that baseline. Each simulated step: {@code updateStepRun} to RUNNING,
 * one {@code reserveArtifactVersion}, one {@code completeStep} that commits the output with a visualization and
 * records one input and one output. The first pass warms the JIT; the second is printed. Wall-clock figures
 * include time the thread was not scheduled; the CPU figures do not, so they are the ones to compare on a busy
 * machine.
 */
public final class MetadataStoreLatencyBenchmark {
    private static final URI STORE_URI = URI.create("file:///tmp/cairn-store");
    private static final Instant T0 = Instant.parse("2025-03-04T05:06:07.123456789Z");

    private MetadataStoreLatencyBenchmark() {}

    private static PipelineRunRecord run(String pipeline, Instant startedAt) {
        return new PipelineRunRecord(UUID.randomUUID(), pipeline, RunStatus.RUNNING, startedAt, Optional.empty(), Map.of(), Optional.empty());
    }

    private static StepRunRecord stepRun(PipelineRunRecord run, String stepName, int position, String... upstream) {
        return StepRunRecord.builder().id(UUID.randomUUID()).runId(run.id()).stepName(stepName).position(position)
                .upstreamSteps(List.of(upstream)).status(StepStatus.PENDING).build();
    }

    private static NewArtifactVersion newVersion(String name) {
        return NewArtifactVersion.builder().id(UUID.randomUUID()).name(name).storeUri(STORE_URI).dataType("java.lang.String")
                .materializerId("cairn.string").materializerVersion("1").artifactType(ArtifactType.DATA).contentHash("sha256:abc")
                .size(3).createdAt(T0).build();
    }

    private static URI artifactUri(String name, String version) {
        return URI.create(STORE_URI + "/artifacts/" + name + "/" + version);
    }

    /** Per-transaction wall and CPU times of a bare write transaction, {@code [0]} wall, {@code [1]} CPU, in ns. */
    private static long[][] bareTransactions(Path file, int count) throws SQLException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long[][] times = new long[2][count];
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement setup = connection.createStatement()) {
            setup.execute("PRAGMA journal_mode = WAL");
            setup.execute("PRAGMA synchronous = NORMAL");
            setup.execute("CREATE TABLE IF NOT EXISTS baseline (id TEXT PRIMARY KEY, value INTEGER NOT NULL)");
            try (PreparedStatement begin = connection.prepareStatement("BEGIN IMMEDIATE");
                    PreparedStatement insert = connection.prepareStatement("INSERT INTO baseline (id, value) VALUES (?, ?)");
                    PreparedStatement commit = connection.prepareStatement("COMMIT")) {
                for (int i = 0; i < count; i++) {
                    long c0 = threads.getCurrentThreadCpuTime();
                    long t0 = System.nanoTime();
                    begin.execute();
                    insert.setString(1, UUID.randomUUID().toString());
                    insert.setInt(2, i);
                    insert.executeUpdate();
                    commit.execute();
                    times[0][i] = System.nanoTime() - t0;
                    times[1][i] = threads.getCurrentThreadCpuTime() - c0;
                }
            }
        }
        return times;
    }

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
            measure(store, seed, steps, false, null);
            bareTransactions(directory.resolve("baseline-warm-up.db"), steps);
            long[][] baseline = bareTransactions(directory.resolve("baseline.db"), steps);
            report("bare write transaction", baseline[0], baseline[1], null);
            measure(store, seed, steps, true, baseline);
        }
    }

    private static void measure(SqliteMetadataStore store, ArtifactVersionRecord input, int steps, boolean print, long[][] baseline) {
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
                report(names[call], wall[call], cpu[call], baseline);
            }
        }
    }

    private static void report(String name, long[] wall, long[] cpu, long[][] baseline) {
        long[] sorted = wall.clone();
        Arrays.sort(sorted);
        String ratio = "";
        if (baseline != null) {
            long[] baseSorted = baseline[0].clone();
            Arrays.sort(baseSorted);
            ratio = String.format(" | p50 %.2fx, CPU %.2fx the bare transaction", (double) sorted[sorted.length / 2] / baseSorted[baseSorted.length / 2],
                    Arrays.stream(cpu).average().orElse(0) / Arrays.stream(baseline[1]).average().orElse(1));
        }
        System.out.printf("  %-24s wall mean %6.1f  p50 %6.1f  p90 %6.1f  p99 %7.1f | CPU mean %6.1f%s%n", name,
                Arrays.stream(wall).average().orElse(0) / 1e3, sorted[sorted.length / 2] / 1e3,
                sorted[sorted.length * 9 / 10] / 1e3, sorted[sorted.length * 99 / 100] / 1e3,
                Arrays.stream(cpu).average().orElse(0) / 1e3, ratio);
    }
}
