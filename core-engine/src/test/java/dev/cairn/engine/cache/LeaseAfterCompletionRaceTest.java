package dev.cairn.engine.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.cairn.api.Cairn;
import dev.cairn.api.metadata.MetadataStore;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.StepStatus;
import dev.cairn.api.spi.CairnPlugin;
import dev.cairn.api.spi.MetadataStoreProvider;
import dev.cairn.api.spi.StoreContext;
import dev.cairn.engine.metadata.sqlite.SqliteMetadataStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The window between a cache miss and taking the lease: another process completes the same step there (and releases
 * its lease with the completion). The step must then be reused, not computed a second time.
 */
class LeaseAfterCompletionRaceTest {
    static final AtomicInteger EXECUTIONS = new AtomicInteger();

    public static final class Steps {
        @Step
        public static String expensive(String input) {
            EXECUTIONS.incrementAndGet();
            return input + "!";
        }
    }

    static Pipeline pipeline() {
        return Pipeline.define("lease-race", p -> p.call(Steps::expensive, Param.of("x")));
    }

    /**
     * A real SQLite store whose first {@code tryAcquireCacheLease} (or {@code tryAcquireCacheLeaseAndFind}) lets another engine on the same home run the
     * pipeline to completion just before the lease is asked for: exactly the interleaving of two processes.
     */
    record InterleavingProvider(Path home, AtomicBoolean interleaved) implements MetadataStoreProvider {
        @Override
        public Set<String> schemes() {
            return Set.of("interleaving");
        }

        @Override
        public MetadataStore open(URI uri, StoreContext context) {
            MetadataStore real = SqliteMetadataStore.open(Path.of(uri.getPath()));
            InvocationHandler handler = (proxy, method, args) -> {
                if (method.getName().startsWith("tryAcquireCacheLease") && interleaved.compareAndSet(false, true)) {
                    try (Cairn other = Cairn.open(home)) {
                        assertThat(other.run(pipeline()).step("expensive").status()).isEqualTo(StepStatus.COMPLETED);
                    }
                }
                try {
                    return method.invoke(real, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            };
            return (MetadataStore) Proxy.newProxyInstance(MetadataStore.class.getClassLoader(), new Class<?>[] {MetadataStore.class}, handler);
        }
    }

    record Plugin(MetadataStoreProvider provider) implements CairnPlugin {
        @Override
        public String name() {
            return "interleaving";
        }

        @Override
        public List<MetadataStoreProvider> metadataStoreProviders() {
            return List.of(provider);
        }
    }

    @Test
    void aStepCompletedElsewhereBetweenTheMissAndTheLeaseIsReusedNotComputedAgain(@TempDir Path home) {
        AtomicBoolean interleaved = new AtomicBoolean();
        try (Cairn cairn = Cairn.open(home)) {
            cairn.client().listRuns(); // create the home and its database first
        }
        URI metadata = URI.create("interleaving:" + home.resolve("metadata.db"));
        try (Cairn cairn = Cairn.builder().home(home).metadata(metadata).plugin(new Plugin(new InterleavingProvider(home, interleaved))).build()) {
            PipelineRun run = cairn.run(pipeline());
            assertThat(interleaved).isTrue();
            assertThat(run.step("expensive").status()).isEqualTo(StepStatus.CACHED);
        }
        assertThat(EXECUTIONS).hasValue(1);
    }
}
