package dev.cairn.dashboard.pages;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import dev.cairn.api.metadata.StepRunRecord;
import dev.cairn.dashboard.graph.Graph;
import dev.cairn.dashboard.graph.GraphFilters;
import dev.cairn.dashboard.graph.LayeredLayout;
import dev.cairn.dashboard.graph.Scene;
import dev.cairn.dashboard.graph.Timeline;
import dev.cairn.dashboard.server.BadRequest;
import dev.cairn.dashboard.server.Request;

/**
 * A run's step DAG or timeline as a {@link Scene}, with the view options of its page: {@code view} ({@code dag} or
 * {@code timeline}; the timeline is the default above {@value #TIMELINE_DEFAULT_ABOVE} steps), {@code focus} (a step
 * name or step run id) with {@code hops} (its k-hop neighbourhood, both directions), and {@code collapsed} (steps whose
 * descendants are folded away).
 */
public final class RunViews {
    public static final int TIMELINE_DEFAULT_ABOVE = 100;
    /** Scenes with more boxes than this are drawn on a canvas from JSON, smaller ones as inline SVG. */
    public static final int SVG_MAX_BOXES = 300;

    private RunViews() {}

    /** The view options of a request. */
    public record Options(Optional<String> view, Optional<String> focus, int hops, Set<String> collapsed) {
        public static Options of(Request request) {
            Optional<String> view = request.param("view");
            if (view.isPresent() && !view.get().equals("dag") && !view.get().equals("timeline")) {
                throw new BadRequest("Parameter 'view' must be 'dag' or 'timeline'");
            }
            return new Options(view, request.param("focus"), request.intParam("hops", 2, 0, 50), Set.copyOf(request.params("collapsed")));
        }

        boolean timeline(int steps) {
            return view.map("timeline"::equals).orElse(steps > TIMELINE_DEFAULT_ABOVE);
        }

        /** The query string for these options, with {@code collapsed} replaced. */
        String query(boolean timeline, Set<String> newCollapsed) {
            StringBuilder query = new StringBuilder("?view=").append(timeline ? "timeline" : "dag");
            focus.ifPresent(f -> query.append("&focus=").append(dev.cairn.dashboard.html.Html.query(f)).append("&hops=").append(hops));
            if (!newCollapsed.isEmpty()) {
                query.append("&collapsed=").append(dev.cairn.dashboard.html.Html.query(String.join(",", new java.util.TreeSet<>(newCollapsed))));
            }
            return query.toString();
        }
    }

    /** The step graph of a run: nodes are step runs (by id), edges follow the recorded upstream steps. */
    public static Graph graph(UUID runId, List<StepRunRecord> steps) {
        Map<String, String> idByName = new HashMap<>();
        for (StepRunRecord step : steps) {
            idByName.put(step.stepName(), step.id().toString());
        }
        List<Graph.Node> nodes = steps.stream().map(step -> new Graph.Node(step.id().toString(), step.stepName(), step.status().name(),
                "/runs/" + runId + "/steps/" + step.id())).toList();
        List<Graph.Edge> edges = new java.util.ArrayList<>();
        for (StepRunRecord step : steps) {
            for (String upstream : step.upstreamSteps()) {
                String from = idByName.get(upstream);
                if (from != null) {
                    edges.add(new Graph.Edge(from, step.id().toString()));
                }
            }
        }
        return new Graph(nodes, edges);
    }

    /** The scene for {@code options}; {@code collapsed} and {@code focus} accept step names or step run ids. */
    public static Scene scene(UUID runId, List<StepRunRecord> steps, Options options, Instant now) {
        if (options.timeline(steps.size()) && options.focus().isEmpty()) {
            return Timeline.layout(steps.stream().map(step -> new Timeline.Entry(step.id().toString(), step.stepName(), step.status().name(),
                    "/runs/" + runId + "/steps/" + step.id(), step.startedAt(), step.endedAt())).toList(), now);
        }
        Graph graph = graph(runId, steps);
        Map<String, String> idByName = new HashMap<>();
        steps.forEach(step -> idByName.put(step.stepName(), step.id().toString()));
        if (options.focus().isPresent()) {
            String focus = idByName.getOrDefault(options.focus().get(), options.focus().get());
            if (!graph.contains(focus)) {
                throw new BadRequest("This run has no step '" + options.focus().get() + "' to focus on");
            }
            graph = graph.restrictedTo(GraphFilters.neighbourhood(graph, focus, options.hops(), GraphFilters.Direction.BOTH));
        }
        if (options.timeline(steps.size())) {
            Set<String> keep = new HashSet<>();
            graph.nodes().forEach(node -> keep.add(node.id()));
            List<Timeline.Entry> entries = steps.stream().filter(step -> keep.contains(step.id().toString()))
                    .map(step -> new Timeline.Entry(step.id().toString(), step.stepName(), step.status().name(),
                            "/runs/" + runId + "/steps/" + step.id(), step.startedAt(), step.endedAt()))
                    .toList();
            return Timeline.layout(entries, now);
        }
        Map<String, String> notes = new LinkedHashMap<>();
        if (!options.collapsed().isEmpty()) {
            Set<String> collapsed = new HashSet<>();
            for (String name : options.collapsed()) {
                collapsed.add(idByName.getOrDefault(name, name));
            }
            GraphFilters.Collapsed folded = GraphFilters.collapse(graph, collapsed);
            folded.hiddenBelow().forEach((id, hidden) -> notes.put(id, "+" + hidden + " hidden"));
            graph = graph.restrictedTo(folded.visible());
        }
        return LayeredLayout.layout(graph, notes);
    }
}
