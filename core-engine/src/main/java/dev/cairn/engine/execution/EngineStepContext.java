package dev.cairn.engine.execution;

import java.util.UUID;

import dev.cairn.api.Client;
import dev.cairn.api.StepContext;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.engine.client.EngineClient;

/** The {@link StepContext} of one running step. */
final class EngineStepContext implements StepContext {
    private final RunState state;
    private final int stepIndex;
    private final EngineClient client;
    private final EngineClient baseClient;
    private final LoggedOutputMetadata outputMetadata;

    EngineStepContext(RunState state, int stepIndex, EngineClient baseClient, EngineClient recordingClient, LoggedOutputMetadata outputMetadata) {
        this.outputMetadata = outputMetadata;
        this.state = state;
        this.stepIndex = stepIndex;
        this.baseClient = baseClient;
        this.client = recordingClient;
    }

    @Override public UUID runId() { return state.runId(); }
    @Override public String pipelineName() { return state.pipeline().name(); }
    @Override public String stepName() { return state.pipeline().steps().get(stepIndex).name(); }
    @Override public UUID stepRunId() { return state.stepRun(stepIndex).id(); }
    @Override public Client client() { return client; }

    @Override
    public void logMetadata(java.util.Map<String, ?> values) {
        outputMetadata.logOntoAll(dev.cairn.api.artifact.MetadataValue.ofAll(values));
    }

    @Override
    public void logMetadata(String output, java.util.Map<String, ?> values) {
        java.util.Objects.requireNonNull(output, "output is null");
        outputMetadata.logOnto(output, dev.cairn.api.artifact.MetadataValue.ofAll(values));
    }

    @Override
    public void logRunMetadata(java.util.Map<String, ?> values) {
        baseClient.logRunMetadata(state.runId(), values);
    }

    @Override
    public PipelineRun run() {
        return baseClient.getPipelineRun(state.runId());
    }
}
