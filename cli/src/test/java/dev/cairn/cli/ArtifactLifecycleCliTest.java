package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.api.Cairn;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.PipelineOptions;
import dev.cairn.api.pipeline.Step;
import dev.cairn.cli.CliRun.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cairn artifact register | prune | visualize} and the filters of {@code cairn artifacts list}. */
class ArtifactLifecycleCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    private Path store;

    private Result answering(String input, String... args) {
        return CliRun.answeringInHome(home, input, args);
    }

    private Result cli(String... args) {
        return answering("", args);
    }

    public static final class Steps {
        @Step
        public static List<Integer> leftover(int n) {
            return List.of(n, n + 1);
        }
    }

    /** Creates {@code count} unused versions of {@code leftover::leftover::output} (caching off, nothing consumes them). */
    private void unusedVersions(int count) {
        try (Cairn cairn = Cairn.open(home)) {
            for (int i = 0; i < count; i++) {
                int n = i;
                cairn.run(Pipeline.define("leftover", p -> p.call(Steps::leftover, dev.cairn.api.pipeline.Param.of(n)))
                        .withOptions(PipelineOptions.builder().enableCache(false).build()));
            }
        }
    }

    private List<Map<String, Object>> listJson(String... filters) throws IOException {
        String[] args = new String[filters.length + 3];
        args[0] = "artifacts";
        args[1] = "list";
        args[2] = "--json";
        System.arraycopy(filters, 0, args, 3, filters.length);
        Result result = cli(args);
        assertThat(result.exitCode()).as(result.err()).isZero();
        return JSON.readValue(result.out(), new TypeReference<>() {});
    }

    @BeforeEach
    void quickstart() throws IOException {
        assertThat(cli("quickstart").exitCode()).isZero();
        store = home.resolve("store").toRealPath();
    }

    @AfterEach
    void resetOpener() {
        System.clearProperty(VisualizeCommand.OPEN_COMMAND_PROPERTY);
    }

    @Test
    void registerTakesAPathOrUriShowsProgressAndRefusesOutsideOrTwice() throws IOException {
        Path data = Files.createDirectories(store.resolve("checkpoints/epoch-1"));
        Files.writeString(data.resolve("weights.bin"), "0123456789");

        Result result = cli("artifact", "register", data.toString(), "--name", "checkpoint");
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("as checkpoint:1").contains("10 B");
        assertThat(result.err()).contains("hashing: 1 of 1, 10 B");

        Result twice = cli("artifact", "register", data.toUri().toString(), "--name", "again");
        assertThat(twice.exitCode()).isEqualTo(2);
        assertThat(twice.err()).contains("INVALID_ARGUMENT").contains("already registered as artifact 'checkpoint' version 1");

        Path outside = Files.writeString(Files.createDirectories(home.resolve("store_evil")).resolve("x"), "x");
        Result refused = cli("artifact", "register", outside.toString(), "--name", "evil");
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).contains("PATH_OUTSIDE_STORE").contains("no artifact store this engine knows");

        assertThat(cli("artifact", "register", data.toString()).exitCode()).isEqualTo(2); // --name is required
    }

    @Test
    void pruneDryRunListsVersionsAndSizesAndDeletesNothing() throws IOException {
        unusedVersions(2);
        Result result = cli("artifact", "prune", "--dry-run");
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("leftover::leftover::output:1").contains("leftover::leftover::output:2")
                .containsPattern("Would delete 2 unused artifact versions, \\d+ B");
        assertThat(listJson("--name", "leftover")).hasSize(2);
    }

    @Test
    void pruneAsksForConfirmationUnlessYes() throws IOException {
        unusedVersions(2);
        Result declined = answering("n\n", "artifact", "prune");
        assertThat(declined.exitCode()).isEqualTo(1);
        assertThat(declined.out()).contains("Delete the metadata and files of 2 artifact versions? [y/N]").contains("Prune cancelled");
        assertThat(listJson("--name", "leftover")).hasSize(2);

        Result noAnswer = answering("", "artifact", "prune");
        assertThat(noAnswer.exitCode()).isEqualTo(1);

        Result accepted = answering("y\n", "artifact", "prune", "--threads", "4");
        assertThat(accepted.exitCode()).as(accepted.err()).isZero();
        assertThat(accepted.out()).contains("Deleted 2 unused artifact versions");
        assertThat(accepted.err()).contains("deleting: 2 of 2");
        assertThat(listJson("--name", "leftover")).isEmpty();
        assertThat(listJson("--name", "trained_model")).hasSize(1); // a cache entry: kept

        unusedVersions(1);
        Result yes = answering("", "artifact", "prune", "--yes");
        assertThat(yes.exitCode()).isZero();
        assertThat(yes.out()).doesNotContain("[y/N]").contains("Deleted 1 unused artifact version,");
    }

    @Test
    void pruneOnlyFlagsIgnoreErrorsAndIncludeRegistered() throws IOException {
        Result both = cli("artifact", "prune", "--only-artifact", "--only-metadata", "--yes");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("INVALID_ARGUMENT").contains("exclude each other");
        assertThat(cli("artifact", "prune", "--threads", "0", "--yes").err()).contains("at least 1 thread");
        assertThat(cli("artifact", "prune", "--older-than", "soon", "--yes").err()).contains("not a duration");

        unusedVersions(1);
        Path artifactDirectory = Path.of(java.net.URI.create((String) listJson("--name", "leftover").get(0).get("uri")));
        assertThat(cli("artifact", "prune", "--only-metadata", "--yes", "--ignore-errors").exitCode()).isZero();
        assertThat(listJson("--name", "leftover")).isEmpty();
        assertThat(artifactDirectory).isDirectory();

        unusedVersions(1);
        Path second = Path.of(java.net.URI.create((String) listJson("--name", "leftover").get(0).get("uri")));
        assertThat(cli("artifact", "prune", "--only-artifact", "--yes").exitCode()).isZero();
        assertThat(listJson("--name", "leftover")).hasSize(1);
        assertThat(second).doesNotExist();

        Path data = Files.writeString(Files.createDirectories(store.resolve("imports")).resolve("table.csv"), "a,b\n");
        assertThat(cli("artifact", "register", data.toString(), "--name", "imported").exitCode()).isZero();
        assertThat(cli("artifact", "prune", "--dry-run").out()).doesNotContain("imported:1");
        Result included = cli("artifact", "prune", "--dry-run", "--include-registered");
        assertThat(included.out()).contains("imported:1").contains("(registered)");
        assertThat(cli("artifact", "prune", "--include-registered", "--yes").exitCode()).isZero();
        assertThat(data).doesNotExist();
    }

    @Test
    void visualizeWritesASelfContainedEscapedPage() throws IOException {
        Result result = cli("artifact", "visualize", "trained_model");
        assertThat(result.exitCode()).as(result.err()).isZero();
        Path page = Path.of(result.out().strip());
        assertThat(page).startsWith(home).hasExtension("html");
        String html = Files.readString(page);
        assertThat(html).startsWith("<!DOCTYPE html>").contains("<h1>trained_model:1</h1>").contains("<table>")
                .doesNotContain("<script").doesNotContain("http-equiv=\"refresh\"").doesNotContain("src=\"http");

        Path chosen = home.resolve("out/page.html");
        assertThat(cli("artifact", "visualize", "trained_model:1", "--output", chosen.toString()).out().strip()).isEqualTo(chosen.toString());
        assertThat(chosen).exists();
        assertThat(cli("artifact", "visualize", "no_such_artifact").err()).contains("ARTIFACT_NOT_FOUND");
    }

    @Test
    void visualizeOpenUsesABrowserOrSaysThereIsNone() {
        System.setProperty(VisualizeCommand.OPEN_COMMAND_PROPERTY, "");
        Result none = cli("artifact", "visualize", "trained_model", "--open");
        assertThat(none.exitCode()).isZero();
        assertThat(none.err()).contains("No browser opener found").contains(".html yourself");

        System.setProperty(VisualizeCommand.OPEN_COMMAND_PROPERTY, "true"); // the POSIX command that succeeds
        Result opened = cli("artifact", "visualize", "trained_model", "--open");
        assertThat(opened.exitCode()).isZero();
        assertThat(opened.err()).isEmpty();
    }

    @Test
    void listFiltersByNameTypeAndDateAndSorts() throws IOException {
        List<Map<String, Object>> all = listJson();
        assertThat(all).hasSizeGreaterThan(3);
        assertThat(listJson("--name", "model")).extracting(a -> (String) a.get("name")).allMatch(n -> n.contains("model")).isNotEmpty();
        assertThat(listJson("--name", "training_pipeline::*")).extracting(a -> (String) a.get("name"))
                .isNotEmpty().allMatch(n -> n.startsWith("training_pipeline::"));
        assertThat(listJson("--name", "nothing*matches")).isEmpty();
        assertThat(listJson("--type", "java.util.List")).extracting(a -> (String) a.get("type")).isNotEmpty().allMatch(t -> t.contains("java.util.List"));
        String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
        assertThat(listJson("--since", today)).hasSize(all.size());
        assertThat(listJson("--until", "2000-01-01")).isEmpty();
        assertThat(listJson("--since", "2999-01-01T00:00:00Z")).isEmpty();

        List<Long> sizes = listJson("--sort", "size").stream().map(a -> ((Number) a.get("size")).longValue()).toList();
        assertThat(sizes).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        List<Long> ascending = listJson("--sort", "size", "--reverse").stream().map(a -> ((Number) a.get("size")).longValue()).toList();
        assertThat(ascending).isSorted();
        List<String> names = listJson("--sort", "name").stream().map(a -> (String) a.get("name")).toList();
        assertThat(names).isSorted();

        assertThat(cli("artifacts", "list", "--sort", "colour").err()).contains("--sort name, created or size");
        assertThat(cli("artifacts", "list", "--since", "yesterday").err()).contains("neither a date");
        assertThat(cli("artifacts", "list", "--name", "model").out()).contains("trained_model");
    }
}
