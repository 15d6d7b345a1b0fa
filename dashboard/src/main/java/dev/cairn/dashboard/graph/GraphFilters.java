package dev.cairn.dashboard.graph;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Views of a large graph: the neighbourhood of a node, and the graph with some nodes' descendants folded away. */
public final class GraphFilters {
    private GraphFilters() {}

    /** Which way {@link #neighbourhood} walks from the focus. */
    public enum Direction { UPSTREAM, DOWNSTREAM, BOTH }

    /** The nodes at most {@code hops} edges from {@code focus}, walking edges the given way; only the focus if it is unknown. */
    public static Set<String> neighbourhood(Graph graph, String focus, int hops, Direction direction) {
        Set<String> reached = new HashSet<>();
        if (!graph.contains(focus)) {
            return reached;
        }
        reached.add(focus);
        Deque<String> frontier = new ArrayDeque<>();
        frontier.add(focus);
        for (int hop = 0; hop < hops && !frontier.isEmpty(); hop++) {
            Deque<String> next = new ArrayDeque<>();
            for (String id : frontier) {
                if (direction != Direction.DOWNSTREAM) {
                    for (String predecessor : graph.predecessors(id)) {
                        if (reached.add(predecessor)) {
                            next.add(predecessor);
                        }
                    }
                }
                if (direction != Direction.UPSTREAM) {
                    for (String successor : graph.successors(id)) {
                        if (reached.add(successor)) {
                            next.add(successor);
                        }
                    }
                }
            }
            frontier = next;
        }
        return reached;
    }

    /** The result of {@link #collapse}: the visible nodes, and how many nodes each collapsed node hides. */
    public record Collapsed(Set<String> visible, Map<String, Integer> hiddenBelow) {}

    /**
     * Folds the descendants of the {@code collapsed} nodes: a node stays visible when it can be reached from a source
     * (a node without predecessors) along a path that does not pass through a collapsed node; the collapsed nodes
     * themselves stay visible. {@code hiddenBelow} counts, per collapsed node, the hidden nodes it reaches.
     */
    public static Collapsed collapse(Graph graph, Set<String> collapsed) {
        Set<String> visible = new HashSet<>();
        Deque<String> queue = new ArrayDeque<>();
        for (Graph.Node node : graph.nodes()) {
            if (graph.predecessors(node.id()).isEmpty()) {
                visible.add(node.id());
                queue.add(node.id());
            }
        }
        while (!queue.isEmpty()) {
            String id = queue.poll();
            if (collapsed.contains(id)) {
                continue;
            }
            for (String successor : graph.successors(id)) {
                if (visible.add(successor)) {
                    queue.add(successor);
                }
            }
        }
        // nodes on a cycle without a source would otherwise vanish: keep whatever the walk could not decide
        if (visible.isEmpty()) {
            graph.nodes().forEach(node -> visible.add(node.id()));
        }
        Map<String, Integer> hiddenBelow = new HashMap<>();
        for (String id : collapsed) {
            if (!visible.contains(id)) {
                continue;
            }
            Set<String> hidden = new HashSet<>();
            Deque<String> walk = new ArrayDeque<>(graph.successors(id));
            while (!walk.isEmpty()) {
                String next = walk.poll();
                if (!visible.contains(next) && hidden.add(next)) {
                    walk.addAll(graph.successors(next));
                }
            }
            hiddenBelow.put(id, hidden.size());
        }
        return new Collapsed(visible, hiddenBelow);
    }
}
