package dev.cairn.api.metadata;

import static java.util.Objects.requireNonNull;

import java.util.UUID;

import org.apiguardian.api.API;

/** An artifact version consumed by a step run under {@code name} (the argument name, or {@code name:version} for client loads). */
@API(status = API.Status.STABLE, since = "0.1")
public record StepInputRecord(UUID stepRunId, String name, UUID artifactId, InputKind kind) {
    public StepInputRecord {
        requireNonNull(stepRunId, "stepRunId is null");
        requireNonNull(name, "name is null");
        requireNonNull(artifactId, "artifactId is null");
        requireNonNull(kind, "kind is null");
    }
}
