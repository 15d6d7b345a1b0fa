package dev.cairn.engine;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnConfiguration;
import dev.cairn.api.CairnException;
import dev.cairn.api.Client;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.metadata.MetadataStore;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunOptions;
import dev.cairn.engine.client.EngineClient;
import dev.cairn.engine.compile.CompiledPipeline;
import dev.cairn.engine.compile.PipelineCompiler;
import dev.cairn.engine.scheduling.RunExecutor;
import dev.cairn.engine.stores.ArtifactStores;
import jakarta.inject.Inject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The engine behind {@link Cairn}. Thread-safe; several may live in one JVM. */
final class CairnEngine implements Cairn {
    private static final Logger LOG = LoggerFactory.getLogger(CairnEngine.class);

    private final CairnConfiguration configuration;
    private final PipelineCompiler compiler;
    private final RunExecutor executor;
    private final EngineClient client;
    private final MetadataStore metadata;
    private final ArtifactStores stores;
    private final ExecutorService workers;
    private final Clock clock;
    private volatile boolean closed;

    private final java.util.concurrent.ScheduledExecutorService timers;
    private final ExecutorService cacheChecks;

    @Inject
    CairnEngine(CairnConfiguration configuration, PipelineCompiler compiler, RunExecutor executor, EngineClient client,
            MetadataStore metadata, ArtifactStores stores, ExecutorService workers, Clock clock,
            @jakarta.inject.Named("cairn-timers") java.util.concurrent.ScheduledExecutorService timers,
            @jakarta.inject.Named("cairn-cache-checks") ExecutorService cacheChecks) {
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
        int parallelism = options.parallelism().orElse(configuration.parallelism());
        if (parallelism <= configuration.parallelism()) {
            return executor.execute(compiled, options.listeners(), workers, parallelism, options.verifyInputs());
        }
        ExecutorService runWorkers = Executors.newFixedThreadPool(parallelism);
        try {
            return executor.execute(compiled, options.listeners(), runWorkers, parallelism, options.verifyInputs());
        } finally {
            runWorkers.shutdown();
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
        if (closed) {
            throw new CairnException(ErrorCode.CONFIGURATION, "This Cairn engine is closed: open a new one with Cairn.open()");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        workers.shutdown();
        cacheChecks.shutdown();
        timers.shutdownNow();
        try {
            if (!workers.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("Cairn worker threads did not stop within 30 s");
            }
            if (!cacheChecks.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("Cairn cache-check threads did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            stores.close();
        } finally {
            metadata.close();
        }
    }
}
