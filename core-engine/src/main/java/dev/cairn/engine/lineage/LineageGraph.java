package dev.cairn.engine.lineage;

import static java.util.Objects.requireNonNull;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.lineage.Lineage;
import dev.cairn.api.lineage.LineageEdge;
import dev.cairn.api.lineage.LineageNode;
import org.jgrapht.Graph;
import org.jgrapht.Graphs;
import org.jgrapht.graph.AsUnmodifiableGraph;
import org.apiguardian.api.API;

/** A {@link Lineage} backed by a JGraphT graph; {@link #graph()} gives the graph for JGraphT's algorithms. */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class LineageGraph implements Lineage {
    private final LineageNode root;
    private final Graph<LineageNode, LineageEdge> graph;

    LineageGraph(LineageNode root, Graph<LineageNode, LineageEdge> graph) {
        this.root = requireNonNull(root, "root is null");
        this.graph = new AsUnmodifiableGraph<>(requireNonNull(graph, "graph is null"));
    }

    /** The JGraphT graph of a lineage obtained from a Cairn client. */
    public static Graph<LineageNode, LineageEdge> graph(Lineage lineage) {
        if (lineage instanceof LineageGraph graph) {
            return graph.graph();
        }
        throw new IllegalArgumentException("not a lineage of the Cairn engine: " + lineage.getClass().getName());
    }

    /** An unmodifiable JGraphT view: vertices are nodes, edges are {@link LineageEdge}s in the direction data flows. */
    public Graph<LineageNode, LineageEdge> graph() {
        return graph;
    }

    @Override
    public LineageNode root() {
        return root;
    }

    @Override
    public Set<LineageNode> nodes() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(graph.vertexSet()));
    }

    @Override
    public List<LineageEdge> edges() {
        return List.copyOf(graph.edgeSet());
    }

    @Override
    public List<LineageNode> upstream(LineageNode node) {
        return traverse(node, false);
    }

    @Override
    public List<LineageNode> downstream(LineageNode node) {
        return traverse(node, true);
    }

    @Override
    public List<LineageNode> predecessors(LineageNode node) {
        check(node);
        return List.copyOf(new LinkedHashSet<>(Graphs.predecessorListOf(graph, node)));
    }

    @Override
    public List<LineageNode> successors(LineageNode node) {
        check(node);
        return List.copyOf(new LinkedHashSet<>(Graphs.successorListOf(graph, node)));
    }

    private List<LineageNode> traverse(LineageNode start, boolean forward) {
        check(start);
        Set<LineageNode> seen = new LinkedHashSet<>();
        Deque<LineageNode> pending = new ArrayDeque<>(List.of(start));
        List<LineageNode> order = new ArrayList<>();
        seen.add(start);
        while (!pending.isEmpty()) {
            LineageNode node = pending.poll();
            for (LineageNode next : forward ? Graphs.successorListOf(graph, node) : Graphs.predecessorListOf(graph, node)) {
                if (seen.add(next)) {
                    order.add(next);
                    pending.add(next);
                }
            }
        }
        return List.copyOf(order);
    }

    private void check(LineageNode node) {
        if (!graph.containsVertex(requireNonNull(node, "node is null"))) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, node.label() + " is not part of this lineage graph");
        }
    }

    @Override
    public String toString() {
        return "Lineage[" + root.label() + ", " + graph.vertexSet().size() + " nodes, " + graph.edgeSet().size() + " edges]";
    }
}
