package dev.cairn.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.deploy.master.Master$;
import org.apache.spark.deploy.worker.Worker$;
import org.apache.spark.rpc.RpcEnv;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import dev.cairn.api.Cairn;
import dev.cairn.api.artifact.ArtifactFile;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.PipelineOptions;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;

/**
 * The child JVM of {@link SparkSpeculationTest}: a real standalone Spark cluster — a master and two one-core workers
 * on the loopback addresses 127.0.0.1 and 127.0.0.2 (Spark never runs a speculative copy on the host of the original
 * attempt, so local mode and {@code local-cluster}, whose workers share one host, never speculate), executors in their
 * own JVMs — with {@code spark.speculation=true}. Writes a Dataset artifact whose partition 0 is slow on its first
 * attempt (it has handed all its rows to the Parquet writer, then waits), so Spark launches a speculative copy on the
 * other host, takes the copy's result and kills the original; then writes the same data without a slow attempt; then
 * the other order ({@link #slowSpeculativeCopy}): the original wins and the copy, which has written its rows, is killed. Prints
 * {@code key=value} lines. Arguments: the Cairn home, the workers' directory.
 */
public final class SpeculativeWriteProbe {
    static final int PARTITIONS = 4;

    private SpeculativeWriteProbe() {}

    /** The test data in {@link #PARTITIONS} partitions; when {@code slow}, partition 0's first attempt waits (up to 120 s) after its last row. */
    @Step
    public static Dataset<Row> slowFirstAttempt(boolean slow) {
        return afterLastRow(task -> {
            if (slow && task.partitionId() == 0 && task.attemptNumber() == 0) {
                Thread.sleep(120_000); // every row is in the writer; Spark kills this attempt once the copy succeeds
            }
        });
    }

