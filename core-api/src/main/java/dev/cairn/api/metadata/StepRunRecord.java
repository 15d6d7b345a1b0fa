package dev.cairn.api.metadata;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.cairn.api.run.StepStatus;
import org.apiguardian.api.API;

/**
 * A step run as stored: {@code position} is the step's index in the run's topological order; {@code upstreamSteps}
 * names the steps whose outputs it consumes (the run's DAG edges); {@code cacheKey} is the step's cache key, once
 * computed; {@code cachedFrom}, for a {@code CACHED} step run, the step run whose outputs were reused;
 * {@code cacheNote} why the cache was or was not used (e.g. "cached output file missing"); {@code logUri} and
 * {@code logSize}, where the engine stored what the step's code printed, and how many bytes (schema V13; empty when
 * nothing was printed, capture is off, or the run was recorded before).
 *
 * <p>Immutable; built with {@link #builder()} (required: id, runId, stepName, status; {@code position} defaults to
 * 0, the lists and maps to empty, the optional fields to empty). Equal when all fields are equal.
 */
@API(status = API.Status.STABLE, since = "0.1")
public final class StepRunRecord {
    private final UUID id;
    private final UUID runId;
    private final String stepName;
    private final int position;
    private final List<String> upstreamSteps;
    private final StepStatus status;
    private final Optional<Instant> startedAt;
    private final Optional<Instant> endedAt;
    private final Map<String, Object> parameters;
    private final Optional<String> error;
    private final Optional<dev.cairn.api.run.StepFailure> failure;
    private final Optional<String> cacheKey;
    private final Optional<UUID> cachedFrom;
    private final Optional<String> cacheNote;
    private final Optional<URI> logUri;
    private final Optional<Long> logSize;

    private StepRunRecord(Builder builder) {
        this.id = requireNonNull(builder.id, "id is null");
        this.runId = requireNonNull(builder.runId, "runId is null");
        this.stepName = requireNonNull(builder.stepName, "stepName is null");
        this.position = builder.position;
        this.upstreamSteps = List.copyOf(builder.upstreamSteps);
        this.status = requireNonNull(builder.status, "status is null");
        this.startedAt = requireNonNull(builder.startedAt, "startedAt is null");
        this.endedAt = requireNonNull(builder.endedAt, "endedAt is null");
        this.parameters = Map.copyOf(builder.parameters);
        this.error = requireNonNull(builder.error, "error is null");
        this.failure = requireNonNull(builder.failure, "failure is null");
        this.cacheKey = requireNonNull(builder.cacheKey, "cacheKey is null");
        this.cachedFrom = requireNonNull(builder.cachedFrom, "cachedFrom is null");
        this.cacheNote = requireNonNull(builder.cacheNote, "cacheNote is null");
        this.logUri = requireNonNull(builder.logUri, "logUri is null");
        this.logSize = requireNonNull(builder.logSize, "logSize is null");
    }

