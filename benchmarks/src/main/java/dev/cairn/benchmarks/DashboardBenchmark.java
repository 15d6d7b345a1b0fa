package dev.cairn.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import dev.cairn.api.Cairn;
import dev.cairn.api.metadata.PipelineRunRecord;
import dev.cairn.api.metadata.StepRunRecord;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Ref;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunQuery;
import dev.cairn.api.run.RunStatus;
import dev.cairn.api.run.StepStatus;
import dev.cairn.dashboard.Dashboard;
import dev.cairn.dashboard.DashboardOptions;
import dev.cairn.engine.metadata.sqlite.SqliteMetadataStore;

/**
 * Dashboard response times on a store with 100,000 recorded runs (3 steps each, written straight into SQLite) and one
 * 10,000-step run made by the engine (100 steps wide, each step reading a step of the previous layer), measured over
 * loopback HTTP with the JDK client (so each "server time" also holds the client's own overhead). Baselines in the
 * same run: the client call that reads the same data without rendering it. Then, with Chromium headless (path in
 * {@code CAIRN_TEST_CHROMIUM}, default {@code /usr/bin/chromium}), the time from navigation start until the canvas
 * has drawn the 10,000 boxes, against the same for a 10-step run page as the baseline.
 *
 * <p>Usage: {@code java -cp ... dev.cairn.benchmarks.DashboardBenchmark [workDir [existingHome]]}; with {@code existingHome}
 * (the {@code home:} a previous run printed) the store is not filled again and its runs are measured.
 */
public final class DashboardBenchmark {
    static final int RUNS = 100_000;
    static final int BIG_STEPS = 10_000;
    static final int WIDTH = 100;
    static final int REPEATS = 15;

