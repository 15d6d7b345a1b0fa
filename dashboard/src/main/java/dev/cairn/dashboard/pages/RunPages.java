package dev.cairn.dashboard.pages;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.cairn.api.CairnException;
import dev.cairn.api.Client;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.metadata.PipelineRunRecord;
import dev.cairn.api.metadata.StepRunRecord;
import dev.cairn.api.run.RunPage;
import dev.cairn.api.run.RunQuery;
import dev.cairn.api.run.RunStatus;
import dev.cairn.api.run.StepRun;
import dev.cairn.api.run.StepStatus;
import dev.cairn.dashboard.graph.Scene;
import dev.cairn.dashboard.graph.Timeline;
import dev.cairn.dashboard.html.Html;
import dev.cairn.dashboard.html.SceneSvg;
import dev.cairn.dashboard.server.BadRequest;
import dev.cairn.dashboard.server.Request;
import dev.cairn.dashboard.server.Response;

/** The runs list, a run (DAG or timeline, live status) and a step run. */
public final class RunPages {
    /** How much of a log the step page shows; the download link gives all of it. */
    static final int LOG_SHOWN_CHARS = 256 * 1024;

    public static final int PAGE_SIZE = 50;
    static final int STEP_TABLE_ROWS = 200;
    private static final Pattern ERROR_CODE = Pattern.compile("^\\[([A-Z_]+)] ");

    private final Client client;

    public RunPages(Client client) {
        this.client = client;
    }

