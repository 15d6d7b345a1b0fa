package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import dev.cairn.cli.CliRun.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 16 of issue #12: every CLI failure prints one {@code error [CODE]: message} line, a stack trace only with
 * {@code --verbose}, and exits non-zero (2 for usage errors and for errors Cairn reports, 1 for unexpected ones).
 */
class CliFailureTest {
    @TempDir
    Path temp;

    private static Result cli(String... args) {
        return CliRun.cli(args);
    }

    /** One error line on stderr and nothing that looks like a stack trace. */
    private static void assertOneErrorLine(Result result, String code, String... fragments) {
        assertThat(result.exitCode()).as(result.err()).isNotZero();
        String[] lines = result.err().strip().split("\\R");
        assertThat(lines).as(result.err()).hasSize(1);
        assertThat(lines[0]).startsWith("error [" + code + "]: ").contains(fragments);
        assertThat(result.err()).doesNotContain("\tat ").doesNotContain("Exception:");
    }

    @Test
    void aHomeThatIsAFileIsAConfigurationError() throws Exception {
        Path file = Files.writeString(temp.resolve("home.txt"), "not a directory");
        Result result = cli("runs", "list", "--home", file.toString());
        assertOneErrorLine(result, "CONFIGURATION", file.toString(), "not a directory");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(Files.readString(file)).isEqualTo("not a directory");
    }

    @Test
    void anEmptyHomeIsAUsageError() {
        Result result = cli("runs", "list", "--home", "");
        assertOneErrorLine(result, "USAGE", "--home");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(cli("--home", "  ", "artifacts", "list").exitCode()).isEqualTo(2);
    }

    @Test
    void anUnknownOptionIsOneUsageLine() {
        Result result = cli("runs", "list", "--frobnicate");
        assertOneErrorLine(result, "USAGE", "--frobnicate", "cairn runs list --help");
        assertThat(result.exitCode()).isEqualTo(2);
    }

    @Test
    void aTruncatedMetadataDatabaseIsReportedNotOpenedAsAnEmptyHome() throws Exception {
        Path home = temp.resolve("home");
        assertThat(cli("quickstart", "--home", home.toString()).exitCode()).isZero();
        Path database = home.resolve("metadata.db");
        try (RandomAccessFile raf = new RandomAccessFile(database.toFile(), "rw")) {
            raf.setLength(raf.length() / 3);
        }
        Result result = cli("runs", "list", "--home", home.toString());
        assertOneErrorLine(result, "METADATA_FAILURE", database.toString(), "is damaged");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void aReadOnlyHomeIsReportedInOneLine() throws Exception {
        Path home = temp.resolve("home");
        assertThat(cli("quickstart", "--home", home.toString()).exitCode()).isZero();
        boolean mounted = makeReadOnly(home);
        try {
            Result result = cli("runs", "list", "--home", home.toString());
            assertOneErrorLine(result, "CONFIGURATION", home.toString(), "read-only");
        } finally {
            if (mounted) {
                run("umount", home.toString());
            } else {
                Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
    }

    @Test
    void visualizeIntoAMissingFolderCreatesItAndIntoAFileReportsIt() throws Exception {
        Path home = temp.resolve("home");
        assertThat(cli("quickstart", "--home", home.toString()).exitCode()).isZero();
        Path page = temp.resolve("missing/deeper/page.html");
        Result written = cli("artifact", "visualize", "trained_model", "--home", home.toString(), "--output", page.toString());
        assertThat(written.exitCode()).as(written.err()).isZero();
        assertThat(page).isRegularFile();

        Path blocker = Files.writeString(temp.resolve("blocker"), "a file");
        Result blocked = cli("artifact", "visualize", "trained_model", "--home", home.toString(), "--output", blocker.resolve("page.html").toString());
        assertOneErrorLine(blocked, "IO_FAILURE", blocker.toString());
        assertThat(blocked.exitCode()).isEqualTo(1);
    }

    @Test
    void verbosePrintsTheStackTraceAfterTheErrorLine() throws Exception {
        Path file = Files.writeString(temp.resolve("home.txt"), "x");
        Result result = cli("runs", "list", "--home", file.toString(), "--verbose");
        assertThat(result.err()).startsWith("error [CONFIGURATION]: ").contains("\tat ");
    }

    /** A read-only bind mount when running as root (root ignores permissions), else the home's write permission removed. */
    private static boolean makeReadOnly(Path home) throws Exception {
        if (run("mount", "--bind", home.toString(), home.toString()) == 0) {
            if (run("mount", "-o", "remount,ro,bind", home.toString()) == 0) {
                return true;
            }
            run("umount", home.toString());
        }
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("r-xr-xr-x"));
        return false;
    }

    private static int run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }
}
