package dev.cairn.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Without a session of the application's, {@link SparkSessions} builds one from Cairn's configuration: the
 * {@code [spark]} table of the home's {@code cairn.toml} (master, app name, Spark settings) with the system properties
 * {@code cairn.spark.conf.*} over it; without a configured master it refuses, saying what to set. The step that built
 * the session still runs in its Spark job group. Runs in a child JVM: this test JVM already has the shared session, and
 * a JVM holds one SparkContext.
 */
class SparkSessionsConfigurationTest {
    @TempDir
    Path directory;

    @Test
    void aSessionIsBuiltFromTheStackFilesSparkTableWhenTheApplicationHasNone() throws Exception {
        Path home = Files.createDirectories(directory.resolve("home"));
        Files.writeString(home.resolve("cairn.toml"), """
                [spark]
                master = "local[1]"
                appName = "cairn-from-stack"

                [spark.conf]
                "spark.sql.shuffle.partitions" = 5   # the system property cairn.spark.conf.spark.sql.shuffle.partitions wins
                "spark.cairn.probe" = "from-stack"
                """);
        Map<String, String> printed = ChildJvm.run(directory, "probe", List.of("-Xmx512m",
                "-Dcairn.spark.conf.spark.sql.shuffle.partitions=3", "-Dcairn.spark.conf.spark.ui.enabled=false",
                "-Dcairn.spark.conf.spark.driver.bindAddress=127.0.0.1", "-Dcairn.spark.conf.spark.driver.host=127.0.0.1"),
                Map.of(), SparkSessionsProbe.class, home.toString());
        assertThat(printed).containsEntry("existingBefore", "false");
        assertThat(printed.get("withoutMaster")).startsWith("CONFIGURATION: ").contains("cairn.spark.master").contains("CAIRN_SPARK_MASTER")
                .contains("SparkSession.builder()").contains("[spark]").contains("cairn.toml");
        assertThat(printed).containsEntry("run", "COMPLETED").containsEntry("rows", String.valueOf(SparkSteps.ROWS))
                .containsEntry("master", "local[1]").containsEntry("appName", "cairn-from-stack").containsEntry("shufflePartitions", "3")
                .containsEntry("probe", "from-stack").containsEntry("sameSession", "true");
        assertThat(Integer.parseInt(printed.get("groupJobs"))).as("jobs of the step's group, set once its session existed").isPositive();
    }
}
