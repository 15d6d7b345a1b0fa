package dev.cairn.stores.local;

import java.util.List;

import org.apiguardian.api.API;

import dev.cairn.api.spi.ArtifactStoreProvider;
import dev.cairn.api.spi.CairnPlugin;

/**
 * The built-in plugin contributing the local artifact store ({@code file:} URIs). Found by
 * {@link java.util.ServiceLoader}; not meant to be used directly.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class LocalStorePlugin implements CairnPlugin {
    @Override
    public String name() {
        return "stores-local";
    }

    @Override
    public List<ArtifactStoreProvider> artifactStoreProviders() {
        return List.of(new LocalArtifactStoreProvider());
    }

    @Override
    public boolean builtIn() {
        return true;
    }
}
