package dev.cairn.stores.hdfs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.security.PrivilegedExceptionAction;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.hdfs.protocol.HdfsConstants;
import org.apache.hadoop.security.UserGroupInformation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.spi.ArtifactDraft;
import dev.cairn.api.spi.ArtifactStore;
import dev.cairn.api.spi.StoreContext;
import dev.cairn.stores.hdfs.testing.TestingHdfsCluster;

/**
 * Faults of a real HDFS while the store works: a DataNode lost in the middle of a write, the NameNode restarting
 * between two operations or staying down, a directory the user may not write, and an exhausted space quota. Each ends
 * in a retry that succeeds or a clear {@code STORE_FAILURE}, and the store stays consistent: nothing half-written is
 * visible and no draft is left behind.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.MethodName.class)
class HdfsStoreFaultTest {
    private static final int BLOCK_SIZE = 1 << 20;
    private static TestingHdfsCluster cluster;

    private static MiniDFSCluster.DataNodeProperties stoppedDataNode;

    private final HdfsArtifactStoreProvider provider = new HdfsArtifactStoreProvider();

    @BeforeAll
    static void startCluster() {
        // Two DataNodes and replication 2: every block's pipeline runs through both, so stopping either one hits a
        // write in progress; the client then goes on with the survivor (pipeline recovery).
        cluster = TestingHdfsCluster.start(2, Map.of("dfs.replication", "2", "dfs.blocksize", String.valueOf(BLOCK_SIZE)));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @AfterEach
    void everyNodeRunsAgain() throws IOException {
        MiniDFSCluster mini = cluster.cluster();
        if (!mini.isNameNodeUp(0)) {
            mini.restartNameNode(0, true);
        }
        if (stoppedDataNode != null) {
            mini.restartDataNode(stoppedDataNode, true);
            stoppedDataNode = null;
        }
        mini.waitActive();
    }

    private static Map<String, String> settings(int attempts, long backoffMillis) {
        Map<String, String> settings = new HashMap<>(TestingHdfsCluster.fastRetries(attempts, backoffMillis));
        settings.put("dfs.blocksize", String.valueOf(BLOCK_SIZE));
        // With two DataNodes there is no spare to replace a lost one in the write pipeline: go on with the survivor
        // (otherwise, depending on timing, the client gives up with "no more good datanodes being available").
        settings.put("dfs.client.block.write.replace-datanode-on-failure.best-effort", "true");
        return settings;
    }

    // ---------------------------------------------------------------------------------------------------------

    @Test
    void aDataNodeLostInTheMiddleOfAWriteDoesNotLoseTheArtifact() throws Exception {
        byte[] data = bytes(3 * BLOCK_SIZE + 12_345, 1);
        byte[] earlier = bytes(BLOCK_SIZE / 2, 2);
        try (ArtifactStore store = provider.create(cluster.uri("/datanode-loss/store"), StoreContext.of(settings(5, 100)))) {
            URI before = commit(store, "artifacts/earlier/1", earlier);
            URI artifact;
            try (ArtifactDraft draft = store.createDraft()) {
                try (OutputStream out = draft.create("data.bin")) {
                    out.write(data, 0, BLOCK_SIZE + BLOCK_SIZE / 2);
                    out.flush();
                    stoppedDataNode = cluster.cluster().stopDataNode(0);
                    assertThat(stoppedDataNode).as("stopped DataNode").isNotNull();
                    out.write(data, BLOCK_SIZE + BLOCK_SIZE / 2, data.length - (BLOCK_SIZE + BLOCK_SIZE / 2));
                }
                artifact = draft.commit("artifacts/model/1");
            }
            assertThat(cluster.cluster().getDataNodes()).as("DataNodes still running").hasSize(1);

            assertThat(read(store, store.resolve("artifacts/model/1/data.bin"))).isEqualTo(data);
            assertThat(read(store, store.resolve("artifacts/earlier/1/data.bin")))
                    .as("an artifact written before, read from its remaining replica").isEqualTo(earlier);
            assertThat(store.listFiles(store.rootUri()))
                    .containsExactly("artifacts/earlier/1/data.bin", "artifacts/model/1/data.bin");
            assertThat(store.exists(artifact)).isTrue();
            assertThat(store.exists(before)).isTrue();
            assertThat(store.deleteAbandonedDrafts(Duration.ZERO)).as("drafts left behind").isZero();
        }
    }

    @Test
    void aNameNodeRestartBetweenTwoOperationsIsRetriedUntilItIsBack() throws Exception {
        MiniDFSCluster mini = cluster.cluster();
        ExecutorService restarter = Executors.newSingleThreadExecutor();
        // Up to 60 attempts with 200..800 ms between them: about 45 s, far longer than a restart of the MiniDFSCluster
        // even on a loaded machine (12 attempts, about 8 s, were not always enough there); the store retries until the
        // NameNode is back however long that takes within the budget.
        try (ArtifactStore store = provider.create(cluster.uri("/namenode-restart/store"), StoreContext.of(settings(60, 200)))) {
            commit(store, "artifacts/first/1", "first".getBytes(UTF_8));

            mini.shutdownNameNode(0);
            Future<?> restart = restarter.submit(() -> {
                Thread.sleep(1500);
                mini.restartNameNode(0, true);
                return null;
            });
            // The NameNode is down now: the draft's directory cannot be made until it is back (and out of safe mode).
            URI second = commit(store, "artifacts/second/1", "second".getBytes(UTF_8));
            restart.get(60, TimeUnit.SECONDS);

            assertThat(second).isEqualTo(store.resolve("artifacts/second/1"));
            assertThat(read(store, store.resolve("artifacts/first/1/data.bin"))).asString(UTF_8).isEqualTo("first");
            assertThat(read(store, store.resolve("artifacts/second/1/data.bin"))).asString(UTF_8).isEqualTo("second");
            assertThat(store.listFiles(store.rootUri()))
                    .containsExactly("artifacts/first/1/data.bin", "artifacts/second/1/data.bin");
            assertThat(store.deleteAbandonedDrafts(Duration.ZERO)).as("drafts left behind").isZero();
        } finally {
            restarter.shutdownNow();
        }
    }

    @Test
    void aNameNodeThatStaysDownIsAClearFailureAfterBoundedRetries() throws Exception {
        try (ArtifactStore store = provider.create(cluster.uri("/namenode-down/store"), StoreContext.of(settings(3, 100)))) {
            commit(store, "artifacts/kept/1", "kept".getBytes(UTF_8));
            ArtifactDraft pending = store.createDraft();
            try (OutputStream out = pending.create("data.bin")) {
                out.write("never committed".getBytes(UTF_8));
            }

            cluster.cluster().shutdownNameNode(0);
            // bounded: each call gives up after the configured 3 attempts and says so (no timing assertion: how long
            // that takes depends on the machine)
            assertStoreFailure(() -> store.exists(store.resolve("artifacts/kept/1")), store, "3 attempts");
            assertStoreFailure(() -> pending.commit("artifacts/pending/1"), store, "3 attempts");
            assertStoreFailure(store::createDraft, store, "3 attempts");
            assertThatThrownBy(pending::close).as("the draft cannot be deleted while the NameNode is down")
                    .isInstanceOfSatisfying(CairnException.class,
                            e -> assertThat(e.getMessage()).contains("deleteAbandonedDrafts() will remove it later"));

            cluster.cluster().restartNameNode(0, true);
            assertThat(store.exists(store.resolve("artifacts/pending/1"))).as("the failed commit").isFalse();
            assertThat(store.listFiles(store.rootUri())).containsExactly("artifacts/kept/1/data.bin");
            assertThat(store.deleteAbandonedDrafts(Duration.ZERO)).as("the draft left while the NameNode was down")
                    .isEqualTo(1);
            assertThat(store.listFiles(store.resolve(".staging"))).isEmpty();
        }
    }

    @Test
    void aDirectoryTheUserMayNotWriteIsAClearPermissionFailure() throws Exception {
        DistributedFileSystem admin = cluster.fileSystem();
        admin.mkdirs(new Path("/owned-by-root"), new FsPermission((short) 0755));
        // A store written by its owner (the superuser here), then opened by another user who may only read it.
        URI sharedRoot = cluster.uri("/owned-by-root/shared");
        try (ArtifactStore owners = provider.create(sharedRoot, StoreContext.of(settings(3, 100)))) {
            commit(owners, "artifacts/model/1", "weights".getBytes(UTF_8));
        }
        admin.setPermission(new Path("/owned-by-root/shared"), new FsPermission((short) 0755));
        UserGroupInformation alice = UserGroupInformation.createRemoteUser("alice");

        CairnException cannotCreate = as(alice, () -> {
            try {
                provider.create(cluster.uri("/owned-by-root/alices-store"), StoreContext.of(settings(3, 100))).close();
                return null;
            } catch (CairnException e) {
                return e;
            }
        });
        assertThat(cannotCreate).as("creating a store where alice may not write").isNotNull();
        assertThat(cannotCreate.errorCode()).isEqualTo(ErrorCode.STORE_FAILURE);
        assertThat(cannotCreate.getMessage()).contains(cluster.uri("/owned-by-root/alices-store/").toString())
                .contains("permission denied").contains("alice");
        assertThat(admin.exists(new Path("/owned-by-root/alices-store"))).isFalse();

        try (ArtifactStore readOnly = as(alice, () -> provider.create(sharedRoot, StoreContext.of(settings(3, 100))))) {
            assertThat(read(readOnly, readOnly.resolve("artifacts/model/1/data.bin"))).asString(UTF_8)
                    .isEqualTo("weights");
            assertThatThrownBy(readOnly::createDraft).isInstanceOfSatisfying(CairnException.class, e -> {
                assertThat(e.errorCode()).isEqualTo(ErrorCode.STORE_FAILURE);
                assertThat(e.getMessage()).contains(sharedRoot.toString()).contains("permission denied")
                        .contains("alice");
            });
            assertThatThrownBy(() -> readOnly.delete(readOnly.resolve("artifacts/model/1")))
                    .isInstanceOfSatisfying(CairnException.class,
                            e -> assertThat(e.getMessage()).contains("permission denied"));
            assertThat(readOnly.listFiles(readOnly.rootUri())).containsExactly("artifacts/model/1/data.bin");
        }
    }

    @Test
    void anExhaustedSpaceQuotaFailsTheWriteClearlyAndLeavesNothing() throws Exception {
        DistributedFileSystem admin = cluster.fileSystem();
        URI root = cluster.uri("/quota/store");
        try (ArtifactStore store = provider.create(root, StoreContext.of(settings(3, 100)))) {
            // A new block reserves block size × replication = 2 MiB of quota: 1 MiB cannot hold even one.
            admin.setQuota(new Path("/quota/store"), HdfsConstants.QUOTA_DONT_SET, BLOCK_SIZE);

            ArtifactDraft draft = store.createDraft();
            OutputStream out = draft.create("data.bin");
            assertThatThrownBy(() -> {
                out.write(bytes(BLOCK_SIZE / 4, 3));
                out.close();
            }).isInstanceOfSatisfying(CairnException.class, e -> {
                assertThat(e.errorCode()).isEqualTo(ErrorCode.STORE_FAILURE);
                assertThat(e.getMessage()).contains(root.toString()).contains("quota exceeded")
                        .contains("data.bin").contains("setSpaceQuota");
            });
            draft.close();

            assertThat(store.listFiles(store.rootUri())).isEmpty();
            assertThat(store.deleteAbandonedDrafts(Duration.ZERO)).as("drafts left behind").isZero();

            admin.setQuota(new Path("/quota/store"), HdfsConstants.QUOTA_DONT_SET, HdfsConstants.QUOTA_RESET);
            commit(store, "artifacts/after/1", "fits now".getBytes(UTF_8));
            assertThat(store.listFiles(store.rootUri())).containsExactly("artifacts/after/1/data.bin");
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    private static URI commit(ArtifactStore store, String target, byte[] content) throws IOException {
        try (ArtifactDraft draft = store.createDraft()) {
            try (OutputStream out = draft.create("data.bin")) {
                out.write(content);
            }
            return draft.commit(target);
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

    private static void assertStoreFailure(org.assertj.core.api.ThrowableAssert.ThrowingCallable call,
            ArtifactStore store, String messagePart) {
        assertThatThrownBy(call).isInstanceOfSatisfying(CairnException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.STORE_FAILURE);
            assertThat(e.getMessage()).contains(store.rootUri().toString()).contains(messagePart)
                    .contains("ConnectException").contains("NameNode");
        });
    }

    private static <T> T as(UserGroupInformation user, PrivilegedExceptionAction<T> action) throws Exception {
        return user.doAs(action);
    }
}