    /**
     * The test data in {@link #PARTITIONS} partitions, where the speculative copy of partition 0 loses: the original
     * attempt of partition 0, after its last row, waits (up to 120 s) until the copy has handed all its rows to its
     * writer and created the file {@code marker}; the copy then waits (up to 120 s) to be killed, as Spark does once the
     * original has succeeded.
     */
    @Step
    public static Dataset<Row> slowSpeculativeCopy(String marker) {
        return afterLastRow(task -> {
            if (task.partitionId() != 0) {
                return;
            }
            Path flag = Path.of(marker);
            if (task.attemptNumber() == 0) { // the original: succeeds once the copy has written its rows
                long deadline = System.nanoTime() + 120_000_000_000L;
                while (!Files.exists(flag) && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
            } else { // the copy: every row is in its writer; killed when the original succeeds
                Files.writeString(flag, "attempt " + task.attemptNumber());
                Thread.sleep(120_000);
            }
        });
    }

    /** What a task does once its partition has handed every row to the writer; interrupted when Spark kills the attempt. */
    @FunctionalInterface
    private interface AfterLastRow extends java.io.Serializable {
        void run(TaskContext task) throws InterruptedException, java.io.IOException;
    }

    /**
     * The test data in {@link #PARTITIONS} partitions ({@code spark.range}: the same rows in the same partitions every
     * time; a shuffle's partitions may differ between runs on a cluster), each task running {@code pause} after its
     * partition's last row.
     */
    private static Dataset<Row> afterLastRow(AfterLastRow pause) {
        Dataset<Row> data = SparkSessions.current().range(0, SparkSteps.ROWS, 1, PARTITIONS)
                .selectExpr("id", "concat('c', id % 7) AS category", "(id * 37 % 1000) / 10.0 AS amount");
        return data.mapPartitions((MapPartitionsFunction<Row, Row>) rows -> new Iterator<Row>() {
            @Override
            public boolean hasNext() {
                if (rows.hasNext()) {
                    return true;
                }
                TaskContext task = TaskContext.get();
                try {
                    pause.run(task);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("attempt " + task.attemptNumber() + " of partition " + task.partitionId() + " was killed", e);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return false;
            }

            @Override
            public Row next() {
                return rows.next();
            }
        }, Encoders.row(data.schema()));
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]);
        Path workers = Path.of(args[1]);
        SparkConf clusterConf = new SparkConf().set("spark.master.rest.enabled", "false").set("spark.ui.enabled", "false");
        RpcEnv master = (RpcEnv) Master$.MODULE$.startRpcEnvAndEndpoint("127.0.0.1", 0, 0, clusterConf)._1();
        String masterUrl = "spark://127.0.0.1:" + master.address().port();
        List<RpcEnv> workerEnvs = List.of(
                Worker$.MODULE$.startRpcEnvAndEndpoint("127.0.0.1", 0, 0, 1, 1024, new String[] {masterUrl},
                        Files.createDirectories(workers.resolve("1")).toString(), scala.Option.apply(1), clusterConf, scala.Option.empty()),
                Worker$.MODULE$.startRpcEnvAndEndpoint("127.0.0.2", 0, 0, 1, 1024, new String[] {masterUrl},
                        Files.createDirectories(workers.resolve("2")).toString(), scala.Option.apply(2), clusterConf, scala.Option.empty()));
        SparkSession spark = SparkSession.builder().master(masterUrl).appName("cairn-speculation")
                .config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1")
                .config("spark.ui.enabled", "false")
                .config("spark.executor.memory", "768m").config("spark.cores.max", "2")
                .config("spark.executor.extraClassPath", System.getProperty("java.class.path"))
                .config("spark.speculation", "true")
                .config("spark.speculation.interval", "100ms")
                .config("spark.speculation.quantile", "0.5")
                .config("spark.speculation.multiplier", "2")
                .config("spark.speculation.minTaskRuntime", "100ms")
                .config("spark.speculation.efficiency.enabled", "false")
                .config("spark.sql.adaptive.enabled", "false")
                .getOrCreate();
        try {
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (spark.sparkContext().statusTracker().getExecutorInfos().length < 3) { // the driver and two executors
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the two executors did not register in 120 s");
                }
                Thread.sleep(100);
            }
            System.out.println("executorHosts=" + Stream.of(spark.sparkContext().statusTracker().getExecutorInfos())
                    .map(info -> info.host()).sorted().distinct().toList());
            AtomicInteger speculativeStarts = new AtomicInteger();
            AtomicInteger killedOrFailed = new AtomicInteger();
            AtomicInteger speculativeSucceeded = new AtomicInteger();
            spark.sparkContext().addSparkListener(new SparkListener() {
                @Override
                public void onTaskStart(SparkListenerTaskStart start) {
                    if (start.taskInfo().speculative()) {
                        speculativeStarts.incrementAndGet();
                    }
                }

                @Override
                public void onTaskEnd(SparkListenerTaskEnd end) {
                    if (end.taskInfo().successful() && end.taskInfo().speculative()) {
                        speculativeSucceeded.incrementAndGet();
                    } else if (!end.taskInfo().successful()) {
                        killedOrFailed.incrementAndGet();
                    }
                }
            });
            try (Cairn cairn = Cairn.open(home)) {
                PipelineOptions noCache = PipelineOptions.builder().enableCache(false).build();
                PipelineRun speculative = cairn.run(Pipeline.define("speculative", p -> p.call(SpeculativeWriteProbe::slowFirstAttempt, Param.of(true)))
                        .withOptions(noCache));
                System.out.println("speculativeRun=" + speculative.status());
                ArtifactVersion written = speculative.step("slowFirstAttempt").output("output");
                // right after the run: the killed original attempt has stopped (Cairn waited for it), so what is here stays
                System.out.println("speculativeParquetFilesInHome=" + parquetFiles(home));
                spark.sparkContext().listenerBus().waitUntilEmpty();
                System.out.println("speculativeStarts=" + speculativeStarts.get());
                System.out.println("speculativeSucceeded=" + speculativeSucceeded.get());
                System.out.println("killedOrFailed=" + killedOrFailed.get());
                System.out.println("speculativeFiles=" + written.files().stream().map(ArtifactFile::path).toList());
                System.out.println("speculativeManifest=" + written.files());
                System.out.println("speculativeHash=" + written.contentHash());
                System.out.println("speculativeUri=" + written.uri());
                System.out.println("speculativeRows=" + written.<Dataset<?>>load().count());

                PipelineRun plain = cairn.run(Pipeline.define("plain", p -> p.call(SpeculativeWriteProbe::slowFirstAttempt, Param.of(false)))
                        .withOptions(noCache));
                System.out.println("plainRun=" + plain.status());
                System.out.println("plainHash=" + plain.step("slowFirstAttempt").output("output").contentHash());
                ArtifactVersion reference = plain.step("slowFirstAttempt").output("output");
                System.out.println("plainSizes=" + reference.files().stream().map(ArtifactFile::size).toList());
                System.out.println("plainManifest=" + reference.files());
                System.out.println("speculativeSizes=" + written.files().stream().map(ArtifactFile::size).toList());
                boolean samePartRows = true; // part by part, the same rows in the same order
                for (int i = 0; i < PARTITIONS; i++) {
                    String name = ExecutorParquetWriter.partName(i);
                    samePartRows &= spark.read().parquet(written.uri() + "/" + name).collectAsList()
                            .equals(spark.read().parquet(reference.uri() + "/" + name).collectAsList());
                }
                System.out.println("samePartRows=" + samePartRows);

                // the other order: the original attempt wins and the speculative copy, which has written its rows, is killed
                int startsBefore = speculativeStarts.get();
                int succeededBefore = speculativeSucceeded.get();
                int killedBefore = killedOrFailed.get();
                List<String> parquetBefore = parquetFiles(home);
                long start = System.nanoTime();
                PipelineRun originalWins = cairn.run(Pipeline.define("original_wins", p -> p.call(SpeculativeWriteProbe::slowSpeculativeCopy,
                        Param.of(workers.resolve("copy-has-written").toString()))).withOptions(noCache));
                System.out.println("originalWinsRun=" + originalWins.status());
                ArtifactVersion kept = originalWins.step("slowSpeculativeCopy").output("output");
                // right after the run: every Parquet file the run added anywhere in the home
                System.out.println("originalWinsNewParquetFilesInHome=" + parquetFiles(home).stream().filter(path -> !parquetBefore.contains(path)).toList());
                System.out.println("originalWinsMillis=" + (System.nanoTime() - start) / 1_000_000);
                spark.sparkContext().listenerBus().waitUntilEmpty();
                System.out.println("originalWinsSpeculativeStarts=" + (speculativeStarts.get() - startsBefore));
                System.out.println("originalWinsSpeculativeSucceeded=" + (speculativeSucceeded.get() - succeededBefore));
                System.out.println("originalWinsKilledOrFailed=" + (killedOrFailed.get() - killedBefore));
                System.out.println("originalWinsCopyWrote=" + Files.exists(workers.resolve("copy-has-written")));
                System.out.println("originalWinsFiles=" + kept.files().stream().map(ArtifactFile::path).toList());
                System.out.println("originalWinsManifest=" + kept.files());
                System.out.println("originalWinsHash=" + kept.contentHash());
                System.out.println("originalWinsUri=" + kept.uri());
            }
        } finally {
            spark.stop();
            for (RpcEnv env : workerEnvs) {
                env.shutdown();
            }
            master.shutdown();
        }
    }

    private static List<String> parquetFiles(Path home) throws java.io.IOException {
        try (Stream<Path> files = Files.walk(home)) {
            return files.filter(Files::isRegularFile).map(file -> home.relativize(file).toString()).filter(path -> path.endsWith(".parquet")).sorted().toList();
        }
    }
}
