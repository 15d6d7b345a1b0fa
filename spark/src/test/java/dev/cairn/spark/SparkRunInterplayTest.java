package dev.cairn.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.apache.spark.JobExecutionStatus;
import org.apache.spark.SparkJobInfo;
import org.apache.spark.api.java.JavaSparkStatusTracker;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.cairn.api.Cairn;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.PipelineOptions;
import dev.cairn.api.pipeline.Ref;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunHandle;
import dev.cairn.api.run.RunOptions;
import dev.cairn.api.run.RunStatus;
import dev.cairn.api.run.StepStatus;

/**
 * Spark Datasets with the engine's input verification and run cancellation: a corrupted Dataset input is caught by
 * the executors when the step loads it, and cancelling a run (RunHandle.cancel, the run timeout) cancels the Spark job
 * its running step is waiting for, through the step's job group.
 */
class SparkRunInterplayTest {
    /** Long enough that a Spark job nobody cancels is still running when the test gives up waiting for it to end. */
    private static final long SLOW_MILLIS_PER_ROW = 200; // 1,500 rows per partition: 300 s per task
    private static final Duration JOB_END_WAIT = Duration.ofSeconds(90);

    @TempDir
    Path home;
    private Cairn cairn;
    private static SparkSession spark;

    @BeforeAll
    static void startSpark() {
        spark = TestingSpark.session();
    }

    @BeforeEach
    void openCairn() {
        // a grace period far longer than a cancelled Spark job needs to stop: the step must stop, not be abandoned
        cairn = Cairn.builder().home(home).cancelGracePeriod(Duration.ofMinutes(2)).build();
    }

    @AfterEach
    void closeCairn() {
        cairn.close();
    }

