package dev.cairn.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real speculative execution: a standalone Spark cluster (master, two workers on two loopback hosts, executors in
 * their own JVMs) with {@code spark.speculation=true} writes a Dataset artifact while the first attempt of one
 * partition is slow; the speculative copy wins and the original is killed. The artifact has one part per partition,
 * no other Parquet file is left anywhere in the home, and its parts hold, row for row, what the same data written
 * without speculation holds. Then the other order: the original attempt wins and the copy, which has written its rows,
 * is killed, with the same result. Runs in a child JVM ({@link SpeculativeWriteProbe}): a JVM holds one SparkContext.
 */
class SparkSpeculationTest {
    @TempDir
    Path directory;

    @Test
    void aSpeculativeDuplicateOfAPartitionAddsNoPartAndLeavesNoAttemptFileWhicheverAttemptWins() throws Exception {
        Path home = Files.createDirectories(directory.resolve("home"));
        Path sparkHome = Files.createDirectories(directory.resolve("spark-home"));
        Files.createDirectories(sparkHome.resolve("jars")); // the executors' classpath is spark.executor.extraClassPath
        Files.createDirectories(sparkHome.resolve("launcher/target/scala-2.13")); // tells Spark's launcher the Scala version
        Map<String, String> printed = ChildJvm.run(directory, "speculative", List.of("-Xmx768m"), Map.of("SPARK_HOME", sparkHome.toString()),
                SpeculativeWriteProbe.class, home.toString(), directory.resolve("workers").toString());
        assertThat(printed).containsEntry("executorHosts", "[127.0.0.1, 127.0.0.2]").containsEntry("speculativeRun", "COMPLETED")
                .containsEntry("plainRun", "COMPLETED").containsEntry("speculativeRows", String.valueOf(SparkSteps.ROWS));
        assertThat(Integer.parseInt(printed.get("speculativeStarts"))).as("speculative attempts launched").isPositive();
        assertThat(Integer.parseInt(printed.get("speculativeSucceeded"))).as("a speculative copy won its partition").isPositive();
        assertThat(Integer.parseInt(printed.get("killedOrFailed"))).as("the original attempt was killed").isPositive();
        assertThat(printed.get("speculativeFiles")).isEqualTo("[part-00000.parquet, part-00001.parquet, part-00002.parquet, part-00003.parquet]");
        String artifactDirectory = home.relativize(Path.of(java.net.URI.create(printed.get("speculativeUri")))).toString();
        assertThat(printed.get("speculativeParquetFilesInHome")).as("no attempt file anywhere in the home, only the parts")
                .isEqualTo(List.of(0, 1, 2, 3).stream().map(i -> artifactDirectory + "/part-0000" + i + ".parquet").toList().toString());
        // the same data written without speculation, by other executor JVMs: the same parts, row for row, byte for byte
        // (each part's footer lists its encodings sorted, not in the order of a HashSet of enum identity hash codes,
        // which differs between JVMs), hence the same content hash
        assertThat(printed.get("speculativeSizes")).isEqualTo(printed.get("plainSizes"));
        assertThat(printed).containsEntry("samePartRows", "true");
        assertThat(printed.get("speculativeManifest")).isEqualTo(printed.get("plainManifest"));
        assertThat(printed.get("speculativeHash")).isNotNull().isEqualTo(printed.get("plainHash"));

        // the other order: the original attempt wins, the speculative copy had written its rows and is killed
        assertThat(printed).containsEntry("originalWinsRun", "COMPLETED").containsEntry("originalWinsCopyWrote", "true");
        assertThat(Integer.parseInt(printed.get("originalWinsSpeculativeStarts"))).as("speculative attempts launched").isPositive();
        assertThat(printed).as("no speculative copy won").containsEntry("originalWinsSpeculativeSucceeded", "0");
        assertThat(Integer.parseInt(printed.get("originalWinsKilledOrFailed"))).as("the speculative copy was killed").isPositive();
        assertThat(printed.get("originalWinsFiles")).isEqualTo(printed.get("speculativeFiles"));
        String keptDirectory = home.relativize(Path.of(java.net.URI.create(printed.get("originalWinsUri")))).toString();
        assertThat(printed.get("originalWinsNewParquetFilesInHome")).as("no attempt file of the killed copy anywhere, only the parts")
                .isEqualTo(List.of(0, 1, 2, 3).stream().map(i -> keptDirectory + "/part-0000" + i + ".parquet").toList().toString());
        assertThat(printed.get("originalWinsManifest")).isEqualTo(printed.get("plainManifest"));
        assertThat(printed.get("originalWinsHash")).isEqualTo(printed.get("plainHash"));
        System.out.println("SparkSpeculationTest: the original-wins order took " + printed.get("originalWinsMillis") + " ms");
    }
}
