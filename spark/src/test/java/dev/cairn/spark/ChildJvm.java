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

/**
 * Runs a probe's {@code main} in a child JVM with this test JVM's classpath and Spark's {@code --add-opens} list, and
 * returns the {@code key=value} lines it printed; fails the test (with the child's output) when it does not exit 0.
 */
final class ChildJvm {
    private ChildJvm() {}

    /**
     * @param directory the child's {@code java.io.tmpdir}, where its stderr goes too ({@code <name>-stderr.txt})
     * @param environment set in the child's environment; {@code CAIRN_SPARK_*} are removed, SPARK_LOCAL_IP is 127.0.0.1
     */
    static Map<String, String> run(Path directory, String name, List<String> jvmOptions, Map<String, String> environment, Class<?> main,
            String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String argument : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (argument.startsWith("--add-opens") || argument.startsWith("-Djdk.reflect")) { // Spark's list, as surefire passes it
                command.add(argument);
            }
        }
        command.addAll(jvmOptions);
        command.addAll(List.of("-Djava.io.tmpdir=" + directory,
                "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")), main.getName()));
        command.addAll(List.of(arguments));
        Path stderr = directory.resolve(name + "-stderr.txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(stderr.toFile());
        builder.environment().keySet().removeIf(key -> key.startsWith("CAIRN_SPARK_"));
        builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        builder.environment().putAll(environment);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("the child JVM %s ends", name).isTrue();
        assertThat(process.exitValue()).as("exit value of %s; stdout:%n%s%nstderr:%n%s", name, output, tail(stderr)).isZero();
        System.out.println(output); // kept in the surefire report
        Map<String, String> printed = new LinkedHashMap<>();
        output.lines().filter(line -> line.contains("="))
                .forEach(line -> printed.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1)));
        return printed;
    }

    private static String tail(Path file) throws IOException {
        if (!Files.exists(file)) {
            return "";
        }
        List<String> lines = Files.readAllLines(file);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }
}
