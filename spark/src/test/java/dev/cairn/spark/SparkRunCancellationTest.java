package dev.cairn.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.apache.spark.JobExecutionStatus;
import org.apache.spark.SparkJobInfo;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.cairn.api.Cairn;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.PipelineOptions;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunHandle;
import dev.cairn.api.run.RunStatus;
import dev.cairn.api.run.StepStatus;

/**
 * Cancelling a run through the engine ({@link RunHandle#cancel}) stops the Spark job its step's own code is waiting on,
 * with no listener in the run's options: the engine interrupts the step's thread, but Spark's {@code runJob} only waits
 * for the job (interrupting the waiting thread does not cancel the job itself); the {@link SparkJobGroups} that
 * {@link SparkPlugin} adds to every run put the job in the step's group and cancel that group when the step fails.
 */
class SparkRunCancellationTest {
    @TempDir
    Path home;

    @Test
    void cancellingARunThroughItsHandleCancelsTheSparkJobOfItsStepsOwnCodeWithoutAnyListenerOption() throws Exception {
        SparkSession spark = TestingSpark.session();
        // a long grace period: the step must end because its job was cancelled, not because it was abandoned
        try (Cairn cairn = Cairn.builder().home(home).cancelGracePeriod(Duration.ofSeconds(120)).build()) {
            // the step's own count over 3,000 rows sleeping 20 ms each on two cores: about 30 s of Spark work
            RunHandle handle = cairn.start(Pipeline.define("cancelled_spark", p -> p.call(SparkSteps::countSlowly, Param.of(2), Param.of(20L)))
                    .withOptions(PipelineOptions.builder().enableCache(false).build()));
            String group = SparkJobGroups.jobGroup(handle.runId(), "countSlowly");
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (jobs(spark, group).stream().noneMatch(job -> job.status() == JobExecutionStatus.RUNNING) && System.nanoTime() < deadline) {
                assertThat(handle.isDone()).as("the run ended before its Spark job started: %s", handle.await(Duration.ZERO)).isFalse();
                Thread.sleep(50);
            }
            assertThat(jobs(spark, group)).as("a running Spark job in group %s", group).anyMatch(job -> job.status() == JobExecutionStatus.RUNNING);

            handle.cancel("the service is stopping the run");
            PipelineRun run = handle.await(Duration.ofMinutes(1)).orElseThrow();

            assertThat(run.status()).isEqualTo(RunStatus.CANCELLED);
            assertThat(run.error()).hasValueSatisfying(error -> assertThat(error).contains("the service is stopping the run"));
            assertThat(run.step("countSlowly").status()).isEqualTo(StepStatus.FAILED);
            assertThat(run.step("countSlowly").error()).hasValueSatisfying(error -> assertThat(error).doesNotStartWith("Abandoned"));
            // the job stops well before its ~30 s of work is done, and ends cancelled (FAILED), not SUCCEEDED
            long stopDeadline = System.nanoTime() + Duration.ofSeconds(25).toNanos();
            while (jobs(spark, group).stream().anyMatch(job -> job.status() == JobExecutionStatus.RUNNING) && System.nanoTime() < stopDeadline) {
                Thread.sleep(50);
            }
            assertThat(jobs(spark, group)).isNotEmpty().allSatisfy(job -> assertThat(job.status()).isEqualTo(JobExecutionStatus.FAILED));
            assertThat(cairn.client().listArtifactVersions("cancelled_spark::countSlowly::output")).isEmpty();
        }
    }

    private static List<SparkJobInfo> jobs(SparkSession spark, String group) {
        return Arrays.stream(spark.sparkContext().statusTracker().getJobIdsForGroup(group))
                .mapToObj(id -> spark.sparkContext().statusTracker().getJobInfo(id))
                .flatMap(info -> info.isDefined() ? java.util.stream.Stream.of(info.get()) : java.util.stream.Stream.empty())
                .toList();
    }
}
