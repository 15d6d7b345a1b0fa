package dev.cairn.api.lineage;

import static java.util.Objects.requireNonNull;

import java.util.UUID;

import dev.cairn.api.run.StepStatus;
import org.apiguardian.api.API;

/** A node of a lineage graph: an artifact version or a step run. Equal by id. */
@API(status = API.Status.STABLE, since = "0.1")
public sealed interface LineageNode permits LineageNode.Artifact, LineageNode.StepRunNode {
    UUID id();

    /** A short label, e.g. {@code trained_model:3} or {@code training_pipeline/trainModel}. */
    String label();

    /** An artifact version. */
    record Artifact(UUID id, String name, String version, String dataType, String contentHash) implements LineageNode {
        public Artifact {
            requireNonNull(id, "id is null");
            requireNonNull(name, "name is null");
            requireNonNull(version, "version is null");
            requireNonNull(dataType, "dataType is null");
            requireNonNull(contentHash, "contentHash is null");
        }

        @Override
        public String label() {
            return name + ":" + version;
        }
    }

    /** A step run, with the run and pipeline it belongs to. */
    record StepRunNode(UUID id, String stepName, StepStatus status, UUID runId, String pipelineName) implements LineageNode {
        public StepRunNode {
            requireNonNull(id, "id is null");
            requireNonNull(stepName, "stepName is null");
            requireNonNull(status, "status is null");
            requireNonNull(runId, "runId is null");
            requireNonNull(pipelineName, "pipelineName is null");
        }

        @Override
        public String label() {
            return pipelineName + "/" + stepName;
        }
    }
}
