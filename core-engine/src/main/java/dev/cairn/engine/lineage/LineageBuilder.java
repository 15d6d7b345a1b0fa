package dev.cairn.engine.lineage;

import static java.util.Objects.requireNonNull;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
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
import dev.cairn.api.metadata.UpstreamLineageRecord;
import jakarta.inject.Inject;
import org.jgrapht.Graph;
import org.jgrapht.graph.DirectedPseudograph;
import org.apiguardian.api.API;

/** Builds lineage graphs from the metadata store. Thread-safe; each call reads a fresh snapshot. */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class LineageBuilder {
    /** Inputs of one step run as it lists them: by name, then by the version's id as text. */
    private static final Comparator<UpstreamLineageRecord> INPUT_ORDER = Comparator
            .comparing((UpstreamLineageRecord row) -> row.inputName() == null ? "" : row.inputName())
            .thenComparing(row -> row.inputArtifactId() == null ? "" : row.inputArtifactId().toString());

    private final MetadataStore metadata;

    @Inject
    public LineageBuilder(MetadataStore metadata) {
        this.metadata = requireNonNull(metadata, "metadata is null");
    }

    public Lineage ofArtifact(ArtifactVersionRecord root) {
        Snapshot snapshot = new Snapshot();
        LineageNode rootNode = snapshot.artifact(root);
        upstream(snapshot, rootNode, root.id());
        // downstream: consumers, their outputs, their consumers, ... (run by run: Snapshot)
        Deque<ArtifactVersionRecord> pending = new ArrayDeque<>(List.of(root));
        Set<UUID> visited = new HashSet<>();
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

    /**
     * Adds the upstream graph of {@code rootId} — its producer, the producer's inputs, their producers, … — read with one
     * query ({@link MetadataStore#listUpstreamLineage}), in the order a breadth-first walk from the root meets the nodes
     * and edges (each producer's inputs by name, then version id).
     */
    private void upstream(Snapshot snapshot, LineageNode rootNode, UUID rootId) {
        Map<UUID, List<UpstreamLineageRecord>> rowsByArtifact = new HashMap<>();
        for (UpstreamLineageRecord row : metadata.listUpstreamLineage(rootId)) {
            rowsByArtifact.computeIfAbsent(row.artifactId(), id -> new ArrayList<>(1)).add(row);
        }
        Map<UUID, LineageNode> artifacts = new HashMap<>(rowsByArtifact.size() * 2);
        artifacts.put(rootId, rootNode);
        Map<UUID, LineageNode> producers = new HashMap<>(rowsByArtifact.size() * 2);
        Deque<UUID> pending = new ArrayDeque<>(List.of(rootId));
        Set<UUID> visited = new HashSet<>(rowsByArtifact.size() * 2);
        while (!pending.isEmpty()) {
            UUID artifactId = pending.poll();
            List<UpstreamLineageRecord> rows = rowsByArtifact.get(artifactId);
            if (!visited.add(artifactId) || rows == null || rows.get(0).producerId() == null) {
                continue;
            }
            UpstreamLineageRecord first = rows.get(0);
            LineageNode producer = producers.computeIfAbsent(first.producerId(), id -> {
                LineageNode node = new LineageNode.StepRunNode(id, first.stepName(), first.status(), first.runId(),
                        first.pipelineName() == null ? "?" : first.pipelineName());
                snapshot.graph.addVertex(node);
                snapshot.stepRuns.put(id, Optional.of(node));
                return node;
            });
            LineageNode artifact = artifactNode(snapshot, artifacts, first);
            snapshot.edge(producer, artifact, LineageEdge.Kind.PRODUCED, first.outputName() == null ? "output" : first.outputName());
            if (rows.size() > 1) {
                rows.sort(INPUT_ORDER);
            }
            for (UpstreamLineageRecord row : rows) {
                if (row.inputArtifactId() == null) {
                    continue;
                }
                List<UpstreamLineageRecord> sourceRows = rowsByArtifact.get(row.inputArtifactId());
                if (sourceRows != null) { // a version that became READY or was deleted meanwhile is left out, as by a later read
                    snapshot.edge(artifactNode(snapshot, artifacts, sourceRows.get(0)), producer, LineageEdge.Kind.CONSUMED, row.inputName());
                    pending.add(row.inputArtifactId());
                }
            }
        }
    }

    private static LineageNode artifactNode(Snapshot snapshot, Map<UUID, LineageNode> artifacts, UpstreamLineageRecord row) {
        return artifacts.computeIfAbsent(row.artifactId(), id -> {
            LineageNode node = new LineageNode.Artifact(id, row.name(), row.version(), row.dataType(), row.contentHash());
            snapshot.graph.addVertex(node);
            return node;
        });
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

        /** Adds the edge unless an equal one is there (the graph refuses an edge it already contains). */
        void edge(LineageNode from, LineageNode to, LineageEdge.Kind kind, String name) {
            graph.addEdge(from, to, new LineageEdge(from, to, kind, name));
        }
    }
}
