package dev.cairn.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.arrow.vector.table.Table;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.ArtifactFile;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.PipelineOptions;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunStatus;
import dev.cairn.api.run.StepRun;
import dev.cairn.api.run.StepStatus;

/**
 * The engine's check of a cached Dataset artifact before it is reused (and {@code ArtifactVersion.verify()}) is a Spark
 * job whose tasks re-hash the parts on the executors ({@link DatasetMaterializer#verifyStored}), not a re-read of every
 * part by the driver; a changed or deleted part found by them makes the re-run a miss that names the part. The tests
 * set {@link DatasetMaterializer#EXECUTOR_CHECK_MIN_BYTES} to 0 (their data is small) except the one about it.
 */
class SparkCacheHitVerificationTest {
    private static final String VERIFY_DESCRIPTION = "Cairn: verify artifact ";

    @TempDir
    Path home;
    private Cairn cairn;
    private static SparkSession spark;
    private static final Jobs JOBS = new Jobs();

    /** Every Spark job of this JVM with its description, and the tasks that ended in it. */
    static final class Jobs extends SparkListener {
        final List<String> descriptions = new CopyOnWriteArrayList<>();
        final Map<Integer, String> descriptionByJob = new ConcurrentHashMap<>();
        final Map<Integer, Integer> jobByStage = new ConcurrentHashMap<>();
        final Map<Integer, Integer> successfulTasksByJob = new ConcurrentHashMap<>();

        @Override
        public void onJobStart(SparkListenerJobStart start) {
            String description = start.properties() == null ? null : start.properties().getProperty("spark.job.description");
            descriptions.add(String.valueOf(description));
            descriptionByJob.put(start.jobId(), String.valueOf(description));
            for (Object stage : scala.jdk.javaapi.CollectionConverters.asJava(start.stageIds())) {
                jobByStage.put((Integer) stage, start.jobId());
            }
        }

        @Override
        public void onTaskEnd(SparkListenerTaskEnd end) {
            Integer job = jobByStage.get(end.stageId());
            if (job != null && end.taskInfo().successful()) {
                successfulTasksByJob.merge(job, 1, Integer::sum);
            }
        }

        /** The successful task counts of the jobs described {@code description} started since {@code firstJob}. */
        List<Integer> tasksOfJobsDescribed(String description, int firstJob) {
            drain();
            return descriptionByJob.entrySet().stream().filter(job -> job.getKey() >= firstJob && job.getValue().equals(description))
                    .map(job -> successfulTasksByJob.getOrDefault(job.getKey(), 0)).toList();
        }

        /** Waits until this listener has seen every event posted so far. */
        private static void drain() {
            try {
                spark.sparkContext().listenerBus().waitUntilEmpty();
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("Spark's listener bus did not drain", e);
            }
        }

        int nextJob() {
            drain();
            return descriptionByJob.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        }
    }

    public static final class Steps {
        private Steps() {}

        /** {@code rows} rows of two SHA-512 hex strings each (≈ 256 incompressible bytes a row) in {@code partitions} parts. */
        @Step
        public static Dataset<Row> incompressible(int rows, int partitions) {
            return SparkSessions.current().range(0, rows, 1, partitions).select(col("id"),
                    sha2(col("id").cast("string"), 512).as("a"), sha2(concat(col("id").cast("string"), lit("b")), 512).as("b"));
        }

        /** A plain Java step taking a Dataset artifact as an Arrow table (read by materializers-arrow). */
        @Step
        public static long tableRows(Table table) {
            try (table) { // the step owns the Arrow memory of its input
                return table.getRowCount();
            }
        }
    }

    @BeforeAll
    static void startSpark() {
        spark = TestingSpark.session();
        spark.sparkContext().addSparkListener(JOBS);
        System.setProperty(DatasetMaterializer.EXECUTOR_CHECK_MIN_BYTES, "0"); // the test data is far below the default 128 MiB
    }

    @AfterAll
    static void removeListener() {
        spark.sparkContext().removeSparkListener(JOBS);
        System.clearProperty(DatasetMaterializer.EXECUTOR_CHECK_MIN_BYTES);
    }

    @BeforeEach
    void openCairn() {
        cairn = Cairn.open(home);
    }

    @AfterEach
    void closeCairn() {
        cairn.close();
    }

    private static Pipeline incompressible(String name) {
        return Pipeline.define(name, p -> p.call(Steps::incompressible, Param.of(40_000), Param.of(4)));
    }

