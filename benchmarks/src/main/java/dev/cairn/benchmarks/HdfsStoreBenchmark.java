package dev.cairn.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;

import dev.cairn.api.spi.ArtifactDraft;
import dev.cairn.api.spi.ArtifactStore;
import dev.cairn.api.spi.StoreContext;
import dev.cairn.stores.hdfs.HdfsArtifactStoreProvider;

/**
 * Throughput of the HDFS artifact store against the raw Hadoop client on the same in-process HDFS (a
 * {@link MiniDFSCluster} with one DataNode, replication 1), in the same run: writing one artifact file of
 * {@code sizeMiB} through a draft (create, stream, close, commit by rename) versus {@code FileSystem.create}; reading
 * it back through {@code openRead} and {@code openRandomAccess} (read sequentially) versus {@code FileSystem.open}.
 * Every round runs each variant once, in an order that alternates between rounds, after one warm-up round; the
 * medians are reported with the ratio store / raw.
 *
 * <p>Usage: {@code java -cp ... dev.cairn.benchmarks.HdfsStoreBenchmark [workDir] [sizeMiB] [rounds]} (defaults:
 * {@code target/hdfs-benchmark}, 1024, 3).
 */
public final class HdfsStoreBenchmark {
    private static final int CHUNK = 1 << 20;

