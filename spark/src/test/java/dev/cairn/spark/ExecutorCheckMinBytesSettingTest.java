package dev.cairn.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The size from which Spark's executors check a Dataset artifact's stored parts ({@link DatasetMaterializer#verifyStored})
 * is a stack setting with the precedence of the other Spark settings: the system property
 * {@code cairn.spark.executorCheckMinBytes}, else the environment variable {@code CAIRN_SPARK_EXECUTOR_CHECK_MIN_BYTES},
 * else {@code executorCheckMinBytes} of the {@code [spark]} table of {@code cairn.toml}, else 128 MiB. Each case runs in a
 * child JVM (its own system properties, environment and stack table).
 */
class ExecutorCheckMinBytesSettingTest {
    @TempDir
    Path directory;

    @Test
    void theSystemPropertyWinsOverTheEnvironmentWhichWinsOverTheSparkTableWhichWinsOverTheDefault() throws Exception {
        Path configured = Files.createDirectories(directory.resolve("configured"));
        Files.writeString(configured.resolve("cairn.toml"), "[spark]\nexecutorCheckMinBytes = 1073741824\n");
        Path plain = Files.createDirectories(directory.resolve("plain"));

        assertThat(minBytes(plain, List.of(), Map.of())).isEqualTo(String.valueOf(128L << 20));
        assertThat(minBytes(configured, List.of(), Map.of())).isEqualTo("1073741824");
        assertThat(minBytes(configured, List.of(), Map.of("CAIRN_SPARK_EXECUTOR_CHECK_MIN_BYTES", "4096"))).isEqualTo("4096");
        assertThat(minBytes(configured, List.of("-Dcairn.spark.executorCheckMinBytes=0"), Map.of("CAIRN_SPARK_EXECUTOR_CHECK_MIN_BYTES", "4096")))
                .isEqualTo("0");
        assertThat(minBytes(configured, List.of(), Map.of("CAIRN_SPARK_EXECUTOR_CHECK_MIN_BYTES", "1g")))
                .startsWith("CONFIGURATION: ").contains("CAIRN_SPARK_EXECUTOR_CHECK_MIN_BYTES='1g'", "whole number of bytes");
    }

    private String minBytes(Path home, List<String> jvmOptions, Map<String, String> environment) throws Exception {
        List<String> options = new java.util.ArrayList<>(List.of("-Xmx256m"));
        options.addAll(jvmOptions);
        return ChildJvm.run(directory, "min-bytes", options, environment, ExecutorCheckMinBytesProbe.class, home.toString()).get("minBytes");
    }
}
