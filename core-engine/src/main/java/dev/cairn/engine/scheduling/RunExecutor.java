package dev.cairn.engine.scheduling;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import dev.cairn.api.CairnConfiguration;
import dev.cairn.api.metadata.MetadataStore;
import dev.cairn.api.metadata.PipelineRunRecord;
import dev.cairn.api.metadata.StepRunRecord;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunListener;
import dev.cairn.api.run.RunStatus;
import dev.cairn.api.run.StepStatus;
import dev.cairn.engine.cache.CacheLookahead;
import dev.cairn.engine.cache.StepCache;
import dev.cairn.engine.client.EngineClient;
import dev.cairn.engine.compile.CompiledPipeline;
import dev.cairn.engine.compile.CompiledPipeline.CompiledStep;
import dev.cairn.engine.execution.RunState;
import dev.cairn.engine.execution.StepRunner;
import dev.cairn.engine.execution.StepRunner.Outcome;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import org.jgrapht.graph.DefaultEdge;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apiguardian.api.API;

/**
 * Runs a compiled pipeline: steps whose inputs are ready run in parallel (up to the parallelism), dependent
 * ones in topological order. A failed step fails the run; the steps below it are recorded as {@code SKIPPED};
 * independent branches still run to completion.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class RunExecutor {
    private static final Logger LOG = LoggerFactory.getLogger(RunExecutor.class);

    private final MetadataStore metadata;
    private final StepRunner stepRunner;
    private final EngineClient client;
    private final Clock clock;
    private final StepCache cache;
    private final ExecutorService cacheChecks;

    private final ScheduledExecutorService timers;
    private final Duration heartbeatTimeout;

    @Inject
    public RunExecutor(MetadataStore metadata, StepRunner stepRunner, EngineClient client, Clock clock, StepCache cache,
            @Named("cairn-cache-checks") ExecutorService cacheChecks, @Named("cairn-timers") ScheduledExecutorService timers,
            CairnConfiguration configuration) {
        this.timers = requireNonNull(timers, "timers is null");
        this.heartbeatTimeout = configuration.runHeartbeatTimeout();
        this.cache = requireNonNull(cache, "cache is null");
        this.cacheChecks = requireNonNull(cacheChecks, "cacheChecks is null");
        this.metadata = requireNonNull(metadata, "metadata is null");
        this.stepRunner = requireNonNull(stepRunner, "stepRunner is null");
        this.client = requireNonNull(client, "client is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    public PipelineRun execute(CompiledPipeline pipeline, List<RunListener> listeners, ExecutorService workers, int parallelism) {
        return execute(pipeline, listeners, workers, parallelism, true);
    }

    /** Runs {@code pipeline}; {@code verifyInputs} says whether steps' inputs are checked against their content hashes first. */
    public PipelineRun execute(CompiledPipeline pipeline, List<RunListener> listeners, ExecutorService workers, int parallelism, boolean verifyInputs) {
        UUID runId = UUID.randomUUID();
        List<CompiledStep> steps = pipeline.steps();
        Map<String, Object> parameters = new LinkedHashMap<>();
        List<StepRunRecord> stepRuns = new ArrayList<>(steps.size());
        for (CompiledStep step : steps) {
            step.parameters().forEach((name, value) -> parameters.put(step.name() + "." + name, value));
            List<String> upstream = step.upstream().stream().map(i -> steps.get(i).name()).toList();
            stepRuns.add(StepRunRecord.builder()
                    .id(dev.cairn.engine.ids.TimeOrderedIds.next())
                    .runId(runId)
                    .stepName(step.name())
                    .position(step.index())
                    .upstreamSteps(upstream)
                    .status(StepStatus.PENDING)
                    .parameters(step.parameters())
                    .build());
        }
        pipeline.pipeline().options().substitutions().forEach((k, v) -> parameters.put("substitutions." + k, v));
        PipelineRunRecord run = new PipelineRunRecord(runId, pipeline.name(), RunStatus.RUNNING, pipeline.runStart(), Optional.empty(), parameters, Optional.empty());
        metadata.insertRun(run, stepRuns);
        ScheduledFuture<?> heartbeat = startHeartbeat(runId);
        try {
            return execute(pipeline, listeners, workers, parallelism, run, stepRuns, parameters, verifyInputs);
        } finally {
            heartbeat.cancel(false);
        }
    }

    /**
     * Renews the run now and every third of the heartbeat timeout, so that other processes can tell a running run from
     * one whose process died ({@link MetadataStore#failAbandonedRuns}).
     */
    private ScheduledFuture<?> startHeartbeat(UUID runId) {
        metadata.renewRun(runId, clock.instant().plus(heartbeatTimeout));
        long period = Math.max(1, heartbeatTimeout.toMillis() / 3);
        return timers.scheduleAtFixedRate(() -> {
            try {
                metadata.renewRun(runId, clock.instant().plus(heartbeatTimeout));
            } catch (RuntimeException e) {
                LOG.warn("Could not renew run {}: {}", runId, e.toString());
            }
        }, period, period, TimeUnit.MILLISECONDS);
    }

    private PipelineRun execute(CompiledPipeline pipeline, List<RunListener> listeners, ExecutorService workers, int parallelism,
            PipelineRunRecord run, List<StepRunRecord> stepRuns, Map<String, Object> parameters, boolean verifyInputs) {
        UUID runId = run.id();
        List<CompiledStep> steps = pipeline.steps();
        RunState state = new RunState(pipeline, run, stepRuns, listeners);
        state.verifyInputs(verifyInputs);
        for (RunListener listener : listeners) {
            try {
                listener.runStarted(pipeline.name(), runId, steps.size());
            } catch (RuntimeException e) {
                LOG.warn("Run listener failed", e);
            }
        }
        List<String> failures;
        CacheLookahead lookahead = steps.stream().anyMatch(CompiledStep::cacheEnabled)
                ? CacheLookahead.start(cache, pipeline, state::finishedOutputs, cacheChecks)
                : null;
        state.attach(lookahead);
        try {
            failures = schedule(state, workers, parallelism);
        } finally {
            try {
                if (lookahead != null) {
                    lookahead.close();
                }
            } finally {
                metadata.completeSteps(state.drainDeferred());
            }
        }
        RunStatus status = failures.isEmpty() ? RunStatus.COMPLETED : RunStatus.FAILED;
        Optional<String> error = failures.isEmpty() ? Optional.empty() : Optional.of(String.join("\n", failures));
        Instant ended = clock.instant();
        metadata.finishRun(runId, status, ended, error);
        PipelineRunRecord finished = new PipelineRunRecord(runId, pipeline.name(), status, run.startedAt(), Optional.of(ended), parameters, error);
        PipelineRun snapshot = client.snapshot(finished, state.stepRuns(), state.inputRecords(), state.outputRecords(),
                id -> Optional.ofNullable(state.artifact(id)).or(() -> metadata.findArtifactVersion(id)));
        for (RunListener listener : listeners) {
            try {
                listener.runFinished(snapshot);
            } catch (RuntimeException e) {
                LOG.warn("Run listener failed", e);
            }
        }
        return snapshot;
    }

    private List<String> schedule(RunState state, ExecutorService workers, int parallelism) {
        CompiledPipeline pipeline = state.pipeline();
        List<CompiledStep> steps = pipeline.steps();
        int count = steps.size();
        int[] waitingOn = new int[count];
        int[][] successors = successors(pipeline);
        Deque<Integer> ready = new ArrayDeque<>();
        for (CompiledStep step : steps) {
            waitingOn[step.index()] = step.upstream().size();
            if (waitingOn[step.index()] == 0) {
                ready.add(step.index());
            }
        }
        boolean[] done = new boolean[count];
        BlockingQueue<Outcome> finished = new LinkedBlockingQueue<>();
        List<String> failures = new ArrayList<>();
        int completed = 0;
        int running = 0;
        while (completed < count) {
            while (!ready.isEmpty() && running < parallelism) {
                int index = ready.poll();
                CompiledStep step = steps.get(index);
                if (ready.isEmpty() && running == 0) {
                    // Only one step can run now: run it here and spare the hand-off to a worker thread.
                    completed += handle(state, stepRunner.run(state, step), successors, waitingOn, ready, done, failures);
                    continue;
                }
                running++;
                workers.execute(() -> {
                    Outcome outcome;
                    try {
                        outcome = stepRunner.run(state, step);
                    } catch (RuntimeException | Error e) {
                        LOG.error("Step '{}' could not be recorded", step.name(), e);
                        StepRunRecord failed = state.stepRun(index).finished(StepStatus.FAILED, clock.instant(), Optional.of(e.toString()));
                        outcome = new Outcome(index, failed, Optional.of("step '" + step.name() + "' failed: " + e));
                    }
                    finished.add(outcome);
                });
            }
            if (completed >= count) {
                break;
            }
            if (running == 0 && ready.isEmpty()) {
                throw new IllegalStateException("scheduler stalled with " + (count - completed) + " steps left");
            }
            Outcome outcome;
            try {
                outcome = finished.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new dev.cairn.api.CairnException(dev.cairn.api.ErrorCode.STEP_FAILED, "Run " + state.runId() + " was interrupted", e);
            }
            running--;
            completed += handle(state, outcome, successors, waitingOn, ready, done, failures);
        }
        return failures;
    }

    /** Records a finished step and releases or skips the steps below it; returns how many steps became finished. */
    private int handle(RunState state, Outcome outcome, int[][] successors, int[] waitingOn, Deque<Integer> ready, boolean[] done, List<String> failures) {
        int index = outcome.index();
        done[index] = true;
        if (outcome.succeeded()) {
            for (int next : successors[index]) {
                if (--waitingOn[next] == 0) {
                    ready.add(next);
                }
            }
            return 1;
        }
        String failedName = state.pipeline().steps().get(index).name();
        failures.add(outcome.error().orElse("step '" + failedName + "' failed"));
        return 1 + skipBelow(state, index, failedName, successors, done);
    }

    private int skipBelow(RunState state, int failedIndex, String failedName, int[][] successors, boolean[] done) {
        int skipped = 0;
        Deque<Integer> pending = new ArrayDeque<>();
        for (int next : successors[failedIndex]) {
            pending.add(next);
        }
        Instant now = clock.instant();
        while (!pending.isEmpty()) {
            int index = pending.poll();
            if (done[index]) {
                continue;
            }
            done[index] = true;
            skipped++;
            StepRunRecord record = state.stepRun(index).finished(StepStatus.SKIPPED, now,
                    Optional.of("Not run because upstream step '" + failedName + "' failed"));
            state.update(record);
            metadata.updateStepRun(record);
            String name = state.pipeline().steps().get(index).name();
            for (RunListener listener : state.listeners()) {
                try {
                    listener.stepFinished(name, StepStatus.SKIPPED, java.time.Duration.ZERO);
                } catch (RuntimeException e) {
                    LOG.warn("Run listener failed", e);
                }
            }
            for (int next : successors[index]) {
                pending.add(next);
            }
        }
        return skipped;
    }

    private static int[][] successors(CompiledPipeline pipeline) {
        int count = pipeline.steps().size();
        int[][] successors = new int[count][];
        for (int i = 0; i < count; i++) {
            var edges = pipeline.graph().outgoingEdgesOf(i);
            int[] targets = new int[edges.size()];
            int j = 0;
            for (DefaultEdge edge : edges) {
                targets[j++] = pipeline.graph().getEdgeTarget(edge);
            }
            successors[i] = targets;
        }
        return successors;
    }
}
