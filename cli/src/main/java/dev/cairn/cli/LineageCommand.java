package dev.cairn.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import dev.cairn.api.Cairn;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.lineage.Lineage;
import dev.cairn.api.lineage.LineageEdge;
import dev.cairn.api.lineage.LineageNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "lineage", description = "Print where an artifact version came from and what was derived from it.")
final class LineageCommand implements Callable<Integer> {
    @Mixin(name = "home")
    HomeOption home;

    /** {@code --json} prints the graph as nodes and edges. */
    @Mixin
    OutputOptions output;

    @Parameters(index = "0", paramLabel = "<name>[:<version>]")
    String reference;

    @Override
    public Integer call() {
        try (Cairn cairn = home.open()) {
            ArtifactVersion artifact = ArtifactCommand.find(cairn.client(), reference);
            Lineage lineage = cairn.client().lineage(artifact);
            output.print(() -> toJson(lineage), out -> {
                out.println(describe(lineage.root()));
                out.println("  derived from:");
                printTree(out, lineage, lineage.root(), "    ", false, new HashSet<>());
                out.println("  used by:");
                printTree(out, lineage, lineage.root(), "    ", true, new HashSet<>());
            });
        }
        return 0;
    }

    private static void printTree(PrintWriter out, Lineage lineage, LineageNode node, String indent, boolean downstream, Set<LineageNode> seen) {
        List<LineageNode> next = downstream ? lineage.successors(node) : lineage.predecessors(node);
        if (next.isEmpty() && indent.length() == 4) {
            out.println(indent + "(nothing)");
        }
        for (LineageNode child : next) {
            String edge = edgeName(lineage, downstream ? node : child, downstream ? child : node);
            boolean repeated = !seen.add(child);
            out.println(indent + (downstream ? "-> " : "<- ") + describe(child) + (edge.isEmpty() ? "" : "  [" + edge + "]") + (repeated ? "  (see above)" : ""));
            if (!repeated) {
                printTree(out, lineage, child, indent + "   ", downstream, seen);
            }
        }
    }

    private static String edgeName(Lineage lineage, LineageNode source, LineageNode target) {
        return lineage.edges().stream().filter(e -> e.source().equals(source) && e.target().equals(target)).map(LineageEdge::name).findFirst().orElse("");
    }

    private static String describe(LineageNode node) {
        if (node instanceof LineageNode.Artifact artifact) {
            return "artifact " + artifact.label() + " (" + artifact.dataType() + ")";
        }
        LineageNode.StepRunNode step = (LineageNode.StepRunNode) node;
        return "step " + step.label() + " " + step.status() + " (run " + step.runId() + ")";
    }

    static Map<String, Object> toJson(Lineage lineage) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("root", lineage.root().id().toString());
        List<Map<String, Object>> nodes = new ArrayList<>();
        for (LineageNode node : lineage.nodes()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("id", node.id().toString());
            if (node instanceof LineageNode.Artifact artifact) {
                entry.put("kind", "artifact");
                entry.put("name", artifact.name());
                entry.put("version", artifact.version());
                entry.put("type", artifact.dataType());
                entry.put("contentHash", artifact.contentHash());
            } else if (node instanceof LineageNode.StepRunNode step) {
                entry.put("kind", "step_run");
                entry.put("step", step.stepName());
                entry.put("status", step.status().name());
                entry.put("runId", step.runId().toString());
                entry.put("pipeline", step.pipelineName());
            }
            nodes.add(entry);
        }
        out.put("nodes", nodes);
        out.put("edges", lineage.edges().stream().map(edge -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("source", edge.source().id().toString());
            entry.put("target", edge.target().id().toString());
            entry.put("kind", edge.kind().name());
            entry.put("name", edge.name());
            return entry;
        }).toList());
        return out;
    }
}