    private static Pipeline generating(String name) {
        return Pipeline.define(name, p -> p.call(SparkSteps::generate, Param.of(4)));
    }

    @Test
    void aCacheHitIsCheckedByASparkJobOnTheExecutorsAndTheDriverDoesNotReadTheParts() throws IOException {
        Path processIo = Path.of("/proc/self/io");
        Assumptions.assumeTrue(Files.isReadable(processIo), "needs Linux's per-process read counter /proc/self/io");
        PipelineRun first = cairn.run(incompressible("hit"));
        assertThat(first.status()).isEqualTo(RunStatus.COMPLETED);
        ArtifactVersion version = first.step("incompressible").output("output");
        long partBytes = version.files().stream().mapToLong(ArtifactFile::size).sum();
        assertThat(partBytes).as("parts big enough to tell one read of them from two").isGreaterThan(8L << 20);
        String description = VERIFY_DESCRIPTION + version.name() + ":" + version.version();

        int firstJob = JOBS.nextJob();
        long readThroughHadoop = SparkDatasetTest.localBytesReadThroughHadoop();
        long readByTheProcess = bytesReadByThisProcess(processIo);
        PipelineRun second = cairn.run(incompressible("hit"));
        readByTheProcess = bytesReadByThisProcess(processIo) - readByTheProcess;
        readThroughHadoop = SparkDatasetTest.localBytesReadThroughHadoop() - readThroughHadoop;

        assertThat(second.step("incompressible").status()).isEqualTo(StepStatus.CACHED);
        assertThat(second.step("incompressible").output("output").id()).isEqualTo(version.id());
        assertThat(JOBS.tasksOfJobsDescribed(description, firstJob)).as("Spark jobs checking the hit, by their successful tasks")
                .containsExactly(4);
        assertThat(readThroughHadoop).as("bytes the executors' tasks read through Hadoop's file: file system").isGreaterThanOrEqualTo(partBytes);
        System.out.printf("cache hit of %d part bytes: %d bytes read by the process, %d through Hadoop%n", partBytes, readByTheProcess,
                readThroughHadoop);
        // the executors read the parts once; a driver-side re-hash (through the store, not Hadoop) would read them again
        assertThat(readByTheProcess).as("bytes read by this process during the re-run, parts %d bytes", partBytes)
                .isGreaterThanOrEqualTo(partBytes).isLessThan(partBytes + partBytes / 2);

        int beforeVerify = JOBS.nextJob();
        version.verify(); // ArtifactVersion.verify / cairn verify: the same Spark check
        assertThat(JOBS.tasksOfJobsDescribed(description, beforeVerify)).containsExactly(4);
    }

    @Test
    void aChangedPartFoundByTheExecutorsMakesTheReRunAMissNamingThePart() throws IOException {
        ArtifactVersion version = cairn.run(generating("changed")).step("generate").output("output");
        Path part = Path.of(version.uri()).resolve("part-00001.parquet");
        try (RandomAccessFile file = new RandomAccessFile(part.toFile(), "rw")) {
            file.seek(100);
            int b = file.read();
            file.seek(100);
            file.write(b ^ 0xFF);
        }
        int firstJob = JOBS.nextJob();

        PipelineRun second = cairn.run(generating("changed"));

        assertThat(second.step("generate").status()).as("recomputed").isEqualTo(StepStatus.COMPLETED);
        assertThat(second.step("generate").output("output").version()).isEqualTo("2");
        assertThat(JOBS.tasksOfJobsDescribed(VERIFY_DESCRIPTION + version.name() + ":1", firstJob)).isNotEmpty();
        assertThat(recorded(second).cacheNote()).hasValueSatisfying(note -> assertThat(note).contains("cache miss")
                .contains("failed verification").contains("1 of its 4 files do not match its manifest")
                .contains("part-00001.parquet is corrupted"));
    }

    @Test
    void aDeletedPartFoundByTheExecutorsMakesTheReRunAMissNamingThePart() throws IOException {
        ArtifactVersion version = cairn.run(generating("deleted")).step("generate").output("output");
        Files.delete(Path.of(version.uri()).resolve("part-00003.parquet"));
        int firstJob = JOBS.nextJob();

        PipelineRun second = cairn.run(generating("deleted"));

        assertThat(second.step("generate").status()).as("recomputed").isEqualTo(StepStatus.COMPLETED);
        assertThat(second.step("generate").output("output").version()).isEqualTo("2");
        assertThat(JOBS.tasksOfJobsDescribed(VERIFY_DESCRIPTION + version.name() + ":1", firstJob)).isNotEmpty();
        assertThat(recorded(second).cacheNote()).hasValueSatisfying(note -> assertThat(note).contains("cache miss")
                .contains("1 of its 4 files do not match its manifest").contains("part-00003.parquet is missing"));
    }

