package com.example.cairnplugin;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import dev.cairn.api.spi.ArtifactStore;
import dev.cairn.api.spi.ArtifactStoreProvider;
import dev.cairn.api.spi.CairnPlugin;
import dev.cairn.api.spi.Materializer;
import dev.cairn.api.spi.StoreContext;

/** The plugin's one entry point, listed in {@code META-INF/services/dev.cairn.api.spi.CairnPlugin}. */
public final class ExamplePlugin implements CairnPlugin {
    @Override
    public List<Materializer<?>> materializers() {
        return List.of(new PropertiesMaterializer());
    }

    @Override
    public List<ArtifactStoreProvider> artifactStoreProviders() {
        return List.of(new DirectoryStoreProvider());
    }

    /** Opens {@link DirectoryStore}s for {@code dir:///path/} URIs. */
    public static final class DirectoryStoreProvider implements ArtifactStoreProvider {
        @Override
        public Set<String> schemes() {
            return Set.of("dir");
        }

        @Override
        public ArtifactStore create(URI rootUri, StoreContext context) {
            return new DirectoryStore(Path.of(rootUri.getPath()), context.clock());
        }
    }
}
