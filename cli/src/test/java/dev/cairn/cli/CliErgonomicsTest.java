package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.cairn.api.Cairn;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.artifact.SaveOptions;
import dev.cairn.api.artifact.TypeRef;
import dev.cairn.api.run.StepStatus;
import dev.cairn.cli.CliRun.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** --help on every command, run --no-cache, artifact export/import. */
class CliErgonomicsTest {
    @TempDir
    Path home;

    @TempDir
    Path outside;

    private Result cli(String... args) {
        return CliRun.answering("", args);
    }

    private Result inHome(String... args) {
        String[] withHome = new String[args.length + 2];
        withHome[0] = "--home";
        withHome[1] = home.toString();
        System.arraycopy(args, 0, withHome, 2, args.length);
        return cli(withHome);
    }

    private static List<List<String>> commandPaths(CommandLine line, List<String> prefix) {
        List<List<String>> paths = new ArrayList<>();
        paths.add(prefix);
        line.getSubcommands().forEach((name, sub) -> {
            if (sub.getCommandName().equals(name)) { // each command once, not once per alias
                List<String> path = new ArrayList<>(prefix);
                path.add(name);
                paths.addAll(commandPaths(sub, path));
            }
        });
        return paths;
    }

    @Test
    void everyCommandAndSubcommandAcceptsHelp() {
        List<List<String>> paths = commandPaths(new CommandLine(new CairnCli()), List.of());
        assertThat(paths).extracting(p -> String.join(" ", p))
                .contains("runs", "runs list", "artifacts", "artifact", "artifact export", "artifact import", "artifact prune", "stack show");

        for (List<String> path : paths) {
            for (String flag : List.of("--help", "-h")) {
                List<String> args = new ArrayList<>(path);
                args.add(flag);
                Result result = cli(args.toArray(String[]::new));
                String command = String.join(" ", args);
                assertThat(result.exitCode()).as(command + ": " + result.err()).isZero();
                assertThat(result.out()).as(command).contains("Usage: cairn" + (path.isEmpty() ? "" : " " + String.join(" ", path)));
                assertThat(result.err()).as(command).isEmpty();
            }
        }
        assertThat(home).isEmptyDirectory(); // help opened no home
    }

    @Test
    void runNoCacheRunsEveryStepAgain() {
        String pipeline = "dev.cairn.examples.ExamplePipelines#simple";
        assertThat(inHome("run", pipeline).exitCode()).isZero();
        Result cached = inHome("run", pipeline);
        assertThat(cached.exitCode()).isZero();
        Result fresh = inHome("run", "--no-cache", pipeline);
        assertThat(fresh.exitCode()).as(fresh.err()).isZero();

        try (Cairn cairn = Cairn.open(home)) {
            var runs = cairn.client().listRuns(); // newest first
            assertThat(runs).hasSize(3);
            assertThat(runs.get(1).steps()).extracting(s -> s.status()).containsOnly(StepStatus.CACHED);
            assertThat(runs.get(0).steps()).extracting(s -> s.status()).containsOnly(StepStatus.COMPLETED);
        }
    }

    @Test
    void exportAndImportRoundTripThroughTheCommandLine() throws Exception {
        ArtifactVersion original;
        try (Cairn cairn = Cairn.open(home)) {
            original = cairn.client().save(List.of(1.5, 2.5), SaveOptions.named("weights").withType(new TypeRef<List<Double>>() {}));
            cairn.client().setAlias("weights", "champion", original.version());
        }
        Path exported = outside.resolve("weights-export");

        Result export = inHome("artifact", "export", "weights@champion", "--to", exported.toString());
        assertThat(export.exitCode()).as(export.err()).isZero();
        assertThat(export.out()).contains("weights:1").contains(original.contentHash());
        assertThat(exported.resolve(".cairn/manifest.json")).isRegularFile();

        Result imported = inHome("artifact", "import", exported.toString(), "--name", "weights-copy", "--version", "7", "--tag", "restored", "--tag", "qa");
        assertThat(imported.exitCode()).as(imported.err()).isZero();
        assertThat(imported.out()).contains("weights-copy:7").contains("restored");

        try (Cairn cairn = Cairn.open(home)) {
            ArtifactVersion copy = cairn.client().getArtifactVersion("weights-copy", "7");
            assertThat(copy.contentHash()).isEqualTo(original.contentHash());
            assertThat(copy.tags()).containsExactlyInAnyOrder("restored", "qa");
            assertThat(copy.<List<Double>>load()).containsExactly(1.5, 2.5);
        }

        Result again = inHome("artifact", "export", "weights:1", "--to", exported.toString());
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err()).contains("error [INVALID_ARGUMENT]").contains("not an empty directory");
    }

    @Test
    void aDamagedVersionIsNotExported() throws Exception {
        ArtifactVersion version;
        try (Cairn cairn = Cairn.open(home)) {
            version = cairn.client().save("some text", "note");
        }
        String file = version.files().get(0).path();
        Files.writeString(Path.of(version.uri()).resolve(file), "\"other text\"");
        Path target = outside.resolve("note");

        Result result = inHome("artifact", "export", "note", "--to", target.toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("error [INTEGRITY_VIOLATION]").contains(file);
        assertThat(outside).isEmptyDirectory();
    }
}
