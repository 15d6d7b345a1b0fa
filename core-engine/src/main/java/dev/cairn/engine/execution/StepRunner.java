package dev.cairn.engine.execution;

import static java.util.Objects.requireNonNull;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.StepContextHolder;
import dev.cairn.api.artifact.LoadOptions;
import dev.cairn.api.metadata.ArtifactVersionRecord;
import dev.cairn.api.metadata.InputKind;
import dev.cairn.api.metadata.MetadataStore;
import dev.cairn.api.metadata.MetadataStore.CommittedArtifact;
import dev.cairn.api.metadata.StepInputRecord;
import dev.cairn.api.metadata.StepOutputRecord;
import dev.cairn.api.metadata.StepRunRecord;
import dev.cairn.api.pipeline.GenericTypes;
import dev.cairn.api.run.RunListener;
import dev.cairn.api.run.StepStatus;
import dev.cairn.engine.artifacts.ArtifactService;
import dev.cairn.engine.client.EngineClient;
import dev.cairn.engine.compile.CompiledPipeline.CompiledArgument;
import dev.cairn.engine.compile.CompiledPipeline.CompiledOutput;
import dev.cairn.engine.compile.CompiledPipeline.CompiledStep;
import dev.cairn.engine.compile.CompiledPipeline.ExternalArgument;
import dev.cairn.engine.compile.CompiledPipeline.ParameterArgument;
import dev.cairn.engine.compile.CompiledPipeline.StepOutputArgument;
import jakarta.inject.Inject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs one step: loads its inputs, calls its method, saves its outputs, and records it. */
public final class StepRunner {
    private static final Logger LOG = LoggerFactory.getLogger(StepRunner.class);

    private final MetadataStore metadata;
    private final ArtifactService artifacts;
    private final EngineClient client;
    private final Clock clock;

