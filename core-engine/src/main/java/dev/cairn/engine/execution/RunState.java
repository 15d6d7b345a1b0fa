package dev.cairn.engine.execution;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import dev.cairn.api.metadata.ArtifactVersionRecord;
import dev.cairn.api.metadata.PipelineRunRecord;
import dev.cairn.api.metadata.StepInputRecord;
import dev.cairn.api.metadata.StepOutputRecord;
import dev.cairn.api.metadata.StepRunRecord;
import dev.cairn.api.run.RunListener;
import dev.cairn.engine.cache.CacheLookahead;
import dev.cairn.engine.compile.CompiledPipeline;
import org.apiguardian.api.API;

/** The in-memory state of one run, shared by the scheduler and the step runners. Thread-safe. */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class RunState {
    private final CompiledPipeline pipeline;
    private final PipelineRunRecord run;
    private final StepRunRecord[] stepRuns;
    private final Map<Integer, Map<String, ArtifactVersionRecord>> outputs = new ConcurrentHashMap<>();
    private final Map<UUID, ArtifactVersionRecord> artifacts = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<StepInputRecord> inputRecords = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<StepOutputRecord> outputRecords = new ConcurrentLinkedQueue<>();
    private final List<RunListener> listeners;
    private volatile CacheLookahead cacheLookahead;
    private final RunControl control;
    private volatile boolean verifyInputs = true;

    public RunState(CompiledPipeline pipeline, PipelineRunRecord run, List<StepRunRecord> stepRuns, List<RunListener> listeners) {
        this(pipeline, run, stepRuns, listeners, new RunControl(run.id()));
    }

    public RunState(CompiledPipeline pipeline, PipelineRunRecord run, List<StepRunRecord> stepRuns, List<RunListener> listeners, RunControl control) {
        this.control = java.util.Objects.requireNonNull(control, "control is null");
        this.pipeline = pipeline;
        this.run = run;
        this.stepRuns = stepRuns.toArray(StepRunRecord[]::new);
        this.listeners = List.copyOf(listeners);
    }

    /** The run's cancellation state. */
    public RunControl control() {
        return control;
    }

    /** Sets whether steps' inputs are checked against their content hashes before the steps use them (default true). */
    public void verifyInputs(boolean verify) {
        this.verifyInputs = verify;
    }

    /** Whether steps' inputs are checked against their content hashes before the steps use them. */
    public boolean verifyInputs() {
        return verifyInputs;
    }

    public CompiledPipeline pipeline() {
        return pipeline;
    }

    public PipelineRunRecord run() {
        return run;
    }

    public UUID runId() {
        return run.id();
    }

    public synchronized StepRunRecord stepRun(int index) {
        return stepRuns[index];
    }

    public synchronized void update(StepRunRecord record) {
        stepRuns[record.position()] = record;
    }

    public synchronized List<StepRunRecord> stepRuns() {
        return List.of(stepRuns);
    }

    /** The outputs of a step that has finished successfully in this run, by name; {@code null} before that. */
    public Map<String, ArtifactVersionRecord> finishedOutputs(int stepIndex) {
        return outputs.get(stepIndex);
    }

    /** The cache lookahead of this run, if one was started. */
    public java.util.Optional<CacheLookahead> cacheLookahead() {
        return java.util.Optional.ofNullable(cacheLookahead);
    }

    /** Lets the step runners use {@code lookahead} (may be null); set before the first step runs. */
    public void attach(CacheLookahead lookahead) {
        this.cacheLookahead = lookahead;
    }

    public ArtifactVersionRecord output(int stepIndex, String outputName) {
        Map<String, ArtifactVersionRecord> stepOutputs = outputs.get(stepIndex);
        ArtifactVersionRecord record = stepOutputs == null ? null : stepOutputs.get(outputName);
        if (record == null) {
            throw new IllegalStateException("output '" + outputName + "' of step " + stepIndex + " is not available");
        }
        return record;
    }

    public void completed(int stepIndex, Map<String, ArtifactVersionRecord> stepOutputs, List<StepInputRecord> inputs, List<StepOutputRecord> outputRecordsOfStep) {
        outputs.put(stepIndex, Map.copyOf(stepOutputs));
        stepOutputs.values().forEach(record -> artifacts.put(record.id(), record));
        inputRecords.addAll(inputs);
        outputRecords.addAll(outputRecordsOfStep);
    }

    public void consumed(List<StepInputRecord> inputs, List<ArtifactVersionRecord> records) {
        records.forEach(record -> artifacts.put(record.id(), record));
        inputRecords.addAll(inputs);
    }

    private static final int DEFERRED_BATCH = 256;
    private final List<dev.cairn.api.metadata.MetadataStore.StepCompletion> deferred = new java.util.ArrayList<>();

    /**
     * Holds the record of a step reused from cache to be written with others in one transaction; returns a batch
     * to write now when enough have gathered, else an empty list.
     */
    public synchronized List<dev.cairn.api.metadata.MetadataStore.StepCompletion> defer(dev.cairn.api.metadata.MetadataStore.StepCompletion completion) {
        deferred.add(completion);
        return deferred.size() >= DEFERRED_BATCH ? drainDeferred() : List.of();
    }

    /** Where full batches are written, one after another; null: by the step that fills one. */
    private volatile java.util.concurrent.Executor recorder;
    /** The batches handed to {@link #recorder}, chained in order. */
    private java.util.concurrent.CompletableFuture<Void> recorded = java.util.concurrent.CompletableFuture.completedFuture(null);

    /**
     * Lets full batches of deferred records be written on {@code executor}, each after the one before, so that the step
     * that fills a batch does not wait for its transaction (set before the first step runs). {@link #awaitRecorded}
     * waits for them.
     */
    public void recordOn(java.util.concurrent.Executor executor) {
        this.recorder = java.util.Objects.requireNonNull(executor, "executor is null");
    }

    /** Writes a full batch with {@code write}: after the batches before it on the {@link #recordOn} executor, else now. */
    public void record(List<dev.cairn.api.metadata.MetadataStore.StepCompletion> batch,
            java.util.function.Consumer<List<dev.cairn.api.metadata.MetadataStore.StepCompletion>> write) {
        java.util.concurrent.Executor executor = recorder;
        if (executor == null) {
            write.accept(batch);
            return;
        }
        synchronized (this) {
            recorded = recorded.thenRunAsync(() -> write.accept(batch), command -> {
                try {
                    executor.execute(command);
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    command.run(); // the engine is closing: write it here
                }
            });
        }
    }

    /** Waits until the batches handed to the {@link #recordOn} executor are written; throws the first failure (later batches are not written). */
    public void awaitRecorded() {
        java.util.concurrent.CompletableFuture<Void> pending;
        synchronized (this) {
            pending = recorded;
        }
        try {
            pending.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** The deferred step records not written yet. */
    public synchronized List<dev.cairn.api.metadata.MetadataStore.StepCompletion> drainDeferred() {
        List<dev.cairn.api.metadata.MetadataStore.StepCompletion> batch = List.copyOf(deferred);
        deferred.clear();
        return batch;
    }

    public ArtifactVersionRecord artifact(UUID id) {
        return artifacts.get(id);
    }

    public List<StepInputRecord> inputRecords() {
        return List.copyOf(inputRecords);
    }

    public List<StepOutputRecord> outputRecords() {
        return List.copyOf(outputRecords);
    }

    public List<RunListener> listeners() {
        return listeners;
    }
}
