package dev.cairn.engine.client;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.metadata.StepRunRecord;
import dev.cairn.api.run.StepRun;
import dev.cairn.api.run.StepStatus;

/** A snapshot of a step run with its inputs and outputs. */
final class RecordedStepRun implements StepRun {
    private final StepRunRecord record;
    private final Map<String, ArtifactVersion> inputs;
    private final Map<String, ArtifactVersion> outputs;
    private final java.util.function.Function<java.net.URI, String> logReader;

    RecordedStepRun(StepRunRecord record, Map<String, ArtifactVersion> inputs, Map<String, ArtifactVersion> outputs,
            java.util.function.Function<java.net.URI, String> logReader) {
        this.record = record;
        this.logReader = logReader;
        this.inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        this.outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
    }

    StepRunRecord record() {
        return record;
    }

    @Override public UUID id() { return record.id(); }
    @Override public UUID runId() { return record.runId(); }
    @Override public String name() { return record.stepName(); }
    @Override public StepStatus status() { return record.status(); }
    @Override public Optional<Instant> startedAt() { return record.startedAt(); }
    @Override public Optional<Instant> endedAt() { return record.endedAt(); }
    @Override public Map<String, Object> parameters() { return record.parameters(); }
    @Override public Map<String, ArtifactVersion> inputs() { return inputs; }
    @Override public Map<String, ArtifactVersion> outputs() { return outputs; }
    @Override public Optional<String> error() { return record.error(); }
    @Override public Optional<dev.cairn.api.run.StepFailure> failure() { return record.failure(); }
    @Override public Optional<UUID> cachedFrom() { return record.cachedFrom(); }
    @Override public Optional<String> cacheNote() { return record.cacheNote(); }
    @Override public Optional<String> cacheKey() { return record.cacheKey(); }
    @Override public Optional<java.net.URI> logUri() { return record.logUri(); }
    @Override public Optional<Long> logSize() { return record.logSize(); }

    @Override
    public Optional<String> logs() {
        return record.logUri().map(logReader);
    }

    @Override
    public Optional<Duration> duration() {
        if (record.startedAt().isEmpty() || record.endedAt().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Duration.between(record.startedAt().get(), record.endedAt().get()));
    }

    @Override
    public ArtifactVersion output(String name) {
        ArtifactVersion output = outputs.get(name);
        if (output == null) {
            throw new CairnException(ErrorCode.STEP_NOT_FOUND,
                    "Step '" + record.stepName() + "' (status " + record.status() + ") has no output '" + name + "'; its outputs are " + outputs.keySet());
        }
        return output;
    }

    @Override
    public String toString() {
        return "StepRun[" + record.stepName() + ", " + record.status() + "]";
    }
}
