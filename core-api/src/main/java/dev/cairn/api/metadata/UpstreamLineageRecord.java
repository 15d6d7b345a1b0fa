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
 * alphabetical order otherwise). A version has one row per input of its producer, and one row when it has no producer
 * or its producer no input; the input fields name the input and its version only when that version is {@code READY},
 * and are {@code null} together otherwise.
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
            List<StepInputRecord> inputs = store.listStepInputs(step.id());
            for (StepInputRecord input : inputs) {
                Optional<ArtifactVersionRecord> source = store.findArtifactVersion(input.artifactId());
                rows.add(new UpstreamLineageRecord(artifact.id(), artifact.name(), artifact.version(), artifact.dataType(), artifact.contentHash(),
                        step.id(), step.stepName(), step.status(), step.runId(), pipeline, outputName, source.isPresent() ? input.name() : null,
                        source.isPresent() ? input.artifactId() : null));
                source.ifPresent(pending::add);
            }
            if (inputs.isEmpty()) {
                rows.add(new UpstreamLineageRecord(artifact.id(), artifact.name(), artifact.version(), artifact.dataType(), artifact.contentHash(),
                        step.id(), step.stepName(), step.status(), step.runId(), pipeline, outputName, null, null));
            }
        }
        return rows;
    }
}
