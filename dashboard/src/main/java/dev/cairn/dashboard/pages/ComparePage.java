package dev.cairn.dashboard.pages;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.UUID;

import dev.cairn.api.Client;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.metadata.PipelineRunRecord;
import dev.cairn.api.metadata.StepRunRecord;
import dev.cairn.dashboard.graph.Timeline;
import dev.cairn.dashboard.html.Charts;
import dev.cairn.dashboard.html.Html;
import dev.cairn.dashboard.server.BadRequest;
import dev.cairn.dashboard.server.Request;
import dev.cairn.dashboard.server.Response;

/**
 * Two or more artifact versions ({@code versions=a,b,…}) or runs ({@code runs=a,b,…}) side by side: one column each,
 * a row per fact, metadata key or parameter (rows whose values differ are marked), and a line chart per numeric row.
 */
public final class ComparePage {
    public static final int MAX_COLUMNS = 20;

    private final Client client;

    public ComparePage(Client client) {
        this.client = client;
    }

    /** The table of a comparison: column labels and links, and rows of cell values (JSON values or text). */
    public record Table(List<String> columns, List<String> links, Map<String, List<Object>> rows) {}

    public Table versions(List<UUID> ids) {
        List<ArtifactVersion> versions = ids.stream().map(client::getArtifactVersion).toList();
        Map<String, List<Object>> rows = new LinkedHashMap<>();
        rows.put("name", versions.stream().map(v -> (Object) v.name()).toList());
        rows.put("version", versions.stream().map(v -> (Object) v.version()).toList());
        rows.put("type", versions.stream().map(v -> (Object) v.dataType()).toList());
        rows.put("size", versions.stream().map(v -> (Object) v.size()).toList());
        rows.put("created", versions.stream().map(v -> (Object) v.createdAt().toString()).toList());
        rows.put("content hash", versions.stream().map(v -> (Object) v.contentHash()).toList());
        TreeSet<String> keys = new TreeSet<>();
        versions.forEach(v -> keys.addAll(v.metadata().keySet()));
        for (String key : keys) {
            rows.put("metadata." + key, versions.stream().map(v -> v.metadata().get(key)).toList());
        }
        return new Table(versions.stream().map(v -> v.name() + ":" + v.version()).toList(),
                versions.stream().map(v -> "/versions/" + v.id()).toList(), rows);
    }

    public Table runs(List<UUID> ids) {
        List<PipelineRunRecord> runs = ids.stream().map(client::getRunRecord).toList();
        List<List<StepRunRecord>> steps = ids.stream().map(client::listStepRuns).toList();
        Instant now = Instant.now();
        Map<String, List<Object>> rows = new LinkedHashMap<>();
        rows.put("pipeline", runs.stream().map(r -> (Object) r.pipelineName()).toList());
        rows.put("status", runs.stream().map(r -> (Object) r.status().name()).toList());
        rows.put("started", runs.stream().map(r -> (Object) r.startedAt().toString()).toList());
        rows.put("duration (s)", runs.stream().map(r -> (Object) (Duration.between(r.startedAt(), r.endedAt().orElse(now)).toMillis() / 1000.0)).toList());
        rows.put("steps", steps.stream().map(s -> (Object) s.size()).toList());
        TreeSet<String> keys = new TreeSet<>();
        runs.forEach(r -> keys.addAll(r.parameters().keySet()));
        for (String key : keys) {
            rows.put("parameter." + key, runs.stream().map(r -> r.parameters().get(key)).toList());
        }
        TreeSet<String> stepNames = new TreeSet<>();
        steps.forEach(list -> list.stream().limit(200).forEach(step -> stepNames.add(step.stepName())));
        for (String name : stepNames) {
            List<Object> cells = new ArrayList<>();
            for (List<StepRunRecord> list : steps) {
                cells.add(list.stream().filter(step -> step.stepName().equals(name)).findFirst()
                        .map(step -> (Object) (step.status() + step.startedAt().flatMap(start -> step.endedAt()
                                .map(end -> " " + Timeline.format(Duration.between(start, end)))).orElse("")))
                        .orElse(null));
            }
            rows.put("step." + name, cells);
        }
        return new Table(runs.stream().map(r -> r.pipelineName() + " " + Layout.shortId(r.id())).toList(),
                runs.stream().map(r -> "/runs/" + r.id()).toList(), rows);
    }

    public static List<UUID> ids(Request request, String parameter) {
        List<String> values = request.params(parameter);
        if (values.size() > MAX_COLUMNS) {
            throw new BadRequest("Compare at most " + MAX_COLUMNS + " at once");
        }
        return values.stream().map(value -> Request.uuid(value, parameter.equals("runs") ? "run" : "artifact version")).distinct().toList();
    }

    public Response page(Request request) {
        List<UUID> versionIds = ids(request, "versions");
        List<UUID> runIds = ids(request, "runs");
        if (!versionIds.isEmpty() && !runIds.isEmpty()) {
            throw new BadRequest("Compare either artifact versions or runs, not both");
        }
        if (versionIds.isEmpty() && runIds.isEmpty()) {
            return Response.html(Layout.page("Compare", "<h1>Compare</h1><p>Tick two or more versions on the <a href=\"/artifacts\">artifacts</a> page, or runs"
                    + " on the <a href=\"/runs\">runs</a> page, and press Compare. The address takes <code>?versions=id,id,…</code> or <code>?runs=id,id,…</code>.</p>"));
        }
        Table table = versionIds.isEmpty() ? runs(runIds) : versions(versionIds);
        StringBuilder html = new StringBuilder(8192);
        html.append("<h1>Compare ").append(table.columns().size()).append(versionIds.isEmpty() ? " runs" : " artifact versions").append("</h1>");
        html.append("<table class=\"compare\"><thead><tr><th></th>");
        for (int i = 0; i < table.columns().size(); i++) {
            html.append("<th><a href=\"").append(Html.text(table.links().get(i))).append("\">").append(Html.line(table.columns().get(i))).append("</a></th>");
        }
        html.append("</tr></thead><tbody>");
        List<String> numeric = new ArrayList<>();
        table.rows().forEach((key, cells) -> {
            boolean differs = cells.stream().map(Objects::toString).distinct().count() > 1;
            html.append("<tr").append(differs ? " class=\"differs\"" : "").append("><th>").append(Html.line(key)).append("</th>");
            for (Object cell : cells) {
                html.append("<td>").append(cell == null ? "<span class=\"empty\">–</span>" : Html.line(Json.text(cell))).append("</td>");
            }
            html.append("</tr>");
            if (cells.stream().anyMatch(cell -> cell instanceof Number) && cells.stream().allMatch(cell -> cell == null || cell instanceof Number)) {
                numeric.add(key);
            }
        });
        html.append("</tbody></table>");
        if (!numeric.isEmpty()) {
            html.append("<h2>Numeric values</h2><div class=\"charts\">");
            for (String key : numeric) {
                List<Charts.Point> points = new ArrayList<>();
                List<Object> cells = table.rows().get(key);
                for (int i = 0; i < cells.size(); i++) {
                    points.add(new Charts.Point(table.columns().get(i), cells.get(i) == null ? null : ((Number) cells.get(i)).doubleValue()));
                }
                html.append(Charts.line(key, points));
            }
            html.append("</div>");
        }
        return Response.html(Layout.page("Compare", html.toString()));
    }
}
