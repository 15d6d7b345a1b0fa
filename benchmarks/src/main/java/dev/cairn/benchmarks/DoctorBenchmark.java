package dev.cairn.benchmarks;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import dev.cairn.api.Cairn;
import dev.cairn.cli.CairnCli;

/**
 * {@code cairn doctor} on a home with many versions (issue #12: 100,000 versions in under 60 s on 2 cores). Saves
 * {@code count} small artifacts (a 64-byte {@code byte[]} each, under 100 names) with {@code client.save} from two
 * threads, then, in the same run on the same warm files, times the baseline: reading every file under the store (no
 * metadata, no hashing), and {@code cairn doctor --json}, which loads every version's record, re-reads its manifest
 * and data file, hashes them and lists the store's directories. Prints both and their ratio.
 *
 * <p>Usage: {@code java -cp ... dev.cairn.benchmarks.DoctorBenchmark [count] [workDir] [fillSeconds]} (an existing home
 * in workDir is reused and filled up to {@code count}; with {@code fillSeconds}, filling stops after that long and the
 * home is checked with the versions it has then, which the output states)
 */
public final class DoctorBenchmark {
    private DoctorBenchmark() {}

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        Path work = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory(Path.of("."), "cairn-doctor-bench");
        Path home = work.resolve("home-" + count);
        System.out.printf(Locale.ROOT, "doctor benchmark: %,d versions, %d processors, Java %s, in %s%n", count,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), home.toAbsolutePath());
        long fillStart = System.nanoTime();
        long fillDeadline = args.length > 2 ? fillStart + (long) (Double.parseDouble(args[2]) * 1e9) : Long.MAX_VALUE;
        int versions;
        try (Cairn cairn = Cairn.open(home)) {
            int existing = cairn.client().listArtifactVersions().size();
            ExecutorService threads = Executors.newFixedThreadPool(2);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                int thread = t;
                done.add(threads.submit(() -> {
                    for (int i = existing + thread; i < count && System.nanoTime() < fillDeadline; i += 2) {
                        byte[] value = new byte[64];
                        java.nio.ByteBuffer.wrap(value).putInt(i);
                        cairn.client().save(value, "bench_" + (i % 100));
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
            threads.shutdown();
            versions = cairn.client().listArtifactVersions().size();
        }
        System.out.printf(Locale.ROOT, "  filled in %.1f s: %,d versions in the home%s%n", (System.nanoTime() - fillStart) / 1e9, versions,
                versions < count ? " (fewer than asked: the fill time ran out)" : "");
        for (int round = 0; round < 2; round++) {
            long start = System.nanoTime();
            long bytes = 0;
            try (Stream<Path> files = Files.walk(home.resolve("store"))) {
                for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                    bytes += Files.readAllBytes(file).length;
                }
            }
            double baseline = (System.nanoTime() - start) / 1e9;
            start = System.nanoTime();
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int exit = CairnCli.execute(new String[] {"doctor", "--json", "--home", home.toString()}, new PrintWriter(out), new PrintWriter(err));
            double doctor = (System.nanoTime() - start) / 1e9;
            if (exit != 0) {
                throw new IllegalStateException("doctor exited " + exit + ": " + err + out.toString().substring(0, Math.min(2000, out.toString().length())));
            }
            System.out.printf(Locale.ROOT, "  round %d: read every store file (%,d bytes): %.1f s; cairn doctor: %.1f s (%.2f ms per version);"
                    + " doctor / read: %.1fx%n", round + 1, bytes, baseline, doctor, doctor * 1e3 / versions, doctor / baseline);
        }
    }
}
