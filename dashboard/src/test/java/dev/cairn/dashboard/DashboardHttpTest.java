package dev.cairn.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.StepRun;
import dev.cairn.dashboard.html.Html;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard over a real engine, through real HTTP: pages, JSON API, security rules. One server for the class. */
class DashboardHttpTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path home;

    private static TestingStack stack;
    private static Dashboard dashboard;
    private static TestingStack.Http http;

    @BeforeAll
    static void start() {
        stack = TestingStack.withRuns(home);
        dashboard = Dashboard.start(stack.cairn.client(), DashboardOptions.defaults().withPort(0).withPollInterval(Duration.ofMillis(50)));
        http = new TestingStack.Http(dashboard.uri());
    }

    @AfterAll
    static void stop() {
        dashboard.close();
        stack.close();
    }

    private static JsonNode json(String path) throws IOException {
        HttpResponse<String> response = http.get(path);
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
        return JSON.readTree(response.body());
    }

    private static String page(String path) {
        HttpResponse<String> response = http.get(path);
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return response.body();
    }

    @Test
    void bindsToLoopbackAndRedirectsTheRootToTheRunsList() {
        assertThat(dashboard.uri().getHost()).isEqualTo("127.0.0.1");
        HttpResponse<String> root = http.get("/");
        assertThat(root.statusCode()).isEqualTo(303);
        assertThat(root.headers().firstValue("Location")).contains("/runs");
    }

    @Test
    void runsListShowsEveryRunNewestFirstAndFilters() {
        String all = page("/runs");
        for (PipelineRun run : List.of(stack.trainingRuns.get(0), stack.trainingRuns.get(1), stack.failedRun, stack.hostileRun)) {
            assertThat(all).contains("/runs/" + run.id());
        }
        assertThat(all.indexOf("/runs/" + stack.hostileRun.id())).isLessThan(all.indexOf("/runs/" + stack.trainingRuns.get(0).id()));
        String failed = page("/runs?status=FAILED");
        assertThat(failed).contains("/runs/" + stack.failedRun.id()).doesNotContain("/runs/" + stack.trainingRuns.get(0).id());
        String training = page("/runs?pipeline=training");
        assertThat(training).contains("/runs/" + stack.trainingRuns.get(1).id()).doesNotContain("/runs/" + stack.failedRun.id());
        assertThat(page("/runs?pipeline=no+such%20pipeline")).contains("value=\"no such pipeline\"").contains("No runs match these filters");
        assertThat(http.get("/runs?status=SLEEPING").statusCode()).isEqualTo(400);
        assertThat(http.get("/runs?cursor=not-a-cursor").statusCode()).isEqualTo(400);
    }

    @Test
    void runPagesFollowTheCursorToTheEnd() throws IOException {
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = json("/api/v1/runs?limit=1" + (cursor == null ? "" : "&cursor=" + cursor));
            page.get("runs").forEach(run -> seen.add(run.get("id").asText()));
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
            pages++;
        } while (cursor != null && pages < 10);
        assertThat(seen).containsExactly(stack.hostileRun.id().toString(), stack.failedRun.id().toString(),
                stack.trainingRuns.get(1).id().toString(), stack.trainingRuns.get(0).id().toString());
        String html = page("/runs?limit=2");
        assertThat(html).contains("rel=\"next\"");
    }

    @Test
    void runPageDrawsTheStepDagAsSvgWithTheTimelineAsAnAlternative() {
        PipelineRun run = stack.trainingRuns.get(0);
        String dag = page("/runs/" + run.id());
        assertThat(dag).contains("<svg").contains("class=\"dag\"");
        for (StepRun step : run.steps()) {
            assertThat(dag).contains("data-node=\"" + step.id() + "\"");
        }
        assertThat(dag).contains("class=\"edge\"").contains("status-completed");
        String timeline = page("/runs/" + run.id() + "?view=timeline");
        assertThat(timeline).contains("class=\"timeline\"").contains("row-label");
        assertThat(http.get("/runs/" + run.id() + "?view=3d").statusCode()).isEqualTo(400);
    }

    @Test
    void focusKeepsTheKHopNeighbourhoodAndCollapseHidesWhatAStepFeeds() throws IOException {
        PipelineRun run = stack.trainingRuns.get(0);
        JsonNode focused = json("/api/v1/runs/" + run.id() + "/scene?view=dag&focus=train&hops=1");
        List<String> labels = new ArrayList<>();
        focused.get("boxes").forEach(box -> labels.add(box.get(5).asText()));
        assertThat(labels).containsExactlyInAnyOrder("clean", "train", "report");
        JsonNode collapsed = json("/api/v1/runs/" + run.id() + "/scene?view=dag&collapsed=clean");
        List<String> visible = new ArrayList<>();
        collapsed.get("boxes").forEach(box -> visible.add(box.get(5).asText() + box.get(8).asText()));
        // report also reads load's output directly, so it stays; train is fed only through clean
        assertThat(visible).containsExactlyInAnyOrder("load", "clean+1 hidden", "report");
        assertThat(http.get("/runs/" + run.id() + "?focus=nosuchstep").statusCode()).isEqualTo(400);
    }

    @Test
    void stepPageShowsInputsOutputsParametersAndCache() {
        PipelineRun run = stack.trainingRuns.get(1);
        StepRun train = run.step("train");
        String html = page("/runs/" + run.id() + "/steps/" + train.id());
        assertThat(html).contains("learningRate").contains("0.3").contains("off: caching was disabled")
                .contains("/versions/" + train.output("output").id()).contains("/versions/" + train.inputs().get("values").id());
        StepRun clean = run.step("clean");
        String cleanPage = page("/runs/" + run.id() + "/steps/" + clean.id());
        assertThat(cleanPage).contains("hit: outputs reused").contains(clean.cacheNote().orElse("cache"));
    }

    @Test
    void stepPageShowsTheStepLogEscapedWithItsSizeAndADownload() throws IOException {
        StepRun hostile = stack.hostileRun.step("hostile");
        String path = "/runs/" + stack.hostileRun.id() + "/steps/" + hostile.id();
        String html = page(path);
        assertThat(html).contains("<h2>Log</h2>").contains("<pre class=\"log\">")
                .contains("&lt;script&gt;alert(&#39;log&#39;)&lt;/script&gt;&lt;/pre&gt;&lt;img src=x onerror=alert(2)&gt;")
                .contains("\\u001b[31mred").contains("\\u0007link")
                .contains(hostile.logSize().orElseThrow() + " bytes")
                .contains("href=\"" + path + "/log\"")
                .doesNotContain("<script>alert('log')").doesNotContain("<img src=x onerror=alert(2)>").doesNotContain("\u001b").doesNotContain("\u0007");

        HttpResponse<String> download = http.get(path + "/log");
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.headers().firstValue("Content-Type")).contains("text/plain; charset=utf-8");
        assertThat(download.headers().firstValue("Content-Disposition")).contains("attachment; filename=\"hostile.log\"");
        assertThat(download.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(download.body()).as("the download is the stored log, byte for byte").isEqualTo(TestingStack.HOSTILE_LOG + "\n");

        JsonNode json = json("/api/v1/runs/" + stack.hostileRun.id() + "/steps/" + hostile.id());
        assertThat(json.get("log_uri").asText()).isEqualTo(hostile.logUri().orElseThrow().toString()).contains("/.cairn-logs/");
        assertThat(json.get("log_size").asLong()).isEqualTo(hostile.logSize().orElseThrow())
                .isEqualTo(Files.size(Path.of(hostile.logUri().orElseThrow())));
        assertThat(json.get("log_download").asText()).isEqualTo(path + "/log");
        JsonNode listed = json("/api/v1/runs/" + stack.hostileRun.id() + "/steps").get("steps").get(0);
        assertThat(listed.get("log_size").asLong()).isEqualTo(hostile.logSize().orElseThrow());

        StepRun train = stack.trainingRuns.get(0).step("train");
        assertThat(page("/runs/" + stack.trainingRuns.get(0).id() + "/steps/" + train.id())).contains("training on 18 values with learning rate 0.1");
        StepRun load = stack.trainingRuns.get(0).step("load");
        String quiet = "/runs/" + stack.trainingRuns.get(0).id() + "/steps/" + load.id();
        assertThat(page(quiet)).contains("<h2>Log</h2>").contains("none: the step printed nothing").doesNotContain("<pre class=\"log\">");
        assertThat(json("/api/v1/runs/" + stack.trainingRuns.get(0).id() + "/steps/" + load.id()).get("log_uri").isNull()).isTrue();
        assertThat(http.get(quiet + "/log").statusCode()).isEqualTo(404);
        assertThat(http.get(path + "/log/more").statusCode()).isEqualTo(404);
        assertThat(http.get("/runs/" + stack.hostileRun.id() + "/steps/not-a-uuid/log").statusCode()).isEqualTo(400);
    }

    @Test
    void failedStepShowsItsErrorWithItsCode() throws IOException {
        StepRun explode = stack.failedRun.step("explode");
        String html = page("/runs/" + stack.failedRun.id() + "/steps/" + explode.id());
        assertThat(html).contains("STEP_FAILED").contains("exploded on purpose after 3 values");
        JsonNode json = json("/api/v1/runs/" + stack.failedRun.id() + "/steps/" + explode.id());
        assertThat(json.get("error").get("code").asText()).isEqualTo("STEP_FAILED");
        assertThat(json.get("status").asText()).isEqualTo("FAILED");
    }

    @Test
    void artifactsAreSearchedByNameTypeAndDate() throws IOException {
        JsonNode byName = json("/api/v1/artifacts?name=accuracy");
        assertThat(byName.get("versions")).hasSize(2);
        byName.get("versions").forEach(version -> assertThat(version.get("name").asText()).isEqualTo("accuracy"));
        assertThat(json("/api/v1/artifacts?name=accura").get("versions")).as("names match exactly").isEmpty();
        JsonNode byType = json("/api/v1/artifacts?type=" + Html.query(TestingStack.Hostile.class.getName()));
        assertThat(byType.get("versions")).hasSize(1);
        assertThat(json("/api/v1/artifacts?type=data").get("versions")).as("an artifact type, case-insensitive").hasSizeGreaterThanOrEqualTo(7);
        assertThat(json("/api/v1/artifacts?since=2200-01-01").get("versions")).isEmpty();
        assertThat(json("/api/v1/artifacts?until=2200-01-01").get("versions")).hasSizeGreaterThanOrEqualTo(7);
        assertThat(json("/api/v1/artifacts?until=2000-01-01").get("versions")).isEmpty();
        assertThat(http.get("/api/v1/artifacts?since=yesterday").statusCode()).isEqualTo(400);
        String fragment = http.send(http.request("/artifacts?name=accuracy").header("HX-Request", "true").GET().build()).body();
        assertThat(fragment).doesNotContain("<html").contains("accuracy:");
    }

    @Test
    void artifactsAreSearchedByTagAndMetadataPredicates() throws IOException {
        ArtifactVersion draft = stack.trainingRuns.get(0).step("train").output("output");
        ArtifactVersion production = stack.trainingRuns.get(1).step("train").output("output");
        assertThat(ids(json("/api/v1/artifacts?tag=production"))).containsExactly(production.id().toString());
        assertThat(ids(json("/api/v1/artifacts?where=" + Html.query("score>0.7")))).containsExactly(production.id().toString());
        assertThat(ids(json("/api/v1/artifacts?where=" + Html.query("score<=0.6")))).containsExactly(draft.id().toString());
        assertThat(ids(json("/api/v1/artifacts?where=" + Html.query("score>=0.6")))).containsExactly(production.id().toString(), draft.id().toString());
        assertThat(ids(json("/api/v1/artifacts?where=score%3D0.8"))).containsExactly(production.id().toString());
        assertThat(ids(json("/api/v1/artifacts?where=" + Html.query("notes~draft, small")))).as("a comma stays inside the predicate")
                .containsExactly(draft.id().toString());
        assertThat(ids(json("/api/v1/artifacts?where=" + Html.query("score>0.5") + "&where=" + Html.query("notes~second"))))
                .containsExactly(production.id().toString());
        assertThat(ids(json("/api/v1/artifacts?tag=production&where=" + Html.query("score<0.7")))).as("all conditions hold").isEmpty();
        assertThat(ids(json("/api/v1/artifacts?name=accuracy&where=" + Html.query("score>0")))).hasSize(2);
        assertThat(http.get("/api/v1/artifacts?where=" + Html.query("score>high")).statusCode()).isEqualTo(400);
        assertThat(http.get("/api/v1/artifacts?where=score").statusCode()).isEqualTo(400);
        assertThat(http.get("/api/v1/artifacts?cursor=not-a-cursor").statusCode()).isEqualTo(400);
        String html = page("/artifacts?tag=production");
        assertThat(html).contains("/versions/" + production.id()).doesNotContain("/versions/" + draft.id());
        String versionPage = page("/versions/" + production.id());
        assertThat(versionPage).contains("Logged metadata").contains("second try").contains("/artifacts?tag=production");
    }

    @Test
    void artifactSearchPagesWithTheStoresCursor() throws IOException {
        List<String> all = ids(json("/api/v1/artifacts?limit=1000"));
        assertThat(all).hasSizeGreaterThanOrEqualTo(7).doesNotHaveDuplicates();
        List<String> paged = new ArrayList<>();
        JsonNode page = json("/api/v1/artifacts?limit=3");
        int pages = 1;
        while (true) {
            assertThat(page.get("versions").size()).isLessThanOrEqualTo(3);
            paged.addAll(ids(page));
            if (page.get("next_cursor").isNull()) {
                break;
            }
            page = json("/api/v1/artifacts?limit=3&cursor=" + Html.query(page.get("next_cursor").asText()));
            pages++;
        }
        assertThat(paged).isEqualTo(all);
        assertThat(pages).isEqualTo((all.size() + 2) / 3);
        String html = page("/artifacts?limit=3&name=accuracy");
        assertThat(html).doesNotContain("artifacts-next");
        String first = page("/artifacts?limit=3");
        assertThat(first).contains("id=\"artifacts-next\"").contains("cursor=");
    }

    private static List<String> ids(JsonNode answer) {
        List<String> ids = new ArrayList<>();
        answer.get("versions").forEach(version -> ids.add(version.get("id").asText()));
        return ids;
    }

    @Test
    void versionPageShowsMetadataVisualizationsFilesAndVerifies() throws IOException {
        ArtifactVersion data = stack.trainingRuns.get(0).step("load").output("output");
        String html = page("/versions/" + data.id());
        assertThat(html).contains(data.contentHash()).contains("length").contains("/versions/" + data.id() + "/lineage")
                .contains("hx-get=\"/versions/" + data.id() + "/verify\"").contains("/versions/" + data.id() + "/download");
        assertThat(page("/versions/" + data.id() + "/verify")).contains("verified");
        assertThat(json("/api/v1/versions/" + data.id() + "/verify").get("verified").asBoolean()).isTrue();
        Path directory = Path.of(data.uri());
        try (var files = Files.list(directory)) {
            Path file = files.filter(Files::isRegularFile).findFirst().orElseThrow();
            HttpResponse<byte[]> download = http.getBytes("/versions/" + data.id() + "/files/" + file.getFileName());
            assertThat(download.statusCode()).isEqualTo(200);
            assertThat(download.body()).isEqualTo(Files.readAllBytes(file));
            assertThat(download.headers().firstValue("Content-Disposition")).hasValueSatisfying(v -> assertThat(v).startsWith("attachment"));
        }
        HttpResponse<byte[]> zip = http.getBytes("/versions/" + data.id() + "/download");
        List<String> entries = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip.body()))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                entries.add(entry.getName());
            }
        }
        assertThat(entries).as("the zip holds the files the manifest lists, read through the store")
                .containsExactlyInAnyOrderElementsOf(data.files().stream().map(dev.cairn.api.artifact.ArtifactFile::path).toList());
        assertThat(html).contains(data.files().get(0).sha256());
    }

    @Test
    void verifyReportsATamperedFileWithoutChangingAnything() throws IOException {
        ArtifactVersion report = stack.trainingRuns.get(0).step("report").output("output");
        Path directory = Path.of(report.uri());
        Path file;
        try (var files = Files.list(directory)) {
            file = files.filter(Files::isRegularFile).findFirst().orElseThrow();
        }
        byte[] original = Files.readAllBytes(file);
        Files.writeString(file, "tampered");
        try {
            assertThat(page("/versions/" + report.id() + "/verify")).contains("INTEGRITY_VIOLATION");
            JsonNode json = json("/api/v1/versions/" + report.id() + "/verify");
            assertThat(json.get("verified").asBoolean()).isFalse();
            assertThat(json.get("error_code").asText()).isEqualTo("INTEGRITY_VIOLATION");
            assertThat(Files.readString(file)).isEqualTo("tampered");
        } finally {
            Files.write(file, original);
        }
    }

    @Test
    void filePathsCannotLeaveTheArtifactDirectory() throws IOException {
        ArtifactVersion data = stack.trainingRuns.get(0).step("load").output("output");
        Files.writeString(home.resolve("secret.txt"), "s3cr3t-content");
        String base = "/versions/" + data.id() + "/files/";
        for (String attack : List.of("..%2F..%2F..%2F..%2Fsecret.txt", "%2e%2e/%2e%2e/secret.txt", "..", "%00", ".cairn/..%2F..%2Fx")) {
            HttpResponse<String> response = http.get(base + attack);
            assertThat(response.statusCode()).as(attack).isIn(400, 404);
            assertThat(response.body()).doesNotContain("s3cr3t-content");
        }
        Files.createSymbolicLink(Path.of(data.uri()).resolve("link.txt"), home.resolve("secret.txt"));
        try {
            assertThat(http.get(base + "link.txt").statusCode()).as("only files the manifest lists are served").isEqualTo(404);
            assertThat(http.get(base + "link.txt").body()).doesNotContain("s3cr3t-content");
        } finally {
            Files.delete(Path.of(data.uri()).resolve("link.txt"));
        }
        assertThat(http.get("/versions/not-a-uuid").statusCode()).isEqualTo(400);
        assertThat(http.get("/versions/" + UUID.randomUUID()).statusCode()).isEqualTo(404);
        assertThat(http.get("/static/").statusCode()).isEqualTo(404);
        assertThat(http.get("/static/..%2Fdashboard.css").statusCode()).isEqualTo(404);
        assertThat(http.get("/static/dashboard.css").statusCode()).isEqualTo(200);
    }

    @Test
    void lineagePageAndApiFollowHops() throws IOException {
        ArtifactVersion accuracy = stack.trainingRuns.get(0).step("train").output("output");
        String html = page("/versions/" + accuracy.id() + "/lineage");
        assertThat(html).contains("<svg").contains("data-node=\"" + accuracy.id() + "\"");
        JsonNode one = json("/api/v1/versions/" + accuracy.id() + "/lineage?hops=1&direction=up");
        List<String> kinds = new ArrayList<>();
        one.get("nodes").forEach(node -> kinds.add(node.get("kind").asText() + ":" + (node.has("step") ? node.get("step").asText() : node.get("name").asText())));
        assertThat(kinds).containsExactlyInAnyOrder("artifact:accuracy", "step_run:train");
        JsonNode three = json("/api/v1/versions/" + accuracy.id() + "/lineage?hops=3&direction=up");
        List<String> steps = new ArrayList<>();
        three.get("nodes").forEach(node -> { if (node.has("step")) { steps.add(node.get("step").asText()); } });
        assertThat(steps).contains("train", "clean");
        JsonNode down = json("/api/v1/versions/" + accuracy.id() + "/lineage?hops=1&direction=down");
        List<String> consumers = new ArrayList<>();
        down.get("nodes").forEach(node -> { if (node.has("step")) { consumers.add(node.get("step").asText()); } });
        assertThat(consumers).containsExactly("report");
        assertThat(http.get("/api/v1/versions/" + accuracy.id() + "/lineage?direction=sideways").statusCode()).isEqualTo(400);
    }

    @Test
    void compareShowsVersionsAndRunsSideBySideWithPlots() throws IOException {
        ArtifactVersion first = stack.trainingRuns.get(0).step("train").output("output");
        ArtifactVersion second = stack.trainingRuns.get(1).step("train").output("output");
        String html = page("/compare?versions=" + first.id() + "," + second.id());
        assertThat(html).contains("accuracy:" + first.version()).contains("accuracy:" + second.version()).contains("metadata.value")
                .contains("class=\"differs\"").contains("class=\"chart\"").contains("chart-line");
        JsonNode table = json("/api/v1/compare?versions=" + first.id() + "&versions=" + second.id());
        assertThat(table.get("rows").get("metadata.value").get(0).asDouble()).isEqualTo((Double) first.metadata().get("value"));
        assertThat(table.get("rows").get("metadata.value").get(1).asDouble()).isEqualTo((Double) second.metadata().get("value"));
        String runs = page("/compare?runs=" + stack.trainingRuns.get(0).id() + "," + stack.trainingRuns.get(1).id());
        assertThat(runs).contains("parameter.train.learningRate").contains("step.train").contains("class=\"chart\"");
        assertThat(http.get("/compare?versions=nope").statusCode()).isEqualTo(400);
    }

    @Test
    void hostileStoredStringsAreShownEscapedAndVisualizationsAreSandboxed() {
        ArtifactVersion hostile = stack.hostileArtifact();
        String html = page("/versions/" + hostile.id());
        assertThat(html).doesNotContain("<script>alert").doesNotContain("<img src=x").doesNotContain("\u001b").doesNotContain("\u0007")
                .contains("&lt;img src=x onerror=alert(&#39;name&#39;)&gt;").contains("&lt;script&gt;alert(&#39;metadata&#39;)&lt;/script&gt;")
                .contains("\\u001b[31mred").contains("<iframe class=\"viz-frame\" sandbox=\"\"");
        assertThat(html).doesNotContain("href=\"javascript:");
        HttpResponse<String> frame = http.get("/versions/" + hostile.id() + "/visualizations/page.html");
        assertThat(frame.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp).startsWith("sandbox;").contains("default-src 'none'"));
        HttpResponse<String> svg = http.get("/versions/" + hostile.id() + "/visualizations/drawing.svg");
        assertThat(svg.headers().firstValue("Content-Type")).contains("image/svg+xml");
        assertThat(svg.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp).startsWith("sandbox;"));
        String runs = page("/runs");
        assertThat(runs).doesNotContain("<img src=x");
        assertThat(html).doesNotContain("alert('logged").contains("&lt;script&gt;alert(&#39;logged&#39;)&lt;/script&gt;\\u001b[31mred");
        String search = page("/artifacts?type=" + Html.query(TestingStack.Hostile.class.getName()));
        assertThat(search).doesNotContain("<img src=x").contains("&lt;img src=x");
        assertThat(http.get("/versions/" + hostile.id() + "/visualizations/..%2Fsecret").statusCode()).isEqualTo(400);
    }

    @Test
    void hostileStoredStringsAreEscapedOnEveryPageAndApiAnswerThatShowsThem() throws IOException {
        ArtifactVersion hostile = stack.hostileArtifact();
        ArtifactVersion other = stack.trainingRuns.get(0).step("train").output("output");
        UUID hostileStep = stack.hostileRun.step("hostile").id();
        String escapedName = "&lt;img src=x onerror=alert(&#39;name&#39;)&gt;javascript:alert(1)";
        // pages that show the hostile artifact's name (and, for compare, its metadata)
        for (String path : List.of("/runs/" + stack.hostileRun.id() + "/steps/" + hostileStep, "/versions/" + hostile.id() + "/lineage",
                "/compare?versions=" + hostile.id() + "," + other.id())) {
            String body = page(path);
            assertThat(body).as(path).contains(escapedName).doesNotContain("<img src=x").doesNotContain("<script>alert").doesNotContain("\u001b")
                    .doesNotContain("\u0007").doesNotContain("href=\"javascript:");
        }
        for (String path : List.of("/runs/" + stack.hostileRun.id(), "/runs/" + stack.hostileRun.id() + "?view=timeline",
                "/compare?runs=" + stack.hostileRun.id() + "," + stack.trainingRuns.get(0).id())) {
            assertThat(page(path)).as(path).doesNotContain("<img src=x").doesNotContain("<script>alert").doesNotContain("\u001b");
        }
        // the JSON API returns the stored strings as JSON strings: the raw value, parsed back exactly, served as JSON
        HttpResponse<String> api = http.get("/api/v1/versions/" + hostile.id());
        assertThat(api.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(JSON.readTree(api.body()).get("name").asText()).isEqualTo(TestingStack.HOSTILE_NAME);
        assertThat(api.body()).doesNotContain("\u001b");
    }

    @Test
    void pagesCarryAStrictContentSecurityPolicyWithoutInlineScriptOrStyle() {
        HttpResponse<String> response = http.get("/runs/" + stack.trainingRuns.get(0).id());
        String csp = response.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(csp).contains("default-src 'none'").contains("script-src 'self'").contains("style-src 'self'").doesNotContain("unsafe");
        assertThat(response.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(response.headers().firstValue("X-Frame-Options")).contains("DENY");
        for (String path : List.of("/runs", "/runs/" + stack.trainingRuns.get(0).id(), "/artifacts", "/versions/" + stack.hostileArtifact().id(), "/compare")) {
            String body = page(path);
            assertThat(body).as(path).doesNotContain(" style=\"").doesNotContain("<style").doesNotContain(" onclick=").doesNotContain(" onload=");
            assertThat(body.replace("<script src=\"/static/htmx.min.js\"></script>", "").replace("<script src=\"/static/sse.js\"></script>", "")
                    .replace("<script src=\"/static/dashboard.js\" defer></script>", "")).as(path).doesNotContain("<script");
        }
    }

    @Test
    void onlyGetAndHeadAreServed() {
        for (String method : List.of("POST", "PUT", "DELETE", "PATCH", "OPTIONS")) {
            HttpResponse<String> response = http.send(http.request("/runs").method(method, HttpRequest.BodyPublishers.noBody()).build());
            assertThat(response.statusCode()).as(method).isEqualTo(405);
            assertThat(response.headers().firstValue("Allow")).contains("GET, HEAD");
        }
        HttpResponse<String> head = http.send(http.request("/runs").method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
    }

    @Test
    void requestSizeAndHostAreLimited() throws IOException {
        HttpResponse<String> body = http.send(http.request("/runs").method("GET", HttpRequest.BodyPublishers.ofString("x".repeat(1000))).build());
        assertThat(body.statusCode()).isEqualTo(413);
        assertThat(http.get("/runs?pipeline=" + "a".repeat(5000)).statusCode()).isEqualTo(414);
        StringBuilder many = new StringBuilder("/runs?");
        for (int i = 0; i < 100; i++) {
            many.append("p").append(i).append("=1&");
        }
        assertThat(http.get(many.toString()).statusCode()).isEqualTo(400);
        // a DNS-rebinding page would send its own host name
        try (Socket socket = new Socket(dashboard.uri().getHost(), dashboard.uri().getPort())) {
            socket.getOutputStream().write("GET /runs HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(answer).startsWith("HTTP/1.1 421");
        }
    }

    @Test
    void jsonApiMirrorsRunsStepsAndVersions() throws IOException {
        PipelineRun run = stack.trainingRuns.get(0);
        JsonNode json = json("/api/v1/runs/" + run.id());
        assertThat(json.get("pipeline").asText()).isEqualTo("training");
        assertThat(json.get("status").asText()).isEqualTo("COMPLETED");
        assertThat(json.get("steps")).hasSize(4);
        assertThat(json.get("steps").get(3).get("upstream").toString()).contains("train").contains("load");
        assertThat(json("/api/v1/runs/" + run.id() + "/steps").get("steps")).hasSize(4);
        StepRun train = run.step("train");
        JsonNode step = json("/api/v1/runs/" + run.id() + "/steps/" + train.id());
        assertThat(step.get("outputs").get("output").get("name").asText()).isEqualTo("accuracy");
        assertThat(step.get("parameters").get("learningRate").asDouble()).isEqualTo(0.1);
        ArtifactVersion hostile = stack.hostileArtifact();
        JsonNode version = json("/api/v1/versions/" + hostile.id());
        assertThat(version.get("name").asText()).isEqualTo(TestingStack.HOSTILE_NAME);
        assertThat(version.get("visualizations")).hasSize(4);
        assertThat(json("/api/v1").get("endpoints").size()).isGreaterThan(5);
        HttpResponse<String> missing = http.get("/api/v1/runs/" + UUID.randomUUID());
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(missing.body()).get("error").get("code").asText()).isEqualTo("RUN_NOT_FOUND");
        assertThat(http.get("/api/v1/runs/xyz").statusCode()).isEqualTo(400);
        assertThat(http.get("/api/v1/nothing").statusCode()).isEqualTo(404);
    }

    @Test
    void eventStreamOfAFinishedRunSendsItsStatusAndEnds() {
        PipelineRun run = stack.failedRun;
        HttpResponse<String> events = http.send(http.request("/runs/" + run.id() + "/events").GET().build());
        assertThat(events.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        assertThat(events.body()).contains("event: run-status").contains("FAILED").contains("event: steps").contains("data-status=\"failed\"")
                .contains("event: done");
        HttpResponse<String> list = http.send(http.request("/runs/events?ids=" + run.id()).GET().build());
        assertThat(list.body()).contains("event: run-" + run.id()).contains("event: done");
    }

    @Test
    void closedDashboardRefusesConnections() {
        Dashboard other = Dashboard.start(stack.cairn.client(), DashboardOptions.defaults().withPort(0));
        URI uri = other.uri();
        assertThat(new TestingStack.Http(uri).get("/runs").statusCode()).isEqualTo(200);
        other.close();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new TestingStack.Http(uri).get("/runs")).isInstanceOf(IllegalStateException.class);
    }
}
