package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.api.Cairn;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.cli.CliRun.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #12, scenario 17: escape sequences stored in an error message, a parameter or a name a user typed are shown
 * as text by the human output of the CLI and by its error echoes; {@code --json} keeps them exact.
 */
class TerminalEscapingTest {
    /** Sets the terminal title, clears the screen, rings the bell, and returns to the start of the line. */
    static final String HOSTILE = "\u001b]0;pwned\u0007\u001b[2J\u009b31m\r\u202Eevil";

    @TempDir
    Path home;

    private Result cli(String... args) {
        return CliRun.answeringInHome(home, "", args);
    }

    public static final class Steps {
        @Step
        public static int fail(String message) {
            throw new IllegalStateException(message);
        }
    }

    private static void assertNoTerminalControls(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            assertThat(c == '\n' || c == '\t' || !TerminalText.needsEscape(c))
                    .as("raw U+%04X at %d in %s", (int) c, i, text).isTrue();
        }
    }

    @Test
    void runsShowEscapesStoredErrorsAndParameters() throws Exception {
        PipelineRun run;
        try (Cairn cairn = Cairn.open(home)) {
            run = cairn.run(Pipeline.define("hostile", p -> p.call(Steps::fail, Param.of(HOSTILE))));
        }

        Result shown = cli("runs", "show", run.id().toString());
        assertThat(shown.exitCode()).as(shown.err()).isZero();
        assertNoTerminalControls(shown.out());
        assertThat(shown.out()).contains("\\u001B]0;pwned\\u0007\\u001B[2J\\u009B31m\\u000D\\u202Eevil");

        Result json = cli("runs", "show", run.id().toString(), "--json");
        Map<String, Object> parsed = new ObjectMapper().readValue(json.out(), new TypeReference<>() {});
        assertThat(json.out()).contains("\\u001B");
        assertThat(parsed.toString()).contains(HOSTILE); // --json keeps the data exact

        Result listed = cli("runs", "list");
        assertNoTerminalControls(listed.out());
    }

    @Test
    void errorEchoesEscapeWhatTheUserTyped() {
        Result missing = cli("artifact", "show", "model" + HOSTILE);
        assertThat(missing.exitCode()).isEqualTo(2);
        assertNoTerminalControls(missing.err());
        assertThat(missing.err()).startsWith("error [").contains("\\u001B[2J");

        Result usage = cli("artifact", "show", "--unknown" + HOSTILE);
        assertThat(usage.exitCode()).isEqualTo(2);
        assertNoTerminalControls(usage.err());
    }

    @Test
    void theEscapingFunctionKeepsLineBreaksAndText() {
        assertThat(TerminalText.escape("plain é 雪\n\tline")).isEqualTo("plain é 雪\n\tline");
        assertThat(TerminalText.escape("a\u001bb\u007fc")).isEqualTo("a\\u001Bb\\u007Fc");
        assertThat(List.of('\u2028', '\u2066', '\u200f', '\u0085')).allMatch(TerminalText::needsEscape);
    }
}
