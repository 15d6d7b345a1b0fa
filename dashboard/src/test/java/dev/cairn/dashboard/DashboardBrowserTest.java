package dev.cairn.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.KeyboardModifier;
import com.microsoft.playwright.options.WaitForSelectorState;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Ref;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunListener;
import dev.cairn.api.run.RunOptions;
import dev.cairn.api.run.RunStatus;
import dev.cairn.dashboard.html.Html;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in a real headless Chromium (Debian's, through Playwright): navigation, live status, a 2,000-step
 * DAG, the compare view and hostile stored content. One browser and one server for the class; screenshots go to
 * {@code target/screenshots}. Skipped when {@code CAIRN_TEST_CHROMIUM} is unset, failed then when
 * {@code CAIRN_REQUIRE_BROWSER=1} (see {@link TestingBrowser}).
 */
class DashboardBrowserTest {
    static final int BIG_RUN_STEPS = 2000;
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    @TempDir
    static Path home;

    private static TestingStack stack;
    private static Dashboard dashboard;
    private static Playwright playwright;
    private static Browser browser;
    private static PipelineRun bigRun;

    private BrowserContext context;
    private Page page;
    private final List<String> dialogs = new CopyOnWriteArrayList<>();
    private final List<String> consoleErrors = new CopyOnWriteArrayList<>();

    public static final class Blocking {
        static volatile CountDownLatch release = new CountDownLatch(0);

        @Step
        public static int start(int seed) {
            return seed;
        }

        @Step
        public static int waitForRelease(int value) throws InterruptedException {
            if (!release.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
            return value + 1;
        }

        @Step
        public static int next(int value) {
            return value + 1;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        String chromium = TestingBrowser.chromium();
        stack = TestingStack.withRuns(home);
        bigRun = stack.cairn.run(Pipeline.define("wide", p -> {
            List<Ref<Integer>> refs = new ArrayList<>();
            refs.add(p.call(Blocking::start, Param.of(0)));
            for (int i = 1; i < BIG_RUN_STEPS; i++) {
                refs.add(p.call(Blocking::next, refs.get(Math.max(0, i - 50))));
            }
        }));
        assertThat(bigRun.status()).isEqualTo(RunStatus.COMPLETED);
        dashboard = Dashboard.start(stack.cairn.client(), DashboardOptions.defaults().withPort(0).withPollInterval(Duration.ofMillis(200)));
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(Path.of(chromium)).setHeadless(true)
                .setArgs(List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync")));
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (playwright != null) {
            playwright.close();
        }
        if (dashboard != null) {
            dashboard.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @BeforeEach
    void openPage() {
        context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 860));
        context.setDefaultTimeout(20_000);
        page = context.newPage();
        watch(page);
    }

    private void watch(Page watched) {
        watched.onDialog(dialog -> {
            dialogs.add(dialog.message());
            dialog.dismiss();
        });
        watched.onConsoleMessage(message -> {
            if (message.type().equals("error")) {
                consoleErrors.add(message.text());
            }
        });
    }

    @AfterEach
    void closePage() {
        context.close();
    }

    private String url(String path) {
        return dashboard.uri().resolve(path).toString();
    }

    private void screenshot(String name) {
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve(name + ".png")));
    }

    @Test
    void navigatesFromRunsToRunToStepToArtifactToLineage() {
        PipelineRun run = stack.trainingRuns.get(0);
        page.navigate(url("/runs"));
        screenshot("runs");
        page.click("a[href='/runs/" + run.id() + "']");
        page.waitForSelector("svg.dag");
        assertThat(page.locator("svg.dag g.node").count()).isEqualTo(4);
        screenshot("run-dag");
        page.click("svg.dag g.node[data-node='" + run.step("train").id() + "']");
        page.waitForURL("**/steps/" + run.step("train").id());
        assertThat(page.textContent("h1")).isEqualTo("Step train");
        screenshot("step");
        ArtifactVersion accuracy = run.step("train").output("output");
        page.click("a.artifact-link[href='/versions/" + accuracy.id() + "']");
        page.waitForURL("**/versions/" + accuracy.id());
        page.click("#verify");
        page.waitForSelector("#verify-result .verify-ok");
        screenshot("version");
        page.click("a[href='/versions/" + accuracy.id() + "/lineage']");
        page.waitForSelector("svg.lineage");
        assertThat(page.locator("svg.lineage g.node").count()).isGreaterThanOrEqualTo(4);
        screenshot("lineage");
        assertThat(consoleErrors).as("console errors (CSP violations would show here)").isEmpty();
        assertThat(dialogs).isEmpty();
    }

    @Test
    void statusUpdatesLiveWhileAPipelineRuns() throws Exception {
        Blocking.release = new CountDownLatch(1);
        CompletableFuture<UUID> started = new CompletableFuture<>();
        RunListener listener = new RunListener() {
            @Override
            public void runStarted(String pipelineName, UUID runId, int stepCount) {
                started.complete(runId);
            }
        };
        Pipeline pipeline = Pipeline.define("live", p -> p.call(Blocking::next, p.call(Blocking::waitForRelease, p.call(Blocking::start, Param.of(7)))));
        CompletableFuture<PipelineRun> running = CompletableFuture.supplyAsync(() -> stack.cairn.run(pipeline, RunOptions.withListener(listener)));
        try {
            UUID runId = started.get(30, TimeUnit.SECONDS);
            Page list = context.newPage();
            watch(list);
            list.navigate(url("/runs"));
            list.waitForSelector("#status-" + runId + " .status-running");
            page.navigate(url("/runs/" + runId));
            page.waitForSelector("#run-status .status-running");
            page.waitForSelector("svg.dag g.node.status-running");
            screenshot("run-live");
            Blocking.release.countDown();
            page.waitForSelector("#run-status .status-completed");
            list.waitForSelector("#status-" + runId + " .status-completed");
            PipelineRun finished = running.get(30, TimeUnit.SECONDS);
            page.waitForSelector("svg.dag g.node[data-node='" + finished.step("next").id() + "'].status-completed");
            assertThat(page.locator("svg.dag g.node.status-running").count()).isZero();
            assertThat(page.textContent("#progress")).contains("3 completed");
        } finally {
            Blocking.release.countDown();
            running.get(60, TimeUnit.SECONDS);
        }
        assertThat(dialogs).isEmpty();
    }

    @Test
    void dagOfTwoThousandStepsRendersOnACanvasAndPans() {
        page.navigate(url("/runs/" + bigRun.id()));
        Locator timeline = page.locator("canvas#scene[data-kind='timeline']");
        timeline.waitFor();
        page.waitForSelector("canvas#scene[data-rendered='" + BIG_RUN_STEPS + "']");
        screenshot("run-timeline-2000");
        // the first bar (the step that started first) opens its step page
        timeline.click(new Locator.ClickOptions().setPosition(221, 31)); // bars start at x = 220 and are at least 2 px wide
        page.waitForURL("**/runs/" + bigRun.id() + "/steps/" + bigRun.step("start").id());
        page.navigate(url("/runs/" + bigRun.id() + "?view=dag"));
        page.waitForSelector("canvas#scene[data-kind='dag'][data-rendered='" + BIG_RUN_STEPS + "']");
        Locator canvas = page.locator("canvas#scene");
        String before = canvas.getAttribute("data-offset-x") + "," + canvas.getAttribute("data-offset-y");
        var box = canvas.boundingBox();
        page.mouse().move(box.x + 400, box.y + 300);
        page.mouse().down();
        page.mouse().move(box.x + 250, box.y + 150, new com.microsoft.playwright.Mouse.MoveOptions().setSteps(5));
        page.mouse().up();
        String after = canvas.getAttribute("data-offset-x") + "," + canvas.getAttribute("data-offset-y");
        assertThat(after).isNotEqualTo(before).isEqualTo("-150,-150");
        page.mouse().wheel(0, -300);
        assertThat(Double.parseDouble(canvas.getAttribute("data-scale"))).isGreaterThan(0);
        screenshot("run-dag-2000");
        assertThat(consoleErrors).isEmpty();
    }

    private List<String> svgNodes() {
        return page.locator("svg.dag g.node > title").allTextContents();
    }

    @Test
    void shiftClickCollapsesAndExpandsAStepGroupAndTheFormOpensTheKHopNeighbourhood() {
        PipelineRun run = stack.trainingRuns.get(0);
        String runPath = "/runs/" + run.id();
        page.navigate(url(runPath + "?view=dag"));
        assertThat(svgNodes()).containsExactlyInAnyOrder("load", "clean", "train", "report");

        // shift-click on a step of the SVG DAG collapses what only it feeds (train; report also reads load)
        Locator clean = page.locator("svg.dag g.node[data-node='" + run.step("clean").id() + "']");
        clean.click(new Locator.ClickOptions().setModifiers(List.of(KeyboardModifier.SHIFT)));
        page.waitForURL(u -> u.contains("collapsed=clean"));
        assertThat(svgNodes()).containsExactlyInAnyOrder("load", "clean (+1 hidden)", "report");
        assertThat(page.locator("a.expand").textContent()).isEqualTo("expand clean");
        screenshot("run-dag-collapsed");
        assertThat(page.context().pages()).as("the shift-click opened no other window").hasSize(1);

        // shift-click again expands it
        page.locator("svg.dag g.node[data-node='" + run.step("clean").id() + "']")
                .click(new Locator.ClickOptions().setModifiers(List.of(KeyboardModifier.SHIFT)));
        page.waitForURL(u -> u.contains("view=dag") && !u.contains("collapsed="));
        assertThat(svgNodes()).containsExactlyInAnyOrder("load", "clean", "train", "report");

        // the neighbourhood form shows the steps within k hops of the one named
        page.locator("input[name='focus']:not([type='hidden'])").fill("train");
        page.locator("input[name='hops'][type='number']").fill("1");
        page.locator("button:has-text('Show')").click();
        page.waitForURL(u -> u.contains("focus=train") && u.contains("hops=1"));
        assertThat(svgNodes()).containsExactlyInAnyOrder("clean", "train", "report");
        page.locator("input[name='hops'][type='number']").fill("0");
        page.locator("button:has-text('Show')").click();
        page.waitForURL(u -> u.contains("hops=0"));
        assertThat(svgNodes()).containsExactly("train");
        page.locator("a:has-text('show all')").click();
        page.waitForURL(u -> !u.contains("focus="));
        assertThat(svgNodes()).hasSize(4);
        assertThat(consoleErrors).isEmpty();
        assertThat(dialogs).isEmpty();
    }

    @Test
    void shiftClickOnTheCanvasDagCollapsesWhatAStepFeeds() {
        page.navigate(url("/runs/" + bigRun.id() + "?view=dag"));
        Locator canvas = page.locator("canvas#scene[data-kind='dag']");
        page.waitForSelector("canvas#scene[data-kind='dag'][data-rendered='" + BIG_RUN_STEPS + "']");
        // where the box of the step 'start' is drawn: scene coordinates times the fitted scale (no pan yet)
        @SuppressWarnings("unchecked")
        List<Number> box = (List<Number>) page.evaluate("() => { const scene = JSON.parse(document.getElementById('scene-data').textContent);"
                + " const b = scene.boxes.find(b => b[5] === 'start'); return [b[0], b[1], b[2], b[3]]; }");
        double scale = Double.parseDouble(canvas.getAttribute("data-scale"));
        assertThat(canvas.getAttribute("data-offset-x")).isEqualTo("0");
        canvas.click(new Locator.ClickOptions().setModifiers(List.of(KeyboardModifier.SHIFT))
                .setPosition((box.get(0).doubleValue() + box.get(2).doubleValue() / 2) * scale, (box.get(1).doubleValue() + box.get(3).doubleValue() / 2) * scale));
        page.waitForURL(u -> u.contains("collapsed=start"));
        // every other step descends from start: one box is left, drawn as SVG, saying how many it hides
        assertThat(svgNodes()).containsExactly("start (+" + (BIG_RUN_STEPS - 1) + " hidden)");
        assertThat(consoleErrors).isEmpty();
    }

    @Test
    void comparesTwoVersionsSideBySide() {
        page.navigate(url("/artifacts?name=accuracy"));
        Locator boxes = page.locator("input[name='versions']");
        assertThat(boxes.count()).isEqualTo(2);
        boxes.nth(0).check();
        boxes.nth(1).check();
        page.click("text=Compare selected versions");
        page.waitForSelector("table.compare");
        assertThat(page.locator("table.compare thead th").count()).isEqualTo(3);
        assertThat(page.locator("tr.differs th", new Page.LocatorOptions().setHasText("metadata.value")).count()).isEqualTo(1);
        assertThat(page.locator("svg.chart circle.chart-dot").count()).isGreaterThanOrEqualTo(2);
        screenshot("compare");
        assertThat(consoleErrors).isEmpty();
    }

    @Test
    void searchesArtifactsByTagAndMetadataAsYouType() {
        ArtifactVersion draft = stack.trainingRuns.get(0).step("train").output("output");
        ArtifactVersion production = stack.trainingRuns.get(1).step("train").output("output");
        page.navigate(url("/artifacts"));
        page.fill("input.where", "score>0.7");
        page.waitForFunction("() => document.querySelectorAll('#artifact-results a.artifact-link').length === 1");
        assertThat(page.locator("#artifact-results a.artifact-link").getAttribute("href")).isEqualTo("/versions/" + production.id());
        assertThat(page.url()).contains("where=score%3E0.7");
        page.fill("input.where", "notes~draft");
        page.waitForFunction("() => document.querySelector('#artifact-results a.artifact-link') !== null"
                + " && document.querySelector('#artifact-results a.artifact-link').getAttribute('href') === '/versions/" + draft.id() + "'");
        assertThat(page.locator("#artifact-results a.artifact-link").count()).isEqualTo(1);
        page.fill("input.where", "");
        page.fill("input[name='tag']", "production");
        page.waitForFunction("() => document.querySelectorAll('#artifact-results a.artifact-link').length === 1"
                + " && document.querySelector('#artifact-results a.artifact-link').getAttribute('href') === '/versions/" + production.id() + "'");
        screenshot("artifact-search");
        page.click("#artifact-results a.artifact-link");
        page.waitForSelector("table.logged-metadata");
        assertThat(page.locator("table.logged-metadata").textContent()).contains("score").contains("0.8");
        page.click("a.tag");
        page.waitForSelector("#artifact-results a.artifact-link");
        assertThat(page.locator("#artifact-results a.artifact-link").count()).isEqualTo(1);
        assertThat(consoleErrors).isEmpty();
    }

    @Test
    void hostileNameMetadataAndVisualizationsDoNotExecute() {
        ArtifactVersion hostile = stack.hostileArtifact();
        page.navigate(url("/versions/" + hostile.id()));
        page.waitForSelector("iframe.viz-frame");
        page.frameLocator("iframe.viz-frame").locator("#inside").waitFor(new Locator.WaitForOptions().setState(WaitForSelectorState.ATTACHED));
        page.waitForTimeout(500);
        assertThat(page.textContent("h1")).startsWith(TestingStack.HOSTILE_NAME);
        assertThat(page.locator("table.metadata").textContent()).contains("<script>alert('metadata')</script>").contains("\\u001b[31mred");
        assertThat(page.locator("a[href^='javascript']").count()).isZero();
        assertThat(page.locator("img.viz-image").count()).isEqualTo(1);
        screenshot("hostile");
        page.navigate(url("/versions/" + hostile.id() + "/visualizations/page.html"));
        page.navigate(url("/versions/" + hostile.id() + "/visualizations/drawing.svg"));
        page.navigate(url("/runs/" + stack.hostileRun.id()));
        page.navigate(url("/artifacts?name=" + Html.query(TestingStack.HOSTILE_NAME)));
        page.waitForTimeout(300);
        assertThat(dialogs).as("alert() dialogs opened by stored content").isEmpty();
    }
}
