package dev.cairn.api.metadata;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.cairn.api.run.RunStatus;
import org.apiguardian.api.API;

/** A pipeline run as stored. {@code parameters} holds JSON values. */
@API(status = API.Status.STABLE, since = "0.1")
public record PipelineRunRecord(
        UUID id,
        String pipelineName,
        RunStatus status,
        Instant startedAt,
        Optional<Instant> endedAt,
        Map<String, Object> parameters,
        Optional<String> error) {
    public PipelineRunRecord {
        requireNonNull(id, "id is null");
        requireNonNull(pipelineName, "pipelineName is null");
        requireNonNull(status, "status is null");
        requireNonNull(startedAt, "startedAt is null");
        requireNonNull(endedAt, "endedAt is null");
        parameters = Map.copyOf(requireNonNull(parameters, "parameters is null"));
        requireNonNull(error, "error is null");
    }
}