    /** The query of a runs request: {@code pipeline}, {@code status}, {@code cursor}, {@code limit}. */
    public static RunQuery query(Request request, int defaultLimit) {
        Optional<RunStatus> status = request.param("status").map(text -> {
            try {
                return RunStatus.valueOf(text.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new BadRequest("Parameter 'status' must be one of RUNNING, COMPLETED, FAILED");
            }
        });
        return new RunQuery(request.param("pipeline"), status, request.param("cursor").map(RunQuery.Position::parse),
                request.intParam("limit", defaultLimit, 1, RunQuery.MAX_LIMIT));
    }

    public Response list(Request request) {
        RunQuery query = query(request, PAGE_SIZE);
        RunPage page = client.listRuns(query);
        StringBuilder html = new StringBuilder(8192);
        html.append("<h1>Runs</h1><form class=\"filters\" method=\"get\" action=\"/runs\"><label>Pipeline <input name=\"pipeline\" value=\"")
                .append(Html.text(query.pipelineName().orElse(""))).append("\"></label> <label>Status <select name=\"status\"><option value=\"\">any</option>");
        for (RunStatus status : RunStatus.values()) {
            html.append("<option").append(query.status().filter(status::equals).isPresent() ? " selected" : "").append(">").append(status).append("</option>");
        }
        html.append("</select></label> <button type=\"submit\">Filter</button></form>");
        if (page.runs().isEmpty()) {
            html.append("<p class=\"empty\">No runs").append(query.pipelineName().isPresent() || query.status().isPresent() ? " match these filters" : " yet: try ./cairn quickstart")
                    .append(".</p>");
            return Response.html(Layout.page("Runs", html.toString()));
        }
        List<String> running = page.runs().stream().filter(run -> !run.status().isFinished()).map(run -> run.id().toString()).toList();
        html.append("<form method=\"get\" action=\"/compare\"><table class=\"runs\"><thead><tr><th></th><th>Run</th><th>Pipeline</th><th>Status</th>")
                .append("<th>Started</th><th>Duration</th></tr></thead><tbody");
        if (!running.isEmpty()) {
            html.append(" hx-ext=\"sse\" sse-connect=\"/runs/events?ids=").append(String.join(",", running)).append("\" sse-close=\"done\"");
        }
        html.append(">");
        Instant now = Instant.now();
        for (PipelineRunRecord run : page.runs()) {
            html.append("<tr><td><input type=\"checkbox\" name=\"runs\" value=\"").append(run.id()).append("\" aria-label=\"compare\"></td>")
                    .append("<td><a class=\"run-link\" href=\"/runs/").append(run.id()).append("\">").append(Layout.shortId(run.id())).append("</a></td>")
                    .append("<td><a href=\"/runs?pipeline=").append(Html.text(Html.query(run.pipelineName()))).append("\">").append(Html.line(run.pipelineName()))
                    .append("</a></td><td class=\"status-cell\" id=\"status-").append(run.id()).append("\"")
                    .append(run.status().isFinished() ? "" : " sse-swap=\"run-" + run.id() + "\"").append(">").append(statusBadge(run.status().name()))
                    .append("</td><td>").append(Layout.time(run.startedAt())).append("</td><td>")
                    .append(Timeline.format(Duration.between(run.startedAt(), run.endedAt().orElse(now)))).append(run.status().isFinished() ? "" : " so far")
                    .append("</td></tr>");
        }
        html.append("</tbody></table><button type=\"submit\">Compare selected runs</button></form>");
        page.next().ifPresent(next -> {
            StringBuilder link = new StringBuilder("/runs?cursor=").append(next.token());
            query.pipelineName().ifPresent(p -> link.append("&pipeline=").append(Html.query(p)));
            query.status().ifPresent(s -> link.append("&status=").append(s));
            html.append("<p class=\"pager\"><a rel=\"next\" href=\"").append(Html.text(link.toString())).append("\">Next page →</a></p>");
        });
        return Response.html(Layout.page("Runs", html.toString()));
    }

    public Response run(Request request, UUID runId) {
        PipelineRunRecord run = client.getRunRecord(runId);
        List<StepRunRecord> steps = client.listStepRuns(runId);
        RunViews.Options options = RunViews.Options.of(request);
        boolean timeline = options.timeline(steps.size());
        Scene scene = RunViews.scene(runId, steps, options, Instant.now());
        boolean canvas = scene.boxes().size() > RunViews.SVG_MAX_BOXES;
        StringBuilder html = new StringBuilder(16384);
        html.append("<h1>Run <code>").append(Layout.shortId(run.id())).append("</code> of ").append(Html.line(run.pipelineName())).append("</h1>");
        if (run.status().isFinished()) {
            html.append("<div class=\"live\"><span id=\"run-status\">").append(statusBadge(run.status().name())).append("</span> <span id=\"progress\">")
                    .append(progress(steps)).append("</span></div>");
        } else {
            html.append("<div class=\"live\" hx-ext=\"sse\" sse-connect=\"/runs/").append(run.id()).append("/events\" sse-close=\"done\">")
                    .append("<span id=\"run-status\" sse-swap=\"run-status\">").append(statusBadge(run.status().name())).append("</span> ")
                    .append("<span id=\"progress\" sse-swap=\"progress\">").append(progress(steps)).append("</span>")
                    .append("<div id=\"step-updates\" sse-swap=\"steps\"></div></div>");
        }
        html.append("<table class=\"facts\">")
                .append(Layout.row("id", "<code>" + run.id() + "</code>"))
                .append(Layout.row("pipeline", "<a href=\"/runs?pipeline=" + Html.text(Html.query(run.pipelineName())) + "\">" + Html.line(run.pipelineName()) + "</a>"))
                .append(Layout.row("started", Layout.time(run.startedAt())))
                .append(Layout.row("ended", Layout.time(run.endedAt())))
                .append(Layout.row("steps", String.valueOf(steps.size())));
        if (!run.parameters().isEmpty()) {
            html.append(Layout.row("parameters", "<pre>" + Html.text(Json.pretty(run.parameters())) + "</pre>"));
        }
        run.error().ifPresent(error -> html.append(Layout.row("error", "<pre class=\"error\">" + Html.text(error) + "</pre>")));
        html.append("</table>");
        html.append(viewControls(runId, options, timeline, steps));
        html.append("<div class=\"scene-frame\" id=\"scene-frame\">");
        if (!canvas) {
            html.append(SceneSvg.render(scene, timeline ? "timeline" : "dag"));
        } else {
            // the scene travels with the page (one request, one read of the step runs); a JSON data block is not
            // executed, and sceneData escapes '<', '>' and '&' so the text cannot close the element
            html.append("<script type=\"application/json\" id=\"scene-data\">").append(sceneData(scene)).append("</script>");
            html.append("<canvas id=\"scene\" class=\"scene-canvas\" width=\"1200\" height=\"640\" data-kind=\"").append(timeline ? "timeline" : "dag")
                    .append("\" data-scene-url=\"/api/v1/runs/").append(runId).append("/scene").append(Html.text(options.query(timeline, options.collapsed())))
                    .append("\" data-run=\"").append(runId).append("\" data-collapsed=\"").append(Html.text(String.join(",", new TreeSet<>(options.collapsed()))))
                    .append("\">").append(scene.boxes().size()).append(" steps: your browser needs canvas support to draw them.</canvas>")
                    .append("<p class=\"hint\">Drag to pan, wheel to zoom, click a step to open it, shift-click to collapse or expand what it feeds.</p>");
        }
        html.append("</div>");
        html.append(stepTable(runId, steps, request.intParam("offset", 0, 0, Integer.MAX_VALUE)));
        return Response.html(Layout.page("Run " + Layout.shortId(run.id()), html.toString()));
    }

    /** A scene as JSON that is safe inside an HTML element: {@code <}, {@code >} and {@code &} only occur in strings, as escapes. */
    public static String sceneData(Scene scene) {
        return Json.htmlSafe(dev.cairn.dashboard.api.JsonApi.scene(scene));
    }

    private static String viewControls(UUID runId, RunViews.Options options, boolean timeline, List<StepRunRecord> steps) {
        StringBuilder html = new StringBuilder("<div class=\"view-controls\">View: ");
        html.append(timeline ? "<strong>timeline</strong>" : "<a id=\"view-timeline\" href=\"/runs/" + runId + Html.text(options.query(true, options.collapsed())) + "\">timeline</a>");
        html.append(" · ");
        html.append(!timeline ? "<strong>DAG</strong>" : "<a id=\"view-dag\" href=\"/runs/" + runId + Html.text(options.query(false, options.collapsed())) + "\">DAG</a>");
        html.append("<form method=\"get\" action=\"/runs/").append(runId).append("\" class=\"inline\"><input type=\"hidden\" name=\"view\" value=\"")
                .append(timeline ? "timeline" : "dag").append("\"><label>Neighbourhood of step <input name=\"focus\" size=\"18\" value=\"")
                .append(Html.text(options.focus().orElse(""))).append("\"></label> <label>hops <input name=\"hops\" type=\"number\" min=\"0\" max=\"50\" value=\"")
                .append(options.hops()).append("\"></label> <button type=\"submit\">Show</button>");
        if (options.focus().isPresent()) {
            html.append(" <a href=\"/runs/").append(runId).append("?view=").append(timeline ? "timeline" : "dag").append("\">show all</a>");
        }
        html.append("</form>");
        if (!timeline) {
            html.append("<form method=\"get\" action=\"/runs/").append(runId).append("\" class=\"inline\"><input type=\"hidden\" name=\"view\" value=\"dag\">");
            options.focus().ifPresent(f -> html.append("<input type=\"hidden\" name=\"focus\" value=\"").append(Html.text(f))
                    .append("\"><input type=\"hidden\" name=\"hops\" value=\"").append(options.hops()).append("\">"));
            html.append("<label>Collapse step <input name=\"collapsed\" size=\"18\" value=\"")
                    .append(Html.text(String.join(",", new TreeSet<>(options.collapsed())))).append("\"></label> <button type=\"submit\">Collapse</button>");
            for (String collapsed : new TreeSet<>(options.collapsed())) {
                java.util.Set<String> rest = new java.util.HashSet<>(options.collapsed());
                rest.remove(collapsed);
                html.append(" <a class=\"expand\" href=\"/runs/").append(runId).append(Html.text(options.query(false, rest))).append("\">expand ")
                        .append(Html.line(collapsed)).append("</a>");
            }
            html.append("</form>");
        }
        return html.append("</div>").toString();
    }

    private static String stepTable(UUID runId, List<StepRunRecord> steps, int offset) {
        StringBuilder html = new StringBuilder("<h2>Steps</h2><table class=\"steps\"><thead><tr><th>#</th><th>Step</th><th>Status</th><th>Duration</th>")
                .append("<th>Upstream</th></tr></thead><tbody>");
        int end = Math.min(steps.size(), offset + STEP_TABLE_ROWS);
        for (int i = offset; i < end; i++) {
            StepRunRecord step = steps.get(i);
            html.append("<tr><td>").append(step.position()).append("</td><td><a class=\"step-link\" href=\"/runs/").append(runId).append("/steps/").append(step.id())
                    .append("\">").append(Html.line(step.stepName())).append("</a></td><td id=\"step-status-").append(step.id()).append("\">")
                    .append(statusBadge(step.status().name())).append("</td><td>").append(duration(step.startedAt(), step.endedAt()))
                    .append("</td><td>").append(Html.line(String.join(", ", step.upstreamSteps().stream().limit(5).toList())))
                    .append(step.upstreamSteps().size() > 5 ? " …" : "").append("</td></tr>");
        }
        html.append("</tbody></table>");
        if (offset > 0 || end < steps.size()) {
            html.append("<p class=\"pager\">Steps ").append(offset + 1).append("–").append(end).append(" of ").append(steps.size());
            if (offset > 0) {
                html.append(" <a href=\"/runs/").append(runId).append("?offset=").append(Math.max(0, offset - STEP_TABLE_ROWS)).append("\">← previous</a>");
            }
            if (end < steps.size()) {
                html.append(" <a href=\"/runs/").append(runId).append("?offset=").append(end).append("\">next →</a>");
            }
            html.append("</p>");
        }
        return html.toString();
    }

    public Response step(UUID runId, UUID stepRunId) {
        PipelineRunRecord run = client.getRunRecord(runId);
        StepRun step = client.getStepRun(runId, stepRunId);
        StringBuilder html = new StringBuilder(4096);
        html.append("<p class=\"crumbs\"><a href=\"/runs/").append(runId).append("\">Run ").append(Layout.shortId(runId)).append(" of ")
                .append(Html.line(run.pipelineName())).append("</a></p><h1>Step ").append(Html.line(step.name())).append("</h1><table class=\"facts\">")
                .append(Layout.row("status", statusBadge(step.status().name())))
                .append(Layout.row("started", Layout.time(step.startedAt())))
                .append(Layout.row("ended", Layout.time(step.endedAt())))
                .append(Layout.row("duration", duration(step.startedAt(), step.endedAt())))
                .append(Layout.row("cache", Html.text(cacheSummary(step))));
        step.cacheNote().ifPresent(note -> html.append(Layout.row("cache note", Html.text(note))));
        step.cachedFrom().ifPresent(from -> html.append(Layout.row("reused step run", "<code>" + from + "</code>")));
        step.cacheKey().ifPresent(key -> html.append(Layout.row("cache key", "<code>" + Html.text(key) + "</code>")));
        html.append("</table>");
        step.error().ifPresent(error -> html.append("<h2>Error <span class=\"code\">").append(Html.text(errorCode(error))).append("</span></h2><pre class=\"error\">")
                .append(Html.text(error)).append("</pre>"));
        html.append("<h2>Parameters</h2>");
        if (step.parameters().isEmpty()) {
            html.append("<p class=\"empty\">none</p>");
        } else {
            html.append("<table class=\"facts\">");
            step.parameters().forEach((name, value) -> html.append(Layout.row(name, "<code>" + Html.text(Json.text(value)) + "</code>")));
            html.append("</table>");
        }
        html.append("<h2>Inputs</h2>").append(artifactTable(step.inputs()));
        html.append("<h2>Outputs</h2>").append(artifactTable(step.outputs()));
        html.append(logSection(runId, step));
        return Response.html(Layout.page("Step " + step.name(), html.toString()));
    }

    /** The step's log, escaped, in a {@code <pre>}: at most {@value #LOG_SHOWN_CHARS} characters on the page, all of it through the download link. */
    private static String logSection(UUID runId, StepRun step) {
        StringBuilder html = new StringBuilder("<h2>Log</h2>");
        if (step.logUri().isEmpty()) {
            String why = step.status() == StepStatus.CACHED ? "a cached step does not run, so it has no log of its own"
                    : step.status().isFinished() ? "the step printed nothing to System.out or System.err on its thread, or capture was off"
                    : "the log is stored when the step ends";
            return html.append("<p class=\"empty\">none: ").append(Html.text(why)).append("</p>").toString();
        }
        String download = "/runs/" + runId + "/steps/" + step.id() + "/log";
        String text;
        try {
            text = step.logs().orElse("");
        } catch (CairnException e) {
            return html.append("<p class=\"error\">").append(Html.text(e.getMessage())).append("</p>").toString();
        }
        html.append("<p class=\"hint\">").append(step.logSize().map(size -> size + " bytes").orElse("size unknown"))
                .append(" of stdout and stderr captured on the step's thread");
        if (text.length() > LOG_SHOWN_CHARS) {
            html.append("; the first ").append(LOG_SHOWN_CHARS).append(" characters are shown");
            text = text.substring(0, LOG_SHOWN_CHARS);
        }
        html.append(" · <a class=\"log-download\" href=\"").append(download).append("\">download</a></p>");
        return html.append("<pre class=\"log\">").append(Html.text(text)).append("</pre>").toString();
    }

    /** The step's log as a UTF-8 text file, downloaded (never rendered by the browser). */
    public Response log(UUID runId, UUID stepRunId) {
        StepRun step = client.getStepRun(runId, stepRunId);
        String text = step.logs().orElseThrow(() -> new CairnException(ErrorCode.STEP_NOT_FOUND, "Step '" + step.name() + "' of run " + runId
                + " has no log: it printed nothing on its thread, was cached or not run, or capture was off"));
        return new Response.Bytes(200, "text/plain; charset=utf-8", text.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .header("Content-Disposition", "attachment; filename=\"" + ArtifactFiles.downloadName(step.name()) + ".log\"")
                .header("Content-Security-Policy", dev.cairn.dashboard.server.DashboardHandler.SANDBOX_POLICY);
    }

    static String artifactTable(Map<String, ArtifactVersion> artifacts) {
        if (artifacts.isEmpty()) {
            return "<p class=\"empty\">none</p>";
        }
        StringBuilder html = new StringBuilder("<table class=\"artifacts\"><thead><tr><th>Name</th><th>Artifact</th><th>Type</th><th>Size</th></tr></thead><tbody>");
        artifacts.forEach((name, version) -> html.append("<tr><td>").append(Html.line(name)).append("</td><td><a class=\"artifact-link\" href=\"/versions/")
                .append(version.id()).append("\">").append(Html.line(version.name() + ":" + version.version())).append("</a></td><td>")
                .append(Html.line(version.dataType())).append("</td><td>").append(version.size()).append(" B</td></tr>"));
        return html.append("</tbody></table>").toString();
    }

    /** "hit", "miss" or "off", with what the engine recorded. */
    public static String cacheSummary(StepRun step) {
        if (step.status() == StepStatus.CACHED) {
            return "hit: outputs reused" + step.cachedFrom().map(from -> " from step run " + from).orElse("");
        }
        if (step.cacheKey().isEmpty()) {
            return step.status().isFinished() ? "off: caching was disabled for this step" : "not decided yet";
        }
        return step.status() == StepStatus.COMPLETED ? "miss: the step ran" : "miss";
    }

    /** The error code of a recorded step error: the {@code [CODE]} prefix the engine writes, else {@code STEP_FAILED}. */
    public static String errorCode(String error) {
        Matcher matcher = ERROR_CODE.matcher(error);
        return matcher.find() ? matcher.group(1) : "STEP_FAILED";
    }

    static String duration(Optional<Instant> start, Optional<Instant> end) {
        if (start.isEmpty()) {
            return "–";
        }
        return end.map(e -> Timeline.format(Duration.between(start.get(), e))).orElse("running");
    }

    /** A status as a coloured badge (a CSS class per status). */
    public static String statusBadge(String status) {
        return "<span class=\"badge status-" + status.toLowerCase(Locale.ROOT) + "\">" + Html.text(status) + "</span>";
    }

    /** Counts of steps per status, e.g. "3 completed · 1 running · 6 pending". */
    public static String progress(List<StepRunRecord> steps) {
        Map<StepStatus, Integer> counts = new EnumMap<>(StepStatus.class);
        steps.forEach(step -> counts.merge(step.status(), 1, Integer::sum));
        StringBuilder text = new StringBuilder();
        counts.forEach((status, count) -> text.append(text.length() == 0 ? "" : " · ").append(count).append(' ').append(status.name().toLowerCase(Locale.ROOT)));
        return "<span class=\"progress\">" + (text.length() == 0 ? "no steps" : text) + "</span>";
    }

    /** One changed step for the live {@code steps} event. */
    public static String stepUpdate(StepRunRecord step) {
        return "<li data-step=\"" + step.id() + "\" data-status=\"" + step.status().name().toLowerCase(Locale.ROOT) + "\">" + Html.line(step.stepName()) + ": "
                + step.status() + "</li>";
    }
}
