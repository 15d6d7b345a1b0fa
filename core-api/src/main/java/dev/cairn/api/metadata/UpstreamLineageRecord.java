package dev.cairn.api.metadata;

import static java.util.Objects.requireNonNull;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import dev.cairn.api.run.StepStatus;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * One row of the upstream lineage of an artifact version ({@link MetadataStore#listUpstreamLineage}): an artifact version
 * reached from the root, the step run that produced it, and one input of that step run. An artifact version is
 * reached when it is the root or the {@code READY} input of the producer of a reached version.
 *
 * <p>The producer fields ({@code producerId} to {@code outputName}) are {@code null} together when the version has no
 * producer or its step run is not recorded; {@code pipelineName} is {@code null} when the producer's run is not
 * recorded, {@code outputName} when no output row of the producer names this version (the first output name in
 * alphabetical order otherwise). The input fields are {@code null} together on the one row of a version whose producer
 * has no input with a {@code READY} version; otherwise the version has one row per such input.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.3")
public record UpstreamLineageRecord(UUID artifactId, String name, String version, String dataType, String contentHash,
        @Nullable UUID producerId, @Nullable String stepName, @Nullable StepStatus status, @Nullable UUID runId,
        @Nullable String pipelineName, @Nullable String outputName, @Nullable String inputName, @Nullable UUID inputArtifactId) {
    public UpstreamLineageRecord {
        requireNonNull(artifactId, "artifactId is null");
        requireNonNull(name, "name is null");
        requireNonNull(version, "version is null");
        requireNonNull(dataType, "dataType is null");
        requireNonNull(contentHash, "contentHash is null");
        if ((producerId == null) != (stepName == null) || (producerId == null) != (status == null) || (producerId == null) != (runId == null)) {
            throw new IllegalArgumentException("the producer's id, step name, status and run id are given together or not at all");
        }
        if ((inputName == null) != (inputArtifactId == null)) {
            throw new IllegalArgumentException("the input's name and artifact id are given together or not at all");
        }
    }

    /**
     * The rows of {@link MetadataStore#listUpstreamLineage} read from {@code store} version by version and step run by
     * step run with its other lookups (several queries per step run): the default of that method, for stores that have no
     * faster way, and the reference the faster ways are tested against. Rows come breadth first from the root.
     */
    public static List<UpstreamLineageRecord> readStepByStep(MetadataStore store, UUID artifactId) {
        requireNonNull(store, "store is null");
        requireNonNull(artifactId, "artifactId is null");
        List<UpstreamLineageRecord> rows = new ArrayList<>();
        Deque<ArtifactVersionRecord> pending = new ArrayDeque<>();
        store.findArtifactVersion(artifactId).ifPresent(pending::add);
        Set<UUID> visited = new HashSet<>();
        while (!pending.isEmpty()) {
            ArtifactVersionRecord artifact = pending.poll();
            if (!visited.add(artifact.id())) {
                continue;
            }
            Optional<StepRunRecord> producer = artifact.producerStepRunId().flatMap(store::findStepRun);
            if (producer.isEmpty()) {
                rows.add(new UpstreamLineageRecord(artifact.id(), artifact.name(), artifact.version(), artifact.dataType(), artifact.contentHash(),
                        null, null, null, null, null, null, null, null));
                continue;
            }
            StepRunRecord step = producer.get();
            String pipeline = store.findRun(step.runId()).map(PipelineRunRecord::pipelineName).orElse(null);
            String outputName = store.listStepOutputs(step.id()).stream().filter(output -> output.artifactId().equals(artifact.id()))
                    .map(StepOutputRecord::name).findFirst().orElse(null);
            int before = rows.size();
            for (StepInputRecord input : store.listStepInputs(step.id())) {
                Optional<ArtifactVersionRecord> source = store.findArtifactVersion(input.artifactId());
                if (source.isPresent()) {
                    rows.add(new UpstreamLineageRecord(artifact.id(), artifact.name(), artifact.version(), artifact.dataType(), artifact.contentHash(),
                            step.id(), step.stepName(), step.status(), step.runId(), pipeline, outputName, input.name(), input.artifactId()));
                    pending.add(source.get());
                }
            }
            if (rows.size() == before) {
                rows.add(new UpstreamLineageRecord(artifact.id(), artifact.name(), artifact.version(), artifact.dataType(), artifact.contentHash(),
                        step.id(), step.stepName(), step.status(), step.runId(), pipeline, outputName, null, null));
            }
        }
        return rows;
    }
}
