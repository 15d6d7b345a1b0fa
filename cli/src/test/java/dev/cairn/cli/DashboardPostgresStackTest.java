package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.api.Cairn;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Ref;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.pipeline.StepOptions;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunStatus;
import dev.cairn.engine.metadata.postgres.TestingPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn dashboard} on a configured stack: the home's {@code cairn.properties} names a real PostgreSQL metadata
 * database (the server the tests' helper starts) and a file store elsewhere; a pipeline run through that stack shows
 * on the runs list, the run page, the version page and in the JSON API of the dashboard's own JVM.
 */
class DashboardPostgresStackTest {
    private static final Pattern URL = Pattern.compile("Cairn dashboard: (http://\\S+)");

    @TempDir
    Path dir;

    public static final class Steps {
        private Steps() {}

        @Step
        public static List<Integer> measure(int count) {
            List<Integer> values = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                values.add(i * i % 7);
            }
            return values;
        }

        @Step
        public static double average(List<Integer> values) {
            return values.stream().mapToInt(Integer::intValue).average().orElse(0);
        }
    }

    @Test
    void runsRunVersionPagesAndTheJsonApiReadThePostgresMetadata() throws Exception {
        TestingPostgres postgres = TestingPostgres.server();
        URI database = postgres.newDatabase();
        Path home = Files.createDirectories(dir.resolve("home"));
        Path store = dir.resolve("shared-store");
        Files.writeString(home.resolve("cairn.properties"), "metadata=" + database + "\nstore=" + store.toUri() + "\n");

        PipelineRun run;
        ArtifactVersion average;
        try (Cairn cairn = Cairn.builder().home(home).build()) {
            run = cairn.run(Pipeline.define("pg_dashboard", p -> {
                Ref<List<Integer>> values = p.call(Steps::measure, Param.of(12));
                p.with(StepOptions.builder().artifactName("output", "pg_average").build()).call(Steps::average, values);
            }));
            assertThat(run.status()).as(run.error().orElse("")).isEqualTo(RunStatus.COMPLETED);
            average = run.step("average").output("output");
            cairn.client().logMetadata(average.id(), Map.of("quality", 0.75));
        }
        assertThat(home.resolve("metadata.db")).as("no embedded SQLite metadata: the stack's PostgreSQL holds it").doesNotExist();
        assertThat(Path.of(average.uri())).startsWith(store);
        try (Connection connection = postgres.connect(database.getPath().substring(1)); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*) FROM pipeline_runs")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getLong(1)).as("runs in the PostgreSQL database").isEqualTo(1);
        }

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "--add-opens=java.base/java.nio=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                CairnCli.class.getName(), "--home", home.toString(), "dashboard", "--port", "0")
                .redirectError(dir.resolve("stderr.txt").toFile()).start();
        try {
            String line = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertThat(line).as("first line of the dashboard's output; stderr: %s", Files.exists(dir.resolve("stderr.txt"))
                    ? Files.readString(dir.resolve("stderr.txt")) : "").isNotNull();
            Matcher matcher = URL.matcher(line);
            assertThat(matcher.find()).as(line).isTrue();
            URI uri = URI.create(matcher.group(1));
            HttpClient http = HttpClient.newHttpClient();
            ObjectMapper json = new ObjectMapper();

            String runs = get(http, uri, "/runs");
            assertThat(runs).contains("pg_dashboard").contains("/runs/" + run.id()).contains("COMPLETED");

            String runPage = get(http, uri, "/runs/" + run.id());
            assertThat(runPage).contains("measure").contains("average").contains("<svg").contains("/runs/" + run.id() + "/steps/" + run.step("average").id());

            String stepPage = get(http, uri, "/runs/" + run.id() + "/steps/" + run.step("average").id());
            assertThat(stepPage).contains("/versions/" + average.id()).contains("/versions/" + run.step("measure").output("output").id());

            String versionPage = get(http, uri, "/versions/" + average.id());
            assertThat(versionPage).contains("pg_average").contains("quality").contains("0.75").contains(average.contentHash());

            JsonNode runList = json.readTree(get(http, uri, "/api/v1/runs?pipeline=pg_dashboard"));
            assertThat(runList.get("runs")).hasSize(1);
            assertThat(runList.get("runs").get(0).get("id").asText()).isEqualTo(run.id().toString());
            assertThat(runList.get("runs").get(0).get("status").asText()).isEqualTo("COMPLETED");

            JsonNode runJson = json.readTree(get(http, uri, "/api/v1/runs/" + run.id()));
            List<String> steps = new ArrayList<>();
            runJson.get("steps").forEach(step -> steps.add(step.get("name").asText()));
            assertThat(steps).containsExactly("measure", "average");

            JsonNode version = json.readTree(get(http, uri, "/api/v1/versions/" + average.id()));
            assertThat(version.get("name").asText()).isEqualTo("pg_average");
            assertThat(version.get("content_hash").asText()).isEqualTo(average.contentHash());

            JsonNode found = json.readTree(get(http, uri, "/api/v1/artifacts?where=quality%3E0.5"));
            assertThat(found.get("versions")).hasSize(1);
            assertThat(found.get("versions").get(0).get("id").asText()).isEqualTo(average.id().toString());

            JsonNode lineage = json.readTree(get(http, uri, "/api/v1/versions/" + average.id() + "/lineage?hops=2&direction=up"));
            List<String> kinds = new ArrayList<>();
            lineage.get("nodes").forEach(node -> kinds.add(node.get("kind").asText()));
            assertThat(kinds).contains("artifact", "step_run").hasSizeGreaterThanOrEqualTo(3);

            assertThat(json.readTree(get(http, uri, "/api/v1/versions/" + average.id() + "/verify")).get("verified").asBoolean()).isTrue();

            process.destroy();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readString(dir.resolve("stderr.txt"))).contains("Cairn dashboard stopped.");
        } finally {
            process.destroyForcibly();
        }
    }

    private static String get(HttpClient http, URI base, String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return response.body();
    }
}