    @Test
    void aDatasetInputTakenAsAnArrowTableIsCheckedByTheExecutors() throws IOException {
        ArtifactVersion version = cairn.run(generating("as_table")).step("generate").output("output");
        String description = VERIFY_DESCRIPTION + version.name() + ":" + version.version();
        cairn.close();
        cairn = Cairn.open(home); // another engine, which checks an input the first time it takes it
        Pipeline reader = Pipeline.define("table_reader", p -> p.call(Steps::tableRows, p.<Table>artifact(version.name())))
                .withOptions(PipelineOptions.builder().enableCache(false).build());
        int firstJob = JOBS.nextJob();

        PipelineRun run = cairn.run(reader);

        assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat((Long) run.step("tableRows").output("output").load()).isEqualTo(SparkSteps.ROWS);
        assertThat(JOBS.tasksOfJobsDescribed(description, firstJob)).as("Spark jobs checking the input").containsExactly(4);

        Path part = Path.of(version.uri()).resolve("part-00000.parquet");
        byte[] bytes = Files.readAllBytes(part);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(part, bytes);
        PipelineRun corrupted = cairn.run(reader);
        assertThat(corrupted.status()).isEqualTo(RunStatus.FAILED);
        assertThat(corrupted.step("tableRows").error()).hasValueSatisfying(error -> assertThat(error)
                .contains("1 of its 4 files do not match its manifest").contains("part-00000.parquet is corrupted"));
    }

    @Test
    void aDatasetSmallerThanTheThresholdIsHashedByTheEngineWithoutASparkJob() throws IOException {
        ArtifactVersion version = cairn.run(generating("small")).step("generate").output("output");
        String description = VERIFY_DESCRIPTION + version.name() + ":" + version.version();
        long size = version.files().stream().mapToLong(ArtifactFile::size).sum();
        try {
            System.setProperty(DatasetMaterializer.EXECUTOR_CHECK_MIN_BYTES, Long.toString(size + 1));
            int firstJob = JOBS.nextJob();
            assertThat(cairn.run(generating("small")).step("generate").status()).isEqualTo(StepStatus.CACHED);
            assertThat(JOBS.tasksOfJobsDescribed(description, firstJob)).as("a Spark job costs more than hashing %d bytes", size).isEmpty();

            Path part = Path.of(version.uri()).resolve("part-00002.parquet");
            byte[] bytes = Files.readAllBytes(part);
            bytes[7] ^= 0x01;
            Files.write(part, bytes);
            PipelineRun changed = cairn.run(generating("small"));
            assertThat(changed.step("generate").status()).isEqualTo(StepStatus.COMPLETED);
            assertThat(recorded(changed).cacheNote()).hasValueSatisfying(note -> assertThat(note)
                    .contains("part-00002.parquet is corrupted (expected")); // the engine's own message
            assertThat(JOBS.tasksOfJobsDescribed(description, firstJob)).isEmpty();

            System.setProperty(DatasetMaterializer.EXECUTOR_CHECK_MIN_BYTES, "128M");
            assertThatThrownBy(() -> changed.step("generate").output("output").verify())
                    .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIGURATION))
                    .hasMessageContaining(DatasetMaterializer.EXECUTOR_CHECK_MIN_BYTES).hasMessageContaining("128M");
        } finally {
            System.setProperty(DatasetMaterializer.EXECUTOR_CHECK_MIN_BYTES, "0");
        }
    }

    private StepRun recorded(PipelineRun run) {
        return cairn.client().getPipelineRun(run.id()).step("generate");
    }

    /** The bytes this process has read through read system calls so far ({@code rchar} of {@code /proc/self/io}, every thread). */
    private static long bytesReadByThisProcess(Path processIo) throws IOException {
        for (String line : Files.readAllLines(processIo)) {
            if (line.startsWith("rchar:")) {
                return Long.parseLong(line.substring("rchar:".length()).trim());
            }
        }
        throw new IllegalStateException(processIo + " has no rchar line");
    }
}
