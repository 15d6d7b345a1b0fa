package dev.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.lifecycle.PruneOptions;
import dev.cairn.api.lifecycle.PruneReport;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.PipelineOptions;
import dev.cairn.api.pipeline.Step;
import dev.cairn.stores.hdfs.testing.TestingHdfsCluster;

/**
 * Registering existing data on HDFS (file and folder, no copy), loading it as a local {@link Path} copy, the path checks
 * on {@code hdfs://} URIs, and pruning on HDFS (unused versions and registered data with {@code includeRegistered}).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RegisterAndPruneHdfsTest {
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

    public static final class Steps {
        @Step
        public static List<Integer> leftover() {
            return List.of(1, 2, 3);
        }
    }

    private static void write(String path, String content) throws Exception {
        try (OutputStream out = cluster.fileSystem().create(new org.apache.hadoop.fs.Path(path))) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void aFileAndAFolderOnHdfsRegisterWithoutCopyAndLoadAsLocalPaths(@TempDir Path home) throws Exception {
        URI store = cluster.uri("/register/store");
        write("/register/store/training/run-1/epoch-1.ckpt", "weights of epoch 1");
        write("/register/store/training/run-1/logs/metrics.csv", "epoch,loss\n1,0.5\n");
        try (Cairn cairn = Cairn.builder().home(home).artifactStore(store).build()) {
            ArtifactVersion file = cairn.client().registerArtifact(URI.create(store + "/training/run-1/epoch-1.ckpt"), "checkpoint");
            ArtifactVersion folder = cairn.client().registerArtifact(URI.create(store + "/training/run-1"), "training_run");

            assertThat(file.uri().toString()).isEqualTo(store + "/training/run-1/epoch-1.ckpt");
            assertThat(cluster.fileSystem().exists(new org.apache.hadoop.fs.Path("/register/store/artifacts"))).as("no copy").isFalse();
            assertThat(cluster.fileSystem().exists(new org.apache.hadoop.fs.Path("/register/store/.cairn-registered/" + file.id() + "/.cairn/manifest.json"))).isTrue();

            Path localFile = cairn.client().getArtifactVersion("checkpoint").load();
            assertThat(localFile.getFileSystem()).isEqualTo(java.nio.file.FileSystems.getDefault());
            assertThat(Files.readString(localFile)).isEqualTo("weights of epoch 1");
            Path localFolder = folder.load();
            assertThat(Files.readString(localFolder.resolve("epoch-1.ckpt"))).isEqualTo("weights of epoch 1");
            assertThat(Files.readString(localFolder.resolve("logs/metrics.csv"))).isEqualTo("epoch,loss\n1,0.5\n");
            file.verify();
            folder.verify();

            assertThatThrownBy(() -> cairn.client().registerArtifact(URI.create(store + "/training/run-1/epoch-1.ckpt"), "again"))
                    .hasMessageContaining("already registered as artifact 'checkpoint' version 1");
            write("/register/store_evil/x", "x");
            assertThatThrownBy(() -> cairn.client().registerArtifact(cluster.uri("/register/store_evil/x"), "evil"))
                    .extracting(e -> ((CairnException) e).errorCode()).isEqualTo(ErrorCode.PATH_OUTSIDE_STORE);
            assertThatThrownBy(() -> cairn.client().registerArtifact(URI.create(store + "/../store_evil/x"), "evil"))
                    .extracting(e -> ((CairnException) e).errorCode()).isEqualTo(ErrorCode.PATH_OUTSIDE_STORE);

            write("/register/store/training/run-1/epoch-1.ckpt", "overwritten");
            assertThatThrownBy(file::verify).extracting(e -> ((CairnException) e).errorCode()).isEqualTo(ErrorCode.INTEGRITY_VIOLATION);
        }
    }

    @Test
    void pruneOnHdfsDeletesUnusedVersionsAndRegisteredDataOnlyWhenIncluded(@TempDir Path home) throws Exception {
        URI store = cluster.uri("/prune/store");
        write("/prune/store/imports/table.csv", "a,b\n1,2\n");
        try (Cairn cairn = Cairn.builder().home(home).artifactStore(store).build()) {
            ArtifactVersion unused = cairn.run(Pipeline.define("leftover", p -> p.call(Steps::leftover))
                    .withOptions(PipelineOptions.builder().enableCache(false).build())).step("leftover").output("output");
            ArtifactVersion registered = cairn.client().registerArtifact(URI.create(store + "/imports/table.csv"), "imported");

            PruneReport report = cairn.client().prune(PruneOptions.builder().threads(4).build());
            assertThat(report.versions()).extracting(PruneReport.PrunedVersion::id).containsExactly(unused.id());
            assertThat(cluster.fileSystem().exists(new org.apache.hadoop.fs.Path(unused.uri().getPath()))).isFalse();
            assertThat(cluster.fileSystem().exists(new org.apache.hadoop.fs.Path("/prune/store/imports/table.csv"))).isTrue();

            PruneReport included = cairn.client().prune(PruneOptions.builder().includeRegistered(true).build());
            assertThat(included.versions()).extracting(PruneReport.PrunedVersion::id).containsExactly(registered.id());
            assertThat(cluster.fileSystem().exists(new org.apache.hadoop.fs.Path("/prune/store/imports/table.csv"))).isFalse();
            assertThat(cluster.fileSystem().exists(new org.apache.hadoop.fs.Path("/prune/store/.cairn-registered/" + registered.id()))).isFalse();
        }
    }
}
