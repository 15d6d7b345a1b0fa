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
import java.util.UUID;

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
import dev.cairn.engine.cache.CacheLookahead;
import dev.cairn.engine.cache.StepCache;
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
import org.apiguardian.api.API;

/** Runs one step: loads its inputs, calls its method, saves its outputs, and records it. */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class StepRunner {
    private static final Logger LOG = LoggerFactory.getLogger(StepRunner.class);

    private final MetadataStore metadata;
    private final ArtifactService artifacts;
    private final EngineClient client;
    private final Clock clock;
    private final StepCache cache;
    private final java.util.concurrent.ScheduledExecutorService timers;

    @Inject
    public StepRunner(MetadataStore metadata, ArtifactService artifacts, EngineClient client, Clock clock, StepCache cache,
            @jakarta.inject.Named("cairn-timers") java.util.concurrent.ScheduledExecutorService timers) {
        this.cache = requireNonNull(cache, "cache is null");
        this.timers = requireNonNull(timers, "timers is null");
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
        StepRunRecord record = state.stepRun(step.index());
        String where = "step '" + step.name() + "' of pipeline '" + state.pipeline().name() + "'";
        Map<String, ArtifactVersionRecord> inputArtifacts = inputArtifacts(state, step);
        List<StepInputRecord> inputs = new ArrayList<>();
        UUID stepRunId = record.id();
        inputArtifacts.forEach((name, artifact) -> inputs.add(new StepInputRecord(stepRunId, name, artifact.id(), inputKind(step, name))));
        Optional<StepCache.Lease> lease = Optional.empty();
        Outcome outcome;
        try {
            Optional<CacheLookahead> lookahead = state.cacheLookahead();
            if (step.cacheEnabled()) {
                Map<String, String> inputHashes = cache.inputHashes(step, inputArtifacts);
                Optional<CacheLookahead.Speculation> speculation = lookahead.flatMap(l -> l.take(step.index(), inputHashes));
                String key = speculation.isPresent() ? speculation.get().key() : cache.keyOf(step, inputHashes);
                String holder = record.id().toString();
                while (true) {
                    StepCache.Lookup lookup = speculatedHit(step, speculation).orElseGet(() -> cache.lookup(key, step));
                    speculation = Optional.empty();
                    if (lookup.hit().isPresent()) {
                        outcome = cached(state, step, record.withCache(Optional.of(key), Optional.of(lookup.hit().get().source().id()),
                                Optional.of(lookup.note())), lookup.hit().get(), inputs);
                        notify(state, listener -> listener.stepStarted(step.name()));
                        Duration duration = Duration.ofNanos(System.nanoTime() - startNanos);
                        notify(state, listener -> listener.stepFinished(step.name(), StepStatus.CACHED, duration));
                        return outcome;
                    }
                    lease = cache.tryLease(key, holder);
                    if (lease.isPresent()) {
                        record = record.withCache(Optional.of(key), Optional.empty(), Optional.of(lookup.note()));
                        break;
                    }
                    sleep(cache.leasePollInterval());
                }
            } else {
                lookahead.ifPresent(l -> l.pass(step.index()));
                record = record.withCache(Optional.empty(), Optional.empty(), Optional.of("caching disabled for this step"));
            }
            outcome = execute(state, step, record.started(clock.instant()), inputArtifacts, inputs, where);
            lease.ifPresent(StepCache.Lease::releasedWithCompletion);
        } finally {
            lease.ifPresent(StepCache.Lease::close);
        }
        Duration duration = Duration.ofNanos(System.nanoTime() - startNanos);
        StepStatus status = outcome.record().status();
        notify(state, listener -> listener.stepFinished(step.name(), status, duration));
        return outcome;
    }

    /**
     * The lookup a speculation made ahead of time, if it found a hit: the same check of the same key's candidates
     * that {@link StepCache#lookup} makes. A speculated miss is not used; the step then looks up the cache afresh.
     */
    private Optional<StepCache.Lookup> speculatedHit(CompiledStep step, Optional<CacheLookahead.Speculation> speculation) {
        if (speculation.isEmpty()) {
            return Optional.empty();
        }
        StepCache.Lookup lookup;
        try {
            lookup = speculation.get().result();
        } catch (RuntimeException e) {
            LOG.debug("Step '{}': the cache lookahead failed, looking up again: {}", step.name(), e.toString());
            return Optional.empty();
        }
        if (lookup.hit().isEmpty()) {
            return Optional.empty();
        }
        cache.logRejections(step, lookup);
        return Optional.of(new StepCache.Lookup(lookup.hit(), lookup.note() + " ahead of the scheduler", lookup.rejected()));
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CairnException(ErrorCode.STEP_FAILED, "Interrupted while waiting for another process computing the same step", e);
        }
    }

    private Outcome cached(RunState state, CompiledStep step, StepRunRecord record, StepCache.Hit hit, List<StepInputRecord> inputs) {
        java.time.Instant now = clock.instant();
        StepRunRecord cached = new StepRunRecord(record.id(), record.runId(), record.stepName(), record.position(), record.upstreamSteps(),
                StepStatus.CACHED, Optional.of(now), Optional.of(now), record.parameters(), Optional.empty(), record.cacheKey(), record.cachedFrom(),
                record.cacheNote());
        List<StepOutputRecord> outputRecords = new ArrayList<>();
        hit.outputs().forEach((name, artifact) -> outputRecords.add(new StepOutputRecord(record.id(), name, artifact.id())));
        List<MetadataStore.StepCompletion> batch = state.defer(new MetadataStore.StepCompletion(cached, List.of(), inputs, outputRecords));
        if (!batch.isEmpty()) {
            metadata.completeSteps(batch);
        }
        state.update(cached);
        state.completed(step.index(), hit.outputs(), inputs, outputRecords);
        return new Outcome(step.index(), cached, Optional.empty());
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

    private Outcome execute(RunState state, CompiledStep step, StepRunRecord record, Map<String, ArtifactVersionRecord> inputArtifacts,
            List<StepInputRecord> inputs, String where) {
        state.update(record);
        RunningMark running = new RunningMark(record);
        notify(state, listener -> listener.stepStarted(step.name()));
        List<ArtifactService.SavedArtifact> saved = new ArrayList<>();
        try {
            Object[] arguments = arguments(step, inputArtifacts);
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
            running.finish();
            metadata.completeStep(finished, committed, inputs, outputRecords);
            state.update(finished);
            state.completed(step.index(), outputs, inputs, outputRecords);
            return new Outcome(step.index(), finished, Optional.empty());
        } catch (RuntimeException | Error e) { // an Error too (OutOfMemoryError loading a huge input): the step and run end FAILED
            discard(saved);
            String message = describeFailure(where, e);
            LOG.warn("{} failed: {}", where, e.toString());
            StepRunRecord failed = record.finished(StepStatus.FAILED, clock.instant(), Optional.of(message + "\n" + stackTrace(e)));
            running.finish();
            try {
                metadata.completeStep(failed, List.of(), inputs, List.of());
            } catch (RuntimeException recording) {
                LOG.error("Could not record the failure of {}", where, recording);
            }
            state.update(failed);
            return new Outcome(step.index(), failed, Optional.of(message));
        }
    }

    private static ArtifactVersionRecord readyRecord(ArtifactService.SavedArtifact artifact) {
        ArtifactVersionRecord r = artifact.record();
        return new ArtifactVersionRecord(r.id(), r.name(), r.version(), Optional.of(artifact.uri()), r.storeUri(), r.dataType(), r.materializerId(),
                r.materializerVersion(), r.artifactType(), r.contentHash(), r.size(), r.metadata(), r.producerStepRunId(), r.createdAt(),
                dev.cairn.api.metadata.ArtifactState.READY, r.registered());
    }

    private Object[] arguments(CompiledStep step, Map<String, ArtifactVersionRecord> inputArtifacts) {
        Object[] values = new Object[step.arguments().size()];
        for (int i = 0; i < values.length; i++) {
            CompiledArgument argument = step.arguments().get(i);
            if (argument instanceof ParameterArgument parameter) {
                values[i] = parameter.value();
            } else if (argument instanceof StepOutputArgument output) {
                values[i] = artifacts.load(inputArtifacts.get(argument.name()), output.loadType(), LoadOptions.DEFAULT);
            } else if (argument instanceof ExternalArgument external) {
                values[i] = artifacts.load(inputArtifacts.get(argument.name()), external.loadType(), LoadOptions.DEFAULT);
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
        if (e instanceof OutOfMemoryError) {
            return where + " failed: " + e + " while loading its inputs or saving its outputs: the JVM ran out of memory."
                    + " Give it more heap (-Xmx), or load less at once (LoadOptions row limits and columns, smaller artifacts)";
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

    /**
     * Records a step as {@code RUNNING} only once it has run for {@link #RUNNING_MARK_DELAY}: a fast step goes from
     * {@code PENDING} to its final status in one write, which halves the metadata writes of short steps; a slow one
     * shows as {@code RUNNING} to other readers shortly after it starts.
     */
    private final class RunningMark {
        private final java.util.concurrent.ScheduledFuture<?> task;
        private boolean finished;

        RunningMark(StepRunRecord running) {
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
            }, RUNNING_MARK_DELAY.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        }

        synchronized void finish() {
            finished = true;
            task.cancel(false);
        }
    }

    private static final Duration RUNNING_MARK_DELAY = Duration.ofMillis(100);

    /** Wraps what a step's own code threw. */
    static final class StepCodeFailure extends RuntimeException {
        StepCodeFailure(Throwable cause) {
            super(cause);
        }
    }
}
