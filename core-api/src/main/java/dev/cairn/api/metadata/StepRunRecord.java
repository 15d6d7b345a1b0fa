package dev.cairn.api.metadata;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.cairn.api.run.StepStatus;
import org.apiguardian.api.API;

/**
 * A step run as stored.
 *
 * @param position the step's index in the run's topological order
 * @param upstreamSteps names of the steps whose outputs it consumes (the run's DAG edges)
 * @param cacheKey the step's cache key, once computed
 * @param cachedFrom for a {@code CACHED} step run, the step run whose outputs were reused
 * @param cacheNote why the cache was or was not used (e.g. "cached output file missing")
 */
@API(status = API.Status.STABLE, since = "0.1")
public record StepRunRecord(
        UUID id,
        UUID runId,
        String stepName,
        int position,
        java.util.List<String> upstreamSteps,
        StepStatus status,
        Optional<Instant> startedAt,
        Optional<Instant> endedAt,
        Map<String, Object> parameters,
        Optional<String> error,
        Optional<String> cacheKey,
        Optional<UUID> cachedFrom,
        Optional<String> cacheNote) {
    public StepRunRecord {
        requireNonNull(id, "id is null");
        requireNonNull(runId, "runId is null");
        requireNonNull(stepName, "stepName is null");
        upstreamSteps = java.util.List.copyOf(requireNonNull(upstreamSteps, "upstreamSteps is null"));
        requireNonNull(status, "status is null");
        requireNonNull(startedAt, "startedAt is null");
        requireNonNull(endedAt, "endedAt is null");
        parameters = Map.copyOf(requireNonNull(parameters, "parameters is null"));
        requireNonNull(error, "error is null");
        requireNonNull(cacheKey, "cacheKey is null");
        requireNonNull(cachedFrom, "cachedFrom is null");
        requireNonNull(cacheNote, "cacheNote is null");
    }

    public StepRunRecord withStatus(StepStatus newStatus) {
        return new StepRunRecord(id, runId, stepName, position, upstreamSteps, newStatus, startedAt, endedAt, parameters, error, cacheKey, cachedFrom, cacheNote);
    }

    public StepRunRecord started(Instant at) {
        return new StepRunRecord(id, runId, stepName, position, upstreamSteps, StepStatus.RUNNING, Optional.of(at), endedAt, parameters, error, cacheKey, cachedFrom, cacheNote);
    }

    public StepRunRecord finished(StepStatus newStatus, Instant at, Optional<String> newError) {
        return new StepRunRecord(id, runId, stepName, position, upstreamSteps, newStatus, startedAt, Optional.of(at), parameters, newError, cacheKey, cachedFrom, cacheNote);
    }

    public StepRunRecord withCache(Optional<String> newCacheKey, Optional<UUID> newCachedFrom, Optional<String> newCacheNote) {
        return new StepRunRecord(id, runId, stepName, position, upstreamSteps, status, startedAt, endedAt, parameters, error, newCacheKey, newCachedFrom, newCacheNote);
    }
}
