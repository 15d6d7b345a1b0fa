package dev.cairn.benchmarks;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import dev.cairn.api.spi.ArtifactDraft;
import dev.cairn.stores.local.LocalArtifactStore;

/**
 * The cost of the local store's durable mode: writes and commits {@code count} artifacts of two files (a data file of
 * the given size and a 400-byte manifest) into a store in the default mode and into one in durable mode (files and
 * directories forced to the disk around the rename), in the same run, on the same file system, and prints the time per
 * commit of each and their ratio. Each mode runs twice, alternating (default, durable, default, durable); the second
 * round is reported, the first warms up.
 *
 * <p>Usage: {@code java -cp ... dev.cairn.benchmarks.DurableStoreBenchmark [count] [dataBytes] [workDir]}
 */
public final class DurableStoreBenchmark {
    private DurableStoreBenchmark() {}

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int dataBytes = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
        Path work = args.length > 2 ? Path.of(args[2]) : Files.createTempDirectory(Path.of("."), "cairn-durable-bench");
        System.out.printf(Locale.ROOT, "durable store benchmark: %,d artifacts of %,d + 400 bytes, %d processors, Java %s, in %s%n",
                count, dataBytes, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), work.toAbsolutePath());
        byte[] data = new byte[dataBytes];
        byte[] manifest = new byte[400];
        new java.util.Random(1).nextBytes(data);
        double[] perCommit = new double[2];
        for (int round = 0; round < 2; round++) {
            for (int mode = 0; mode < 2; mode++) {
                boolean durable = mode == 1;
                LocalArtifactStore store = new LocalArtifactStore(work.resolve("round-" + round + (durable ? "-durable" : "-default")), durable);
                long start = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    try (ArtifactDraft draft = store.createDraft()) {
                        try (OutputStream out = draft.create("data.bin")) {
                            out.write(data);
                        }
                        try (OutputStream out = draft.create(".cairn/manifest.json")) {
                            out.write(manifest);
                        }
                        draft.commit("artifacts/bench/" + i);
                    }
                }
                perCommit[mode] = (System.nanoTime() - start) / 1e6 / count;
                if (round == 1) {
                    System.out.printf(Locale.ROOT, "  %-8s %8.3f ms per commit%n", durable ? "durable" : "default", perCommit[mode]);
                }
            }
        }
        System.out.printf(Locale.ROOT, "durable / default: %.1fx%n", perCommit[1] / perCommit[0]);
    }
}
