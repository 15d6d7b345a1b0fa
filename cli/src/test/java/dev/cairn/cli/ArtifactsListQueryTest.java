package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.api.Cairn;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.cli.CliRun.Result;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn artifacts list} answers an exact name and the time bounds with the metadata store's indexed query, keeps
 * substrings, globs and {@code --type} working by matching them over the query's pages, and pages by default. The
 * expected lists are the versions the client lists, filtered in the test with the options' documented meaning.
 */
class ArtifactsListQueryTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    /** Every READY version, newest first, as the client lists them before any corruption. */
    private List<ArtifactVersion> all;

    private Result cli(String... args) {
        return CliRun.answeringInHome(home, "", args);
    }

    private Result ok(String... args) {
        return CliRun.succeeded(cli(args));
    }

    /** {@code name:version} of each listed version, in the printed order. */
    private List<String> list(String... options) throws IOException {
        return keys(ok(concat(options)).out());
    }

    private static String[] concat(String... options) {
        String[] args = new String[options.length + 3];
        args[0] = "artifacts";
        args[1] = "list";
        args[2] = "--json";
        System.arraycopy(options, 0, args, 3, options.length);
        return args;
    }

    private static List<String> keys(String json) throws IOException {
        List<Map<String, Object>> versions = JSON.readValue(json, new TypeReference<>() {});
        return versions.stream().map(a -> a.get("name") + ":" + a.get("version")).toList();
    }

    private List<String> expected(Predicate<ArtifactVersion> predicate) {
        return all.stream().filter(predicate).map(v -> v.name() + ":" + v.version()).toList();
    }

    private static String cursorOf(Result result) {
        String err = result.err();
        assertThat(err).contains("next page: --cursor ");
        return err.substring(err.indexOf("--cursor ") + "--cursor ".length()).trim();
    }

    @BeforeEach
    void saveVersions() {
        try (Cairn cairn = Cairn.open(home)) {
            cairn.client().save("first", "other-a"); // the oldest version
            for (int i = 0; i < 3; i++) {
                cairn.client().save("t" + i, "target");
            }
            for (int i = 0; i < 120; i++) {
                cairn.client().save("a" + i, "other-a");
            }
            for (int i = 0; i < 5; i++) {
                cairn.client().save(i, "other-b");
            }
            cairn.client().save("last", "other-b"); // the newest version
            all = cairn.client().listArtifactVersions().stream().sorted(java.util.Comparator.comparing(ArtifactVersion::createdAt).reversed()).toList();
        }
        assertThat(all).hasSize(130);
    }

    @Test
    void filteredListingsMatchTheClientsVersionsFilteredByTheOptionsMeaning() throws IOException {
        assertThat(list("--name", "target")).isEqualTo(expected(v -> v.name().equals("target")));
        assertThat(list("--name", "other", "--all")).isEqualTo(expected(v -> v.name().contains("other")));
        assertThat(list("--name", "other-?", "--limit", "7")).isEqualTo(expected(v -> v.name().startsWith("other-")).subList(0, 7));
        assertThat(list("--name", "nothing")).isEmpty();
        assertThat(list("--type", "Integer")).isEqualTo(expected(v -> v.dataType().contains("Integer"))).hasSize(5);
        assertThat(list("--type", "string", "--name", "other", "--limit", "3"))
                .isEqualTo(expected(v -> v.name().contains("other") && v.dataType().toLowerCase(Locale.ROOT).contains("string")).subList(0, 3));

        // --since includes its instant, --until excludes it (an instant; a date includes its whole day)
        Instant since = all.get(100).createdAt();
        Instant until = all.get(10).createdAt();
        assertThat(list("--since", since.toString(), "--until", until.toString()))
                .isEqualTo(expected(v -> !v.createdAt().isBefore(since) && v.createdAt().isBefore(until)))
                .hasSize(90);
        assertThat(list("--name", "other-a", "--since", since.toString(), "--all"))
                .isEqualTo(expected(v -> v.name().equals("other-a") && !v.createdAt().isBefore(since)));

        // one page by default: the newest 100, then the rest after the printed cursor; --all lists everything
        Result firstPage = ok(concat());
        assertThat(keys(firstPage.out())).isEqualTo(expected(v -> true).subList(0, 100));
        assertThat(firstPage.err()).contains("the newest 100 matching versions; --limit N for another page size, --all for every one");
        Result secondPage = ok(concat("--cursor", cursorOf(firstPage)));
        assertThat(keys(secondPage.out())).isEqualTo(expected(v -> true).subList(100, 130));
        assertThat(secondPage.err()).doesNotContain("next page");
        assertThat(list("--all")).isEqualTo(expected(v -> true));

        // pages of a listing matched in the command end exactly where their cursor continues
        List<String> paged = new ArrayList<>();
        Result page = ok(concat("--name", "other", "--limit", "40"));
        paged.addAll(keys(page.out()));
        while (page.err().contains("next page")) {
            page = ok(concat("--name", "other", "--limit", "40", "--cursor", cursorOf(page)));
            paged.addAll(keys(page.out()));
        }
        assertThat(paged).isEqualTo(expected(v -> v.name().contains("other")));

        // sorting by another order than the newest first needs every match: no page
        assertThat(list("--sort", "name")).hasSize(130);
    }

    /**
     * Two rows of other artifacts (the oldest and the newest version) are made unreadable; listing them fails. A name that
     * identifies one artifact and a time range that excludes them must then still list, which holds only if the metadata
     * store's query applies those conditions: matching them in the command would read the broken rows first.
     */
    @Test
    void anExactNameAndTimeBoundsAreConditionsOfTheIndexedQuery() throws Exception {
        try (Connection sqlite = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("metadata.db")); Statement sql = sqlite.createStatement()) {
            String oldest = all.get(all.size() - 1).id().toString();
            String newest = all.get(0).id().toString();
            assertThat(sql.executeUpdate("UPDATE artifact_versions SET artifact_type = 'NOT_A_TYPE' WHERE id IN ('" + oldest + "', '" + newest + "')"))
                    .isEqualTo(2);
        }
        Result broken = cli("artifacts", "list", "--all");
        assertThat(broken.exitCode()).as("reading every version reads the broken rows").isNotZero();
        assertThat(cli("artifacts", "list", "--name", "other", "--all").exitCode()).as("a substring is matched in the command").isNotZero();

        assertThat(list("--name", "target")).isEqualTo(expected(v -> v.name().equals("target"))).hasSize(3);
        assertThat(list("--name", "targ*", "--all")).isEqualTo(expected(v -> v.name().equals("target")));
        Instant since = all.get(all.size() - 2).createdAt();
        Instant until = all.get(0).createdAt();
        assertThat(list("--since", since.toString(), "--until", until.toString(), "--all"))
                .isEqualTo(expected(v -> !v.createdAt().isBefore(since) && v.createdAt().isBefore(until)))
                .hasSize(128);
        assertThat(list("--name", "other-b", "--until", until.toString())).isEqualTo(expected(v -> v.name().equals("other-b") && v.createdAt().isBefore(until)))
                .hasSize(5);
    }
}
