package dev.cairn.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same rows written by Spark in two JVMs give the same parts, byte for byte, and one content hash: parquet-java
 * orders each column chunk's {@code encodings} in the footer by enum identity hash codes, which differ between JVMs
 * (here: HotSpot's constant identity hash in one child, many identity hashes drawn first in the other); the
 * executors' {@code DigestingFileSystem} writes and hashes the parts with that list sorted.
 */
class CanonicalPartsAcrossJvmsTest {
    @TempDir
    Path directory;

    @Test
    void theSameRowsWrittenByTwoExecutorJvmsGiveTheSamePartsAndOneContentHash() throws Exception {
        Map<String, String> constant = ChildJvm.run(directory, "constant", List.of("-Xmx512m", "-XX:+UnlockExperimentalVMOptions", "-XX:hashCode=2"),
                Map.of(), CanonicalPartsProbe.class, Files.createDirectories(directory.resolve("constant")).toString(), "0");
        Map<String, String> drawn = ChildJvm.run(directory, "drawn", List.of("-Xmx512m"),
                Map.of(), CanonicalPartsProbe.class, Files.createDirectories(directory.resolve("drawn")).toString(), "100003");
        assertThat(drawn.get("parts")).as("name, size and sha256 of each part").isEqualTo(constant.get("parts")).contains("part-00002.parquet");
        assertThat(drawn.get("contentHash")).isNotNull().isEqualTo(constant.get("contentHash"));
    }
}
