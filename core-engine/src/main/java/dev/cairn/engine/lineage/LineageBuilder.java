package dev.cairn.engine.lineage;

import static java.util.Objects.requireNonNull;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
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
            String outputName = snapshot.outputs(producer.get().id()).stream().filter(o -> o.artifactId().equals(artifact.id()))
                    .map(StepOutputRecord::name).findFirst().orElse("output");
            snapshot.edge(producer.get(), snapshot.artifact(artifact), LineageEdge.Kind.PRODUCED, outputName);
            for (StepInputRecord input : snapshot.inputs(producer.get().id())) {
                snapshot.artifactVersion(input.artifactId()).ifPresent(source -> {
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
                for (StepOutputRecord output : snapshot.outputs(consumer.get().id())) {
                    snapshot.artifactVersion(output.artifactId()).ifPresent(derived -> {
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

    /**
     * Caches records while one graph is built. The first time a step run of a pipeline run is needed, the whole run is
     * read with set-based queries — its step runs, inputs, outputs and their artifact versions — so the graph of a run
     * of n steps costs a handful of queries instead of several per step.
     */
    private final class Snapshot {
        final Graph<LineageNode, LineageEdge> graph = new DirectedPseudograph<>(LineageEdge.class);
        final Map<UUID, Optional<LineageNode>> stepRuns = new HashMap<>();
        final Map<UUID, String> pipelines = new HashMap<>();
        final Set<LineageEdge> edges = new HashSet<>();
        /** Step runs of the runs read so far, by id. */
        final Map<UUID, StepRunRecord> stepRunRecords = new HashMap<>();
        final Map<UUID, List<StepInputRecord>> inputs = new HashMap<>();
        final Map<UUID, List<StepOutputRecord>> outputs = new HashMap<>();
        final Map<UUID, Optional<ArtifactVersionRecord>> artifactVersions = new HashMap<>();

        /** Reads a whole run at once: its step runs, their inputs and outputs, and the versions these name. */
        private void readRun(UUID runId) {
            for (StepRunRecord step : metadata.listStepRuns(runId)) {
                stepRunRecords.put(step.id(), step);
                inputs.put(step.id(), new ArrayList<>());
                outputs.put(step.id(), new ArrayList<>());
            }
            Set<UUID> artifactIds = new LinkedHashSet<>();
            for (StepInputRecord input : metadata.listStepInputsOfRun(runId)) {
                inputs.computeIfAbsent(input.stepRunId(), id -> new ArrayList<>()).add(input);
                artifactIds.add(input.artifactId());
            }
            for (StepOutputRecord output : metadata.listStepOutputsOfRun(runId)) {
                outputs.computeIfAbsent(output.stepRunId(), id -> new ArrayList<>()).add(output);
                artifactIds.add(output.artifactId());
            }
            artifactIds.removeAll(artifactVersions.keySet());
            Map<UUID, ArtifactVersionRecord> found = metadata.findArtifactVersions(artifactIds);
            found.forEach((id, record) -> artifactVersions.put(id, Optional.of(record)));
            // ids not answered (a version not READY) are looked up one by one when needed, as before
        }

        private Optional<StepRunRecord> stepRunRecord(UUID id) {
            StepRunRecord known = stepRunRecords.get(id);
            if (known != null) {
                return Optional.of(known);
            }
            Optional<StepRunRecord> found = metadata.findStepRun(id);
            found.ifPresent(step -> {
                readRun(step.runId());
                stepRunRecords.putIfAbsent(step.id(), step);
            });
            return found;
        }

        List<StepInputRecord> inputs(UUID stepRunId) {
            List<StepInputRecord> known = inputs.get(stepRunId);
            return known != null ? known : metadata.listStepInputs(stepRunId);
        }

        List<StepOutputRecord> outputs(UUID stepRunId) {
            List<StepOutputRecord> known = outputs.get(stepRunId);
            return known != null ? known : metadata.listStepOutputs(stepRunId);
        }

        Optional<ArtifactVersionRecord> artifactVersion(UUID id) {
            return artifactVersions.computeIfAbsent(id, metadata::findArtifactVersion);
        }

        LineageNode artifact(ArtifactVersionRecord record) {
            LineageNode node = new LineageNode.Artifact(record.id(), record.name(), record.version(), record.dataType(), record.contentHash());
            graph.addVertex(node);
            return node;
        }

        Optional<LineageNode> stepRun(UUID id) {
            return stepRuns.computeIfAbsent(id, key -> stepRunRecord(key).map(step -> {
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
