package dev.cairn.dashboard.graph;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A directed graph to draw: nodes in a given order (a topological order when there is one) and edges between
 * them. Edges naming unknown nodes are dropped. Immutable.
 */
public final class Graph {
    /** A node: {@code id} is unique; {@code status} becomes a CSS class; {@code href} is where a click leads. */
    public record Node(String id, String label, String status, String href) {
        public Node {
            requireNonNull(id, "id is null");
            requireNonNull(label, "label is null");
            requireNonNull(status, "status is null");
            requireNonNull(href, "href is null");
        }
    }

    public record Edge(String from, String to) {
        public Edge {
            requireNonNull(from, "from is null");
            requireNonNull(to, "to is null");
        }
    }

    private final Map<String, Node> nodes;
    private final List<Edge> edges;
    private final Map<String, List<String>> successors = new HashMap<>();
    private final Map<String, List<String>> predecessors = new HashMap<>();

    public Graph(List<Node> nodes, List<Edge> edges) {
        this.nodes = new LinkedHashMap<>();
        for (Node node : nodes) {
            this.nodes.putIfAbsent(node.id(), node);
        }
        List<Edge> kept = new ArrayList<>();
        Set<Edge> seen = new HashSet<>();
        for (Edge edge : edges) {
            if (this.nodes.containsKey(edge.from()) && this.nodes.containsKey(edge.to()) && !edge.from().equals(edge.to()) && seen.add(edge)) {
                kept.add(edge);
                successors.computeIfAbsent(edge.from(), k -> new ArrayList<>()).add(edge.to());
                predecessors.computeIfAbsent(edge.to(), k -> new ArrayList<>()).add(edge.from());
            }
        }
        this.edges = List.copyOf(kept);
    }

    public List<Node> nodes() {
        return List.copyOf(nodes.values());
    }

    public List<Edge> edges() {
        return edges;
    }

    public boolean contains(String id) {
        return nodes.containsKey(id);
    }

    public Node node(String id) {
        return nodes.get(id);
    }

    public List<String> successors(String id) {
        return successors.getOrDefault(id, List.of());
    }

    public List<String> predecessors(String id) {
        return predecessors.getOrDefault(id, List.of());
    }

    /** The subgraph of the nodes in {@code keep}, in this graph's order. */
    public Graph restrictedTo(Set<String> keep) {
        return new Graph(nodes.values().stream().filter(node -> keep.contains(node.id())).toList(),
                edges.stream().filter(edge -> keep.contains(edge.from()) && keep.contains(edge.to())).toList());
    }
}
