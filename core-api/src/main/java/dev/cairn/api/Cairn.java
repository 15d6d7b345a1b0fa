package dev.cairn.api;

import java.nio.file.Path;

import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunOptions;
import dev.cairn.api.spi.EngineProvider;
import org.apiguardian.api.API;

/**
 * An open Cairn engine: runs pipelines and gives access to what they stored.
 *
 * <p>Obtain one with {@link #open()} (embedded defaults under {@code $CAIRN_HOME}, or {@code ./.cairn}) or
 * {@link #builder()}. Several engines may live in one JVM. Close it to release the metadata store, the
 * artifact stores and the worker threads. Thread-safe.
 */
@API(status = API.Status.STABLE, since = "0.1")
public interface Cairn extends AutoCloseable {

    /** Opens an engine on the embedded defaults: a local artifact store and a SQLite metadata store in {@link CairnConfiguration#defaultHome()}. */
    static Cairn open() {
        return builder().build();
    }

    /** Opens an engine on the embedded defaults in {@code home}. */
    static Cairn open(Path home) {
        return builder().home(home).build();
    }

    /** A builder for an engine with explicit stores, plugins and parallelism. */
    static CairnConfiguration.Builder builder() {
        return CairnConfiguration.builder();
    }

    /**
     * Opens an engine for an explicit configuration, using the one {@link EngineProvider} on the class path (the
     * {@code cairn-core-engine} module provides it); none, or more than one, is a {@code CONFIGURATION} error.
     */
    static Cairn open(CairnConfiguration configuration) {
        return EngineProvider.find(Cairn.class.getClassLoader()).open(configuration);
    }

    /**
     * Runs a pipeline to completion and returns its run; a failed step makes the run {@code FAILED} rather than throwing
     * ({@link PipelineRun#failure()} says why); {@link #runOrThrow} throws instead. Errors in the definition or the
     * stack (no materializer, a missing input artifact) throw before anything runs.
     */
    PipelineRun run(Pipeline pipeline);

    /** Runs a pipeline with per-run options (listeners, parallelism). */
    PipelineRun run(Pipeline pipeline, RunOptions options);

    /**
     * Runs a pipeline like {@link #run(Pipeline)}, but a run that does not complete throws instead of returning: a
     * {@link CairnException} with the failed step's error code ({@code STEP_FAILED} when the step's own code threw, or
     * Cairn's code such as {@code INTEGRITY_VIOLATION}), a message naming the run, the step, the exception class and its
     * message.
     *
     * @return the {@code COMPLETED} run
     */
    default PipelineRun runOrThrow(Pipeline pipeline) {
        return runOrThrow(pipeline, RunOptions.DEFAULT);
    }

    /** {@link #runOrThrow(Pipeline)} with per-run options. */
    default PipelineRun runOrThrow(Pipeline pipeline, RunOptions options) {
        PipelineRun run = run(pipeline, options);
        if (run.status() == dev.cairn.api.run.RunStatus.COMPLETED) {
            return run;
        }
        java.util.Optional<dev.cairn.api.run.StepRun> failedStep = run.steps().stream()
                .filter(step -> step.status() == dev.cairn.api.run.StepStatus.FAILED).findFirst();
        java.util.Optional<dev.cairn.api.run.StepFailure> failure = run.failure();
        String reason = failure.map(f -> f.exceptionClass() + (f.message().isEmpty() ? "" : ": " + f.message()))
                .or(() -> run.error().map(text -> text.lines().findFirst().orElse(text))).orElse("no reason was recorded");
        throw new CairnException(failure.map(dev.cairn.api.run.StepFailure::code).orElse(ErrorCode.STEP_FAILED),
                "Run " + run.id() + " of pipeline '" + run.pipelineName() + "' ended " + run.status()
                        + failedStep.map(step -> ": step '" + step.name() + "' failed with " + reason).orElse(": " + reason)
                        + ". Its record stays in the metadata store: inspect it with 'cairn runs show " + run.id() + "'");
    }

    /**
     * Starts a pipeline on the engine's threads and returns at once with a handle to wait for or cancel it; the run is
     * recorded as {@code RUNNING} before this returns. The default (for engines without asynchronous runs) refuses.
     *
     * @throws CairnException {@code ENGINE_CLOSED} when this engine is closed
     */
    default dev.cairn.api.run.RunHandle start(Pipeline pipeline, RunOptions options) {
        throw new CairnException(ErrorCode.CONFIGURATION, getClass().getName() + " cannot start runs asynchronously; call run(pipeline)");
    }

    /** {@link #start(Pipeline, RunOptions)} with the default options. */
    default dev.cairn.api.run.RunHandle start(Pipeline pipeline) {
        return start(pipeline, RunOptions.DEFAULT);
    }

    /**
     * Checks a pipeline against this engine (materializers exist for every output and input type,
     * artifact names are valid once substituted) without running anything.
     */
    void validate(Pipeline pipeline);

    /**
     * The root URI of this engine's default artifact store, for code that must place files there before
     * {@link Client#registerArtifact(java.net.URI, String)}.
     */
    java.net.URI storeRoot();

    /** The client for reading runs and artifacts of this engine's stores. */
    Client client();

    /**
     * Closes the engine; idempotent (a second call returns once the first has finished). Runs still in progress get
     * {@link CairnConfiguration#closeTimeout()} to finish, then are cancelled with that reason recorded (as by
     * {@link dev.cairn.api.run.RunHandle#cancel}); then every worker and timer thread stops, every temporary copy of
     * registered data this engine made is deleted, the plugins it discovered are closed (releasing, e.g., Arrow
     * memory, with any buffer still held reported), and the artifact and metadata stores are closed. Afterwards,
     * every method except {@link #close()} and {@link #storeRoot()} throws {@code ENGINE_CLOSED}.
     */
    @Override
    void close();
}