    private HdfsStoreBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args.length > 0 ? args[0] : "target/hdfs-benchmark").toAbsolutePath();
        long sizeMiB = args.length > 1 ? Long.parseLong(args[1]) : 1024;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Files.createDirectories(work);
        System.setProperty("java.io.tmpdir", work.toString());

        Configuration configuration = new Configuration();
        configuration.setInt("dfs.replication", 1);
        MiniDFSCluster cluster = new MiniDFSCluster.Builder(configuration, Files.createTempDirectory(work, "dfs-").toFile())
                .numDataNodes(1).build();
        try {
            cluster.waitActive();
            URI root = URI.create("hdfs://localhost:" + cluster.getNameNodePort() + "/benchmark");
            run(root, sizeMiB, rounds);
        } finally {
            cluster.shutdown(true);
        }
    }

    private static void run(URI root, long sizeMiB, int rounds) throws IOException {
        byte[] pattern = new byte[8 * CHUNK];
        new Random(42).nextBytes(pattern);
        long bytes = sizeMiB * CHUNK;
        Map<String, List<Double>> seconds = new LinkedHashMap<>();
        for (String variant : List.of("raw write", "store write", "raw read", "store openRead", "store openRandomAccess")) {
            seconds.put(variant, new ArrayList<>());
        }
        try (FileSystem raw = FileSystem.newInstance(root, new Configuration());
                ArtifactStore store = new HdfsArtifactStoreProvider().create(root, StoreContext.defaults())) {
            org.apache.hadoop.fs.Path rawFile = new org.apache.hadoop.fs.Path(root.getPath() + "/raw/data.bin");
            for (int round = 0; round <= rounds; round++) {
                boolean warmUp = round == 0;
                long size = warmUp ? Math.min(bytes, 256L * CHUNK) : bytes;
                boolean storeFirst = round % 2 == 0;
                String target = "artifacts/benchmark/" + round;
                for (int turn = 0; turn < 2; turn++) {
                    if ((turn == 0) == storeFirst) {
                        record(seconds, "store write", warmUp, time(() -> writeThroughStore(store, target, pattern, size)));
                    } else {
                        record(seconds, "raw write", warmUp, time(() -> writeRaw(raw, rawFile, pattern, size)));
                    }
                }
                URI artifactFile = store.resolve(target + "/data.bin");
                for (int turn = 0; turn < 3; turn++) {
                    int variant = (turn + round) % 3;
                    if (variant == 0) {
                        record(seconds, "raw read", warmUp, time(() -> check(readRaw(raw, rawFile), size)));
                    } else if (variant == 1) {
                        record(seconds, "store openRead", warmUp, time(() -> check(readStream(store, artifactFile), size)));
                    } else {
                        record(seconds, "store openRandomAccess", warmUp,
                                time(() -> check(readChannel(store, artifactFile), size)));
                    }
                }
                store.delete(store.resolve(target));
                raw.delete(rawFile, false);
            }
        }
        print(seconds, bytes, rounds);
    }

    private static void print(Map<String, List<Double>> seconds, long bytes, int rounds) {
        System.out.printf(Locale.ROOT, "HDFS artifact store vs raw Hadoop client, %d MiB, %d rounds (medians), Java %s, %d cores%n",
                bytes / CHUNK, rounds, System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
        Map<String, Double> medians = new LinkedHashMap<>();
        seconds.forEach((variant, values) -> {
            List<Double> sorted = new ArrayList<>(values);
            Collections.sort(sorted);
            double median = sorted.get(sorted.size() / 2);
            medians.put(variant, median);
            System.out.printf(Locale.ROOT, "%-24s %7.2f s  %8.1f MiB/s   (all: %s)%n", variant, median,
                    bytes / (double) CHUNK / median, values.stream().map(v -> String.format(Locale.ROOT, "%.2f", v)).toList());
        });
        System.out.printf(Locale.ROOT, "ratio store/raw throughput: write %.3f, read (openRead) %.3f, read (openRandomAccess) %.3f%n",
                medians.get("raw write") / medians.get("store write"),
                medians.get("raw read") / medians.get("store openRead"),
                medians.get("raw read") / medians.get("store openRandomAccess"));
    }

    @FunctionalInterface
    private interface Work {
        void run() throws IOException;
    }

    private static double time(Work work) throws IOException {
        long start = System.nanoTime();
        work.run();
        return (System.nanoTime() - start) / 1e9;
    }

    private static void record(Map<String, List<Double>> seconds, String variant, boolean warmUp, double value) {
        if (!warmUp) {
            seconds.get(variant).add(value);
        }
    }

    private static void writeThroughStore(ArtifactStore store, String target, byte[] pattern, long size) throws IOException {
        try (ArtifactDraft draft = store.createDraft()) {
            try (OutputStream out = draft.create("data.bin")) {
                write(out, pattern, size);
            }
            draft.commit(target);
        }
    }

    private static void writeRaw(FileSystem raw, org.apache.hadoop.fs.Path file, byte[] pattern, long size) throws IOException {
        try (FSDataOutputStream out = raw.create(file, true)) {
            write(out, pattern, size);
        }
    }

    private static void write(OutputStream out, byte[] pattern, long size) throws IOException {
        long written = 0;
        while (written < size) {
            int offset = (int) (written % pattern.length);
            int length = (int) Math.min(CHUNK, size - written);
            out.write(pattern, offset, length);
            written += length;
        }
    }

    private static long readRaw(FileSystem raw, org.apache.hadoop.fs.Path file) throws IOException {
        try (FSDataInputStream in = raw.open(file)) {
            return drain(in);
        }
    }

    private static long readStream(ArtifactStore store, URI file) throws IOException {
        try (InputStream in = store.openRead(file)) {
            return drain(in);
        }
    }

    private static long readChannel(ArtifactStore store, URI file) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
        long total = 0;
        try (SeekableByteChannel channel = store.openRandomAccess(file)) {
            int read;
            while ((read = channel.read(buffer)) >= 0) {
                total += read;
                buffer.clear();
            }
        }
        return total;
    }

    private static long drain(InputStream in) throws IOException {
        byte[] buffer = new byte[CHUNK];
        long total = 0;
        int read;
        while ((read = in.read(buffer)) >= 0) {
            total += read;
        }
        return total;
    }

    private static void check(long read, long expected) {
        if (read != expected) {
            throw new IllegalStateException("read " + read + " bytes, expected " + expected);
        }
    }
}