    private DashboardBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args.length > 0 ? args[0] : "target/dashboard-bench").toAbsolutePath();
        boolean reuse = args.length > 1;
        Path home = reuse ? Path.of(args[1]).toAbsolutePath() : work.resolve("home-" + System.currentTimeMillis());
        Files.createDirectories(home);
        System.out.println("home: " + home + (reuse ? " (reused: its runs are measured again)" : ""));
        if (!reuse) {
            fill(home);
        }
        try (Cairn cairn = Cairn.builder().home(home).build()) {
            PipelineRun big;
            PipelineRun small;
            if (reuse) {
                big = cairn.client().listRuns("wide_10000").get(0);
                small = cairn.client().listRuns("chain_10").get(0);
            } else {
                long made = System.nanoTime();
                big = cairn.run(Pipeline.define("wide_10000", p -> {
                    List<Ref<Integer>> refs = new ArrayList<>();
                    refs.add(p.call(StepOverheadBenchmark.NoOps::source, Param.of(0)));
                    for (int i = 1; i < BIG_STEPS; i++) {
                        refs.add(p.call(StepOverheadBenchmark.NoOps::next, refs.get(Math.max(0, i - WIDTH))));
                    }
                }));
                System.out.printf(Locale.ROOT, "ran the %,d-step pipeline in %.1f s (%s)%n", BIG_STEPS, (System.nanoTime() - made) / 1e9, big.status());
                small = cairn.run(Pipeline.define("chain_10", p -> {
                    Ref<Integer> value = p.call(StepOverheadBenchmark.NoOps::source, Param.of(0));
                    for (int i = 1; i < 10; i++) {
                        value = p.call(StepOverheadBenchmark.NoOps::next, value);
                    }
                }));
            }
            measure(cairn, big, small);
        }
    }

    /** Records {@value #RUNS} runs of 3 steps each straight into the SQLite store of {@code home}. */
    private static void fill(Path home) {
        long fill = System.nanoTime();
        try (SqliteMetadataStore store = SqliteMetadataStore.open(home.resolve("metadata.db"))) {
            Instant base = Instant.now().minus(Duration.ofDays(200));
            for (int i = 0; i < RUNS; i++) {
                UUID runId = UUID.randomUUID();
                Instant start = base.plusSeconds(i * 60L);
                RunStatus status = i % 50 == 0 ? RunStatus.FAILED : RunStatus.COMPLETED;
                PipelineRunRecord run = new PipelineRunRecord(runId, "pipeline_" + (i % 20), status, start, Optional.of(start.plusSeconds(30)),
                        Map.of("i", i), status == RunStatus.FAILED ? Optional.of("[STEP_FAILED] synthetic") : Optional.empty());
                List<StepRunRecord> steps = new ArrayList<>();
                for (int s = 0; s < 3; s++) {
                    steps.add(StepRunRecord.builder().id(UUID.randomUUID()).runId(runId).stepName("step" + s).position(s)
                            .upstreamSteps(s == 0 ? List.of() : List.of("step" + (s - 1))).status(StepStatus.COMPLETED)
                            .startedAt(start.plusSeconds(s * 10L)).endedAt(start.plusSeconds(s * 10L + 9)).parameters(Map.of()).build());
                }
                store.insertRun(run, steps);
            }
        }
        System.out.printf(Locale.ROOT, "recorded %,d runs straight into SQLite in %.1f s%n", RUNS, (System.nanoTime() - fill) / 1e9);
    }

    private static void measure(Cairn cairn, PipelineRun big, PipelineRun small) throws Exception {
        {
            try (Dashboard dashboard = Dashboard.start(cairn.client(), DashboardOptions.defaults().withPort(0))) {
                HttpClient http = HttpClient.newHttpClient();
                URI uri = dashboard.uri();
                System.out.println();
                System.out.println("| request | median | p90 | bytes | baseline (client call, same data) | median | ratio |");
                System.out.println("|---|---|---|---|---|---|---|");
                double runsData = time(() -> cairn.client().listRuns(RunQuery.firstPage(50)));
                report("runs list, first page (HTML, 50 of 100,010 runs)", http, uri, "/runs", "client.listRuns(RunQuery.firstPage(50))", runsData);
                report("runs list, first page (JSON API)", http, uri, "/api/v1/runs?limit=50", "client.listRuns(RunQuery.firstPage(50))", runsData);
                report("runs list, page 1,000 via cursor (JSON API)", http, uri, cursorAt(http, uri, 1000), "client.listRuns(RunQuery.firstPage(50))", runsData);
                double stepsData = time(() -> cairn.client().listStepRuns(big.id()));
                report("10,000-step run page (HTML; timeline by default)", http, uri, "/runs/" + big.id(), "client.listStepRuns(run)", stepsData);
                report("10,000-step run: timeline scene (JSON for the canvas)", http, uri, "/api/v1/runs/" + big.id() + "/scene", "client.listStepRuns(run)", stepsData);
                report("10,000-step run page, DAG view (HTML)", http, uri, "/runs/" + big.id() + "?view=dag", "client.listStepRuns(run)", stepsData);
                report("10,000-step run: DAG scene (JSON, layered layout)", http, uri, "/api/v1/runs/" + big.id() + "/scene?view=dag", "client.listStepRuns(run)", stepsData);
                browser(uri, big, small);
            }
        }
    }

    private static String cursorAt(HttpClient http, URI uri, int page) throws Exception {
        String cursor = null;
        for (int i = 0; i < page; i++) {
            String body = get(http, uri, "/api/v1/runs?limit=50" + (cursor == null ? "" : "&cursor=" + cursor)).body();
            int at = body.indexOf("\"next_cursor\":\"");
            cursor = body.substring(at + 15, body.indexOf('"', at + 15));
        }
        return "/api/v1/runs?limit=50&cursor=" + cursor;
    }

    private static HttpResponse<String> get(HttpClient http, URI uri, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response;
    }

    private static double time(Supplier<?> call) {
        for (int i = 0; i < 5; i++) {
            call.get();
        }
        double[] times = new double[REPEATS];
        for (int i = 0; i < REPEATS; i++) {
            long start = System.nanoTime();
            call.get();
            times[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(times);
        System.out.printf(Locale.ROOT, "  (baseline: median %.1f ms, p90 %.1f ms, min %.1f ms)%n", times[REPEATS / 2], times[(int) (REPEATS * 0.9)], times[0]);
        return times[REPEATS / 2];
    }

    private static void report(String what, HttpClient http, URI uri, String path, String baseline, double baselineMs) throws Exception {
        for (int i = 0; i < 5; i++) {
            get(http, uri, path);
        }
        double[] times = new double[REPEATS];
        int bytes = 0;
        for (int i = 0; i < REPEATS; i++) {
            long start = System.nanoTime();
            bytes = get(http, uri, path).body().length();
            times[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(times);
        double median = times[REPEATS / 2];
        System.out.printf(Locale.ROOT, "| %s | %.1f ms | %.1f ms | %,d | %s | %.1f ms | %.2fx |%n", what, median, times[(int) (REPEATS * 0.9)], bytes, baseline,
                baselineMs, median / baselineMs);
    }

    private static void browser(URI uri, PipelineRun big, PipelineRun small) {
        String chromium = Optional.ofNullable(System.getenv("CAIRN_TEST_CHROMIUM")).orElse("/usr/bin/chromium");
        if (!Files.isExecutable(Path.of(chromium))) {
            System.out.println("no chromium at " + chromium + ": browser first render not measured");
            return;
        }
        try (Playwright playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")))) {
            Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(Path.of(chromium)).setHeadless(true)
                    .setArgs(List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                            "--disable-component-update", "--disable-sync")));
            System.out.println();
            System.out.println("| page in headless Chromium (navigation start → drawn) | median | max | baseline: 10-step run page | ratio |");
            System.out.println("|---|---|---|---|---|");
            double baseline = render(browser, uri.resolve("/runs/" + small.id()).toString(), "svg g.node");
            double timeline = render(browser, uri.resolve("/runs/" + big.id()).toString(), "canvas#scene[data-rendered='" + BIG_STEPS + "']");
            double dag = render(browser, uri.resolve("/runs/" + big.id() + "?view=dag").toString(), "canvas#scene[data-rendered='" + BIG_STEPS + "']");
            System.out.printf(Locale.ROOT, "| 10,000-step run, timeline (default) | %.0f ms | %.0f ms | %.0f ms | %.1fx |%n", timeline, lastMax, baseline, timeline / baseline);
            System.out.printf(Locale.ROOT, "| 10,000-step run, DAG view | %.0f ms | %.0f ms | %.0f ms | %.1fx |%n", dag, lastMax, baseline, dag / baseline);
            browser.close();
        }
    }

    private static double lastMax;

    /** Median over 7 fresh pages (after 2 warm-ups) of navigation start until {@code selector} is present. */
    private static double render(Browser browser, String url, String selector) {
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            try (var context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 860))) {
                Page page = context.newPage();
                long start = System.nanoTime();
                page.navigate(url);
                page.waitForSelector(selector, new Page.WaitForSelectorOptions().setTimeout(60_000));
                double ms = (System.nanoTime() - start) / 1e6;
                if (i >= 2) {
                    times.add(ms);
                }
            }
        }
        times.sort(Double::compare);
        lastMax = times.get(times.size() - 1);
        return times.get(times.size() / 2);
    }
}
