package dev.cairn.engine.execution;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

import dev.cairn.api.metadata.ArtifactVersionRecord;
import dev.cairn.api.metadata.InputKind;
import dev.cairn.api.metadata.MetadataStore;
import dev.cairn.api.metadata.StepInputRecord;
import dev.cairn.api.metadata.StepRunRecord;
import dev.cairn.api.run.RunListener;
import dev.cairn.api.run.StepStatus;
import dev.cairn.engine.artifacts.ArtifactService;
import dev.cairn.engine.cache.StepCache;
import dev.cairn.engine.client.EngineClient;
import dev.cairn.engine.compile.CompiledPipeline.CompiledArgument;
import dev.cairn.engine.compile.CompiledPipeline.CompiledOutput;
import dev.cairn.engine.compile.CompiledPipeline.CompiledStep;
import dev.cairn.engine.compile.CompiledPipeline.ExternalArgument;
import dev.cairn.engine.compile.CompiledPipeline.StepOutputArgument;
import dev.cairn.engine.execution.StepRecording.RunningMark;
import dev.cairn.engine.execution.StepRecording.SavedOutput;
import dev.cairn.engine.files.TemporaryFiles;
import dev.cairn.engine.logs.StepLogBuffer;
import dev.cairn.engine.logs.StepLogs;
import dev.cairn.engine.logs.StepOutputCapture;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one step: finds its inputs, lets {@link CacheNegotiation} decide between reusing a cached result and running
 * it, runs it through {@link StepInvocation}, saves its outputs, records the outcome through {@link StepRecording}, and
 * tells the run's listeners. Thread-safe.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class StepRunner {
    private static final Logger LOG = LoggerFactory.getLogger(StepRunner.class);

    private final ArtifactService artifacts;
    private final CacheNegotiation negotiation;
    private final StepInvocation invocation;
    private final StepRecording recording;
    private final MetadataStore metadata;
    private final Clock clock;

    private final TemporaryFiles temporaryFiles;
    private final StepLogs stepLogs;

    @Inject
    public StepRunner(MetadataStore metadata, ArtifactService artifacts, EngineClient client, Clock clock, StepCache cache,
            @Named("cairn-timers") ScheduledExecutorService timers, TemporaryFiles temporaryFiles, StepLogs stepLogs) {
        this.stepLogs = requireNonNull(stepLogs, "stepLogs is null");
        this.temporaryFiles = requireNonNull(temporaryFiles, "temporaryFiles is null");
        this.metadata = requireNonNull(metadata, "metadata is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.artifacts = requireNonNull(artifacts, "artifacts is null");
        this.negotiation = new CacheNegotiation(cache);
        this.invocation = new StepInvocation(metadata, artifacts, client);
        this.recording = new StepRecording(metadata, clock, timers);
    }

    /** The result of one step: its final record, and the error that failed it. */
    public record Outcome(int index, StepRunRecord record, Optional<String> error) {
        public boolean succeeded() {
            return record.status().isSuccessful();
        }
    }

    /**
     * Runs step {@code step} unless its run was cancelled first ({@link RunControl#enter}); when the run is cancelled
     * meanwhile and the step abandoned, what it saved is discarded and nothing is recorded (the scheduler recorded it).
     */
    public Outcome run(RunState state, CompiledStep step) {
        long startNanos = System.nanoTime();
        StepRunRecord record = state.stepRun(step.index());
        RunControl control = state.control();
        if (!control.enter(step.index())) {
            return new Outcome(step.index(), record, Optional.of("step '" + step.name() + "' did not start: " + control.cancellation().orElse("cancelled")));
        }
        Map<String, ArtifactVersionRecord> inputArtifacts = inputArtifacts(state, step);
        List<StepInputRecord> inputs = new ArrayList<>();
        UUID stepRunId = record.id();
        inputArtifacts.forEach((name, artifact) -> inputs.add(new StepInputRecord(stepRunId, name, artifact.id(), inputKind(step, name))));

        CacheNegotiation.Decision decision = negotiation.negotiate(state, step, record, inputArtifacts);
        if (decision instanceof CacheNegotiation.Reuse reuse) {
            if (!control.claimFinish(step.index())) {
                return new Outcome(step.index(), record, Optional.of("step '" + step.name() + "' was abandoned"));
            }
            Outcome outcome = recording.cached(state, step.index(), reuse.record(), reuse.hit().outputs(), inputs);
            applyStepTags(step, reuse.hit().outputs().values().stream().map(ArtifactVersionRecord::id).toList());
            notify(state, listener -> listener.stepStarted(step.name()));
            Duration duration = Duration.ofNanos(System.nanoTime() - startNanos);
            notify(state, listener -> listener.stepFinished(step.name(), StepStatus.CACHED, duration));
            return outcome;
        }
        CacheNegotiation.Compute compute = (CacheNegotiation.Compute) decision;
        Outcome outcome;
        try {
            outcome = execute(state, step, compute.record().started(recording.now()), inputArtifacts, inputs);
            compute.lease().ifPresent(StepCache.Lease::releasedWithCompletion);
        } finally {
            compute.lease().ifPresent(StepCache.Lease::close);
        }
        Duration duration = Duration.ofNanos(System.nanoTime() - startNanos);
        StepStatus status = outcome.record().status();
        notify(state, listener -> listener.stepFinished(step.name(), status, duration));
        return outcome;
    }

    private Outcome execute(RunState state, CompiledStep step, StepRunRecord started, Map<String, ArtifactVersionRecord> inputArtifacts,
            List<StepInputRecord> inputs) {
        String where = "step '" + step.name() + "' of pipeline '" + state.pipeline().name() + "'";
        RunningMark running = recording.started(state, started);
        RunControl control = state.control();
        control.onAbandon(step.index(), running::finish);
        notify(state, listener -> listener.stepStarted(step.name()));
        Map<String, SavedOutput> saved = new LinkedHashMap<>();
        boolean claimed = false;
        TemporaryFiles.Scope files = temporaryFiles.newScope(where + " (run " + state.runId() + ")");
        Optional<StepLogBuffer> log = stepLogs.newBuffer();
        try {
            LoggedOutputMetadata outputMetadata = new LoggedOutputMetadata(where,
                    step.outputs().stream().map(CompiledOutput::name).collect(java.util.stream.Collectors.toSet()));
            Object result;
            // what the step's code prints on this thread is teed into its log (threads it starts are not captured)
            try (StepOutputCapture.Scope captured = log.isPresent() ? StepOutputCapture.route(log.get()) : () -> {}) {
                result = invocation.call(state, step, inputArtifacts, where, outputMetadata, files);
            }
            for (CompiledOutput output : step.outputs()) {
                Object value = StepInvocation.outputValue(step, output, result, where);
                saved.put(output.name(), new SavedOutput(artifacts.save(new ArtifactService.SaveRequest(value, output.spec().type(),
                        output.materializer(), output.artifactName(), output.explicitVersion(), output.options(), Optional.of(started.id()),
                        "output '" + output.name() + "' of " + where, Optional.empty(),
                        Optional.of(producer(state, step, started, output.name(), inputs))))));
            }
            claimed = true;
            if (!control.claimFinish(step.index())) {
                discard(saved.values()); // abandoned after the grace period: the run is over, its outputs must not appear
                LOG.warn("{} returned after its run was cancelled and the step abandoned; its outputs were discarded", where);
                return new Outcome(step.index(), started, Optional.of(where + " was abandoned"));
            }
            Outcome completed = recording.completed(state, step.index(), running, saved, inputs, record -> stepLogs.store(record, log));
            applyStepTags(step, saved.values().stream().map(output -> output.artifact().record().id()).toList());
            saved.forEach((output, artifact) -> {
                java.util.Map<String, dev.cairn.api.artifact.MetadataValue> logged = outputMetadata.of(output);
                if (!logged.isEmpty()) {
                    try {
                        metadata.logMetadata(dev.cairn.api.metadata.MetadataTarget.ARTIFACT_VERSION, artifact.artifact().record().id(), logged, clock.instant());
                    } catch (RuntimeException e) {
                        LOG.error("Could not store the metadata {} that {} logged onto its output '{}'", logged.keySet(), where, output, e);
                    }
                }
            });
            return completed;
        } catch (RuntimeException | Error e) { // an Error too (OutOfMemoryError loading a huge input): the step and run end FAILED
            boolean mayRecord = claimed || control.claimFinish(step.index());
            discard(saved.values());
            if (!mayRecord) {
                LOG.warn("{} failed after its run was cancelled and the step abandoned: {}", where, e.toString());
                return new Outcome(step.index(), started, Optional.of(where + " was abandoned"));
            }
            LOG.warn("{} failed: {}", where, e.toString());
            String message = StepInvocation.describeFailure(where, e);
            if (control.isCancelled()) {
                message = "Interrupted because the run was cancelled (" + control.cancellation().orElseThrow() + "); " + message;
            }
            return recording.failed(state, step.index(), running, message, StepInvocation.stackTrace(e),
                    StepInvocation.failureOf(e), inputs, record -> stepLogs.store(record, log));
        } finally {
            files.close();
        }
    }

    /** Who writes an output, for its manifest: enough for {@code cairn doctor --rebuild} to restore the producer and its inputs. */
    private static dev.cairn.engine.artifacts.Manifest.Producer producer(RunState state, CompiledStep step, StepRunRecord started, String output,
            List<StepInputRecord> inputs) {
        return new dev.cairn.engine.artifacts.Manifest.Producer(started.id().toString(), state.runId().toString(), state.pipeline().name(),
                step.name(), started.position(), started.upstreamSteps(), output, inputs.stream().map(input -> new dev.cairn.engine.artifacts.Manifest.Input(input.name(),
                        input.artifactId().toString(), input.kind().name())).toList());
    }

    /** Puts the tags of the step's {@code @Step(tags = ...)} on its output versions; a failure is logged, the step's result stands. */
    private void applyStepTags(CompiledStep step, List<UUID> versionIds) {
        dev.cairn.api.pipeline.Step annotation = step.method().getAnnotation(dev.cairn.api.pipeline.Step.class);
        if (annotation == null || annotation.tags().length == 0) {
            return;
        }
        List<String> tags = List.of(annotation.tags());
        for (UUID versionId : versionIds) {
            try {
                metadata.tagArtifactVersion(versionId, tags, false);
            } catch (RuntimeException e) {
                LOG.error("Could not put the tags {} of step '{}' on its output version {}", tags, step.name(), versionId, e);
            }
        }
    }

    private static InputKind inputKind(CompiledStep step, String name) {
        for (CompiledArgument argument : step.arguments()) {
            if (argument.name().equals(name)) {
                return argument instanceof ExternalArgument ? InputKind.EXTERNAL_ARTIFACT : InputKind.STEP_OUTPUT;
            }
        }
        return InputKind.STEP_OUTPUT;
    }

    private static Map<String, ArtifactVersionRecord> inputArtifacts(RunState state, CompiledStep step) {
        Map<String, ArtifactVersionRecord> inputs = new LinkedHashMap<>();
        for (CompiledArgument argument : step.arguments()) {
            if (argument instanceof StepOutputArgument output) {
                inputs.put(argument.name(), state.output(output.producerIndex(), output.outputName()));
            } else if (argument instanceof ExternalArgument external) {
                inputs.put(argument.name(), external.artifact());
            }
        }
        return inputs;
    }

    private void discard(Iterable<SavedOutput> saved) {
        for (SavedOutput output : saved) {
            ArtifactService.SavedArtifact artifact = output.artifact();
            try {
                artifacts.delete(artifact);
            } catch (RuntimeException e) {
                LOG.warn("Could not remove artifact '{}' version {} of a failed step", artifact.record().name(), artifact.record().version(), e);
            }
        }
    }

    private static void notify(RunState state, Consumer<RunListener> event) {
        for (RunListener listener : state.listeners()) {
            try {
                event.accept(listener);
            } catch (RuntimeException e) {
                LOG.warn("Run listener {} failed", listener, e);
            }
        }
    }
}
