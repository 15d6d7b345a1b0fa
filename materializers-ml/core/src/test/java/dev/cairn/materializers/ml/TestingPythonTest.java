package dev.cairn.materializers.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

class TestingPythonTest {
    /** The test venv when there is one, else any python3 on the PATH: the check runs a real interpreter. */
    private static String python() {
        String configured = System.getenv("CAIRN_TEST_PYTHON");
        if (configured != null && !configured.isBlank() && Files.isExecutable(Path.of(configured))) {
            return configured;
        }
        Optional<Path> onPath = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(directory -> !directory.isBlank()).map(directory -> Path.of(directory, "python3"))
                .filter(Files::isExecutable).findFirst();
        Assumptions.assumeTrue(onPath.isPresent(), "no Python interpreter: set CAIRN_TEST_PYTHON or put python3 on the PATH");
        return onPath.get().toString();
    }

    @Test
    void aMissingPackageSkipsTheTestNamingThePackageAndThePipCommand() {
        String python = python();

        assertThatThrownBy(() -> TestingPython.interpreterAt(python, "json", "cairn_no_such_package", "cairn_absent.sub"))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("cannot import cairn_no_such_package, cairn_absent.sub")
                .hasMessageContaining(python + " -m pip install --no-index --find-links /opt/pypi/files cairn_no_such_package cairn_absent`")
                .message().doesNotContain(" json");
    }

    @Test
    void importablePackagesGiveTheInterpreter() {
        String python = python();

        assertThat(TestingPython.interpreterAt(python, "json", "importlib.util")).isEqualTo(Path.of(python));
        assertThat(TestingPython.interpreterAt(python)).isEqualTo(Path.of(python));
    }

    @Test
    void withoutAnInterpreterTheTestIsSkippedSayingWhatToInstall() {
        assertThatThrownBy(() -> TestingPython.interpreterAt(null, "numpy"))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("CAIRN_TEST_PYTHON is not set")
                .hasMessageContaining("pip install --no-index --find-links /opt/pypi/files");
    }
}
