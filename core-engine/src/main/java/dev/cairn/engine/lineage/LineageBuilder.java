package dev.cairn.engine.lineage;

import static java.util.Objects.requireNonNull;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.lineage.Lineage;
import dev.cairn.api.lineage.LineageEdge;
import dev.cairn.api.lineage.LineageNode;
import dev.cairn.api.metadata.ArtifactVersionRecord;
import dev.cairn.api.metadata.MetadataStore;
import dev.cairn.api.metadata.PipelineRunRecord;
import dev.cairn.api.metadata.StepInputRecord;
import dev.cairn.api.metadata.StepOutputRecord;
import dev.cairn.api.metadata.StepRunRecord;
import jakarta.inject.Inject;
import org.jgrapht.Graph;
import org.jgrapht.graph.DirectedPseudograph;
import org.apiguardian.api.API;

/** Builds lineage graphs from the metadata store. Thread-safe; each call reads a fresh snapshot. */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class LineageBuilder {
    private final MetadataStore metadata;

    @Inject
    public LineageBuilder(MetadataStore metadata) {
        this.metadata = requireNonNull(metadata, "metadata is null");
    }

    public Lineage ofArtifact(ArtifactVersionRecord root) {
        Snapshot snapshot = new Snapshot();
        LineageNode rootNode = snapshot.artifact(root);
        // upstream: producer, its inputs, their producers, ...
        Deque<ArtifactVersionRecord> pending = new ArrayDeque<>(List.of(root));
        Set<UUID> visited = new HashSet<>();
        while (!pending.isEmpty()) {
            ArtifactVersionRecord artifact = pending.poll();
            if (!visited.add(artifact.id()) || artifact.producerStepRunId().isEmpty()) {
                continue;
            }
            Optional<LineageNode> producer = snapshot.stepRun(artifact.producerStepRunId().get());
            if (producer.isEmpty()) {
                continue;
            }
            String outputName = metadata.listStepOutputs(producer.get().id()).stream().filter(o -> o.artifactId().equals(artifact.id()))
                    .map(StepOutputRecord::name).findFirst().orElse("output");
            snapshot.edge(producer.get(), snapshot.artifact(artifact), LineageEdge.Kind.PRODUCED, outputName);
            for (StepInputRecord input : metadata.listStepInputs(producer.get().id())) {
                metadata.findArtifactVersion(input.artifactId()).ifPresent(source -> {
                    snapshot.edge(snapshot.artifact(source), producer.get(), LineageEdge.Kind.CONSUMED, input.name());
                    pending.add(source);
                });
            }
        }
        // downstream: consumers, their outputs, their consumers, ...
        pending.add(root);
        visited.clear();
        while (!pending.isEmpty()) {
            ArtifactVersionRecord artifact = pending.poll();
            if (!visited.add(artifact.id())) {
                continue;
            }
            for (StepInputRecord consumption : metadata.listConsumers(artifact.id())) {
                Optional<LineageNode> consumer = snapshot.stepRun(consumption.stepRunId());
                if (consumer.isEmpty()) {
                    continue;
                }
                snapshot.edge(snapshot.artifact(artifact), consumer.get(), LineageEdge.Kind.CONSUMED, consumption.name());
                for (StepOutputRecord output : metadata.listStepOutputs(consumer.get().id())) {
                    metadata.findArtifactVersion(output.artifactId()).ifPresent(derived -> {
                        snapshot.edge(consumer.get(), snapshot.artifact(derived), LineageEdge.Kind.PRODUCED, output.name());
                        pending.add(derived);
                    });
                }
            }
        }
        return new LineageGraph(rootNode, snapshot.graph);
    }

    public Lineage ofRun(UUID runId) {
        PipelineRunRecord run = metadata.findRun(runId).orElseThrow(() -> new CairnException(ErrorCode.RUN_NOT_FOUND,
                "No pipeline run with id " + runId + ": list runs with 'cairn runs list'"));
        Graph<LineageNode, LineageEdge> graph = new DirectedPseudograph<>(LineageEdge.class);
        Map<String, LineageNode> byName = new HashMap<>();
        List<StepRunRecord> steps = metadata.listStepRuns(runId);
        for (StepRunRecord step : steps) {
            LineageNode node = new LineageNode.StepRunNode(step.id(), step.stepName(), step.status(), runId, run.pipelineName());
            graph.addVertex(node);
            byName.put(step.stepName(), node);
        }
        for (StepRunRecord step : steps) {
            for (String upstream : step.upstreamSteps()) {
                LineageNode from = byName.get(upstream);
                if (from != null) {
                    LineageNode to = byName.get(step.stepName());
                    graph.addEdge(from, to, new LineageEdge(from, to, LineageEdge.Kind.STEP_DEPENDENCY, upstream + "->" + step.stepName()));
                }
            }
        }
        LineageNode root = steps.isEmpty() ? null : byName.get(steps.get(0).stepName());
        if (root == null) {
            throw new CairnException(ErrorCode.STEP_NOT_FOUND, "Run " + runId + " has no steps");
        }
        return new LineageGraph(root, graph);
    }

    /** Caches records while one graph is built. */
    private final class Snapshot {
        final Graph<LineageNode, LineageEdge> graph = new DirectedPseudograph<>(LineageEdge.class);
        final Map<UUID, Optional<LineageNode>> stepRuns = new HashMap<>();
        final Map<UUID, String> pipelines = new HashMap<>();
        final Set<LineageEdge> edges = new HashSet<>();

        LineageNode artifact(ArtifactVersionRecord record) {
            LineageNode node = new LineageNode.Artifact(record.id(), record.name(), record.version(), record.dataType(), record.contentHash());
            graph.addVertex(node);
            return node;
        }

        Optional<LineageNode> stepRun(UUID id) {
            return stepRuns.computeIfAbsent(id, key -> metadata.findStepRun(key).map(step -> {
                String pipeline = pipelines.computeIfAbsent(step.runId(), run -> metadata.findRun(run).map(PipelineRunRecord::pipelineName).orElse("?"));
                LineageNode node = new LineageNode.StepRunNode(step.id(), step.stepName(), step.status(), step.runId(), pipeline);
                graph.addVertex(node);
                return node;
            }));
        }

        void edge(LineageNode from, LineageNode to, LineageEdge.Kind kind, String name) {
            LineageEdge edge = new LineageEdge(from, to, kind, name);
            if (edges.add(edge)) {
                graph.addEdge(from, to, edge);
            }
        }
    }
}
