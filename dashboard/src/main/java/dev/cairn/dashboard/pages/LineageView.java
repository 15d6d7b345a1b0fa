package dev.cairn.dashboard.pages;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.cairn.api.lineage.Lineage;
import dev.cairn.api.lineage.LineageEdge;
import dev.cairn.api.lineage.LineageNode;
import dev.cairn.dashboard.graph.Graph;
import dev.cairn.dashboard.graph.GraphFilters;
import dev.cairn.dashboard.server.BadRequest;
import dev.cairn.dashboard.server.Request;

/**
 * The lineage of an artifact version cut to {@code hops} edges upstream, downstream or both ways from it (an
 * artifact and the step run that produced it are one hop apart).
 */
public record LineageView(Lineage lineage, int hops, GraphFilters.Direction direction) {
    public static final int DEFAULT_HOPS = 4;

    public static LineageView of(Lineage lineage, Request request) {
        String direction = request.param("direction").orElse("both");
        GraphFilters.Direction parsed = switch (direction) {
            case "up", "upstream" -> GraphFilters.Direction.UPSTREAM;
            case "down", "downstream" -> GraphFilters.Direction.DOWNSTREAM;
            case "both" -> GraphFilters.Direction.BOTH;
            default -> throw new BadRequest("Parameter 'direction' must be up, down or both");
        };
        return new LineageView(lineage, request.intParam("hops", DEFAULT_HOPS, 0, 100), parsed);
    }

    /** The nodes within reach, the root first. */
    public List<LineageNode> nodes() {
        Set<LineageNode> reached = new HashSet<>();
        List<LineageNode> ordered = new ArrayList<>();
        reached.add(lineage.root());
        ordered.add(lineage.root());
        Deque<LineageNode> frontier = new ArrayDeque<>(List.of(lineage.root()));
        for (int hop = 0; hop < hops && !frontier.isEmpty(); hop++) {
            Deque<LineageNode> next = new ArrayDeque<>();
            for (LineageNode node : frontier) {
                List<LineageNode> neighbours = new ArrayList<>();
                if (direction != GraphFilters.Direction.DOWNSTREAM) {
                    neighbours.addAll(lineage.predecessors(node));
                }
                if (direction != GraphFilters.Direction.UPSTREAM) {
                    neighbours.addAll(lineage.successors(node));
                }
                for (LineageNode neighbour : neighbours) {
                    if (reached.add(neighbour)) {
                        ordered.add(neighbour);
                        next.add(neighbour);
                    }
                }
            }
            frontier = next;
        }
        return ordered;
    }

    public List<LineageEdge> edges(Set<LineageNode> nodes) {
        return lineage.edges().stream().filter(edge -> nodes.contains(edge.source()) && nodes.contains(edge.target())).toList();
    }

    public Graph graph() {
        List<LineageNode> nodes = nodes();
        Set<LineageNode> set = new HashSet<>(nodes);
        List<Graph.Node> graphNodes = nodes.stream().map(node -> new Graph.Node(node.id().toString(), label(node),
                node.equals(lineage.root()) ? "root" : status(node), href(node))).toList();
        List<Graph.Edge> graphEdges = edges(set).stream().map(edge -> new Graph.Edge(edge.source().id().toString(), edge.target().id().toString())).toList();
        return new Graph(graphNodes, graphEdges);
    }

    static String label(LineageNode node) {
        return node instanceof LineageNode.StepRunNode step ? step.stepName() + " (" + step.pipelineName() + ")" : node.label();
    }

    static String status(LineageNode node) {
        return node instanceof LineageNode.StepRunNode step ? step.status().name() : "artifact";
    }

    static String href(LineageNode node) {
        if (node instanceof LineageNode.StepRunNode step) {
            return "/runs/" + step.runId() + "/steps/" + step.id();
        }
        return "/versions/" + node.id();
    }
}
