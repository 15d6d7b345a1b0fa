package dev.cairn.stores.hdfs.testing;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/**
 * A real in-process HDFS ({@link MiniDFSCluster}: one NameNode and {@code dataNodes} DataNodes on loopback ports)
 * in a new directory under {@code java.io.tmpdir} (the build's {@code target/}), for tests. Start one per test class:
 * it takes a few seconds. Published in this module's test-jar for other modules' tests.
 */
public final class TestingHdfsCluster implements AutoCloseable {
    /**
     * Client settings for a fast test run: HDFS clients wait 400 ms by default before asking the NameNode again
     * whether a just-written file is complete, which on a loaded two-core machine is nearly every file.
     */
    public static final Map<String, String> CLIENT_SETTINGS =
            Map.of("dfs.client.block.write.locateFollowingBlock.initial.delay.ms", "10");

    private final MiniDFSCluster cluster;
    private final Path baseDirectory;

    private TestingHdfsCluster(MiniDFSCluster cluster, Path baseDirectory) {
        this.cluster = cluster;
        this.baseDirectory = baseDirectory;
    }

    /** Starts a cluster of one NameNode and one DataNode, replication 1. */
    public static TestingHdfsCluster start() {
        return start(1, Map.of());
    }

    /**
     * Starts a cluster with {@code dataNodes} DataNodes, replication {@code min(dataNodes, 3)}, block sizes down to
     * 1 byte allowed, and the extra Hadoop {@code settings}.
     */
    public static TestingHdfsCluster start(int dataNodes, Map<String, String> settings) {
        requireNonNull(settings, "settings is null");
        try {
            Path base = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "minidfs-");
            Configuration configuration = new Configuration();
            configuration.setInt("dfs.replication", Math.min(dataNodes, 3));
            configuration.setLong("dfs.namenode.fs-limits.min-block-size", 0);
            configuration.setInt("dfs.heartbeat.interval", 1);
            CLIENT_SETTINGS.forEach(configuration::set);
            settings.forEach(configuration::set);
            MiniDFSCluster cluster = new MiniDFSCluster.Builder(configuration, base.toFile())
                    .numDataNodes(dataNodes)
                    .build();
            cluster.waitActive();
            return new TestingHdfsCluster(cluster, base);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a MiniDFSCluster", e);
        }
    }

    /** {@code hdfs://localhost:<port><absolutePath>}. */
    public URI uri(String absolutePath) {
        requireNonNull(absolutePath, "absolutePath is null");
        return URI.create("hdfs://localhost:" + cluster.getNameNodePort() + absolutePath);
    }

    /** The running cluster, for fault injection. */
    public MiniDFSCluster cluster() {
        return cluster;
    }

    /** A superuser's client (Hadoop's cached instance, closed with the cluster). */
    public DistributedFileSystem fileSystem() {
        try {
            return cluster.getFileSystem();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The directory holding the cluster's NameNode and DataNode storage. */
    public Path baseDirectory() {
        return baseDirectory;
    }

    /**
     * Store settings that make a client give up on an unreachable NameNode fast: no Hadoop-level connection retries,
     * and Cairn retries with short backoff (about {@code attempts × backoffMillis} to {@code 2^attempts × backoffMillis}
     * in all).
     */
    public static Map<String, String> fastRetries(int attempts, long backoffMillis) {
        Map<String, String> settings = new HashMap<>(CLIENT_SETTINGS);
        settings.putAll(Map.of(
                "ipc.client.connect.max.retries", "0",
                "ipc.client.connect.max.retries.on.timeouts", "0",
                "ipc.client.connect.timeout", "2000",
                "cairn.retry.max-attempts", String.valueOf(attempts),
                "cairn.retry.initial-backoff-ms", String.valueOf(backoffMillis),
                "cairn.retry.max-backoff-ms", String.valueOf(backoffMillis * 4)));
        return Map.copyOf(settings);
    }

    @Override
    public void close() {
        cluster.shutdown(true);
    }
}
