package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.api.Cairn;
import dev.cairn.cli.CliRun.Result;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TagAndAliasCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    private Result cli(String... args) {
        return CliRun.answeringInHome(home, "", args);
    }

    private Result ok(String... args) {
        return CliRun.succeeded(cli(args));
    }

    private List<Map<String, Object>> listJson(String... filters) throws IOException {
        String[] args = new String[filters.length + 3];
        args[0] = "artifacts";
        args[1] = "list";
        args[2] = "--json";
        System.arraycopy(filters, 0, args, 3, filters.length);
        return JSON.readValue(ok(args).out(), new TypeReference<>() {});
    }

    @BeforeEach
    void saveVersions() {
        try (Cairn cairn = Cairn.open(home)) {
            cairn.client().save("m1", "model");
            cairn.client().save("m2", "model");
            cairn.client().save("d1", "dataset");
        }
    }

    @Test
    void tagUntagAndListByTag() throws IOException {
        ok("artifact", "tag", "model:1", "production", "--exclusive");
        ok("artifact", "tag", "model:2", "production", "--exclusive");
        ok("artifact", "tag", "dataset", "team-a");

        assertThat(listJson("--tag", "production")).extracting(a -> a.get("name") + ":" + a.get("version")).containsExactly("model:2");
        assertThat(listJson("--tag", "team-a")).extracting(a -> a.get("name")).containsExactly("dataset");
        Map<String, Object> shown = JSON.readValue(ok("artifact", "show", "model:2", "--json").out(), new TypeReference<>() {});
        assertThat(shown.get("tags")).isEqualTo(List.of("production"));

        ok("artifact", "untag", "model:2", "production");
        ok("artifact", "untag", "dataset", "team-a");
        assertThat(listJson("--tag", "production")).isEmpty();
        assertThat(listJson("--tag", "team-a")).isEmpty();
        assertThat(cli("artifact", "tag", "dataset", "x", "--exclusive").err()).contains("--exclusive moves a tag between versions");
    }

    @Test
    void aliasesAreSetAndAcceptedAsVersions() throws IOException {
        assertThat(ok("artifact", "alias", "model:1", "champion").out()).contains("model@champion -> model:1");

        Map<String, Object> shown = JSON.readValue(ok("artifact", "show", "model@champion", "--json").out(), new TypeReference<>() {});
        assertThat(shown.get("version")).isEqualTo("1");
        assertThat(shown.get("aliases")).isEqualTo(List.of("champion"));
        ok("artifact", "tag", "model@champion", "blessed");
        assertThat(listJson("--tag", "blessed")).extracting(a -> a.get("version")).containsExactly("1");

        ok("artifact", "alias", "model", "champion", "--remove");
        Result gone = cli("artifact", "show", "model@champion");
        assertThat(gone.exitCode()).isNotZero();
        assertThat(gone.err()).contains("no alias 'champion'");
    }

    @Test
    void listFiltersByMetadataAndPagesWithACursor() throws IOException {
        try (Cairn cairn = Cairn.open(home)) {
            cairn.client().logMetadata("model", "1", Map.of("accuracy", 0.80, "framework", "xgboost"));
            cairn.client().logMetadata("model", "2", Map.of("accuracy", 0.90, "framework", "lightgbm"));
        }

        assertThat(listJson("--where", "accuracy>0.85")).extracting(a -> a.get("name") + ":" + a.get("version")).containsExactly("model:2");
        assertThat(listJson("--where", "accuracy>=0.8", "--where", "framework=xgboost")).extracting(a -> a.get("version")).containsExactly("1");
        assertThat(listJson("--where", "framework~gbm")).extracting(a -> a.get("version")).containsExactly("2");

        Result first = ok("artifacts", "list", "--json", "--limit", "2");
        List<Map<String, Object>> page = JSON.readValue(first.out(), new TypeReference<>() {});
        assertThat(page).extracting(a -> a.get("name") + ":" + a.get("version")).containsExactly("dataset:1", "model:2");
        assertThat(first.err()).contains("next page: --cursor ");
        String cursor = first.err().substring(first.err().indexOf("--cursor ") + "--cursor ".length()).trim();
        Result second = ok("artifacts", "list", "--json", "--limit", "2", "--cursor", cursor);
        List<Map<String, Object>> rest = JSON.readValue(second.out(), new TypeReference<>() {});
        assertThat(rest).extracting(a -> a.get("name") + ":" + a.get("version")).containsExactly("model:1");
        assertThat(second.err()).doesNotContain("next page");

        // --name, --type, --since and --until are matched by the command: a page still holds --limit matches
        Result models = ok("artifacts", "list", "--json", "--name", "model", "--limit", "1");
        assertThat(JSON.readValue(models.out(), new TypeReference<List<Map<String, Object>>>() {}))
                .extracting(a -> a.get("name") + ":" + a.get("version")).containsExactly("model:2");
        String modelCursor = models.err().substring(models.err().indexOf("--cursor ") + "--cursor ".length()).trim();
        Result lastModel = ok("artifacts", "list", "--json", "--name", "model", "--limit", "1", "--cursor", modelCursor);
        assertThat(JSON.readValue(lastModel.out(), new TypeReference<List<Map<String, Object>>>() {}))
                .extracting(a -> a.get("name") + ":" + a.get("version")).containsExactly("model:1");
        assertThat(listJson("--name", "model", "--where", "accuracy>0.5", "--limit", "1")).extracting(a -> a.get("version")).containsExactly("2");

        assertThat(cli("artifacts", "list", "--where", "accuracy>high").err()).contains("needs a number");
        assertThat(cli("artifacts", "list", "--where", "accuracy").err()).contains("KEY OP VALUE");
    }
}
