package dev.cairn.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;

import dev.cairn.api.Cairn;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.artifact.LoadedPath;

/**
 * Loading a registered folder of 1 GiB (16 files of 64 MiB) from a local store, three ways in the same run:
 * <ol>
 *   <li>baseline: what {@code RegisteredData.load} did before issue #20 — stream every file through the store into a
 *       new folder on the same disk (reproduced here with the same kind of stream copy);</li>
 *   <li>the engine now, temp root in the home (same filesystem): {@code loadPath()} hard-links each file;</li>
 *   <li>the engine now with its temp root on another filesystem ({@code /dev/shm}, when present): it falls back to
 *       copying, into memory-backed tmpfs (faster than the baseline's disk).</li>
 * </ol>
 * Each is repeated 3 times (the copy deleted in between); the median is printed with its ratio to the baseline.
 *
 * <p>Usage: {@code RegisteredFolderLoadBenchmark [work dir] [total MiB=1024]}.
 */
public final class RegisteredFolderLoadBenchmark {
    private static final int REPEATS = 3;

    private RegisteredFolderLoadBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path work = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory(Path.of("."), "cairn-registered-bench");
        int totalMib = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
        int files = 16;
        Path home = work.resolve("home");
        try {
            double baseline;
            double linked;
            try (Cairn cairn = Cairn.open(home)) {
                Path folder = Files.createDirectories(Path.of(cairn.storeRoot()).resolve("data/checkpoint"));
                byte[] chunk = new byte[1 << 20];
                new Random(20).nextBytes(chunk);
                for (int i = 0; i < files; i++) {
                    try (OutputStream out = Files.newOutputStream(folder.resolve("shard-" + i + ".bin"))) {
                        for (int m = 0; m < totalMib / files; m++) {
                            out.write(chunk);
                        }
                    }
                }
                long start = System.nanoTime();
                ArtifactVersion version = cairn.client().registerArtifact(folder.toUri(), "checkpoint");
                System.out.printf(Locale.ROOT, "registered %d files, %,d bytes in %.0f ms (hashing)%n", files, version.size(), (System.nanoTime() - start) / 1e6);

                baseline = median(() -> {
                    Path target = Files.createTempDirectory(work, "baseline-copy");
                    long t = System.nanoTime();
                    for (Path file : list(folder)) {
                        try (InputStream in = Files.newInputStream(file)) {
                            Files.copy(in, target.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                        }
                    }
                    double ms = (System.nanoTime() - t) / 1e6;
                    delete(target);
                    return ms;
                });
                linked = median(() -> {
                    long t = System.nanoTime();
                    try (LoadedPath loaded = version.loadPath()) {
                        double ms = (System.nanoTime() - t) / 1e6;
                        if (Files.size(loaded.path().resolve("shard-0.bin")) != (long) totalMib / files << 20) {
                            throw new IllegalStateException("wrong size");
                        }
                        return ms;
                    }
                });
            }
            print("before: stream each file into a new folder on the same disk (the old load)", baseline, baseline);
            print("now: loadPath(), temp root in the home (hard links)", linked, baseline);
            Path shm = Path.of("/dev/shm");
            if (Files.isDirectory(shm) && Files.isWritable(shm)) {
                Path otherRoot = Files.createTempDirectory(shm, "cairn-bench-tmp");
                try (Cairn cairn = Cairn.builder().home(home).tempRoot(otherRoot).build()) {
                    ArtifactVersion version = cairn.client().getArtifactVersion("checkpoint");
                    double copied = median(() -> {
                        long t = System.nanoTime();
                        try (LoadedPath loaded = version.loadPath()) {
                            return (System.nanoTime() - t) / 1e6;
                        }
                    });
                    print("now: loadPath(), temp root on another filesystem (/dev/shm tmpfs: copy fallback)", copied, baseline);
                } finally {
                    delete(otherRoot);
                }
            }
        } finally {
            delete(work);
        }
    }

    private interface Timed {
        double run() throws IOException;
    }

    private static double median(Timed timed) throws IOException {
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < REPEATS; i++) {
            times.add(timed.run());
        }
        Collections.sort(times);
        return times.get(REPEATS / 2);
    }

    private static void print(String what, double ms, double baseline) {
        System.out.printf(Locale.ROOT, "| %s | %.1f ms | %.4fx |%n", what, ms, ms / baseline);
    }

    private static List<Path> list(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.sorted().toList();
        }
    }

    private static void delete(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path path : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
