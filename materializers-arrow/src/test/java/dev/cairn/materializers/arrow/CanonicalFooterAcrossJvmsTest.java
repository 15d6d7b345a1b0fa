package dev.cairn.materializers.arrow;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same table saved by two {@code cairn} processes gives one content hash. parquet-java orders a column chunk's
 * {@code encodings} list by enum identity hash codes, which differ between JVMs; the two child JVMs here get different
 * ones on purpose (one with HotSpot's constant identity hash, one that draws many identity hashes before writing).
 */
class CanonicalFooterAcrossJvmsTest {
    @TempDir
    Path directory;

    @Test
    void theSameTableSavedByTwoJvmsWithOtherIdentityHashesHasOneContentHash() throws Exception {
        Map<String, String> constant = probe("constant", List.of("-XX:+UnlockExperimentalVMOptions", "-XX:hashCode=2"), 0);
        Map<String, String> drawn = probe("drawn", List.of(), 100_003);
        assertThat(drawn.get("fileSha256")).as("the Parquet file's bytes").isEqualTo(constant.get("fileSha256"));
        assertThat(drawn.get("contentHash")).isEqualTo(constant.get("contentHash"));
    }

    private Map<String, String> probe(String name, List<String> jvmOptions, int identityHashes) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String argument : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (argument.startsWith("--add-opens")) {
                command.add(argument);
            }
        }
        command.addAll(jvmOptions);
        command.addAll(List.of("-Xmx256m", "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                CanonicalWriteProbe.class.getName(), Files.createDirectories(directory.resolve(name)).toString(), String.valueOf(identityHashes)));
        Path stderr = directory.resolve(name + "-stderr.txt");
        Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("the child JVM ends").isTrue();
        assertThat(process.exitValue()).as("exit value; stdout:%n%s%nstderr:%n%s", output, Files.readString(stderr)).isZero();
        return output.lines().filter(line -> line.contains("="))
                .collect(Collectors.toMap(line -> line.substring(0, line.indexOf('=')), line -> line.substring(line.indexOf('=') + 1)));
    }
}
