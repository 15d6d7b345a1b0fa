package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.cairn.cli.CliRun.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cairn stack show|check} and the {@code --metadata}/{@code --store} flags. */
class StackCommandTest {
    @TempDir
    Path home;

    private static Result cli(String... args) {
        return CliRun.cli(args);
    }

    @Test
    void showPrintsTheDefaultsWhenNothingIsConfigured() {
        Result result = cli("stack", "show", "--home", home.toString());
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("metadata  sqlite:" + home.resolve("metadata.db").toUri().getRawPath() + "  (from default)")
                .contains("store     " + home.resolve("store").toUri() + "  (from default)");
    }

    @Test
    void theHomeFileIsUsedAndFlagsWinOverItWithPasswordsMasked() throws Exception {
        Files.writeString(home.resolve("cairn.properties"), "metadata=sqlite:meta/stack.db\nstore=" + home.resolve("shared").toUri() + "\n");
        Result fromFile = cli("--home", home.toString(), "stack", "show");
        assertThat(fromFile.exitCode()).as(fromFile.err()).isZero();
        assertThat(fromFile.out()).contains("metadata  sqlite:meta/stack.db  (from " + home.resolve("cairn.properties") + " (metadata))")
                .contains("store     " + home.resolve("shared").toUri() + "  (from " + home.resolve("cairn.properties") + " (store))");

        Result flags = cli("--home", home.toString(), "stack", "show", "--metadata", "postgresql://bob:s3cret@db:5432/cairn?password=again",
                "--store", home.resolve("other").toUri().toString());
        assertThat(flags.exitCode()).as(flags.err()).isZero();
        assertThat(flags.out()).contains("metadata  postgresql://bob:****@db:5432/cairn?password=****  (from --metadata)")
                .contains("(from --store)").doesNotContain("s3cret").doesNotContain("again");
    }

    @Test
    void checkConnectsToBothStoresOfTheStack() throws Exception {
        Files.writeString(home.resolve("cairn.properties"), "metadata=sqlite:meta/stack.db\n");
        Result ok = cli("--home", home.toString(), "stack", "check");
        assertThat(ok.exitCode()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("metadata  sqlite:meta/stack.db  ok (0 runs)").containsPattern("store     file:\\S+/store/?  ok");
        assertThat(home.resolve("meta/stack.db")).exists();
        assertThat(home.resolve("metadata.db")).doesNotExist();

        Result unreachable = cli("--home", home.toString(), "stack", "check", "--metadata",
                "postgresql://127.0.0.1:1/nowhere?user=cairn&password=s3cret&connect_timeout=1");
        assertThat(unreachable.exitCode()).isEqualTo(1);
        assertThat(unreachable.err()).contains("Stack check failed").contains("postgresql://cairn@127.0.0.1:1/nowhere").contains("could not connect")
                .doesNotContain("s3cret");
    }
}
