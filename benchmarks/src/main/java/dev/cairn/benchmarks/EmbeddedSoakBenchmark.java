package dev.cairn.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import dev.cairn.it.soak.EmbeddedSoak;

/**
 * The soak test's workload ({@link EmbeddedSoak}: Arrow and JSON outputs, registered-folder inputs, failing steps,
 * cancelled runs, cached re-runs, prunes) for many runs in one engine: prints, per block of runs, the time per run and
 * the counts that must not grow (descriptors, threads, temp-root entries, Arrow bytes, metadata connections, heap after
 * a full GC), so the first and the last block can be compared as the home grows.
 *
 * <p>The baseline, measured in the same run: after the warm-up and after each block, a second engine is opened on a
 * new, empty home and warmed up the same way; then {@value #PROBE_ROUNDS} rounds of {@value #PROBE_RUNS} runs alternate
 * between the grown engine and the fresh one, and the ratio of their times per run is printed. Both see the same
 * machine load, so the ratio at the end against the ratio at the start says whether the grown home slows runs down,
 * even when the absolute times follow other processes' load. The probe runs count as runs of the grown engine.
 *
 * <p>Usage: {@code EmbeddedSoakBenchmark [runs=20000] [block=1000] [home]}; run with
 * {@code --add-opens=java.base/java.nio=ALL-UNNAMED}. {@code block} should be a multiple of 50 so that both engines
 * run the same kinds of runs (and prunes) in each probe.
 */
public final class EmbeddedSoakBenchmark {
    static final int PROBE_ROUNDS = 5;
    static final int PROBE_RUNS = 10;

    private EmbeddedSoakBenchmark() {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int block = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        Path home = args.length > 2 ? Path.of(args[2]) : Files.createTempDirectory(Path.of("."), "cairn-soak-bench");
        long fdsBeforeOpen = EmbeddedSoak.descriptors();
        int threadsBeforeOpen = EmbeddedSoak.liveThreads();
        System.out.printf(Locale.ROOT, "home %s; before open: fds=%d threads=%d%n", home.toAbsolutePath(), fdsBeforeOpen, threadsBeforeOpen);
        System.out.println("| runs done | ms per run (this block) | probe: ms per run, this home | probe: ms per run, new home | probe ratio | fds | threads"
                + " | temp-root entries | Arrow bytes | metadata connections | heap after full GC (MiB) |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        Path baselines = Files.createTempDirectory(home.toAbsolutePath().getParent(), "cairn-soak-baseline");
        try (EmbeddedSoak soak = EmbeddedSoak.open(home)) {
            soak.run(25); // warm-up: pools started, classes loaded
            int done = 0;
            double[] probe = probe(soak, baselines.resolve("home-" + done));
            print(soak.sample(true), done, Double.NaN, probe);
            while (done < runs) {
                int count = Math.min(block, runs - done);
                long start = System.nanoTime();
                soak.run(count);
                double perRun = (System.nanoTime() - start) / 1e6 / count;
                done += count;
                probe = probe(soak, baselines.resolve("home-" + done));
                print(soak.sample(true), done, perRun, probe);
            }
            System.out.println("statuses: " + soak.statuses() + ", versions pruned: " + soak.prunedVersions() + ", runs in all (with probes): "
                    + soak.sample(false).runs());
        }
        System.out.printf(Locale.ROOT, "after close: fds=%d threads=%d temp-root entries=%d%n", EmbeddedSoak.descriptors(), EmbeddedSoak.liveThreads(),
                EmbeddedSoak.entries(home.resolve("tmp")));
    }

    /**
     * Times {@value #PROBE_ROUNDS} rounds of {@value #PROBE_RUNS} runs in {@code grown} and in a new engine on the empty
     * home {@code fresh} (warmed up with 25 runs first), alternating; returns {grown ms per run, fresh ms per run}. The
     * new engine is closed and its home deleted before returning.
     */
    static double[] probe(EmbeddedSoak grown, Path fresh) throws Exception {
        long grownNanos = 0;
        long freshNanos = 0;
        try (EmbeddedSoak baseline = EmbeddedSoak.open(fresh)) {
            baseline.run(25);
            for (int round = 0; round < PROBE_ROUNDS; round++) {
                long start = System.nanoTime();
                grown.run(PROBE_RUNS);
                grownNanos += System.nanoTime() - start;
                start = System.nanoTime();
                baseline.run(PROBE_RUNS);
                freshNanos += System.nanoTime() - start;
            }
        }
        try (java.util.stream.Stream<Path> paths = Files.walk(fresh)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
        int count = PROBE_ROUNDS * PROBE_RUNS;
        return new double[] {grownNanos / 1e6 / count, freshNanos / 1e6 / count};
    }

    private static void print(EmbeddedSoak.Sample sample, int done, double perRun, double[] probe) {
        System.out.printf(Locale.ROOT, "| %,d | %s | %.1f | %.1f | %.2fx | %d | %d | %d | %d | %d | %.1f |%n", done, Double.isNaN(perRun) ? "(warm-up)"
                : String.format(Locale.ROOT, "%.1f", perRun), probe[0], probe[1], probe[0] / probe[1], sample.descriptors(), sample.threads(),
                sample.tempRootEntries(), sample.arrowBytes(), sample.metadataConnections(), sample.heapAfterGc() / 1048576.0);
    }
}