    @Inject
    public StepRunner(MetadataStore metadata, ArtifactService artifacts, EngineClient client, Clock clock) {
        this.metadata = requireNonNull(metadata, "metadata is null");
        this.artifacts = requireNonNull(artifacts, "artifacts is null");
        this.client = requireNonNull(client, "client is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** The result of one step: its final record, and the error that failed it. */
    public record Outcome(int index, StepRunRecord record, Optional<String> error) {
        public boolean succeeded() {
            return record.status().isSuccessful();
        }
    }

    public Outcome run(RunState state, CompiledStep step) {
        long startNanos = System.nanoTime();
        StepRunRecord record = state.stepRun(step.index()).started(clock.instant());
        state.update(record);
        metadata.updateStepRun(record);
        notify(state, listener -> listener.stepStarted(step.name()));
        String where = "step '" + step.name() + "' of pipeline '" + state.pipeline().name() + "'";
        List<StepInputRecord> inputs = new ArrayList<>();
        List<ArtifactService.SavedArtifact> saved = new ArrayList<>();
        Outcome outcome;
        try {
            Object[] arguments = arguments(state, step, record, inputs);
            Object result = invoke(state, step, arguments, where);
            Map<String, ArtifactVersionRecord> outputs = new LinkedHashMap<>();
            List<StepOutputRecord> outputRecords = new ArrayList<>();
            for (CompiledOutput output : step.outputs()) {
                Object value = outputValue(step, output, result, where);
                ArtifactService.SavedArtifact artifact = artifacts.save(new ArtifactService.SaveRequest(value, output.spec().type(), output.materializer(),
                        output.artifactName(), output.explicitVersion(), output.options(), Optional.of(record.id()), "output '" + output.name() + "' of " + where));
                saved.add(artifact);
            }
            List<CommittedArtifact> committed = new ArrayList<>();
            for (int i = 0; i < saved.size(); i++) {
                ArtifactService.SavedArtifact artifact = saved.get(i);
                String outputName = step.outputs().get(i).name();
                ArtifactVersionRecord ready = readyRecord(artifact);
                committed.add(new CommittedArtifact(ready.id(), artifact.uri(), artifact.visualizations()));
                outputs.put(outputName, ready);
                outputRecords.add(new StepOutputRecord(record.id(), outputName, ready.id()));
            }
            StepRunRecord finished = record.finished(StepStatus.COMPLETED, clock.instant(), Optional.empty());
            metadata.completeStep(finished, committed, inputs, outputRecords);
            state.update(finished);
            state.completed(step.index(), outputs, inputs, outputRecords);
            outcome = new Outcome(step.index(), finished, Optional.empty());
        } catch (RuntimeException | LinkageError | StackOverflowError e) {
            discard(saved);
            String message = describeFailure(where, e);
            LOG.warn("{} failed: {}", where, e.toString());
            StepRunRecord failed = record.finished(StepStatus.FAILED, clock.instant(), Optional.of(message + "\n" + stackTrace(e)));
            try {
                metadata.completeStep(failed, List.of(), inputs, List.of());
            } catch (RuntimeException recording) {
                LOG.error("Could not record the failure of {}", where, recording);
            }
            state.update(failed);
            outcome = new Outcome(step.index(), failed, Optional.of(message));
        }
        Duration duration = Duration.ofNanos(System.nanoTime() - startNanos);
        StepStatus status = outcome.record().status();
        notify(state, listener -> listener.stepFinished(step.name(), status, duration));
        return outcome;
    }

    private static ArtifactVersionRecord readyRecord(ArtifactService.SavedArtifact artifact) {
        ArtifactVersionRecord r = artifact.record();
        return new ArtifactVersionRecord(r.id(), r.name(), r.version(), Optional.of(artifact.uri()), r.storeUri(), r.dataType(), r.materializerId(),
                r.materializerVersion(), r.artifactType(), r.contentHash(), r.size(), r.metadata(), r.producerStepRunId(), r.createdAt(),
                dev.cairn.api.metadata.ArtifactState.READY, r.registered());
    }

    private Object[] arguments(RunState state, CompiledStep step, StepRunRecord record, List<StepInputRecord> inputs) {
        Object[] values = new Object[step.arguments().size()];
        for (int i = 0; i < values.length; i++) {
            CompiledArgument argument = step.arguments().get(i);
            if (argument instanceof ParameterArgument parameter) {
                values[i] = parameter.value();
            } else if (argument instanceof StepOutputArgument output) {
                ArtifactVersionRecord artifact = state.output(output.producerIndex(), output.outputName());
                values[i] = artifacts.load(artifact, output.loadType(), LoadOptions.DEFAULT);
                inputs.add(new StepInputRecord(record.id(), argument.name(), artifact.id(), InputKind.STEP_OUTPUT));
            } else if (argument instanceof ExternalArgument external) {
                values[i] = artifacts.load(external.artifact(), external.loadType(), LoadOptions.DEFAULT);
                inputs.add(new StepInputRecord(record.id(), argument.name(), external.artifact().id(), InputKind.EXTERNAL_ARTIFACT));
            }
        }
        return values;
    }

    private Object invoke(RunState state, CompiledStep step, Object[] arguments, String where) {
        StepRunRecord record = state.stepRun(step.index());
        EngineClient recording = client.recordingLoads(loaded -> {
            List<StepInputRecord> input = List.of(new StepInputRecord(record.id(), loaded.name() + ":" + loaded.version(), loaded.id(), InputKind.CLIENT_LOAD));
            metadata.recordStepInputs(input);
            state.consumed(input, List.of(loaded));
        });
        EngineStepContext context = new EngineStepContext(state, step.index(), client, recording);
        try (StepContextHolder.Scope ignored = StepContextHolder.bind(context)) {
            return step.method().invoke(step.invocation().target().orElse(null), arguments);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw new StepCodeFailure(cause);
        } catch (IllegalAccessException e) {
            throw new CairnException(ErrorCode.INVALID_STEP_METHOD, "Cannot call " + step.invocation().methodDescription() + " for " + where + ": " + e, e);
        }
    }

    private static Object outputValue(CompiledStep step, CompiledOutput output, Object result, String where) {
        Object value = result;
        if (step.invocation().hasMultipleOutputs()) {
            if (result == null) {
                throw new CairnException(ErrorCode.NULL_OUTPUT, where + " returned null instead of a " + step.method().getReturnType().getName()
                        + " record: return the record with all its outputs");
            }
            try {
                java.lang.reflect.Method accessor = output.spec().accessor().orElseThrow();
                accessor.setAccessible(true);
                value = accessor.invoke(result);
            } catch (ReflectiveOperationException e) {
                throw new CairnException(ErrorCode.STEP_FAILED, "Cannot read output '" + output.name() + "' of " + where + ": " + e, e);
            }
        }
        if (value == null) {
            if (GenericTypes.rawClass(output.spec().type()) == Optional.class) {
                return Optional.empty();
            }
            throw new CairnException(ErrorCode.NULL_OUTPUT,
                    where + " returned null for output '" + output.name() + "' of type " + output.spec().type().getTypeName()
                            + ": return a value, or declare the output as Optional<" + output.spec().type().getTypeName() + "> if it may be absent");
        }
        return value;
    }

    private void discard(List<ArtifactService.SavedArtifact> saved) {
        for (ArtifactService.SavedArtifact artifact : saved) {
            try {
                artifacts.delete(artifact);
            } catch (RuntimeException e) {
                LOG.warn("Could not remove artifact '{}' version {} of a failed step", artifact.record().name(), artifact.record().version(), e);
            }
        }
    }

    private static String describeFailure(String where, Throwable e) {
        if (e instanceof StepCodeFailure failure) {
            Throwable cause = failure.getCause();
            return where + " failed: " + cause.getClass().getName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        }
        if (e instanceof CairnException cairn) {
            return "[" + cairn.errorCode() + "] " + cairn.getMessage();
        }
        return where + " failed: " + e;
    }

    private static String stackTrace(Throwable e) {
        Throwable shown = e instanceof StepCodeFailure ? e.getCause() : e;
        StringWriter out = new StringWriter();
        shown.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    private static void notify(RunState state, java.util.function.Consumer<RunListener> event) {
        for (RunListener listener : state.listeners()) {
            try {
                event.accept(listener);
            } catch (RuntimeException e) {
                LOG.warn("Run listener {} failed", listener, e);
            }
        }
    }

    /** Wraps what a step's own code threw. */
    static final class StepCodeFailure extends RuntimeException {
        StepCodeFailure(Throwable cause) {
            super(cause);
        }
    }
}
