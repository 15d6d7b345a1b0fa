package dev.cairn.dashboard.api;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.cairn.api.CairnException;
import dev.cairn.api.Client;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.lineage.LineageEdge;
import dev.cairn.api.lineage.LineageNode;
import dev.cairn.api.metadata.PipelineRunRecord;
import dev.cairn.api.metadata.StepRunRecord;
import dev.cairn.api.run.RunPage;
import dev.cairn.api.run.StepRun;
import dev.cairn.dashboard.graph.LayeredLayout;
import dev.cairn.dashboard.graph.Scene;
import dev.cairn.dashboard.pages.ArtifactSearch;
import dev.cairn.dashboard.pages.ComparePage;
import dev.cairn.dashboard.pages.Json;
import dev.cairn.dashboard.pages.LineageView;
import dev.cairn.dashboard.pages.RunPages;
import dev.cairn.dashboard.pages.RunViews;
import dev.cairn.dashboard.server.BadRequest;
import dev.cairn.dashboard.server.Request;
import dev.cairn.dashboard.server.Response;

/**
 * The JSON API under {@code /api/v1}, mirroring the pages (see the README's "Dashboard" section for every endpoint).
 * Field names are snake_case; times are ISO-8601 instants; errors are {@code {"error": {"code", "message"}}} with an
 * HTTP status of 400, 404 or 500.
 */
public final class JsonApi {
    private final Client client;
    private final ComparePage compare;

    public JsonApi(Client client) {
        this.client = client;
        this.compare = new ComparePage(client);
    }

    public Response route(Request request, List<String> s) {
        try {
            return Response.json(Json.bytes(answer(request, s)));
        } catch (BadRequest e) {
            return error(400, "INVALID_ARGUMENT", e.getMessage());
        } catch (NotFound e) {
            return error(404, "NOT_FOUND", e.getMessage());
        } catch (CairnException e) {
            int status = switch (e.errorCode()) {
                case RUN_NOT_FOUND, ARTIFACT_NOT_FOUND, STEP_NOT_FOUND -> 404;
                case INVALID_ARGUMENT, INVALID_ARTIFACT_NAME -> 400;
                default -> 500;
            };
            return error(status, e.errorCode().name(), e.getMessage());
        }
    }

