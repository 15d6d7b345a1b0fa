package dev.cairn.engine.client;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.metadata.PipelineRunRecord;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunStatus;
import dev.cairn.api.run.StepRun;

/** A snapshot of a pipeline run with its step runs. */
final class RecordedPipelineRun implements PipelineRun {
    private final PipelineRunRecord record;
    private final List<StepRun> steps;
    private final Map<String, StepRun> byName = new LinkedHashMap<>();

    RecordedPipelineRun(PipelineRunRecord record, List<StepRun> steps) {
        this.record = record;
        this.steps = List.copyOf(steps);
        for (StepRun step : steps) {
            byName.put(step.name(), step);
        }
    }

    @Override public UUID id() { return record.id(); }
    @Override public String pipelineName() { return record.pipelineName(); }
    @Override public RunStatus status() { return record.status(); }
    @Override public Instant startedAt() { return record.startedAt(); }
    @Override public Optional<Instant> endedAt() { return record.endedAt(); }
    @Override public Map<String, Object> parameters() { return record.parameters(); }
    @Override public List<StepRun> steps() { return steps; }
    @Override public Optional<String> error() { return record.error(); }

    @Override
    public StepRun step(String name) {
        StepRun step = byName.get(name);
        if (step == null) {
            throw new CairnException(ErrorCode.STEP_NOT_FOUND,
                    "Run " + record.id() + " of pipeline '" + record.pipelineName() + "' has no step '" + name + "'; its steps are " + byName.keySet());
        }
        return step;
    }

    @Override
    public String toString() {
        return "PipelineRun[" + record.pipelineName() + ", " + record.id() + ", " + record.status() + "]";
    }
}
