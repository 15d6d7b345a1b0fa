package dev.cairn.engine.execution;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import dev.cairn.api.metadata.ArtifactVersionRecord;
import dev.cairn.api.metadata.MetadataStore;
import dev.cairn.api.metadata.MetadataStore.CommittedArtifact;
import dev.cairn.api.metadata.StepInputRecord;
import dev.cairn.api.metadata.StepOutputRecord;
import dev.cairn.api.metadata.StepRunRecord;
import dev.cairn.api.run.StepStatus;
import dev.cairn.engine.execution.StepRunner.Outcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records what became of a step, in the metadata store and in the run's state: reused from cache (batched with the
 * other cache hits of the run), running (only once it has run for a while), completed with its committed outputs, or
 * failed. Thread-safe.
 */
final class StepRecording {
    /**
     * A step is recorded as {@code RUNNING} only once it has run this long: a fast step goes from {@code PENDING} to its
     * final status in one write, which halves the metadata writes of short steps; a slow one shows as {@code RUNNING} to
     * other readers shortly after it starts.
     */
    static final Duration RUNNING_MARK_DELAY = Duration.ofMillis(100);

    private static final Logger LOG = LoggerFactory.getLogger(StepRecording.class);

    private final MetadataStore metadata;
    private final Clock clock;
    private final ScheduledExecutorService timers;

    StepRecording(MetadataStore metadata, Clock clock, ScheduledExecutorService timers) {
        this.metadata = requireNonNull(metadata, "metadata is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.timers = requireNonNull(timers, "timers is null");
    }

    Instant now() {
        return clock.instant();
    }

    /** Records a step whose outputs were reused from {@code outputs} (the cache hit's). */
    Outcome cached(RunState state, int index, StepRunRecord record, Map<String, ArtifactVersionRecord> outputs, List<StepInputRecord> inputs) {
        Instant now = clock.instant();
        StepRunRecord cached = record.toBuilder().status(StepStatus.CACHED).startedAt(now).endedAt(now).error(Optional.empty()).build();
        List<StepOutputRecord> outputRecords = new ArrayList<>();
        outputs.forEach((name, artifact) -> outputRecords.add(new StepOutputRecord(record.id(), name, artifact.id())));
        List<MetadataStore.StepCompletion> batch = state.defer(new MetadataStore.StepCompletion(cached, List.of(), inputs, outputRecords));
        if (!batch.isEmpty()) {
            state.record(batch, metadata::completeSteps);
        }
        state.update(cached);
        state.completed(index, outputs, inputs, outputRecords);
        return new Outcome(index, cached, Optional.empty());
    }

    /** Notes in the run's state that {@code running} started; the store hears of it after {@link #RUNNING_MARK_DELAY}. */
    RunningMark started(RunState state, StepRunRecord running) {
        state.update(running);
        return new RunningMark(running);
    }

    /**
     * Records a completed step with its committed outputs ({@code outputs} by output name, in the order saved);
     * {@code withLog} adds the stored log to the final record.
     */
    Outcome completed(RunState state, int index, RunningMark running, Map<String, SavedOutput> outputs, List<StepInputRecord> inputs,
            java.util.function.UnaryOperator<StepRunRecord> withLog) {
        StepRunRecord record = running.record;
        List<CommittedArtifact> committed = new ArrayList<>();
        Map<String, ArtifactVersionRecord> ready = new java.util.LinkedHashMap<>();
        List<StepOutputRecord> outputRecords = new ArrayList<>();
        outputs.forEach((name, saved) -> {
            ArtifactVersionRecord version = saved.ready();
            committed.add(new CommittedArtifact(version.id(), saved.artifact().uri(), saved.artifact().visualizations()));
            ready.put(name, version);
            outputRecords.add(new StepOutputRecord(record.id(), name, version.id()));
        });
        StepRunRecord finished = withLog.apply(record.finished(StepStatus.COMPLETED, clock.instant(), Optional.empty()));
        running.finish();
        metadata.completeStep(finished, committed, inputs, outputRecords);
        state.update(finished);
        state.completed(index, ready, inputs, outputRecords);
        return new Outcome(index, finished, Optional.empty());
    }

    /** Records a failed step; a failure to record it is logged, not thrown (the run goes on to fail the step). */
    Outcome failed(RunState state, int index, RunningMark running, String message, String details, dev.cairn.api.run.StepFailure failure,
            List<StepInputRecord> inputs, java.util.function.UnaryOperator<StepRunRecord> withLog) {
        StepRunRecord failed = withLog.apply(running.record.failed(clock.instant(), message + "\n" + details, failure));
        running.finish();
        try {
            metadata.completeStep(failed, List.of(), inputs, List.of());
        } catch (RuntimeException recording) {
            // e.g. an input that no longer exists: record the failure without the inputs, so the step is not left PENDING
            try {
                metadata.updateStepRun(failed);
                LOG.warn("Recorded the failure of step run {} ({}) without its inputs: {}", failed.id(), failed.stepName(), recording.toString());
            } catch (RuntimeException again) {
                recording.addSuppressed(again);
                LOG.error("Could not record the failure of step run {} ({})", failed.id(), failed.stepName(), recording);
            }
        }
        state.update(failed);
        return new Outcome(index, failed, Optional.of(message));
    }

    /** An output saved by the step, with its version record as it is once committed. */
    record SavedOutput(dev.cairn.engine.artifacts.ArtifactService.SavedArtifact artifact) {
        ArtifactVersionRecord ready() {
            return artifact.record().toBuilder().uri(artifact.uri()).state(dev.cairn.api.metadata.ArtifactState.READY).build();
        }
    }

    /** The deferred {@code RUNNING} record of one step. */
    final class RunningMark {
        private final StepRunRecord record;
        private final ScheduledFuture<?> task;
        private boolean finished;

        private RunningMark(StepRunRecord running) {
            this.record = running;
            this.task = timers.schedule(() -> {
                synchronized (this) {
                    if (!finished) {
                        try {
                            metadata.updateStepRun(running);
                        } catch (RuntimeException e) {
                            LOG.warn("Could not record step run {} as running", running.id(), e);
                        }
                    }
                }
            }, RUNNING_MARK_DELAY.toMillis(), TimeUnit.MILLISECONDS);
        }

        StepRunRecord record() {
            return record;
        }

        synchronized void finish() {
            finished = true;
            task.cancel(false);
        }
    }
}
