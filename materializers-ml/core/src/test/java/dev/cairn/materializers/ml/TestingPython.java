package dev.cairn.materializers.ml;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * Runs a Python script with the interpreter named by {@code CAIRN_TEST_PYTHON} (a venv with numpy, safetensors, onnx,
 * onnxruntime and lightgbm); a test that needs it is skipped, saying what to install, when the variable is unset or
 * when the interpreter cannot import a package the test names.
 */
public final class TestingPython {
    /** The local wheel folder the install hints point at. */
    static final String WHEELS = "/opt/pypi/files";

    /** Missing modules per interpreter and module list: an import check costs about a second (onnxruntime). */
    private static final Map<String, List<String>> MISSING = new ConcurrentHashMap<>();

    private TestingPython() {}

    /**
     * The interpreter named by {@code CAIRN_TEST_PYTHON}, able to import every one of {@code modules}; otherwise the
     * test is skipped with a message naming the missing packages and the pip command that installs them.
     */
    public static Path interpreter(String... modules) {
        return interpreterAt(System.getenv("CAIRN_TEST_PYTHON"), modules);
    }

    /** As {@link #interpreter(String...)}, with the interpreter path given (package-private for its own test). */
    static Path interpreterAt(String python, String... modules) {
        Assumptions.assumeTrue(python != null && !python.isBlank() && Files.isExecutable(Path.of(python)),
                "CAIRN_TEST_PYTHON is not set to a Python interpreter: run ./run-tests, or create a venv with "
                        + "`pip install --no-index --find-links " + WHEELS + " numpy safetensors onnx onnxruntime lightgbm` and export "
                        + "CAIRN_TEST_PYTHON=<venv>/bin/python");
        Path interpreter = Path.of(python);
        if (modules.length > 0) {
            List<String> missing = MISSING.computeIfAbsent(python + "\0" + String.join(",", modules),
                    key -> missingModules(interpreter, List.of(modules)));
            Assumptions.assumeTrue(missing.isEmpty(), () -> "the Python at " + interpreter + " (CAIRN_TEST_PYTHON) cannot import "
                    + String.join(", ", missing) + ": install with `" + interpreter
                    + " -m pip install --no-index --find-links " + WHEELS + " "
                    + String.join(" ", missing.stream().map(TestingPython::topLevel).distinct().toList())
                    + "` (or run ./run-tests, which installs the readers)");
        }
        return interpreter;
    }

    private static String topLevel(String module) {
        int dot = module.indexOf('.');
        return dot < 0 ? module : module.substring(0, dot);
    }

    /** Imports each module in {@code python} (a real import, so a wheel with a broken native library counts as missing). */
    private static List<String> missingModules(Path python, List<String> modules) {
        String script = """
                import importlib, sys
                for name in sys.argv[1:]:
                    try:
                        importlib.import_module(name)
                    except Exception as error:
                        print(name)
                """;
        List<String> command = new ArrayList<>(List.of(python.toString(), "-c", script));
        command.addAll(modules);
        try {
            Path output = Files.createTempFile("cairn-python-imports", ".txt");
            try {
                Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD)
                        .redirectOutput(output.toFile()).start();
                if (!process.waitFor(120, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError("importing " + modules + " in " + python + " did not finish within 120 s");
                }
                if (process.exitValue() != 0) {
                    throw new AssertionError("could not run " + python + " to check the imports " + modules
                            + " (exit " + process.exitValue() + ")");
                }
                return Arrays.stream(Files.readString(output, StandardCharsets.UTF_8).split("\\R"))
                        .map(String::strip).filter(line -> !line.isEmpty()).toList();
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new AssertionError("could not run " + python + " to check the imports " + modules + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while checking the imports " + modules + " in " + python, e);
        }
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
