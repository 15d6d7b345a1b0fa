package dev.cairn.engine;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.cairn.api.CairnConfiguration;
import dev.cairn.api.metadata.MetadataStore;
import dev.cairn.api.spi.StoreContext;
import dev.cairn.engine.json.JsonCodec;
import dev.cairn.engine.materializers.MaterializerRegistry;
import dev.cairn.engine.metadata.sqlite.SqliteMetadataStore;
import dev.cairn.engine.plugins.Plugins;
import dev.cairn.engine.stores.ArtifactStores;
import dev.cairn.engine.stores.MetadataStores;

/**
 * Guice wiring of one engine. Everything is a singleton of that engine's injector; nothing is global. The engine's
 * {@link Clock} (run, step and artifact times, prune cut-offs, heartbeats) is bound here, so that a test can run an
 * engine on a fixed or offset clock.
 */
final class EngineModule extends AbstractModule {
    private final CairnConfiguration configuration;
    private final Clock clock;

    EngineModule(CairnConfiguration configuration, Clock clock) {
        this.configuration = requireNonNull(configuration, "configuration is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    protected void configure() {
        bind(CairnConfiguration.class).toInstance(configuration);
        bind(Clock.class).toInstance(clock);
        // The services below are created by their @Inject constructors; without a scope Guice would make one per
        // injection point, and state they keep for the whole engine would be split between copies (the verifier's
        // remembered manifests and hashed inputs: a cache hit re-read the manifest of an output this engine wrote).
        bind(dev.cairn.engine.artifacts.ArtifactService.class).in(Singleton.class);
        bind(dev.cairn.engine.cache.StepCache.class).in(Singleton.class);
        bind(dev.cairn.engine.client.EngineClient.class).in(Singleton.class);
        bind(dev.cairn.engine.execution.StepRunner.class).in(Singleton.class);
        bind(dev.cairn.engine.lineage.LineageBuilder.class).in(Singleton.class);
        bind(dev.cairn.engine.lifecycle.Pruner.class).in(Singleton.class);
        bind(dev.cairn.engine.lifecycle.AbandonedRuns.class).in(Singleton.class);
        bind(dev.cairn.engine.scheduling.RunExecutor.class).in(Singleton.class);
        bind(dev.cairn.engine.compile.PipelineCompiler.class).in(Singleton.class);
    }

    @Provides
    @Singleton
    Plugins plugins() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        Plugins plugins = Plugins.discover(loader != null ? loader : EngineModule.class.getClassLoader(), configuration.plugins());
        plugins.configure(dev.cairn.engine.stack.StackSettings.resolve(configuration)); // the stack file's tables, e.g. [spark]; unread ones are logged
        return plugins;
    }

    @Provides
    @Singleton
    ObjectMapper objectMapper() {
        return JsonCodec.newCanonicalMapper();
    }

    @Provides
    @Singleton
    MaterializerRegistry materializers(Plugins plugins) {
        return MaterializerRegistry.of(plugins.all());
    }

    @Provides
    @Singleton
    ArtifactStores artifactStores(Plugins plugins, Clock clock) {
        // configuration, else CAIRN_ARTIFACT_STORE, else cairn.properties in the home, else <home>/store
        URI root = dev.cairn.engine.stack.StackSettings.resolve(configuration).artifactStore().uri();
        return new ArtifactStores(plugins.all(), root, scheme -> StoreContext.builder().cairnHome(configuration.home()).clock(clock)
                .metrics(configuration.metrics()).properties(configuration.storeProperties(scheme)).build());
    }

    @Provides
    @Singleton
    MetadataStore metadataStore(Plugins plugins, Clock clock) {
        MetadataStores providers = new MetadataStores(plugins.all()); // two providers claiming one scheme fail here, at start
        if (configuration.metadataStore().isPresent()) {
            return configuration.metadataStore().get();
        }
        dev.cairn.engine.stack.StackSettings.Setting chosen = dev.cairn.engine.stack.StackSettings.resolve(configuration).metadata();
        if (configuration.metadataUri().isPresent() || (configuration.metadataDatabase().isEmpty() && !chosen.source().equals("default"))) {
            URI uri = chosen.uri(); // configuration, else CAIRN_METADATA, else cairn.properties in the home
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            return providers.open(uri, StoreContext.builder().cairnHome(configuration.home()).clock(clock)
                    .metrics(configuration.metrics()).properties(configuration.storeProperties(scheme)).build());
        }
        Path database = configuration.metadataDatabase().orElseGet(() -> configuration.home().resolve("metadata.db"));
        return SqliteMetadataStore.open(database);
    }

    @Provides
    @Singleton
    @jakarta.inject.Named("cairn-timers")
    java.util.concurrent.ScheduledExecutorService timers() {
        java.util.concurrent.ScheduledThreadPoolExecutor timers = new java.util.concurrent.ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "cairn-timer");
            thread.setDaemon(true);
            return thread;
        });
        // Every computed step schedules its deferred RUNNING mark and cancels it when it ends (StepRecording): a cancelled
        // task left in the queue would wake this thread when its time came, once per step; removed, it never does.
        timers.setRemoveOnCancelPolicy(true);
        return timers;
    }

    /** Step log capture; installs the JVM's routing streams when the limit is above 0 (the engine's close undoes it). */
    @Provides
    @Singleton
    dev.cairn.engine.logs.StepLogs stepLogs(ArtifactStores stores) {
        return new dev.cairn.engine.logs.StepLogs(configuration.stepLogLimit(), stores);
    }

    /** The engine's temporary files under the configured temp root; opening it sweeps what dead processes left there. */
    @Provides
    @Singleton
    dev.cairn.engine.files.TemporaryFiles temporaryFiles() {
        return dev.cairn.engine.files.TemporaryFiles.open(configuration.effectiveTempRoot());
    }

    @Provides
    @Singleton
    dev.cairn.engine.cache.CodeFingerprints codeFingerprints() {
        return new dev.cairn.engine.cache.CodeFingerprints();
    }

    /**
     * Threads that verify cached outputs ahead of the scheduler for the cache lookahead of runs (see
     * {@code CacheLookahead}, whose walk has a thread of its own).
     */
    @Provides
    @Singleton
    @jakarta.inject.Named("cairn-cache-checks")
    ExecutorService cacheChecks() {
        return Executors.newFixedThreadPool(Math.max(2, configuration.parallelism()), daemonThreads("cairn-cache-check-"));
    }

    @Provides
    @Singleton
    ExecutorService workers() {
        return Executors.newFixedThreadPool(configuration.parallelism(), daemonThreads("cairn-worker-"));
    }

    /** Daemon threads named {@code prefix} and a counter. */
    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
