package dev.cairn.stores.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;

import dev.cairn.api.spi.ArtifactStore;
import dev.cairn.testkit.ArtifactStoreContract;

/** Runs the artifact store contract against {@link LocalArtifactStore} in a real temporary directory. */
class LocalArtifactStoreContractTest extends ArtifactStoreContract {
    @TempDir
    Path temp;

    @Override
    protected ArtifactStore createStore(String testName) throws IOException {
        // A real sibling whose name extends the root's, for the sibling-prefix refusals.
        Path sibling = Files.createDirectories(temp.resolve("x/store_evil"));
        Files.writeString(sibling.resolve("a.txt"), "not in the store");
        return new LocalArtifactStore(temp.resolve("x/store"));
    }

    @Override
    protected boolean createLinkToOutsideDirectory(ArtifactStore store, String linkRelativePath) throws IOException {
        Path outside = Files.createDirectories(temp.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "secret");
        Path link = Path.of(store.rootUri()).resolve(linkRelativePath);
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(link, outside);
        return true;
    }
}
