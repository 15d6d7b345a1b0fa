package dev.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunStatus;
import dev.cairn.stores.hdfs.testing.TestingHdfsCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One missing-file signal for every store: an artifact whose data file was deleted outside Cairn fails to load with
 * {@code INTEGRITY_VIOLATION} naming the file, on the local store and on HDFS alike — when the materializer opens the
 * file (JSON: the store's {@code NoSuchFileException}, mapped by the engine; before, HDFS's {@code FileNotFoundException}
 * became {@code MATERIALIZER_FAILED}) and when it notices the file missing from the listing (Parquet).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MissingFileSignalTest {
    private static TestingHdfsCluster cluster;

    public record Reading(long id, double value) {}

    public static final class Steps {
        private Steps() {}

        @Step
        public static String note() {
            return "a note";
        }

        @Step
        public static List<Reading> readings() {
            List<Reading> rows = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                rows.add(new Reading(i, i * 0.5));
            }
            return rows;
        }
    }

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

    @TempDir
    Path temp;

    @Test
    void onTheLocalStore() throws Exception {
        Path store = temp.resolve("store");
        assertMissingFilesAreIntegrityViolations(temp.resolve("local-home"), store.toUri(),
                file -> Files.delete(Path.of(file)));
    }

    @Test
    void onHdfs() throws Exception {
        assertMissingFilesAreIntegrityViolations(temp.resolve("hdfs-home"), cluster.uri("/missing/store"),
                file -> assertThat(cluster.fileSystem().delete(new org.apache.hadoop.fs.Path(file), false)).isTrue());
    }

    @FunctionalInterface
    interface FileDeleter {
        void delete(URI file) throws Exception;
    }

    private static void assertMissingFilesAreIntegrityViolations(Path home, URI store, FileDeleter deleter) throws Exception {
        try (Cairn cairn = Cairn.builder().home(home).artifactStore(store).build()) {
            PipelineRun run = cairn.run(Pipeline.define("missing_files", p -> {
                p.call(Steps::note);
                p.call(Steps::readings);
            }));
            assertThat(run.status()).as(run.error().orElse("")).isEqualTo(RunStatus.COMPLETED);
            ArtifactVersion json = run.step("note").output("output");
            ArtifactVersion parquet = run.step("readings").output("output");
            assertThat(parquet.materializerId()).isEqualTo("cairn.arrow");

            for (ArtifactVersion artifact : List.of(json, parquet)) {
                String file = artifact.materializerId().equals("cairn.arrow") ? "data.parquet" : "data.json";
                URI data = URI.create(artifact.uri() + (artifact.uri().toString().endsWith("/") ? "" : "/") + file);
                deleter.delete(data);

                assertThatThrownBy(artifact::load).as("loading %s without its %s", artifact.name(), file)
                        .isInstanceOfSatisfying(CairnException.class, e -> {
                            assertThat(e.errorCode()).isEqualTo(ErrorCode.INTEGRITY_VIOLATION);
                            assertThat(e.getMessage()).contains(file).contains(artifact.name());
                        });
            }
        }
    }
}
