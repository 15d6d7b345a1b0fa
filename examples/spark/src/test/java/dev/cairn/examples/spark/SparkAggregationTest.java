package dev.cairn.examples.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.cairn.api.Cairn;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunStatus;
import dev.cairn.api.run.StepStatus;
import dev.cairn.spark.DatasetMaterializer;
import dev.cairn.spark.SparkJobGroups;

class SparkAggregationTest {
    private static SparkSession spark;

    @BeforeAll
    static void startSpark() {
        spark = SparkSession.builder().master("local[2]").appName("spark-aggregation-example")
                .config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4").getOrCreate();
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    @Test
    void aSparkStepAggregatesAndAPlainStepReportsAndAReRunIsCached(@TempDir Path home) {
        try (Cairn cairn = Cairn.open(home)) {
            PipelineRun run = cairn.run(SparkAggregation.pipeline(20_000)); // job groups come from the Spark plugin

            assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(spark.sparkContext().statusTracker().getJobIdsForGroup(SparkJobGroups.jobGroup(run.id(), "totalsPerSensor"))).isNotEmpty();
            assertThat(run.step("totalsPerSensor").output("output").materializerId()).isEqualTo(DatasetMaterializer.ID);
            List<SparkAggregation.Total> report = run.step("report").output("output").load();
            assertThat(report).hasSize(16);
            assertThat(report.stream().mapToLong(SparkAggregation.Total::readings).sum()).isEqualTo(20_000);
            assertThat(report).allSatisfy(total -> assertThat(total.mean()).isBetween(0.0, 100.0));

            PipelineRun again = cairn.run(SparkAggregation.pipeline(20_000));
            assertThat(again.steps()).extracting(step -> step.status()).containsOnly(StepStatus.CACHED);
        }
    }
}
