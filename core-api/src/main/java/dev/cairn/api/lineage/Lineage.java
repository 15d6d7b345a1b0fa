package dev.cairn.api.lineage;

import java.util.List;
import java.util.Set;

import org.apiguardian.api.API;

/**
 * A lineage graph around one node: artifacts and step runs joined by {@link LineageEdge}s (data flows along
 * the edges). The engine's implementation also exposes the graph as a JGraphT graph. Immutable snapshot.
 */
@API(status = API.Status.STABLE, since = "0.1")
public interface Lineage {
    /** The node the graph was built around. */
    LineageNode root();

    Set<LineageNode> nodes();

    List<LineageEdge> edges();

    /** Every node that {@code node} was derived from (transitively), nearest first. */
    List<LineageNode> upstream(LineageNode node);

    /** Every node derived from {@code node} (transitively), nearest first. */
    List<LineageNode> downstream(LineageNode node);

    /** The nodes with an edge into {@code node}. */
    List<LineageNode> predecessors(LineageNode node);

    /** The nodes {@code node} has an edge to. */
    List<LineageNode> successors(LineageNode node);
}