    /** A builder with no field set; id, runId, stepName, status are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding every field of this one. */
    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.id = id;
        builder.runId = runId;
        builder.stepName = stepName;
        builder.position = position;
        builder.upstreamSteps = upstreamSteps;
        builder.status = status;
        builder.startedAt = startedAt;
        builder.endedAt = endedAt;
        builder.parameters = parameters;
        builder.error = error;
        builder.failure = failure;
        builder.cacheKey = cacheKey;
        builder.cachedFrom = cachedFrom;
        builder.cacheNote = cacheNote;
        builder.logUri = logUri;
        builder.logSize = logSize;
        return builder;
    }

    public UUID id() {
        return id;
    }

    public UUID runId() {
        return runId;
    }

    public String stepName() {
        return stepName;
    }

    public int position() {
        return position;
    }

    public List<String> upstreamSteps() {
        return upstreamSteps;
    }

    public StepStatus status() {
        return status;
    }

    public Optional<Instant> startedAt() {
        return startedAt;
    }

    public Optional<Instant> endedAt() {
        return endedAt;
    }

    public Map<String, Object> parameters() {
        return parameters;
    }

    public Optional<String> error() {
        return error;
    }

    /** For a {@code FAILED} step run: the error code, exception class and message; empty otherwise (and for runs recorded before schema V9). */
    public Optional<dev.cairn.api.run.StepFailure> failure() {
        return failure;
    }

    public Optional<String> cacheKey() {
        return cacheKey;
    }

    public Optional<UUID> cachedFrom() {
        return cachedFrom;
    }

    public Optional<String> cacheNote() {
        return cacheNote;
    }

    /** Where the step's captured output (stdout and stderr, UTF-8) is stored; empty when none was stored. */
    @API(status = API.Status.EXPERIMENTAL, since = "0.3")
    public Optional<URI> logUri() {
        return logUri;
    }

    /** The size in bytes of the stored log at {@link #logUri()}; empty when none was stored. */
    @API(status = API.Status.EXPERIMENTAL, since = "0.3")
    public Optional<Long> logSize() {
        return logSize;
    }

    public StepRunRecord withStatus(StepStatus newStatus) {
        return toBuilder().status(newStatus).build();
    }

    public StepRunRecord started(Instant at) {
        return toBuilder().status(StepStatus.RUNNING).startedAt(at).build();
    }

    public StepRunRecord finished(StepStatus newStatus, Instant at, Optional<String> newError) {
        return toBuilder().status(newStatus).endedAt(at).error(newError).build();
    }

    /** This step run {@code FAILED} at {@code at}, with the error text (message and stack trace) and the structured failure. */
    public StepRunRecord failed(Instant at, String newError, dev.cairn.api.run.StepFailure newFailure) {
        return toBuilder().status(StepStatus.FAILED).endedAt(at).error(Optional.of(newError)).failure(Optional.of(newFailure)).build();
    }

    public StepRunRecord withCache(Optional<String> newCacheKey, Optional<UUID> newCachedFrom, Optional<String> newCacheNote) {
        return toBuilder().cacheKey(newCacheKey).cachedFrom(newCachedFrom).cacheNote(newCacheNote).build();
    }


    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof StepRunRecord that)) {
            return false;
        }
        return id.equals(that.id)
                && runId.equals(that.runId)
                && stepName.equals(that.stepName)
                && position == that.position
                && upstreamSteps.equals(that.upstreamSteps)
                && status.equals(that.status)
                && startedAt.equals(that.startedAt)
                && endedAt.equals(that.endedAt)
                && parameters.equals(that.parameters)
                && error.equals(that.error)
                && failure.equals(that.failure)
                && cacheKey.equals(that.cacheKey)
                && cachedFrom.equals(that.cachedFrom)
                && cacheNote.equals(that.cacheNote)
                && logUri.equals(that.logUri)
                && logSize.equals(that.logSize);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(id, runId, stepName, position, upstreamSteps, status, startedAt, endedAt, parameters, error, failure, cacheKey, cachedFrom, cacheNote, logUri, logSize);
    }

    @Override
    public String toString() {
        return "StepRunRecord[" + "id=" + id
                + ", runId=" + runId
                + ", stepName=" + stepName
                + ", position=" + position
                + ", upstreamSteps=" + upstreamSteps
                + ", status=" + status
                + ", startedAt=" + startedAt
                + ", endedAt=" + endedAt
                + ", parameters=" + parameters
                + ", error=" + error
                + ", failure=" + failure
                + ", cacheKey=" + cacheKey
                + ", cachedFrom=" + cachedFrom
                + ", cacheNote=" + cacheNote
                + ", logUri=" + logUri
                + ", logSize=" + logSize + "]";
    }

    /** Builds a {@link StepRunRecord}; not thread-safe. */
    @SuppressWarnings("NullAway.Init") // required fields are checked by build()
    public static final class Builder {
        private UUID id;
        private UUID runId;
        private String stepName;
        private int position;
        private List<String> upstreamSteps = List.of();
        private StepStatus status;
        private Optional<Instant> startedAt = Optional.empty();
        private Optional<Instant> endedAt = Optional.empty();
        private Map<String, Object> parameters = Map.of();
        private Optional<String> error = Optional.empty();
        private Optional<dev.cairn.api.run.StepFailure> failure = Optional.empty();
        private Optional<String> cacheKey = Optional.empty();
        private Optional<UUID> cachedFrom = Optional.empty();
        private Optional<String> cacheNote = Optional.empty();
        private Optional<URI> logUri = Optional.empty();
        private Optional<Long> logSize = Optional.empty();

        private Builder() {}

        public Builder id(UUID id) {
            this.id = requireNonNull(id, "id is null");
            return this;
        }

        public Builder runId(UUID runId) {
            this.runId = requireNonNull(runId, "runId is null");
            return this;
        }

        public Builder stepName(String stepName) {
            this.stepName = requireNonNull(stepName, "stepName is null");
            return this;
        }

        public Builder position(int position) {
            this.position = position;
            return this;
        }

        public Builder upstreamSteps(List<String> upstreamSteps) {
            this.upstreamSteps = requireNonNull(upstreamSteps, "upstreamSteps is null");
            return this;
        }

        public Builder status(StepStatus status) {
            this.status = requireNonNull(status, "status is null");
            return this;
        }

        public Builder startedAt(Optional<Instant> startedAt) {
            this.startedAt = requireNonNull(startedAt, "startedAt is null");
            return this;
        }

        public Builder startedAt(Instant startedAt) {
            this.startedAt = Optional.of(startedAt);
            return this;
        }

        public Builder endedAt(Optional<Instant> endedAt) {
            this.endedAt = requireNonNull(endedAt, "endedAt is null");
            return this;
        }

        public Builder endedAt(Instant endedAt) {
            this.endedAt = Optional.of(endedAt);
            return this;
        }

        public Builder parameters(Map<String, Object> parameters) {
            this.parameters = requireNonNull(parameters, "parameters is null");
            return this;
        }

        public Builder error(Optional<String> error) {
            this.error = requireNonNull(error, "error is null");
            return this;
        }

        public Builder error(String error) {
            this.error = Optional.of(error);
            return this;
        }

        public Builder failure(Optional<dev.cairn.api.run.StepFailure> failure) {
            this.failure = requireNonNull(failure, "failure is null");
            return this;
        }

        public Builder failure(dev.cairn.api.run.StepFailure failure) {
            this.failure = Optional.of(requireNonNull(failure, "failure is null"));
            return this;
        }

        public Builder cacheKey(Optional<String> cacheKey) {
            this.cacheKey = requireNonNull(cacheKey, "cacheKey is null");
            return this;
        }

        public Builder cacheKey(String cacheKey) {
            this.cacheKey = Optional.of(cacheKey);
            return this;
        }

        public Builder cachedFrom(Optional<UUID> cachedFrom) {
            this.cachedFrom = requireNonNull(cachedFrom, "cachedFrom is null");
            return this;
        }

        public Builder cachedFrom(UUID cachedFrom) {
            this.cachedFrom = Optional.of(cachedFrom);
            return this;
        }

        public Builder cacheNote(Optional<String> cacheNote) {
            this.cacheNote = requireNonNull(cacheNote, "cacheNote is null");
            return this;
        }

        public Builder cacheNote(String cacheNote) {
            this.cacheNote = Optional.of(cacheNote);
            return this;
        }

        @API(status = API.Status.EXPERIMENTAL, since = "0.3")
        public Builder logUri(Optional<URI> logUri) {
            this.logUri = requireNonNull(logUri, "logUri is null");
            return this;
        }

        @API(status = API.Status.EXPERIMENTAL, since = "0.3")
        public Builder logUri(URI logUri) {
            this.logUri = Optional.of(requireNonNull(logUri, "logUri is null"));
            return this;
        }

        @API(status = API.Status.EXPERIMENTAL, since = "0.3")
        public Builder logSize(Optional<Long> logSize) {
            this.logSize = requireNonNull(logSize, "logSize is null");
            return this;
        }

        @API(status = API.Status.EXPERIMENTAL, since = "0.3")
        public Builder logSize(long logSize) {
            this.logSize = Optional.of(logSize);
            return this;
        }


        /**
         * The StepRunRecord.
         *
         * @throws NullPointerException if a required field is not set
         */
        public StepRunRecord build() {
            return new StepRunRecord(this);
        }
    }
}