    @Test
    void aCorruptedDatasetInputIsCaughtByTheExecutorsWhenTheStepLoadsIt() throws Exception {
        ArtifactVersion data = cairn.run(Pipeline.define("source", p -> p.call(SparkSteps::generate, Param.of(4)))
                .withOptions(PipelineOptions.builder().enableCache(false).build())).step("generate").output("output");
        flipByte(Path.of(data.uri()).resolve("part-00001.parquet"), 100); // inside a data page: the footers stay readable
        Pipeline consumer = Pipeline.define("consumer", p -> {
            Ref<Dataset<Row>> input = p.artifact(data.name(), data.version());
            p.call(SparkSteps::countRows, input);
        }).withOptions(PipelineOptions.builder().enableCache(false).build());
        int callsBefore = SparkSteps.COUNT_ROWS_CALLS.get();

        PipelineRun run = cairn.run(consumer, RunOptions.withListener(SparkJobGroups.forSession(spark)));

        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        assertThat(run.step("countRows").status()).isEqualTo(StepStatus.FAILED);
        assertThat(run.step("countRows").failure()).hasValueSatisfying(failure -> {
            assertThat(failure.code()).isEqualTo(ErrorCode.INTEGRITY_VIOLATION);
            assertThat(failure.message()).contains("Artifact " + data.name() + ":" + data.version())
                    .contains("part-00001.parquet is corrupted").contains("1 of its 4 files");
        });
        assertThat(SparkSteps.COUNT_ROWS_CALLS.get()).as("the step's code never ran").isEqualTo(callsBefore);
        assertThat(statusTracker().getJobIdsForGroup(SparkJobGroups.jobGroup(run.id(), "countRows")))
                .as("the files were re-hashed by a Spark job in the step's job group, on the executors").isNotEmpty();
        assertThat(cairn.client().listArtifactVersions("consumer::countRows::output")).isEmpty();

        // the failure was the verification's: unverified, the step reads the same input (a count needs the footers only)
        PipelineRun unverified = cairn.run(consumer, RunOptions.DEFAULT.withVerifyInputs(false));
        assertThat(unverified.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(unverified.step("countRows").output("output").<Long>load()).isEqualTo(SparkSteps.ROWS);
    }

    @Test
    void cancellingARunCancelsTheSparkJobWritingItsStepsOutput() throws Exception {
        RunHandle handle = cairn.start(Pipeline.define("cancelled_write", p -> p.call(SparkSteps::generateSlowly, Param.of(2), Param.of(SLOW_MILLIS_PER_ROW)))
                .withOptions(PipelineOptions.builder().enableCache(false).build()), RunOptions.withListener(SparkJobGroups.forSession(spark)));
        String group = SparkJobGroups.jobGroup(handle.runId(), "generateSlowly");
        int job = awaitRunningJob(group);

        assertThat(handle.cancel("the test cancels the run")).isTrue();
        PipelineRun run = handle.await(JOB_END_WAIT).orElseThrow();

        assertThat(run.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(run.error()).hasValueSatisfying(error -> assertThat(error).contains("the test cancels the run"));
        assertThat(run.step("generateSlowly").status()).isEqualTo(StepStatus.FAILED);
        assertThat(run.step("generateSlowly").error()).hasValueSatisfying(error -> assertThat(error)
                .as("the step stopped when interrupted; it was not abandoned after the grace period")
                .contains("Interrupted because the run was cancelled")
                .contains("Writing artifact 'cancelled_write::generateSlowly::output' was interrupted, so its Spark job [" + job + "] was cancelled")
                .contains("its tasks have stopped"));
        assertThat(awaitJobEnd(job)).as("Spark job %s of group %s", job, group).isEqualTo(JobExecutionStatus.FAILED);
        assertThat(cairn.client().listArtifactVersions("cancelled_write::generateSlowly::output")).isEmpty();
        assertThat(parquetFiles()).as("no part file of the cancelled write is left, in the staging area or elsewhere").isEmpty();
    }

    @Test
    void withoutAListenerInTheRunOptionsTheWriteJobIsCancelledWithTheRun() throws Exception {
        RunHandle handle = cairn.start(Pipeline.define("cancelled_plain", p -> p.call(SparkSteps::generateSlowly, Param.of(2), Param.of(SLOW_MILLIS_PER_ROW)))
                .withOptions(PipelineOptions.builder().enableCache(false).build()));
        int job = awaitRunningJob(null);

        handle.cancel("the test cancels the run");
        PipelineRun run = handle.await(JOB_END_WAIT).orElseThrow();

        assertThat(run.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(run.step("generateSlowly").error()).hasValueSatisfying(error -> assertThat(error)
                .contains("was interrupted, so its Spark job [" + job + "] was cancelled").contains("its tasks have stopped"));
        assertThat(awaitJobEnd(job)).isEqualTo(JobExecutionStatus.FAILED);
        assertThat(cairn.client().listArtifactVersions("cancelled_plain::generateSlowly::output")).isEmpty();
        assertThat(parquetFiles()).isEmpty();
    }

    @Test
    void aRunTimeoutCancelsTheSparkJobTheStepsOwnCodeWaitsFor() throws Exception {
        Pipeline slow = Pipeline.define("timed_out", p -> p.call(SparkSteps::countSlowly, Param.of(2), Param.of(SLOW_MILLIS_PER_ROW)))
                .withOptions(PipelineOptions.builder().enableCache(false).timeout(Duration.ofSeconds(15)).build());

        PipelineRun run = cairn.run(slow, RunOptions.withListener(SparkJobGroups.forSession(spark)));

        assertThat(run.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(run.error()).hasValueSatisfying(error -> assertThat(error).contains("Cancelled by the run timeout"));
        assertThat(run.step("countSlowly").status()).isEqualTo(StepStatus.FAILED);
        assertThat(run.step("countSlowly").error()).hasValueSatisfying(error -> assertThat(error).contains("Interrupted because the run was cancelled"));
        int[] jobs = statusTracker().getJobIdsForGroup(SparkJobGroups.jobGroup(run.id(), "countSlowly"));
        assertThat(jobs).as("the step's count ran as a job of its group before the timeout").isNotEmpty();
        for (int job : jobs) {
            assertThat(awaitJobEnd(job)).as("Spark job %s", job).isEqualTo(JobExecutionStatus.FAILED);
        }
        assertThat(cairn.client().listArtifactVersions("timed_out::countSlowly::output")).isEmpty();
    }

    private static JavaSparkStatusTracker statusTracker() {
        return JavaSparkContext.fromSparkContext(spark.sparkContext()).statusTracker();
    }

    /** Waits until a job of {@code group} (any job when null) is running and returns its id. */
    private static int awaitRunningJob(String group) throws InterruptedException {
        long deadline = System.nanoTime() + JOB_END_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (int job : group == null ? statusTracker().getActiveJobIds() : statusTracker().getJobIdsForGroup(group)) {
                SparkJobInfo info = statusTracker().getJobInfo(job);
                if (info != null && info.status() == JobExecutionStatus.RUNNING) {
                    return job;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("No Spark job of group " + group + " started within " + JOB_END_WAIT + "; jobs: "
                + Arrays.toString(statusTracker().getJobIdsForGroup(group)));
    }

    /** The status of {@code job} once it has ended, or RUNNING if it still runs after {@link #JOB_END_WAIT}. */
    private static JobExecutionStatus awaitJobEnd(int job) throws InterruptedException {
        long deadline = System.nanoTime() + JOB_END_WAIT.toNanos();
        JobExecutionStatus status = JobExecutionStatus.UNKNOWN;
        while (System.nanoTime() < deadline) {
            SparkJobInfo info = statusTracker().getJobInfo(job);
            status = info == null ? JobExecutionStatus.UNKNOWN : info.status();
            if (status == JobExecutionStatus.SUCCEEDED || status == JobExecutionStatus.FAILED) {
                return status;
            }
            Thread.sleep(50);
        }
        return status;
    }

    private List<Path> parquetFiles() throws IOException {
        try (Stream<Path> files = Files.walk(home)) {
            return files.filter(Files::isRegularFile).filter(file -> file.getFileName().toString().contains(".parquet")).toList();
        }
    }

    private static void flipByte(Path file, long position) throws IOException {
        try (RandomAccessFile data = new RandomAccessFile(file.toFile(), "rw")) {
            data.seek(position);
            int b = data.read();
            data.seek(position);
            data.write(b ^ 0xFF);
        }
    }
}
