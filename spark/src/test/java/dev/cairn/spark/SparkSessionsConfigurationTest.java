package dev.cairn.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String argument : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (argument.startsWith("--add-opens") || argument.startsWith("-Djdk.reflect")) { // Spark's list, as surefire passes it
                command.add(argument);
            }
        }
        command.addAll(List.of("-Xmx512m", "-Djava.io.tmpdir=" + directory,
                "-Dcairn.spark.conf.spark.sql.shuffle.partitions=3", "-Dcairn.spark.conf.spark.ui.enabled=false",
                "-Dcairn.spark.conf.spark.driver.bindAddress=127.0.0.1", "-Dcairn.spark.conf.spark.driver.host=127.0.0.1",
                "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")), SparkSessionsProbe.class.getName(), home.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(false).redirectError(directory.resolve("stderr.txt").toFile());
        builder.environment().remove("CAIRN_SPARK_MASTER");
        builder.environment().remove("CAIRN_SPARK_APP_NAME");
        builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("the child JVM ends").isTrue();
        assertThat(process.exitValue()).as("exit value; stdout:%n%s%nstderr:%n%s", output, tail(directory.resolve("stderr.txt"))).isZero();

        Map<String, String> printed = new LinkedHashMap<>();
        output.lines().filter(line -> line.contains("=")).forEach(line -> printed.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1)));
        assertThat(printed).containsEntry("existingBefore", "false");
        assertThat(printed.get("withoutMaster")).startsWith("CONFIGURATION: ").contains("cairn.spark.master").contains("CAIRN_SPARK_MASTER")
                .contains("SparkSession.builder()").contains("[spark]").contains("cairn.toml");
        assertThat(printed).containsEntry("run", "COMPLETED").containsEntry("rows", String.valueOf(SparkSteps.ROWS))
                .containsEntry("master", "local[1]").containsEntry("appName", "cairn-from-stack").containsEntry("shufflePartitions", "3")
                .containsEntry("probe", "from-stack").containsEntry("sameSession", "true");
        assertThat(Integer.parseInt(printed.get("groupJobs"))).as("jobs of the step's group, set once its session existed").isPositive();
    }

    private static String tail(Path file) throws IOException {
        if (!Files.exists(file)) {
            return "";
        }
        List<String> lines = Files.readAllLines(file);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
