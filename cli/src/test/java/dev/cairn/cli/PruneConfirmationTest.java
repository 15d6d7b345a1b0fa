package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.cairn.api.Cairn;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.PipelineOptions;
import dev.cairn.api.pipeline.Step;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #12, scenario 6: {@code artifact prune} deletes exactly what it listed and the user confirmed, and refuses
 * (instead of waiting) when nobody can answer.
 */
class PruneConfirmationTest {
    @TempDir
    Path home;

    public static final class Steps {
        @Step
        public static List<Integer> leftover(int n) {
            return List.of(n);
        }
    }

    private void unusedVersion(int n) {
        try (Cairn cairn = Cairn.open(home)) {
            cairn.run(Pipeline.define("leftover", p -> p.call(Steps::leftover, Param.of(n)))
                    .withOptions(PipelineOptions.builder().enableCache(false).build()));
        }
    }

    private List<String> versions() {
        try (Cairn cairn = Cairn.open(home)) {
            List<String> versions = new ArrayList<>();
            for (ArtifactVersion version : cairn.client().listArtifactVersions("leftover::leftover::output")) {
                versions.add(version.version());
            }
            return versions;
        }
    }

    /** The user's keyboard: while the user reads the list, another process writes a new unused version; then "y". */
    private final class AnswerAfterAnotherWriter extends Reader {
        private final char[] answer = "y\n".toCharArray();
        private int position;

        @Override
        public int read(char[] buffer, int offset, int length) {
            if (position == 0) {
                unusedVersion(99);
            }
            if (position >= answer.length) {
                return -1;
            }
            int count = Math.min(length, answer.length - position);
            System.arraycopy(answer, position, buffer, offset, count);
            position += count;
            return count;
        }

        @Override
        public void close() {}
    }

    @Test
    void deletesExactlyTheListedAndConfirmedVersions() {
        unusedVersion(1);
        unusedVersion(2);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int code = CairnCli.execute(new String[] {"--home", home.toString(), "artifact", "prune"}, new PrintWriter(out, true),
                new PrintWriter(err, true), new BufferedReader(new AnswerAfterAnotherWriter()));

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("leftover::leftover::output:1").contains("leftover::leftover::output:2")
                .doesNotContain("leftover::leftover::output:3").contains("Deleted 2 unused artifact versions");
        assertThat(versions()).containsExactly("3"); // written after the list was shown: never shown, never deleted
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void withoutYesAndWithoutATerminalItRefusesInsteadOfWaiting() throws IOException, InterruptedException {
        unusedVersion(1);
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        Path log = home.resolve("cli.log");
        Process process = new ProcessBuilder(java, "--add-opens=java.base/java.nio=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                CairnCli.class.getName(), "--home", home.toString(), "artifact", "prune")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start(); // stdin: a pipe this test keeps open
        try {
            boolean finished = process.waitFor(90, TimeUnit.SECONDS);
            assertThat(finished).as("prune waited for an answer on a pipe: " + Files.readString(log, StandardCharsets.UTF_8)).isTrue();
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(process.exitValue()).as(output).isEqualTo(2);
            assertThat(output).contains("error [INVALID_ARGUMENT]").contains("standard input is not a terminal").contains("--yes")
                    .contains("nothing was deleted");
        } finally {
            process.destroyForcibly();
        }
        assertThat(versions()).containsExactly("1");
    }
}
