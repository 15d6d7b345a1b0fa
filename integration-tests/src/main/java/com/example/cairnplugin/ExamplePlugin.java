package com.example.cairnplugin;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
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

    /** Opens {@link DirectoryStore}s for {@code dir:///path/} URIs, creating the directory. */
    public static final class DirectoryStoreProvider implements ArtifactStoreProvider {
        @Override
        public Set<String> schemes() {
            return Set.of("dir");
        }

        @Override
        public ArtifactStore create(URI rootUri, StoreContext context) {
            Path root = Path.of(rootUri.getPath());
            try {
                Files.createDirectories(root.resolve(".staging"));
            } catch (IOException e) {
                throw new CairnException(ErrorCode.STORE_FAILURE, "Cannot create the artifact store " + rootUri + ": " + e
                        + "; check that the path is a writable directory", e);
            }
            return new DirectoryStore(root, context.clock());
        }
    }
}
