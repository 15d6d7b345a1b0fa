package dev.cairn.it.soak;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.cairn.api.Cairn;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.artifact.LoadedPath;
import dev.cairn.api.lifecycle.PruneOptions;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.PipelineOptions;
import dev.cairn.api.pipeline.Ref;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunHandle;
import dev.cairn.api.run.RunStatus;
import dev.cairn.materializers.arrow.ArrowPlugin;
import org.apache.arrow.vector.table.Table;

/**
 * One {@link Cairn} kept open for many runs, as a service embedding it would: the workload of the soak test
 * ({@code EmbeddedSoakTest}, 500 runs) and of the soak benchmark ({@code EmbeddedSoakBenchmark}, 20,000 runs).
 *
 * <p>Run {@code i} is one of five kinds, in turn: Arrow outputs (a list of records stored as Parquet, loaded as
 * records and as a {@code Table} that the step closes), JSON outputs, a registered folder as input (caching off, so it
 * is loaded every time), a failing step (its downstream step skipped), and a run started and cancelled while its step
 * sleeps. Parameters repeat every few runs, so most Arrow and JSON runs after the first few are cached re-runs. Every
 * tenth run also loads the registered folder through {@link ArtifactVersion#loadPath()} and an Arrow table outside any
 * step, and closes both; every fiftieth prunes unused versions.
 *
 * <p>{@link #sample} reads what would leak: open descriptors ({@code /proc/self/fd}), live threads, entries under the
 * temp root, Arrow memory held through the plugin, and the descriptors open on the metadata database file (one per
 * SQLite connection).
 */
public final class EmbeddedSoak implements AutoCloseable {
    public record Row(int id, double value, String label) {}

    /** What {@link #sample} measures. {@code heapAfterGc} is -1 unless a full GC was asked for. */
    public record Sample(int runs, long descriptors, int threads, long tempRootEntries, long arrowBytes, long metadataConnections, long heapAfterGc) {
        @Override
        public String toString() {
            return String.format("runs=%d fds=%d threads=%d tempRootEntries=%d arrowBytes=%d metadataConnections=%d heapAfterGcMiB=%s", runs,
                    descriptors, threads, tempRootEntries, arrowBytes, metadataConnections, heapAfterGc < 0 ? "-" : String.format("%.1f", heapAfterGc / 1048576.0));
        }
    }

    static volatile CountDownLatch napping = new CountDownLatch(1);

    public static final class Steps {
        private Steps() {}

        @Step
        public static List<Row> rows(int seed) {
            List<Row> rows = new ArrayList<>(200);
            for (int i = 0; i < 200; i++) {
                rows.add(new Row(i, seed * 0.5 + i, "row-" + seed + "-" + i));
            }
            return rows;
        }

        @Step
        public static double total(List<Row> rows) {
            return rows.stream().mapToDouble(Row::value).sum();
        }

        /** Loads the latest rows again, as an Arrow table, through the step's client, and closes it. */
        @Step
        public static int tableRows(List<Row> rows) {
            try (Table table = dev.cairn.api.StepContext.current().client().getArtifactVersion("soak_arrow::rows::output").load((java.lang.reflect.Type) Table.class)) {
                return Math.toIntExact(table.getRowCount()) + rows.size();
            }
        }

        @Step
        public static Map<String, Integer> summary(int seed) {
            Map<String, Integer> summary = new TreeMap<>();
            for (int i = 0; i < 20; i++) {
                summary.put("k" + i, seed * i);
            }
            return summary;
        }

        @Step
        public static String describe(Map<String, Integer> summary) {
            return summary.size() + " keys";
        }

        @Step
        public static long folderBytes(Path folder) throws IOException {
            try (Stream<Path> files = Files.walk(folder)) {
                long bytes = 0;
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    bytes += Files.size(file);
                }
                return bytes;
            }
        }

        @Step
        public static double explode(List<Row> rows) {
            throw new IllegalStateException("failing on purpose after reading " + rows.size() + " rows");
        }

        @Step
        public static double half(double value) {
            return value / 2;
        }

        @Step
        public static String shout(String text) {
            return text.toUpperCase(java.util.Locale.ROOT);
        }

