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

    EngineStepContext(RunState state, int stepIndex, EngineClient baseClient, EngineClient recordingClient) {
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
    public PipelineRun run() {
        return baseClient.getPipelineRun(state.runId());
    }
}
