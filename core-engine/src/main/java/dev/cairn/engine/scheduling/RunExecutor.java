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
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.metadata.ArtifactVersionRecord;
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
import dev.cairn.engine.execution.RunControl;
import dev.cairn.engine.execution.RunState;
import dev.cairn.engine.execution.StepRunner;
import dev.cairn.engine.execution.StepRunner.Outcome;
import dev.cairn.engine.lifecycle.ProcessLiveness;
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
    private final Duration gracePeriod;

    @Inject
    public RunExecutor(MetadataStore metadata, StepRunner stepRunner, EngineClient client, Clock clock, StepCache cache,
            @Named("cairn-cache-checks") ExecutorService cacheChecks, @Named("cairn-timers") ScheduledExecutorService timers,
            CairnConfiguration configuration) {
        this.timers = requireNonNull(timers, "timers is null");
        this.heartbeatTimeout = configuration.runHeartbeatTimeout();
        this.gracePeriod = configuration.cancelGracePeriod();
        this.cache = requireNonNull(cache, "cache is null");
        this.cacheChecks = requireNonNull(cacheChecks, "cacheChecks is null");
        this.metadata = requireNonNull(metadata, "metadata is null");
        this.stepRunner = requireNonNull(stepRunner, "stepRunner is null");
        this.client = requireNonNull(client, "client is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** A run recorded as {@code RUNNING}, not started yet; {@link #execute(PreparedRun, List, ExecutorService, int, boolean)} runs it. */
    public record PreparedRun(CompiledPipeline pipeline, PipelineRunRecord run, List<StepRunRecord> stepRuns, Map<String, Object> parameters,
            RunControl control) {}

    /** Records a new run of {@code pipeline} as {@code RUNNING}, with its steps {@code PENDING}. */
    public PreparedRun prepare(CompiledPipeline pipeline) {
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
        insertRun(pipeline, run, stepRuns);
        return new PreparedRun(pipeline, run, stepRuns, parameters, new RunControl(runId));
    }

    public PipelineRun execute(CompiledPipeline pipeline, List<RunListener> listeners, ExecutorService workers, int parallelism) {
        return execute(prepare(pipeline), listeners, workers, parallelism, true);
    }

    /** Runs {@code pipeline}; {@code verifyInputs} says whether steps' inputs are checked against their content hashes first. */
    public PipelineRun execute(CompiledPipeline pipeline, List<RunListener> listeners, ExecutorService workers, int parallelism, boolean verifyInputs) {
        return execute(prepare(pipeline), listeners, workers, parallelism, verifyInputs);
    }

    /**
     * Runs a prepared run to its end and records it: {@code COMPLETED}, {@code FAILED}, or {@code CANCELLED} when its
     * {@link RunControl} was cancelled (by a handle, its timeout, or the engine's close) before it finished.
     */
    public PipelineRun execute(PreparedRun prepared, List<RunListener> listeners, ExecutorService workers, int parallelism, boolean verifyInputs) {
        RunControl control = prepared.control();
        UUID runId = prepared.run().id();
        ScheduledFuture<?> timeout = prepared.pipeline().pipeline().options().timeout()
                .map(limit -> (ScheduledFuture<?>) timers.schedule(() -> control.cancel("the run timeout",
                        "the run took longer than its timeout of " + limit + " (PipelineOptions.timeout)"), limit.toNanos(), TimeUnit.NANOSECONDS))
                .orElse(null);
        ScheduledFuture<?> heartbeat = null;
        try {
            heartbeat = startHeartbeat(runId);
            return execute(prepared.pipeline(), listeners, workers, parallelism, prepared.run(), prepared.stepRuns(), prepared.parameters(), control, verifyInputs);
        } finally {
            if (timeout != null) {
                timeout.cancel(false);
            }
            if (heartbeat != null) {
                heartbeat.cancel(false);
            }
            control.finished();
        }
    }

    /**
     * Records the run with this process as its owner and a lease on every existing version it reads
     * ({@code p.artifact(...)}), so that a prune keeps them while the run is running; a version pruned since the pipeline
     * resolved it refuses the run, naming it.
     */
    private void insertRun(CompiledPipeline pipeline, PipelineRunRecord run, List<StepRunRecord> stepRuns) {
        Map<UUID, ArtifactVersionRecord> external = new LinkedHashMap<>();
        for (CompiledStep step : pipeline.steps()) {
            for (CompiledPipeline.CompiledArgument argument : step.arguments()) {
                if (argument instanceof CompiledPipeline.ExternalArgument input) {
                    external.put(input.artifact().id(), input.artifact());
                }
            }
        }
        try {
            metadata.insertRun(run, stepRuns, Optional.of(ProcessLiveness.local().currentProcess()), external.keySet());
        } catch (CairnException e) {
            if (e.errorCode() != ErrorCode.ARTIFACT_NOT_FOUND) {
                throw e;
            }
            List<String> gone = external.values().stream().filter(v -> e.getMessage().contains(v.id().toString()))
                    .map(v -> "'" + v.name() + "' version " + v.version()).toList();
            throw new CairnException(ErrorCode.ARTIFACT_NOT_FOUND, "Pipeline '" + pipeline.name() + "' reads " + String.join(", ", gone)
                    + ", which a prune deleted after the pipeline resolved it; the run was not started. Run the pipeline again to use the"
                    + " versions that exist now", e);
        }
    }

    /**
     * Renews the run now and every third of the heartbeat timeout, so that other processes can tell a running run from
     * one whose process died ({@link MetadataStore#listExpiredRuns}).
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
            PipelineRunRecord run, List<StepRunRecord> stepRuns, Map<String, Object> parameters, RunControl control, boolean verifyInputs) {
        UUID runId = run.id();
        List<CompiledStep> steps = pipeline.steps();
        RunState state = new RunState(pipeline, run, stepRuns, listeners, control);
        state.verifyInputs(verifyInputs);
        for (RunListener listener : listeners) {
            try {
                listener.runStarted(pipeline.name(), runId, steps.size());
            } catch (RuntimeException e) {
                LOG.warn("Run listener failed", e);
            }
        }
        control.whenCancelled(reason -> {
            for (RunListener listener : listeners) {
                try {
                    listener.runCancelled(runId, reason);
                } catch (RuntimeException e) {
                    LOG.warn("Run listener failed", e);
                }
            }
        });
        List<String> failures;
        CacheLookahead lookahead = steps.stream().anyMatch(CompiledStep::cacheEnabled)
                ? CacheLookahead.start(cache, pipeline, state::finishedOutputs, cacheChecks)
                : null;
        state.attach(lookahead);
        // a full batch of cache hits is written off the scheduler's path; the run's end waits for it (below)
        state.recordOn(cacheChecks);
        try {
            failures = schedule(state, workers, parallelism);
        } finally {
            try {
                if (lookahead != null) {
                    lookahead.close();
                }
            } finally {
                try {
                    state.awaitRecorded();
                    metadata.completeSteps(state.drainDeferred());
                } catch (CairnException e) {
                    if (abandonedMeanwhile(runId).isEmpty()) {
                        throw e;
                    }
                    LOG.warn("The cache hits of run {} were not recorded: {}", runId, e.getMessage());
                }
            }
        }
        Optional<String> cancellation = control.wasCutShort() ? control.cancellation() : Optional.empty();
        RunStatus status = cancellation.isPresent() ? RunStatus.CANCELLED : failures.isEmpty() ? RunStatus.COMPLETED : RunStatus.FAILED;
        List<String> reasons = new ArrayList<>();
        cancellation.ifPresent(reasons::add);
        reasons.addAll(failures);
        Optional<String> error = reasons.isEmpty() ? Optional.empty() : Optional.of(String.join("\n", reasons));
        if (cancellation.isPresent()) {
            LOG.info("Run {} of pipeline '{}' was cancelled: {}", runId, pipeline.name(), cancellation.get());
        }
        Instant ended = clock.instant();
        try {
            metadata.finishRun(runId, status, ended, error);
        } catch (CairnException e) {
            Optional<PipelineRunRecord> recorded = abandonedMeanwhile(runId);
            if (recorded.isEmpty()) {
                throw e;
            }
            // a resumed process never records success over what another process recorded as abandoned (and maybe pruned)
            LOG.error("Run {} was recorded as {} by another process while this one was paused or cut off; its outcome ({}) is not recorded",
                    runId, recorded.get().status(), status);
            status = RunStatus.FAILED;
            error = Optional.of("This process finished the run after another process had recorded it as " + recorded.get().status()
                    + " (abandoned), so nothing more of it was recorded and its inputs or outputs may have been pruned meanwhile: run the"
                    + " pipeline again. Recorded error: " + recorded.get().error().orElse("(none)")
                    + (failures.isEmpty() ? "" : "\nFailures seen by this process:\n" + String.join("\n", failures)));
        }
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

    /** Wakes the scheduler of a cancelled run. */
    private static final Outcome WAKE_UP = new Outcome(-1, null, Optional.empty());

    /** The run as recorded, when it is no longer {@code RUNNING} (another process recorded it as abandoned). */
    private Optional<PipelineRunRecord> abandonedMeanwhile(UUID runId) {
        try {
            return metadata.findRun(runId).filter(recorded -> recorded.status() != RunStatus.RUNNING);
        } catch (RuntimeException e) {
            LOG.warn("Cannot read run {} back: {}", runId, e.toString());
            return Optional.empty();
        }
    }

    private List<String> schedule(RunState state, ExecutorService workers, int parallelism) {
        CompiledPipeline pipeline = state.pipeline();
        RunControl control = state.control();
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
        boolean[] launched = new boolean[count];
        BlockingQueue<Outcome> finished = new LinkedBlockingQueue<>();
        control.onCancel(() -> finished.add(WAKE_UP));
        List<String> failures = new ArrayList<>();
        int completed = 0;
        int running = 0;
        // Every step runs on a worker thread, never on this one: a cancelled run must be able to give up on a step that
        // ignores its interruption, and this thread records the run.
        while (completed < count && !control.isCancelled()) {
            while (!ready.isEmpty() && running < parallelism && !control.isCancelled()) {
                int index = ready.poll();
                CompiledStep step = steps.get(index);
                running++;
                launched[index] = true;
                control.queued(index);
                workers.execute(() -> finished.add(runStep(state, step)));
            }
            if (completed >= count || control.isCancelled()) {
                break;
            }
            if (running == 0 && ready.isEmpty()) {
                throw new IllegalStateException("scheduler stalled with " + (count - completed) + " steps left");
            }
            Outcome outcome = take(finished, state);
            if (outcome == WAKE_UP) {
                continue;
            }
            if (control.isCancelled()) {
                finished.add(outcome); // the cancelled run's end sorts it out with the others
                break;
            }
            running--;
            completed += handle(state, outcome, successors, waitingOn, ready, done, failures);
        }
        if (control.isCancelled() && completed < count) {
            finishCancelled(state, finished, launched, done, failures);
        }
        return failures;
    }

    /** Runs one step on a worker thread; what escapes the step runner fails the step. */
    private Outcome runStep(RunState state, CompiledStep step) {
        int index = step.index();
        try {
            return stepRunner.run(state, step);
        } catch (RuntimeException | Error e) {
            LOG.error("Step '{}' could not be recorded", step.name(), e);
            StepRunRecord failed = state.stepRun(index).finished(StepStatus.FAILED, clock.instant(), Optional.of(e.toString()));
            if (state.control().claimFinish(index)) {
                try {
                    metadata.updateStepRun(failed);
                    state.update(failed);
                } catch (RuntimeException recording) {
                    LOG.error("Could not record the failure of step '{}'", step.name(), recording);
                }
            }
            return new Outcome(index, failed, Optional.of("step '" + step.name() + "' failed: " + e));
        }
    }

    private static Outcome take(BlockingQueue<Outcome> finished, RunState state) {
        try {
            return finished.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new dev.cairn.api.CairnException(dev.cairn.api.ErrorCode.STEP_FAILED, "Run " + state.runId() + " was interrupted", e);
        }
    }

    /**
     * Ends a cancelled run: steps not started are recorded {@code SKIPPED}; running steps (already interrupted) get the
     * grace period to stop; those still running after it are abandoned and recorded {@code FAILED}.
     */
    private void finishCancelled(RunState state, BlockingQueue<Outcome> finished, boolean[] launched, boolean[] done, List<String> failures) {
        RunControl control = state.control();
        control.cutShort();
        String reason = control.cancellation().orElseThrow();
        List<CompiledStep> steps = state.pipeline().steps();
        Instant now = clock.instant();
        int inFlight = 0;
        for (CompiledStep step : steps) {
            int index = step.index();
            if (done[index]) {
                continue;
            }
            if (!launched[index] || control.withdraw(index)) {
                done[index] = true;
                recordEnd(state, index, StepStatus.SKIPPED, now, "Not run: " + reason);
            } else {
                inFlight++;
            }
        }
        long deadline = System.nanoTime() + gracePeriod.toNanos();
        while (inFlight > 0) {
            Outcome outcome;
            try {
                outcome = finished.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                outcome = null;
            }
            if (outcome == null) {
                break;
            }
            if (outcome == WAKE_UP || done[outcome.index()]) {
                continue;
            }
            done[outcome.index()] = true;
            inFlight--;
            if (!outcome.succeeded()) {
                failures.add(outcome.error().orElse("step '" + steps.get(outcome.index()).name() + "' failed"));
            }
        }
        for (CompiledStep step : steps) {
            int index = step.index();
            if (done[index]) {
                continue;
            }
            if (control.abandon(index)) {
                done[index] = true;
                String message = "Abandoned: step '" + step.name() + "' was interrupted because the run was cancelled (" + reason
                        + ") and did not stop within the grace period of " + gracePeriod + "; whatever it saves from now on is discarded";
                LOG.warn("Run {}: {}", state.runId(), message);
                recordEnd(state, index, StepStatus.FAILED, clock.instant(), message);
            } else {
                // it is recording its outcome right now: wait for it
                while (!done[index]) {
                    Outcome outcome = take(finished, state);
                    if (outcome != WAKE_UP) {
                        done[outcome.index()] = true;
                    }
                }
            }
        }
    }

    private void recordEnd(RunState state, int index, StepStatus status, Instant at, String message) {
        StepRunRecord record = state.stepRun(index).finished(status, at, Optional.of(message));
        state.update(record);
        try {
            metadata.updateStepRun(record);
        } catch (RuntimeException e) {
            LOG.error("Could not record step run {} of cancelled run {} as {}", record.id(), state.runId(), status, e);
        }
        String name = state.pipeline().steps().get(index).name();
        for (RunListener listener : state.listeners()) {
            try {
                listener.stepFinished(name, status, java.time.Duration.ZERO);
            } catch (RuntimeException e) {
                LOG.warn("Run listener failed", e);
            }
        }
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
