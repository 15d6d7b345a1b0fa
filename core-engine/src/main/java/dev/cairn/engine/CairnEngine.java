package dev.cairn.engine;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnConfiguration;
import dev.cairn.api.CairnException;
import dev.cairn.api.Client;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.metadata.MetadataStore;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunHandle;
import dev.cairn.api.run.RunOptions;
import dev.cairn.api.spi.CairnPlugin;
import dev.cairn.engine.client.EngineClient;
import dev.cairn.engine.compile.CompiledPipeline;
import dev.cairn.engine.compile.PipelineCompiler;
import dev.cairn.engine.execution.RunControl;
import dev.cairn.engine.files.TemporaryFiles;
import dev.cairn.engine.plugins.Plugins;
import dev.cairn.engine.scheduling.RunExecutor;
import dev.cairn.engine.stores.ArtifactStores;
import jakarta.inject.Inject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine behind {@link Cairn}. Thread-safe; several may live in one JVM.
 *
 * <p>Every run, synchronous or {@linkplain #start started}, is registered while it runs, so that {@link #close()} can
 * wait for it and then cancel it; registration and closing exclude each other, so no run slips past a close.
 */
final class CairnEngine implements Cairn {
    private static final Logger LOG = LoggerFactory.getLogger(CairnEngine.class);
    /** How long close waits for the threads of a cancelled run and for the pools, on top of the grace period. */
    private static final Duration STOP_MARGIN = Duration.ofSeconds(5);

    private final CairnConfiguration configuration;
    private final PipelineCompiler compiler;
    private final RunExecutor executor;
    private final EngineClient client;
    private final MetadataStore metadata;
    private final ArtifactStores stores;
    private final ExecutorService workers;
    private final Clock clock;
    private final java.util.concurrent.ScheduledExecutorService timers;
    private final ExecutorService cacheChecks;
    private final TemporaryFiles temporaryFiles;
    private final Plugins plugins;
    private final dev.cairn.engine.logs.StepLogs stepLogs;

    private final Object lifecycle = new Object();
    private final Set<RunControl> active = new LinkedHashSet<>();
    private boolean closing;
    private volatile boolean closed;

    @Inject
    CairnEngine(CairnConfiguration configuration, PipelineCompiler compiler, RunExecutor executor, EngineClient client,
            MetadataStore metadata, ArtifactStores stores, ExecutorService workers, Clock clock,
            @jakarta.inject.Named("cairn-timers") java.util.concurrent.ScheduledExecutorService timers,
            @jakarta.inject.Named("cairn-cache-checks") ExecutorService cacheChecks, TemporaryFiles temporaryFiles, Plugins plugins,
            dev.cairn.engine.logs.StepLogs stepLogs) {
        this.stepLogs = stepLogs;
        this.timers = timers;
        this.cacheChecks = cacheChecks;
        this.configuration = configuration;
        this.compiler = compiler;
        this.executor = executor;
        this.client = client;
        this.metadata = metadata;
        this.stores = stores;
        this.workers = workers;
        this.clock = clock;
        this.temporaryFiles = temporaryFiles;
        this.plugins = plugins;
    }

    @Override
    public PipelineRun run(Pipeline pipeline) {
        return run(pipeline, RunOptions.DEFAULT);
    }

    @Override
    public PipelineRun run(Pipeline pipeline, RunOptions options) {
        requireNonNull(pipeline, "pipeline is null");
        requireNonNull(options, "options is null");
        checkOpen();
        CompiledPipeline compiled = compiler.compile(pipeline, clock.instant());
        RunExecutor.PreparedRun prepared = register(compiled);
        try {
            return execute(prepared, options);
        } finally {
            unregister(prepared.control());
        }
    }

    @Override
    public RunHandle start(Pipeline pipeline, RunOptions options) {
        requireNonNull(pipeline, "pipeline is null");
        requireNonNull(options, "options is null");
        checkOpen();
        CompiledPipeline compiled = compiler.compile(pipeline, clock.instant());
        RunExecutor.PreparedRun prepared = register(compiled);
        CompletableFuture<PipelineRun> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(execute(prepared, options));
            } catch (Throwable e) {
                LOG.error("Run {} of pipeline '{}' could not be completed", prepared.run().id(), compiled.name(), e);
                result.completeExceptionally(e);
            } finally {
                unregister(prepared.control());
            }
        }, "cairn-run-" + prepared.run().id());
        thread.setDaemon(true);
        try {
            thread.start();
        } catch (RuntimeException | Error e) {
            unregister(prepared.control());
            throw e;
        }
        return new Handle(prepared.control(), result);
    }

    private PipelineRun execute(RunExecutor.PreparedRun prepared, RunOptions options) {
        int parallelism = options.parallelism().orElse(configuration.parallelism());
        java.util.List<dev.cairn.api.run.RunListener> listeners = new java.util.ArrayList<>(options.listeners());
        listeners.addAll(plugins.runListeners()); // e.g. cairn-spark's job groups, one set per run
        if (parallelism <= configuration.parallelism()) {
            return executor.execute(prepared, listeners, workers, parallelism, options.verifyInputs());
        }
        ExecutorService runWorkers = Executors.newFixedThreadPool(parallelism);
        try {
            return executor.execute(prepared, listeners, runWorkers, parallelism, options.verifyInputs());
        } finally {
            runWorkers.shutdownNow();
        }
    }

    /** Records the run and registers it as active, unless the engine is closing. */
    private RunExecutor.PreparedRun register(CompiledPipeline compiled) {
        synchronized (lifecycle) {
            checkOpen();
            RunExecutor.PreparedRun prepared = executor.prepare(compiled);
            active.add(prepared.control());
            return prepared;
        }
    }

    private void unregister(RunControl control) {
        synchronized (lifecycle) {
            active.remove(control);
            lifecycle.notifyAll();
        }
    }

    /** The runs in progress (for tests of close). */
    int activeRuns() {
        synchronized (lifecycle) {
            return active.size();
        }
    }

    @Override
    public void validate(Pipeline pipeline) {
        requireNonNull(pipeline, "pipeline is null");
        checkOpen();
        compiler.compile(pipeline, clock.instant());
    }

    @Override
    public java.net.URI storeRoot() {
        return stores.defaultStore().rootUri();
    }

    @Override
    public Client client() {
        checkOpen();
        return client;
    }

    private void checkOpen() {
        if (closed || closing) {
            throw new CairnException(ErrorCode.ENGINE_CLOSED, "This Cairn engine (home " + configuration.home()
                    + ") is closed and takes no more work: open a new one with Cairn.open()");
        }
    }

    @Override
    public void close() {
        synchronized (lifecycle) {
            while (closing && !closed) { // another thread is closing: wait until it is done
                try {
                    lifecycle.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (closed) {
                return;
            }
            closing = true;
        }
        try {
            stopRuns();
            stopThreads();
        } finally {
            release();
            synchronized (lifecycle) {
                closed = true;
                lifecycle.notifyAll();
            }
        }
    }

    /** Waits up to the close timeout for runs in progress, then cancels them and waits for them to be recorded. */
    private void stopRuns() {
        long deadline = System.nanoTime() + configuration.closeTimeout().toNanos();
        List<RunControl> running;
        synchronized (lifecycle) {
            while (!active.isEmpty() && System.nanoTime() < deadline) {
                long wait = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                try {
                    lifecycle.wait(Math.max(1, wait));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            running = new ArrayList<>(active);
        }
        for (RunControl control : running) {
            control.cancel("Cairn.close()", "the engine was closed while the run was in progress, and the run did not finish within the close"
                    + " timeout of " + configuration.closeTimeout());
        }
        long stopBy = System.nanoTime() + configuration.cancelGracePeriod().plus(STOP_MARGIN).toNanos();
        for (RunControl control : running) {
            try {
                if (!control.awaitFinished(Duration.ofNanos(stopBy - System.nanoTime()))) {
                    LOG.warn("Run {} was cancelled by Cairn.close() but is not recorded as finished yet", control.runId());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void stopThreads() {
        workers.shutdownNow(); // interrupts any step abandoned by a cancelled run once more
        cacheChecks.shutdownNow();
        timers.shutdownNow();
        try {
            for (ExecutorService pool : List.of(workers, cacheChecks, timers)) {
                if (!pool.awaitTermination(STOP_MARGIN.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.warn("Some Cairn threads did not stop within {}: a step that ignores interruption still runs; its outputs are discarded", STOP_MARGIN);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Deletes the temporary files, closes the discovered plugins, then the stores. */
    private void release() {
        stepLogs.close(); // the last engine of the JVM puts System.out and System.err back
        try {
            temporaryFiles.close();
        } catch (RuntimeException e) {
            LOG.error("Could not delete the temporary files of the engine in {}", temporaryFiles.directory(), e);
        }
        for (CairnPlugin plugin : plugins.discovered()) {
            try {
                plugin.close();
            } catch (RuntimeException e) {
                LOG.error("Closing plugin {} reported: {}", plugin.name(), e.getMessage(), e);
            }
        }
        try {
            stores.close();
        } finally {
            metadata.close();
        }
    }

    /** The handle of a started run. */
    private static final class Handle implements RunHandle {
        private final RunControl control;
        private final CompletableFuture<PipelineRun> result;

        Handle(RunControl control, CompletableFuture<PipelineRun> result) {
            this.control = control;
            this.result = result;
        }

        @Override
        public UUID runId() {
            return control.runId();
        }

        @Override
        public boolean isDone() {
            return result.isDone();
        }

        @Override
        public Optional<PipelineRun> await(Duration timeout) {
            requireNonNull(timeout, "timeout is null");
            try {
                return Optional.of(result.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS));
            } catch (TimeoutException e) {
                return Optional.empty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CairnException(ErrorCode.STEP_FAILED, "Interrupted while waiting for run " + control.runId(), e);
            } catch (ExecutionException e) {
                throw failure(e);
            }
        }

        @Override
        public PipelineRun await() {
            try {
                return result.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CairnException(ErrorCode.STEP_FAILED, "Interrupted while waiting for run " + control.runId(), e);
            } catch (ExecutionException e) {
                throw failure(e);
            }
        }

        private CairnException failure(ExecutionException e) {
            if (e.getCause() instanceof CairnException cairn) {
                return cairn;
            }
            return new CairnException(ErrorCode.STEP_FAILED, "Run " + control.runId() + " could not be completed: " + e.getCause(), e.getCause());
        }

        @Override
        public boolean cancel(String reason) {
            requireNonNull(reason, "reason is null");
            return control.cancel("thread '" + Thread.currentThread().getName() + "' through RunHandle.cancel", reason);
        }

        @Override
        public String toString() {
            return "RunHandle[" + control.runId() + (result.isDone() ? ", done" : ", running") + "]";
        }
    }
}
