package dev.cairn.stores.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.spi.ArtifactDraft;
import dev.cairn.api.spi.ArtifactStore;
import dev.cairn.api.spi.ArtifactStoreProvider;
import dev.cairn.api.spi.CairnPlugin;
import dev.cairn.api.spi.StoreContext;

/** {@link LocalArtifactStoreProvider} and its registration through {@link LocalStorePlugin}. */
class LocalArtifactStoreProviderTest {
    @TempDir
    Path temp;

    private final LocalArtifactStoreProvider provider = new LocalArtifactStoreProvider();

    @Test
    void theBuiltInPluginIsFoundByServiceLoaderAndProvidesTheFileScheme() {
        List<CairnPlugin> plugins = ServiceLoader.load(CairnPlugin.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(LocalStorePlugin.class::isInstance)
                .toList();

        assertThat(plugins).hasSize(1);
        CairnPlugin plugin = plugins.get(0);
        assertThat(plugin.builtIn()).isTrue();
        assertThat(plugin.artifactStoreProviders()).singleElement()
                .satisfies(found -> assertThat(found.schemes()).containsExactly("file"));
    }

    @Test
    void createsAStoreAtAFileUriMakingMissingDirectories() throws IOException {
        Path root = temp.resolve("deep/new/store");

        try (ArtifactStore store = provider.create(root.toUri(), StoreContext.defaults())) {
            assertThat(root).isDirectory();
            assertThat(store.rootUri()).isEqualTo(root.toRealPath().toUri());
            assertThat(store.rootUri().toString()).endsWith("/");
            try (ArtifactDraft draft = store.createDraft()) {
                try (OutputStream out = draft.create("data.bin")) {
                    out.write(42);
                }
                draft.commit("artifacts/a/1");
            }
        }
        try (ArtifactStore reopened = provider.create(URI.create("FILE://" + root.toUri().getRawPath()), StoreContext.defaults())) {
            assertThat(reopened.listFiles(reopened.rootUri())).containsExactly("artifacts/a/1/data.bin");
        }
    }

    @Test
    void refusesOtherSchemesAndUnusableFileUris() {
        for (String uri : List.of("hdfs://namenode:8020/store/", "store/relative", "file:relative/store",
                "file://somehost/store/", "file:///store/?query")) {
            assertThatThrownBy(() -> provider.create(URI.create(uri), StoreContext.defaults())).as(uri)
                    .isInstanceOfSatisfying(CairnException.class, e -> {
                        assertThat(e.errorCode()).isEqualTo(ErrorCode.UNSUPPORTED_URI);
                        assertThat(e.getMessage()).contains(uri);
                    });
        }
    }

    @Test
    void refusesSettingsItDoesNotKnow() {
        assertThatThrownBy(() -> provider.create(temp.toUri(), StoreContext.of(Map.of("sync", "true"))))
                .isInstanceOfSatisfying(CairnException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIGURATION);
                    assertThat(e.getMessage()).contains("sync");
                });
    }
}
