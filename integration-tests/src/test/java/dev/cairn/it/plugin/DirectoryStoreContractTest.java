package dev.cairn.it.plugin;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import com.example.cairnplugin.ExamplePlugin;
import dev.cairn.api.spi.ArtifactStore;
import dev.cairn.api.spi.StoreContext;
import dev.cairn.testkit.ArtifactStoreContract;
import org.junit.jupiter.api.io.TempDir;

/** The example third-party store passes the whole artifact store contract, opened through its provider, links included. */
class DirectoryStoreContractTest extends ArtifactStoreContract {
    @TempDir
    Path temp;

    @Override
    protected boolean createLinkToOutsideDirectory(ArtifactStore store, String linkRelativePath) throws IOException {
        Path outside = Files.createDirectories(temp.resolve("outside-" + linkRelativePath.replace('/', '-')));
        Files.writeString(outside.resolve("secret.txt"), "secret");
        Path link = temp.resolve("x/store").resolve(linkRelativePath);
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(link, outside);
        return true;
    }

    @Override
    protected ArtifactStore createStore(String testName) throws IOException {
        // A real sibling whose name extends the root's, for the sibling-prefix refusals.
        Path sibling = Files.createDirectories(temp.resolve("x/store_evil"));
        Files.writeString(sibling.resolve("a.txt"), "not in the store");
        return new ExamplePlugin.DirectoryStoreProvider().create(URI.create("dir://" + temp.resolve("x/store").toUri().getRawPath()),
                StoreContext.defaults());
    }
}
