package dev.cairn.engine.stores;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.spi.ArtifactDraft;
import dev.cairn.api.spi.ArtifactStore;
import dev.cairn.api.spi.ArtifactStoreProvider;
import dev.cairn.api.spi.CairnPlugin;
import dev.cairn.api.spi.MetricsReporter;
import dev.cairn.api.spi.StoreContext;
import dev.cairn.engine.plugins.Plugins;
import dev.cairn.stores.local.LocalArtifactStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactStoresTest {
    /** A provider of local stores under a scheme of its choice, recording the contexts it was given. */
    static class TestingStoreProvider implements ArtifactStoreProvider {
        final List<StoreContext> contexts = new ArrayList<>();
        private final String scheme;

        TestingStoreProvider(String scheme) {
            this.scheme = scheme;
        }

        @Override
        public Set<String> schemes() {
            return Set.of(scheme);
        }

        @Override
        public ArtifactStore create(URI rootUri, StoreContext context) {
            contexts.add(context);
            return new LocalArtifactStore(Path.of(URI.create("file:" + rootUri.getRawPath())), context);
        }
    }

    /** A third-party plugin contributing one store provider for the scheme {@code mem}. */
    public static final class TestingMemPlugin implements CairnPlugin {
        @Override
        public List<ArtifactStoreProvider> artifactStoreProviders() {
            return List.of(new TestingStoreProvider("mem"));
        }
    }

    /** A second third-party plugin that also claims {@code mem}. */
    public static final class OtherTestingMemPlugin implements CairnPlugin {
        @Override
        public List<ArtifactStoreProvider> artifactStoreProviders() {
            return List.of(new TestingStoreProvider("MEM"));
        }
    }

    /** A metrics reporter that keeps the counters and counts the timings. */
    static final class TestingMetricsReporter implements MetricsReporter {
        final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
        final Map<String, AtomicLong> timings = new ConcurrentHashMap<>();

        @Override
        public void count(String name, long amount) {
            counters.computeIfAbsent(name, n -> new AtomicLong()).addAndGet(amount);
        }

        @Override
        public void time(String name, Duration duration) {
            timings.computeIfAbsent(name, n -> new AtomicLong()).incrementAndGet();
        }
    }

    @TempDir
    Path temp;

    @Test
    void twoPluginsClaimingOneSchemeFailAtStartNamingBoth() throws IOException {
        try (URLClassLoader loader = loaderListing(TestingMemPlugin.class, OtherTestingMemPlugin.class)) {
            List<CairnPlugin> plugins = Plugins.discover(loader, List.of()).all();

            assertThatThrownBy(() -> new ArtifactStores(plugins, temp.resolve("store").toUri()))
                    .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIGURATION))
                    .hasMessageContaining("Two artifact store providers claim the URI scheme 'mem'")
                    .hasMessageContaining(TestingStoreProvider.class.getName() + " of plugin " + TestingMemPlugin.class.getName())
                    .hasMessageContaining(TestingStoreProvider.class.getName() + " of plugin " + OtherTestingMemPlugin.class.getName())
                    .hasMessageContaining(TestingStoreProvider.class.getProtectionDomain().getCodeSource().getLocation().toString());
        }
    }

    @Test
    void oneThirdPartyProviderPerSchemeIsUsedAndABuiltInOneIsReplaced() throws IOException {
        TestingStoreProvider file = new TestingStoreProvider("file");
        CairnPlugin replacing = new CairnPlugin() {
            @Override
            public List<ArtifactStoreProvider> artifactStoreProviders() {
                return List.of(file);
            }
        };
        try (URLClassLoader loader = loaderListing(TestingMemPlugin.class)) {
            List<CairnPlugin> plugins = Plugins.discover(loader, List.of(replacing)).all();
            try (ArtifactStores stores = new ArtifactStores(plugins, temp.resolve("store").toUri())) {
                assertThat(file.contexts).as("the built-in file provider was replaced").hasSize(1);
                ArtifactStore mem = stores.open(URI.create("mem://" + temp.resolve("mem")));
                assertThat(mem.rootUri().getScheme()).isEqualTo("file");
                assertThat(stores.knownStores()).hasSize(2);
            }
        }
    }

    @Test
    void storesGetTheEnginesContextWithThePropertiesOfTheirScheme() throws IOException {
        TestingStoreProvider file = new TestingStoreProvider("file");
        TestingMetricsReporter metrics = new TestingMetricsReporter();
        CairnPlugin plugin = new CairnPlugin() {
            @Override
            public List<ArtifactStoreProvider> artifactStoreProviders() {
                return List.of(file);
            }
        };
        Path home = temp.resolve("home");
        try (Cairn cairn = Cairn.builder().home(home).plugin(plugin).metrics(metrics)
                .storeProperty("FILE", "cairn.example", "1").storeProperty("hdfs", "dfs.replication", "2").build()) {
            assertThat(file.contexts).hasSize(1);
            StoreContext context = file.contexts.get(0);
            assertThat(context.properties()).isEqualTo(Map.of("cairn.example", "1"));
            assertThat(context.cairnHome()).contains(home.toAbsolutePath().normalize());
            assertThat(context.metrics()).isSameAs(metrics);
            assertThat(context.clock()).isNotNull();
        }
        // the local store reports its commits to the context's reporter
        try (ArtifactStore store = file.create(temp.resolve("reported").toUri(), file.contexts.get(0));
                ArtifactDraft draft = store.createDraft()) {
            try (OutputStream out = draft.create("a.txt")) {
                out.write(1);
            }
            draft.commit("artifacts/a/1");
        }
        assertThat(metrics.counters.get("cairn.store.local.commits")).hasValue(1);
        assertThat(metrics.timings.get("cairn.store.local.commit")).hasValue(1);
    }

    /** A class loader over a temporary directory whose META-INF/services file lists {@code plugins}. */
    private URLClassLoader loaderListing(Class<?>... plugins) throws IOException {
        Path directory = Files.createDirectories(temp.resolve("services-" + plugins.length));
        Path services = Files.createDirectories(directory.resolve("META-INF/services"));
        List<String> names = new ArrayList<>();
        for (Class<?> plugin : plugins) {
            names.add(plugin.getName());
        }
        Files.write(services.resolve(CairnPlugin.class.getName()), names);
        return new URLClassLoader(new URL[] {directory.toUri().toURL()}, ArtifactStoresTest.class.getClassLoader());
    }
}
