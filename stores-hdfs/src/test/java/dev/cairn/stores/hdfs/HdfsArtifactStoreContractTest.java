package dev.cairn.stores.hdfs;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import dev.cairn.api.spi.ArtifactStore;
import dev.cairn.testkit.ArtifactStoreContract;
import dev.cairn.api.spi.StoreContext;
import dev.cairn.stores.hdfs.testing.TestingHdfsCluster;

/**
 * Runs the artifact store contract against {@link HdfsArtifactStore} on a real in-process HDFS, one cluster for the
 * class and a new root directory per test.
 */
class HdfsArtifactStoreContractTest extends ArtifactStoreContract {
    private static final AtomicInteger STORES = new AtomicInteger();
    private static TestingHdfsCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = TestingHdfsCluster.start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    protected ArtifactStore createStore(String testName) throws IOException {
        String base = "/contract/" + STORES.incrementAndGet() + "-" + testName + "/x";
        // A real sibling whose name extends the root's, for the sibling-prefix refusals.
        try (OutputStream out = cluster.fileSystem().create(new Path(base + "/store_evil/a.txt"))) {
            out.write("not in the store".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return new HdfsArtifactStoreProvider().create(cluster.uri(base + "/store"), StoreContext.of(TestingHdfsCluster.CLIENT_SETTINGS));
    }

    @Override
    protected URI otherSchemeUri(ArtifactStore store) {
        // Same path, a Hadoop scheme the store does not use.
        return URI.create("webhdfs://" + store.rootUri().getRawAuthority() + store.rootUri().getRawPath() + "a.txt");
    }

    @Override
    protected void writeExternally(URI file, byte[] content) throws IOException {
        try (OutputStream out = cluster.fileSystem().create(new Path(file), false)) {
            out.write(content);
        }
    }
}
