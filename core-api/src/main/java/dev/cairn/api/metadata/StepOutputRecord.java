package dev.cairn.api.metadata;

import static java.util.Objects.requireNonNull;

import java.util.UUID;

import org.apiguardian.api.API;

/** An artifact version that is output {@code name} of a step run (produced, or reused from cache). */
@API(status = API.Status.STABLE, since = "0.1")
public record StepOutputRecord(UUID stepRunId, String name, UUID artifactId) {
    public StepOutputRecord {
        requireNonNull(stepRunId, "stepRunId is null");
        requireNonNull(name, "name is null");
        requireNonNull(artifactId, "artifactId is null");
    }
}
