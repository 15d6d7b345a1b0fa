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
 * <p>Usage: {@code EmbeddedSoakBenchmark [runs=20000] [block=1000] [home]}; run with
 * {@code --add-opens=java.base/java.nio=ALL-UNNAMED}.
 */
public final class EmbeddedSoakBenchmark {
    private EmbeddedSoakBenchmark() {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int block = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        Path home = args.length > 2 ? Path.of(args[2]) : Files.createTempDirectory(Path.of("."), "cairn-soak-bench");
        long fdsBeforeOpen = EmbeddedSoak.descriptors();
        int threadsBeforeOpen = EmbeddedSoak.liveThreads();
        System.out.printf(Locale.ROOT, "home %s; before open: fds=%d threads=%d%n", home.toAbsolutePath(), fdsBeforeOpen, threadsBeforeOpen);
        System.out.println("| runs done | ms per run (this block) | fds | threads | temp-root entries | Arrow bytes | metadata connections | heap after full GC (MiB) |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        try (EmbeddedSoak soak = EmbeddedSoak.open(home)) {
            soak.run(25); // warm-up: pools started, classes loaded
            print(soak.sample(true), Double.NaN);
            int done = 0;
            while (done < runs) {
                int count = Math.min(block, runs - done);
                long start = System.nanoTime();
                soak.run(count);
                double perRun = (System.nanoTime() - start) / 1e6 / count;
                done += count;
                print(soak.sample(true), perRun);
            }
            System.out.println("statuses: " + soak.statuses() + ", versions pruned: " + soak.prunedVersions());
        }
        System.out.printf(Locale.ROOT, "after close: fds=%d threads=%d temp-root entries=%d%n", EmbeddedSoak.descriptors(), EmbeddedSoak.liveThreads(),
                EmbeddedSoak.entries(home.resolve("tmp")));
    }

    private static void print(EmbeddedSoak.Sample sample, double perRun) {
        System.out.printf(Locale.ROOT, "| %,d | %s | %d | %d | %d | %d | %d | %.1f |%n", sample.runs() - 25, Double.isNaN(perRun) ? "(warm-up)"
                : String.format(Locale.ROOT, "%.1f", perRun), sample.descriptors(), sample.threads(), sample.tempRootEntries(), sample.arrowBytes(),
                sample.metadataConnections(), sample.heapAfterGc() / 1048576.0);
    }
}