        @Step
        public static String nap(int seed) throws InterruptedException {
            napping.countDown();
            Thread.sleep(60_000);
            return "woke " + seed;
        }
    }

    private final Path home;
    private final ArrowPlugin arrow;
    private final Cairn cairn;
    private final ArtifactVersion checkpoint;
    private final Map<RunStatus, Integer> statuses = new EnumMap<>(RunStatus.class);
    private int runs;
    private int prunedVersions;

    private EmbeddedSoak(Path home, ArrowPlugin arrow, Cairn cairn, ArtifactVersion checkpoint) {
        this.home = home;
        this.arrow = arrow;
        this.cairn = cairn;
        this.checkpoint = checkpoint;
    }

    /** Opens the engine on {@code home} (SQLite and a local store inside it) and registers a small checkpoint folder. */
    public static EmbeddedSoak open(Path home) throws IOException {
        requireNonNull(home, "home is null");
        ArrowPlugin arrow = new ArrowPlugin();
        Cairn cairn = Cairn.builder().home(home).parallelism(2).plugin(arrow).cancelGracePeriod(Duration.ofSeconds(5)).build();
        Path folder = Files.createDirectories(Path.of(cairn.storeRoot()).resolve("data/checkpoint/shards"));
        for (int i = 0; i < 4; i++) {
            Files.write(folder.resolve("shard-" + i + ".bin"), new byte[16 << 10]);
        }
        Files.writeString(folder.getParent().resolve("config.json"), "{\"layers\": 4}");
        ArtifactVersion checkpoint = cairn.client().registerArtifact(folder.getParent().toUri(), "checkpoint");
        return new EmbeddedSoak(home, arrow, cairn, checkpoint);
    }

    /** Runs {@code count} more runs of the mix. */
    public void run(int count) {
        for (int n = 0; n < count; n++) {
            int i = runs++;
            PipelineRun run = switch (i % 5) {
                case 0 -> cairn.run(arrowPipeline(i % 7));
                case 1 -> cairn.run(jsonPipeline(i % 5));
                case 2 -> cairn.run(registeredPipeline());
                case 3 -> cairn.run(failingPipeline(i % 3));
                default -> cancelled(i);
            };
            statuses.merge(run.status(), 1, Integer::sum);
            RunStatus expected = switch (i % 5) {
                case 3 -> RunStatus.FAILED;
                case 4 -> RunStatus.CANCELLED;
                default -> RunStatus.COMPLETED;
            };
            if (run.status() != expected) {
                throw new IllegalStateException("run " + i + " (" + run.pipelineName() + ") ended " + run.status() + ", expected " + expected + ": "
                        + run.error().orElse(""));
            }
            if (i % 10 == 9) {
                loadOutsideSteps();
            }
            if (i % 50 == 49) {
                prunedVersions += cairn.client().prune(PruneOptions.defaults()).versions().size();
            }
        }
    }

    private static Pipeline arrowPipeline(int seed) {
        return Pipeline.define("soak_arrow", p -> {
            Ref<List<Row>> rows = p.call(Steps::rows, Param.of(seed));
            p.call(Steps::total, rows);
            p.call(Steps::tableRows, rows);
        });
    }

    private static Pipeline jsonPipeline(int seed) {
        return Pipeline.define("soak_json", p -> p.call(Steps::describe, p.call(Steps::summary, Param.of(seed))));
    }

    private static Pipeline registeredPipeline() {
        return Pipeline.define("soak_registered", p -> p.call(Steps::folderBytes, p.artifact("checkpoint")))
                .withOptions(PipelineOptions.builder().enableCache(false).build());
    }

    private static Pipeline failingPipeline(int seed) {
        return Pipeline.define("soak_failing", p -> p.call(Steps::half, p.call(Steps::explode, p.call(Steps::rows, Param.of(seed)))));
    }

    private PipelineRun cancelled(int i) {
        napping = new CountDownLatch(1);
        RunHandle handle = cairn.start(Pipeline.define("soak_cancelled", p -> p.call(Steps::shout, p.call(Steps::nap, Param.of(i))))
                .withOptions(PipelineOptions.builder().enableCache(false).build()));
        try {
            if (!napping.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the step of run " + handle.runId() + " did not start");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        handle.cancel("the soak cancels every fifth run");
        return handle.await(Duration.ofSeconds(30)).orElseThrow(() -> new IllegalStateException("cancelled run " + handle.runId() + " did not end"));
    }

    private void loadOutsideSteps() {
        try (LoadedPath loaded = checkpoint.loadPath()) {
            if (!Files.isRegularFile(loaded.path().resolve("config.json"))) {
                throw new IllegalStateException("the loaded checkpoint has no config.json: " + loaded.path());
            }
        }
        try (Table table = cairn.client().getArtifactVersion("soak_arrow::rows::output").load((java.lang.reflect.Type) Table.class)) {
            if (table.getRowCount() != 200) {
                throw new IllegalStateException("the loaded table has " + table.getRowCount() + " rows");
            }
        }
    }

    /** Counts what could leak; with {@code fullGc}, also the heap used after a full collection. */
    public Sample sample(boolean fullGc) {
        long heap = -1;
        if (fullGc) {
            for (int i = 0; i < 3; i++) {
                System.gc();
            }
            heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        }
        return new Sample(runs, descriptors(), liveThreads(), entries(home.resolve("tmp")), arrow.allocatedBytes(),
                descriptorsOn(realPath(home.resolve("metadata.db"))), heap);
    }

    public Map<RunStatus, Integer> statuses() {
        return Map.copyOf(statuses);
    }

    public int prunedVersions() {
        return prunedVersions;
    }

    public ArrowPlugin arrow() {
        return arrow;
    }

    /** Closes the engine, then the Arrow plugin (added explicitly, so the engine leaves it to its creator). */
    @Override
    public void close() {
        try {
            cairn.close();
        } finally {
            arrow.close();
        }
    }

    private static Path realPath(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            return path;
        }
    }

    /**
     * Open file descriptors of this process, except those on class-path jars and native libraries ({@code .jar},
     * {@code .so}): the JVM opens a jar the first time a class of it is loaded, which can happen late in a long run, and
     * keeps it open for good; that is class loading, not a leak of the engine's. Files, sockets and pipes all count; -1
     * where {@code /proc} is missing.
     */
    public static long descriptors() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> !isCodeFile(fd)).count();
        } catch (IOException e) {
            return -1;
        }
    }

    private static boolean isCodeFile(Path fd) {
        try {
            String target = Files.readSymbolicLink(fd).toString();
            return target.endsWith(".jar") || target.endsWith(".so") || target.contains(".so.");
        } catch (IOException | UnsupportedOperationException e) {
            return false; // closed since it was listed (the listing's own descriptor): not counted as code
        }
    }

    /**
     * Descriptors of this process open on {@code database} or its {@code -wal}/{@code -shm} files: those of the SQLite
     * connections, whose number follows the peak of concurrent reads (read connections are pooled), not the runs.
     */
    public static long descriptorsOfDatabase(Path database) {
        String prefix = database.toAbsolutePath().normalize().toString();
        return descriptorsWhere(target -> target.toString().startsWith(prefix));
    }

    public static int liveThreads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    /** Descriptors of this process open on {@code file} (not its -wal or -shm files): one per SQLite connection. */
    public static long descriptorsOn(Path file) {
        Path target = file.toAbsolutePath().normalize();
        return descriptorsWhere(target::equals);
    }

    /** Descriptors of this process whose target matches; -1 where {@code /proc} is missing. */
    private static long descriptorsWhere(java.util.function.Predicate<Path> target) {
        long count = 0;
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    if (target.test(Files.readSymbolicLink(fd))) {
                        count++;
                    }
                } catch (IOException | UnsupportedOperationException gone) {
                    // closed meanwhile
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return count;
    }

    /** Files and folders under {@code root}, itself excluded; 0 when it does not exist. */
    public static long entries(Path root) {
        if (!Files.exists(root)) {
            return 0;
        }
        try (Stream<Path> all = Files.walk(root)) {
            return all.count() - 1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
