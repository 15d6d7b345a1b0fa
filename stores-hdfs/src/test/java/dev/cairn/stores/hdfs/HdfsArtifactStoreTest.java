package dev.cairn.stores.hdfs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.PathIsDirectoryException;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.spi.ArtifactDraft;
import dev.cairn.api.spi.ArtifactStore;
import dev.cairn.api.spi.StoreContext;
import dev.cairn.stores.hdfs.testing.TestingHdfsCluster;

/**
 * What the Hadoop store does beyond the shared contract, on a real in-process HDFS: configuration from site files,
 * the environment and explicit keys; URI normalisation; HDFS name rules; abandoned drafts with open files;
 * random-access channels; and the other Hadoop schemes that need no connector, {@code webhdfs} and {@code viewfs}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HdfsArtifactStoreTest {
    private static TestingHdfsCluster cluster;

    @TempDir
    java.nio.file.Path temp;

    private final HdfsArtifactStoreProvider provider = new HdfsArtifactStoreProvider(Map.of(), name -> null);

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

    private static String base(TestInfo test) {
        return "/store-test/" + test.getTestMethod().orElseThrow().getName();
    }

    private static Map<String, String> settings(Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>(TestingHdfsCluster.CLIENT_SETTINGS);
        settings.putAll(extra);
        return settings;
    }

    // ---------------------------------------------------------------------------------------------------------
    // ExternalWrites: files written into a draft's staging directory by another writer (Spark's executors)

    @Test
    void externallyWrittenFilesAreAdoptedAndCommittedWithTheDraftAndAnAbandonedDraftTakesThemAway(TestInfo test) throws IOException {
        DistributedFileSystem writer = cluster.fileSystem(); // another client, as an executor would be
        String sha = "0".repeat(64);
        try (ArtifactStore store = provider.create(cluster.uri(base(test) + "/store"), StoreContext.of(settings(Map.of())))) {
            URI committed;
            URI staging;
            try (ArtifactDraft draft = store.createDraft()) {
                dev.cairn.api.spi.ExternalWrites external = draft.externalWrites().orElseThrow();
                staging = external.stagingDirectory();
                assertThat(staging.getScheme()).isEqualTo("hdfs");
                assertThat(staging.toString()).endsWith("/");
                try (OutputStream out = writer.create(new Path(staging.resolve("parts/part-00000.parquet")))) {
                    out.write("written by an executor".getBytes(UTF_8));
                }
                try (OutputStream out = writer.create(new Path(staging.resolve("part.parquet")))) {
                    out.write("12345".getBytes(UTF_8));
                }
                assertThatThrownBy(() -> external.adopt(List.of(new dev.cairn.api.artifact.ArtifactFile("missing.parquet", 5, sha))))
                        .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INTEGRITY_VIOLATION))
                        .hasMessageContaining("missing.parquet");
                assertThatThrownBy(() -> external.adopt(List.of(new dev.cairn.api.artifact.ArtifactFile("part.parquet", 6, sha))))
                        .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INTEGRITY_VIOLATION))
                        .hasMessageContaining("expected a file of 6 bytes, found 5 bytes");
                assertThatThrownBy(() -> external.adopt(List.of(new dev.cairn.api.artifact.ArtifactFile("../escape.parquet", 5, sha))))
                        .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.PATH_OUTSIDE_STORE));
                writer.delete(new Path(staging.resolve("part.parquet")), false);
                external.adopt(List.of(new dev.cairn.api.artifact.ArtifactFile("parts/part-00000.parquet", 22, sha)));
                committed = draft.commit("artifacts/a/1");
            }
            assertThat(store.listFiles(committed)).containsExactly("parts/part-00000.parquet");
            assertThat(writer.exists(new Path(staging))).isFalse();

            try (ArtifactDraft draft = store.createDraft()) {
                staging = draft.externalWrites().orElseThrow().stagingDirectory();
                try (OutputStream out = writer.create(new Path(staging.resolve("_attempts/part-00000-7.parquet")))) {
                    out.write("an attempt that never committed".getBytes(UTF_8));
                }
            }
            assertThat(writer.exists(new Path(staging))).as("closing an uncommitted draft deletes what external writers put there").isFalse();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Configuration

    @Test
    void siteFilesInTheConfigurationDirectoryOrHadoopConfDirAreRead(TestInfo test) throws IOException {
        java.nio.file.Path directory = Files.createDirectories(temp.resolve("conf"));
        Files.writeString(directory.resolve("core-site.xml"), "<configuration><property><name>fs.defaultFS</name>"
                + "<value>" + cluster.uri("") + "</value></property></configuration>");
        URI withoutAuthority = URI.create("hdfs://" + base(test) + "/store");

        try (ArtifactStore store = provider.create(withoutAuthority,
                StoreContext.of(settings(Map.of(HdfsArtifactStoreProvider.HADOOP_CONF_DIR, directory.toString()))))) {
            assertThat(store.rootUri()).isEqualTo(cluster.uri(base(test) + "/store/"));
            commit(store, "artifacts/a/1", "from the site file".getBytes(UTF_8));
        }
        HdfsArtifactStoreProvider fromEnvironment = new HdfsArtifactStoreProvider(TestingHdfsCluster.CLIENT_SETTINGS,
                name -> name.equals("HADOOP_CONF_DIR") ? directory.toString() : null);
        try (ArtifactStore store = fromEnvironment.create(withoutAuthority, StoreContext.defaults())) {
            assertThat(store.rootUri()).isEqualTo(cluster.uri(base(test) + "/store/"));
            assertThat(store.listFiles(store.rootUri())).containsExactly("artifacts/a/1/data.bin");
        }
    }

    @Test
    void explicitHadoopKeysApplyAndPerStoreKeysOverrideTheProvidersDefaults(TestInfo test) throws IOException {
        DistributedFileSystem admin = cluster.fileSystem();
        HdfsArtifactStoreProvider withDefaults = new HdfsArtifactStoreProvider(
                settings(Map.of("dfs.blocksize", String.valueOf(2 << 20))), name -> null);

        try (ArtifactStore store = withDefaults.create(cluster.uri(base(test) + "/a"), StoreContext.defaults())) {
            commit(store, "artifacts/x/1", new byte[10]);
        }
        try (ArtifactStore store = withDefaults.create(cluster.uri(base(test) + "/b"),
                StoreContext.of(Map.of("dfs.blocksize", String.valueOf(1 << 20))))) {
            commit(store, "artifacts/x/1", new byte[10]);
        }
        try (ArtifactStore store = provider.create(cluster.uri(base(test) + "/c"), StoreContext.defaults())) {
            commit(store, "artifacts/x/1", new byte[10]);
        }

        assertThat(admin.getFileStatus(new Path(base(test) + "/a/artifacts/x/1/data.bin")).getBlockSize())
                .isEqualTo(2 << 20);
        assertThat(admin.getFileStatus(new Path(base(test) + "/b/artifacts/x/1/data.bin")).getBlockSize())
                .isEqualTo(1 << 20);
        assertThat(admin.getFileStatus(new Path(base(test) + "/c/artifacts/x/1/data.bin")).getBlockSize())
                .as("Hadoop's default").isEqualTo(128 << 20);
    }

    // ---------------------------------------------------------------------------------------------------------
    // URIs and names

    @Test
    void theRootIsNormalisedAndUrisAreComparedIgnoringCaseOfSchemeAndHost(TestInfo test) throws IOException {
        String upper = "HDFS://LOCALHOST:" + cluster.cluster().getNameNodePort() + base(test) + "//store";
        try (ArtifactStore store = provider.create(URI.create(upper), StoreContext.of(settings(Map.of())))) {
            assertThat(store.rootUri()).isEqualTo(cluster.uri(base(test) + "/store/"));
            URI file = store.resolve("a/b.bin");
            assertThat(store.checkInside(URI.create(upper + "/a/./c/../b.bin"))).isEqualTo(file);
            assertThat(store.checkInside(URI.create(store.rootUri() + "a%20b/c.bin")).getPath())
                    .endsWith("/store/a b/c.bin");
        }
    }

    @Test
    void urisOfAnotherFileSystemAreRefused(TestInfo test) throws IOException {
        try (ArtifactStore store = provider.create(cluster.uri(base(test) + "/store"), StoreContext.of(settings(Map.of())))) {
            String path = store.rootUri().getRawPath() + "a.bin";
            for (String other : List.of("hdfs://otherhost:" + cluster.cluster().getNameNodePort() + path,
                    "hdfs://localhost:1" + path, "hdfs://" + path, "hdfs:" + path, "s3a://bucket" + path,
                    "hdfs://" + store.rootUri().getRawAuthority() + "/../" + path)) {
                assertThatThrownBy(() -> store.checkInside(URI.create(other))).as(other)
                        .isInstanceOfSatisfying(CairnException.class, e -> {
                            assertThat(e.errorCode()).isEqualTo(ErrorCode.PATH_OUTSIDE_STORE);
                            assertThat(e.getMessage()).contains(other).contains(store.rootUri().toString());
                        });
            }
        }
    }

    @Test
    void aNameHdfsRefusesIsAClearStoreFailureAndLeavesNothing(TestInfo test) throws IOException {
        try (ArtifactStore store = provider.create(cluster.uri(base(test) + "/store"), StoreContext.of(settings(Map.of())))) {
            try (ArtifactDraft draft = store.createDraft()) {
                assertThatThrownBy(() -> draft.create("model:v1.bin")).isInstanceOfSatisfying(CairnException.class,
                        e -> {
                            assertThat(e.errorCode()).isEqualTo(ErrorCode.STORE_FAILURE);
                            assertThat(e.getMessage()).contains("model:v1.bin").contains(store.rootUri().toString())
                                    .contains("refuses the path");
                        });
            }
            assertThat(store.listFiles(store.rootUri())).isEmpty();
            assertThat(store.deleteAbandonedDrafts(Duration.ZERO)).isZero();
        }
    }

    @Test
    void aRootThatIsAFileIsAStoreFailure(TestInfo test) throws IOException {
        cluster.fileSystem().create(new Path(base(test) + "/file")).close();

        assertThatThrownBy(() -> provider.create(cluster.uri(base(test) + "/file"), StoreContext.of(settings(Map.of()))))
                .isInstanceOfSatisfying(CairnException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.STORE_FAILURE);
                    assertThat(e.getMessage()).contains(cluster.uri(base(test) + "/file").toString())
                            .contains("not a directory");
                });
    }

    @Test
    void aClosedStoreRefusesToWork(TestInfo test) {
        ArtifactStore store = provider.create(cluster.uri(base(test) + "/store"), StoreContext.of(settings(Map.of())));
        store.close();
        store.close();

        assertThatThrownBy(() -> store.exists(store.rootUri())).isInstanceOfSatisfying(CairnException.class,
                e -> assertThat(e.getMessage()).contains("closed").contains(store.rootUri().toString()));
        assertThatThrownBy(store::createDraft).isInstanceOf(CairnException.class);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Drafts

    @Test
    void aDraftWithAFileStillBeingWrittenIsNotAbandoned(TestInfo test) throws Exception {
        try (ArtifactStore store = provider.create(cluster.uri(base(test) + "/store"), StoreContext.of(settings(Map.of())))) {
            ArtifactDraft slow = store.createDraft();
            OutputStream out = slow.create("data.bin");
            out.write(new byte[1000]);
            out.flush();
            ArtifactDraft idle = store.createDraft();
            write(idle, "data.bin", new byte[10]);
            Thread.sleep(300);

            assertThat(store.deleteAbandonedDrafts(Duration.ofMillis(100))).as("only the idle draft").isEqualTo(1);
            assertThatThrownBy(() -> idle.create("more.bin")).isInstanceOf(FileNotFoundException.class)
                    .hasMessageContaining("no longer exists");
            assertThat(store.listFiles(store.resolve(".staging"))).as("the idle draft is not re-created")
                    .singleElement().asString().endsWith("/data.bin");
            assertThatThrownBy(() -> idle.commit("artifacts/idle/1")).isInstanceOfSatisfying(CairnException.class,
                    e -> assertThat(e.getMessage()).contains("no longer exists"));
            idle.close();

            out.write(new byte[1000]);
            out.close();
            slow.commit("artifacts/slow/1");
            assertThat(store.size(store.resolve("artifacts/slow/1/data.bin"))).isEqualTo(2000);
            assertThat(store.listFiles(store.rootUri())).containsExactly("artifacts/slow/1/data.bin");
        }
    }

    @Test
    void aSecondClientSeesWhatTheFirstCommitted(TestInfo test) throws IOException {
        URI root = cluster.uri(base(test) + "/store");
        try (ArtifactStore writer = provider.create(root, StoreContext.of(settings(Map.of())));
                ArtifactStore reader = provider.create(root, StoreContext.of(settings(Map.of())))) {
            ArtifactDraft draft = writer.createDraft();
            write(draft, "data.bin", "shared".getBytes(UTF_8));
            assertThat(reader.listFiles(reader.rootUri())).isEmpty();

            draft.commit("artifacts/shared/1");

            assertThat(read(reader, reader.resolve("artifacts/shared/1/data.bin"))).asString(UTF_8).isEqualTo("shared");
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Random access

    @Test
    void randomAccessChannelsReadIntoDirectBuffersAndAreReadOnly(TestInfo test) throws IOException {
        byte[] data = bytes(3_000_000, 7);
        try (ArtifactStore store = provider.create(cluster.uri(base(test) + "/store"), StoreContext.of(settings(Map.of())))) {
            URI artifact = commit(store, "artifacts/table/1", data);
            SeekableByteChannel channel = store.openRandomAccess(store.resolve("artifacts/table/1/data.bin"));
            try (channel) {
                ByteBuffer footer = ByteBuffer.allocateDirect(8);
                channel.position(data.length - 8).read(footer);
                footer.flip();
                byte[] tail = new byte[8];
                footer.get(tail);
                assertThat(tail).isEqualTo(java.util.Arrays.copyOfRange(data, data.length - 8, data.length));

                ByteBuffer middle = ByteBuffer.allocate(1_500_000);
                channel.position(1_000_000);
                while (middle.hasRemaining() && channel.read(middle) > 0) {
                    // keep reading
                }
                assertThat(middle.array()).isEqualTo(java.util.Arrays.copyOfRange(data, 1_000_000, 2_500_000));
                assertThat(channel.position(10_000_000).read(ByteBuffer.allocate(1))).isEqualTo(-1);
                assertThatThrownBy(() -> channel.write(ByteBuffer.allocate(1)))
                        .isInstanceOf(NonWritableChannelException.class);
            }
            assertThat(channel.isOpen()).isFalse();
            assertThatThrownBy(() -> channel.read(ByteBuffer.allocate(1))).isInstanceOf(ClosedChannelException.class);
            assertThatThrownBy(() -> store.openRandomAccess(artifact)).isInstanceOf(PathIsDirectoryException.class);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Other Hadoop schemes without a connector

    @Test
    void webHdfsStoresUseTheSameAtomicCommit(TestInfo test) throws Exception {
        int httpPort = cluster.cluster().getNameNode().getHttpAddress().getPort();
        URI root = URI.create("webhdfs://localhost:" + httpPort + base(test) + "/store");
        try (ArtifactStore store = provider.create(root, StoreContext.of(settings(Map.of())))) {
            assertThat(((HdfsArtifactStore) store).toString()).contains("webhdfs://");
            exactlyOneOfManyConcurrentCommitsWins(store);
            assertThat(cluster.fileSystem().exists(new Path(base(test) + "/store/artifacts/contested/1/thread.txt")))
                    .as("written through WebHDFS, visible in HDFS").isTrue();
        }
    }

    @Test
    void viewFsStoresCommitThroughTheMountTableWithoutEnteringAnExistingTarget(TestInfo test) throws Exception {
        Map<String, String> mountTable = settings(Map.of("fs.viewfs.mounttable.cairn.link./data",
                cluster.uri(base(test)).toString()));
        try (ArtifactStore store = provider.create(URI.create("viewfs://cairn/data/store/"), StoreContext.of(mountTable))) {
            assertThat(store.rootUri()).isEqualTo(URI.create("viewfs://cairn/data/store/"));
            exactlyOneOfManyConcurrentCommitsWins(store);
            assertThat(cluster.fileSystem().exists(new Path(base(test) + "/store/artifacts/contested/1/thread.txt")))
                    .as("written through the mount table, visible in HDFS").isTrue();
        }
    }

    /** Concurrent commits to one target: one wins whole, the others fail and do not end up inside the winner. */
    private static void exactlyOneOfManyConcurrentCommitsWins(ArtifactStore store) throws Exception {
        int threads = 6;
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Callable<Integer>> tasks = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            tasks.add(() -> {
                try (ArtifactDraft draft = store.createDraft()) {
                    write(draft, "data.bin", bytes(1000, thread));
                    write(draft, "thread.txt", String.valueOf(thread).getBytes(UTF_8));
                    start.await(20, TimeUnit.SECONDS);
                    try {
                        draft.commit("artifacts/contested/1");
                        return thread;
                    } catch (CairnException e) {
                        assertThat(e.errorCode()).isEqualTo(ErrorCode.STORE_FAILURE);
                        assertThat(e.getMessage()).contains("already exists");
                        return -1;
                    }
                }
            });
        }
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        List<Integer> winners = new ArrayList<>();
        try {
            for (Future<Integer> result : executor.invokeAll(tasks, 40, TimeUnit.SECONDS)) {
                if (result.get() >= 0) {
                    winners.add(result.get());
                }
            }
        } finally {
            executor.shutdownNow();
        }
        assertThat(winners).hasSize(1);
        int winner = winners.get(0);
        assertThat(store.listFiles(store.rootUri()))
                .containsExactly("artifacts/contested/1/data.bin", "artifacts/contested/1/thread.txt");
        assertThat(read(store, store.resolve("artifacts/contested/1/thread.txt"))).asString(UTF_8)
                .isEqualTo(String.valueOf(winner));
        assertThat(read(store, store.resolve("artifacts/contested/1/data.bin"))).isEqualTo(bytes(1000, winner));
        assertThat(store.deleteAbandonedDrafts(Duration.ZERO)).as("drafts left behind").isZero();
    }

    // ---------------------------------------------------------------------------------------------------------

    private static URI commit(ArtifactStore store, String target, byte[] content) throws IOException {
        try (ArtifactDraft draft = store.createDraft()) {
            write(draft, "data.bin", content);
            return draft.commit(target);
        }
    }

    private static void write(ArtifactDraft draft, String relativePath, byte[] content) throws IOException {
        try (OutputStream out = draft.create(relativePath)) {
            out.write(content);
        }
    }

    private static byte[] read(ArtifactStore store, URI file) throws IOException {
        try (InputStream in = store.openRead(file)) {
            return in.readAllBytes();
        }
    }

    private static byte[] bytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
