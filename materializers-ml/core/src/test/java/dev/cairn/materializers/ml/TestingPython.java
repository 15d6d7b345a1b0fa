package dev.cairn.materializers.ml;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * Runs a Python script with the interpreter named by {@code CAIRN_TEST_PYTHON} (a venv with numpy, safetensors, onnx,
 * onnxruntime and lightgbm); a test that needs it is skipped, saying what to install, when the variable is unset.
 */
public final class TestingPython {
    private TestingPython() {}

    /** The interpreter, or the test is skipped. */
    public static Path interpreter(String... modules) {
        String python = System.getenv("CAIRN_TEST_PYTHON");
        Assumptions.assumeTrue(python != null && !python.isBlank() && Files.isExecutable(Path.of(python)),
                "CAIRN_TEST_PYTHON is not set to a Python interpreter: run ./run-tests, or create a venv with "
                        + "`pip install --no-index --find-links /opt/pypi/files numpy safetensors onnx onnxruntime lightgbm` and export "
                        + "CAIRN_TEST_PYTHON=<venv>/bin/python");
        return Path.of(python);
    }

    /** Runs {@code script} with {@code arguments}; returns its standard output; fails the test on a non-zero exit. */
    public static String run(Path workDirectory, String script, String... arguments) throws IOException, InterruptedException {
        Path python = interpreter();
        Path file = Files.createTempFile(workDirectory, "script", ".py");
        Files.writeString(file, script);
        List<String> command = new ArrayList<>(List.of(python.toString(), file.toString()));
        command.addAll(List.of(arguments));
        Path output = workDirectory.resolve("python-output-" + System.nanoTime() + ".txt");
        Process process = new ProcessBuilder(command).directory(workDirectory.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        boolean finished = process.waitFor(120, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly();
        }
        String text = Files.readString(output, StandardCharsets.UTF_8);
        assertThat(finished).as("python did not finish within 120 s: %s", text).isTrue();
        assertThat(process.exitValue()).as("python failed:%n%s", text).isZero();
        return text;
    }
}
