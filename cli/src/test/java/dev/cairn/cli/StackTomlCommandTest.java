package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cairn stack show} with a {@code cairn.toml} in the home: each value's source, passwords never printed. */
class StackTomlCommandTest {
    @TempDir
    Path home;

    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = CairnCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void showNamesTheTomlFileAsTheSourceAndMasksPasswords() throws Exception {
        Files.writeString(home.resolve("cairn.toml"), "metadata = \"postgresql://bob:s3cret@db:5432/cairn?password=again\"\nstore = \""
                + home.resolve("shared").toUri() + "\"\n");
        String[] shown = run("--home", home.toString(), "stack", "show");
        assertThat(shown[0]).as(shown[2]).isEqualTo("0");
        assertThat(shown[1]).contains("metadata  postgresql://bob:****@db:5432/cairn?password=****  (from " + home.resolve("cairn.toml") + " (metadata))")
                .contains("store     " + home.resolve("shared").toUri() + "  (from " + home.resolve("cairn.toml") + " (store))")
                .doesNotContain("s3cret").doesNotContain("again");

        String[] withEnvironmentFlag = run("--home", home.toString(), "stack", "show", "--store", home.resolve("flag").toUri().toString());
        assertThat(withEnvironmentFlag[1]).contains("(from --store)").contains("(from " + home.resolve("cairn.toml") + " (metadata))");
    }

    @Test
    void showPrintsPluginTablesSuchAsSparkWithDottedKeysAndMaskedSecrets() throws Exception {
        Files.writeString(home.resolve("cairn.toml"), """
                store = "file:/shared/store"

                [spark]
                master = "local[2]"
                appName = "nightly"
                executorCheckMinBytes = 1073741824

                [spark.conf]
                "spark.sql.shuffle.partitions" = 8
                "spark.hadoop.fs.s3a.secret.key" = "hush"
                """);
        String[] shown = run("--home", home.toString(), "stack", "show");
        assertThat(shown[0]).as(shown[2]).isEqualTo("0");
        assertThat(shown[1]).contains("[spark]   master = local[2]  (from " + home.resolve("cairn.toml") + ")")
                .contains("[spark]   appName = nightly")
                .contains("[spark]   executorCheckMinBytes = 1073741824  (from " + home.resolve("cairn.toml") + ")")
                .contains("[spark]   conf.spark.sql.shuffle.partitions = 8")
                .contains("[spark]   conf.spark.hadoop.fs.s3a.secret.key = ****")
                .doesNotContain("hush");
    }

    @Test
    void aHomeWithBothStackFilesFailsWithExitCodeTwoAndSaysWhichToKeep() throws Exception {
        Files.writeString(home.resolve("cairn.toml"), "store = \"file:/a\"\n");
        Files.writeString(home.resolve("cairn.properties"), "store=file:/b\n");
        String[] shown = run("--home", home.toString(), "stack", "show");
        assertThat(shown[0]).isEqualTo("2");
        assertThat(shown[2]).contains("error [CONFIGURATION]", "both cairn.toml and cairn.properties");
    }
}