    private static final class NotFound extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotFound(String message) {
            super(message);
        }
    }

    private static Response error(int status, String code, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        return new Response.Bytes(status, "application/json", Json.bytes(Map.of("error", error)));
    }

    private Object answer(Request request, List<String> s) {
        if (s.isEmpty()) {
            return index();
        }
        switch (s.get(0)) {
            case "runs":
                if (s.size() == 1) {
                    return runs(request);
                }
                UUID runId = request.uuidSegment(3, "run");
                if (s.size() == 2) {
                    Map<String, Object> run = run(client.getRunRecord(runId));
                    run.put("steps", client.listStepRuns(runId).stream().map(JsonApi::step).toList());
                    return run;
                }
                if (s.size() == 3 && s.get(2).equals("steps")) {
                    return Map.of("steps", client.listStepRuns(runId).stream().map(JsonApi::step).toList());
                }
                if (s.size() == 3 && s.get(2).equals("scene")) {
                    return scene(RunViews.scene(runId, client.listStepRuns(runId), RunViews.Options.of(request), Instant.now()));
                }
                if (s.size() == 4 && s.get(2).equals("steps")) {
                    return stepDetail(client.getStepRun(runId, request.uuidSegment(5, "step run")));
                }
                break;
            case "artifacts":
                if (s.size() == 1) {
                    dev.cairn.api.artifact.ArtifactPage page = ArtifactSearch.of(request).run(client);
                    Map<String, Object> json = new LinkedHashMap<>();
                    json.put("versions", page.versions().stream().map(JsonApi::version).toList());
                    json.put("next_cursor", page.nextCursor().orElse(null));
                    return json;
                }
                break;
            case "versions":
                if (s.size() < 2) {
                    break;
                }
                ArtifactVersion version = client.getArtifactVersion(request.uuidSegment(3, "artifact version"));
                if (s.size() == 2) {
                    Map<String, Object> json = version(version);
                    json.put("visualizations", version.visualizations().stream().map(v -> Map.of("name", v.name(), "type", v.type().name(),
                            "url", "/versions/" + version.id() + "/visualizations/" + v.fileName())).toList());
                    return json;
                }
                if (s.size() == 3 && s.get(2).equals("verify")) {
                    Map<String, Object> json = new LinkedHashMap<>();
                    try {
                        version.verify();
                        json.put("verified", true);
                    } catch (CairnException e) {
                        json.put("verified", false);
                        json.put("error_code", e.errorCode().name());
                        json.put("message", e.getMessage());
                    }
                    return json;
                }
                if (s.size() >= 3 && s.get(2).equals("lineage")) {
                    LineageView view = LineageView.of(client.lineage(version), request);
                    if (s.size() == 4 && s.get(3).equals("scene")) {
                        return scene(LayeredLayout.layout(view.graph(), Map.of()));
                    }
                    if (s.size() == 3) {
                        return lineage(view);
                    }
                }
                break;
            case "compare":
                if (s.size() == 1) {
                    List<UUID> versions = ComparePage.ids(request, "versions");
                    List<UUID> runs = ComparePage.ids(request, "runs");
                    if (versions.isEmpty() == runs.isEmpty()) {
                        throw new BadRequest("Give either versions=id,id,… or runs=id,id,…");
                    }
                    ComparePage.Table table = versions.isEmpty() ? compare.runs(runs) : compare.versions(versions);
                    return Map.of("columns", table.columns(), "links", table.links(), "rows", table.rows());
                }
                break;
            default:
                break;
        }
        throw new NotFound("No API endpoint at /api/v1/" + String.join("/", s) + ": GET /api/v1 lists them");
    }

    private static Map<String, Object> index() {
        Map<String, Object> endpoints = new LinkedHashMap<>();
        endpoints.put("GET /api/v1/runs?pipeline=&status=&cursor=&limit=", "runs, newest first, one page; next_cursor for the next");
        endpoints.put("GET /api/v1/runs/{run}", "a run with its step runs");
        endpoints.put("GET /api/v1/runs/{run}/steps", "the step runs of a run");
        endpoints.put("GET /api/v1/runs/{run}/steps/{step run}", "a step run with inputs, outputs, parameters, cache, error and its log's URI and size");
        endpoints.put("GET /api/v1/runs/{run}/scene?view=dag|timeline&focus=&hops=&collapsed=", "the laid-out DAG or timeline");
        endpoints.put("GET /api/v1/artifacts?name=&type=&since=&until=&limit=", "artifact versions, newest first");
        endpoints.put("GET /api/v1/versions/{version}", "an artifact version with metadata and visualizations");
        endpoints.put("GET /api/v1/versions/{version}/lineage?hops=&direction=up|down|both", "lineage nodes and edges");
        endpoints.put("GET /api/v1/versions/{version}/verify", "re-hashes the files (reads only)");
        endpoints.put("GET /api/v1/compare?versions=a,b|runs=a,b", "a comparison table");
        return Map.of("endpoints", endpoints);
    }

    private Object runs(Request request) {
        RunPage page = client.listRuns(RunPages.query(request, RunPages.PAGE_SIZE));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("runs", page.runs().stream().map(JsonApi::run).toList());
        json.put("next_cursor", page.next().map(position -> position.token()).orElse(null));
        return json;
    }

    static Map<String, Object> run(PipelineRunRecord run) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", run.id().toString());
        json.put("pipeline", run.pipelineName());
        json.put("status", run.status().name());
        json.put("started_at", Json.instant(run.startedAt()));
        json.put("ended_at", Json.instant(run.endedAt()));
        json.put("parameters", run.parameters());
        json.put("error", run.error().orElse(null));
        return json;
    }

    static Map<String, Object> step(StepRunRecord step) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", step.id().toString());
        json.put("name", step.stepName());
        json.put("position", step.position());
        json.put("status", step.status().name());
        json.put("upstream", step.upstreamSteps());
        json.put("started_at", Json.instant(step.startedAt()));
        json.put("ended_at", Json.instant(step.endedAt()));
        json.put("cache_key", step.cacheKey().orElse(null));
        json.put("cached_from", step.cachedFrom().map(UUID::toString).orElse(null));
        json.put("cache_note", step.cacheNote().orElse(null));
        json.put("error", step.error().orElse(null));
        json.put("log_uri", step.logUri().map(java.net.URI::toString).orElse(null));
        json.put("log_size", step.logSize().orElse(null));
        return json;
    }

    private static Map<String, Object> stepDetail(StepRun step) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", step.id().toString());
        json.put("run_id", step.runId().toString());
        json.put("name", step.name());
        json.put("status", step.status().name());
        json.put("started_at", Json.instant(step.startedAt()));
        json.put("ended_at", Json.instant(step.endedAt()));
        json.put("parameters", step.parameters());
        Map<String, Object> inputs = new LinkedHashMap<>();
        step.inputs().forEach((name, version) -> inputs.put(name, version(version)));
        json.put("inputs", inputs);
        Map<String, Object> outputs = new LinkedHashMap<>();
        step.outputs().forEach((name, version) -> outputs.put(name, version(version)));
        json.put("outputs", outputs);
        Map<String, Object> cache = new LinkedHashMap<>();
        cache.put("summary", RunPages.cacheSummary(step));
        cache.put("key", step.cacheKey().orElse(null));
        cache.put("cached_from", step.cachedFrom().map(UUID::toString).orElse(null));
        cache.put("note", step.cacheNote().orElse(null));
        json.put("cache", cache);
        json.put("error", step.error().map(error -> Map.of("code", RunPages.errorCode(error), "message", error)).orElse(null));
        json.put("log_uri", step.logUri().map(java.net.URI::toString).orElse(null));
        json.put("log_size", step.logSize().orElse(null));
        json.put("log_download", step.logUri().map(uri -> "/runs/" + step.runId() + "/steps/" + step.id() + "/log").orElse(null));
        return json;
    }

    static Map<String, Object> version(ArtifactVersion version) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", version.id().toString());
        json.put("name", version.name());
        json.put("version", version.version());
        json.put("data_type", version.dataType());
        json.put("artifact_type", version.artifactType().name());
        json.put("materializer", version.materializerId() + " " + version.materializerVersion());
        json.put("size", version.size());
        json.put("content_hash", version.contentHash());
        json.put("created_at", Json.instant(version.createdAt()));
        json.put("uri", version.uri().toString());
        json.put("producer_step_run_id", version.producerStepRunId().map(UUID::toString).orElse(null));
        json.put("metadata", version.metadata());
        return json;
    }

    private static Map<String, Object> lineage(LineageView view) {
        List<LineageNode> nodes = view.nodes();
        List<Map<String, Object>> jsonNodes = new ArrayList<>();
        for (LineageNode node : nodes) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("id", node.id().toString());
            if (node instanceof LineageNode.Artifact artifact) {
                json.put("kind", "artifact");
                json.put("name", artifact.name());
                json.put("version", artifact.version());
                json.put("data_type", artifact.dataType());
            } else if (node instanceof LineageNode.StepRunNode step) {
                json.put("kind", "step_run");
                json.put("step", step.stepName());
                json.put("status", step.status().name());
                json.put("run_id", step.runId().toString());
                json.put("pipeline", step.pipelineName());
            }
            jsonNodes.add(json);
        }
        List<Map<String, Object>> edges = new ArrayList<>();
        for (LineageEdge edge : view.edges(new java.util.HashSet<>(nodes))) {
            edges.add(Map.of("from", edge.source().id().toString(), "to", edge.target().id().toString(), "kind", edge.kind().name(), "name", edge.name()));
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("root", view.lineage().root().id().toString());
        json.put("hops", view.hops());
        json.put("direction", view.direction().name().toLowerCase(java.util.Locale.ROOT));
        json.put("nodes", jsonNodes);
        json.put("edges", edges);
        return json;
    }

    /**
     * A scene in a compact form for the canvas: boxes as arrays {@code [x, y, w, h, id, label, status, href, note]}; when
     * every link is {@code href_prefix} followed by the box's id, {@code href} is empty and the prefix says it once.
     */
    public static Map<String, Object> scene(Scene scene) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("width", scene.width());
        json.put("height", scene.height());
        // links of run scenes are "<prefix><id>": send the prefix once instead of 10,000 times
        String prefix = "";
        if (!scene.boxes().isEmpty()) {
            Scene.Box first = scene.boxes().get(0);
            String candidate = first.href().endsWith(first.id()) ? first.href().substring(0, first.href().length() - first.id().length()) : "";
            if (!candidate.isEmpty() && scene.boxes().stream().allMatch(box -> box.href().equals(candidate + box.id()))) {
                prefix = candidate;
            }
        }
        json.put("href_prefix", prefix);
        List<Object[]> boxes = new ArrayList<>(scene.boxes().size());
        for (Scene.Box box : scene.boxes()) {
            boxes.add(new Object[] {box.x(), box.y(), box.w(), box.h(), box.id(), box.label(), box.status().toLowerCase(java.util.Locale.ROOT),
                    prefix.isEmpty() ? box.href() : "", box.note()});
        }
        json.put("boxes", boxes);
        List<int[]> lines = new ArrayList<>(scene.lines().size());
        for (Scene.Line line : scene.lines()) {
            lines.add(new int[] {line.x1(), line.y1(), line.x2(), line.y2()});
        }
        json.put("lines", lines);
        json.put("axis", scene.axis().stream().map(label -> new Object[] {label.x(), label.y(), label.text()}).toList());
        return json;
    }
}
