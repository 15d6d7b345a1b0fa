package dev.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.hadoop.fs.FileStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.cairn.api.Cairn;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunStatus;
import dev.cairn.examples.ExamplePipelines;
import dev.cairn.examples.QuickstartSteps.Enriched;
import dev.cairn.examples.QuickstartSteps.Row;
import dev.cairn.examples.TrainingSteps.LinearModel;
import dev.cairn.stores.hdfs.testing.TestingHdfsCluster;

/**
 * The quickstart pipelines with their artifacts on a real in-process HDFS, found through the built-in
 * {@code stores-hdfs} plugin from an {@code hdfs://} store URI: artifacts load back, survive a NameNode restart between
 * two runs, and load in another process that shares the store and the metadata.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HdfsPipelinesTest {
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

    /** The child process: loads the latest {@code trained_model} from the shared home and HDFS store, prints it. */
    public static void main(String[] args) {
        try (Cairn cairn = Cairn.builder().home(Path.of(args[0])).artifactStore(URI.create(args[1])).build()) {
            ArtifactVersion model = cairn.client().getArtifactVersion("trained_model");
            model.verify();
            LinearModel loaded = model.load();
            System.out.println("LOADED " + model.uri() + " " + model.contentHash() + " " + loaded);
        }
    }

    @Test
    void theQuickstartRunsOnHdfsAndItsArtifactsLoadBack(@TempDir Path home) throws Exception {
        URI store = cluster.uri("/quickstart/store");
        try (Cairn cairn = Cairn.builder().home(home).artifactStore(store).build()) {
            for (Pipeline pipeline : ExamplePipelines.quickstart()) {
                PipelineRun run = cairn.run(pipeline);
                assertThat(run.status()).as("%s: %s", run.pipelineName(), run.error().orElse("")).isEqualTo(RunStatus.COMPLETED);
            }

            PipelineRun training = cairn.client().listRuns("training_pipeline").get(0);
            List<Enriched> train = training.step("splitDataset").output("trainData").load();
            List<Enriched> test = training.step("splitDataset").output("testData").load();
            List<Row> rows = training.step("createData").output("output").load();
            assertThat(train).isNotEmpty();
            assertThat(train.size() + test.size()).isEqualTo(rows.size());

            ArtifactVersion model = cairn.client().getArtifactVersion("trained_model");
            assertThat(model.uri().toString()).startsWith(store + "/artifacts/");
            assertThat(model.storeUri()).isEqualTo(URI.create(store + "/"));
            model.verify();
            LinearModel loaded = model.load();
            assertThat(loaded).isNotNull();
            assertThat(cairn.client().getArtifactVersion("train_data").uri().toString()).startsWith("hdfs://");
            assertThat(cairn.client().getArtifactVersion("test_data").uri().toString()).startsWith("hdfs://");
        }

        // What the engine wrote is on HDFS, complete with manifests, and nothing is left in the staging area.
        org.apache.hadoop.fs.Path artifacts = new org.apache.hadoop.fs.Path("/quickstart/store/artifacts");
        assertThat(cluster.fileSystem().listStatus(artifacts)).extracting(s -> s.getPath().getName())
                .contains("trained_model", "train_data", "test_data");
        FileStatus[] staged = cluster.fileSystem().listStatus(new org.apache.hadoop.fs.Path("/quickstart/store/.staging"));
        assertThat(staged).as("drafts left in the staging area").isEmpty();
        assertThat(Files.exists(home.resolve("store"))).as("no local store was used").isFalse();
    }

    @Test
    void aNameNodeRestartBetweenTwoRunsDoesNotLoseArtifactsOrBreakTheNextRun(@TempDir Path home) throws Exception {
        URI store = cluster.uri("/restart/store");
        try (Cairn cairn = Cairn.builder().home(home).artifactStore(store).build()) {
            assertThat(cairn.run(ExamplePipelines.training()).status()).isEqualTo(RunStatus.COMPLETED);

            cluster.cluster().restartNameNode(0, true);

            PipelineRun inference = cairn.run(ExamplePipelines.inference());
            assertThat(inference.status()).as(inference.error().orElse("")).isEqualTo(RunStatus.COMPLETED);
            ArtifactVersion model = cairn.client().getArtifactVersion("trained_model");
            model.verify();
            assertThat((LinearModel) model.load()).isNotNull();
        }
    }

    @Test
    void anotherProcessLoadsWhatThisOneWroteToTheSharedStore(@TempDir Path home) throws Exception {
        URI store = cluster.uri("/shared/store");
        ArtifactVersion written;
        try (Cairn cairn = Cairn.builder().home(home).artifactStore(store).build()) {
            assertThat(cairn.run(ExamplePipelines.training()).status()).isEqualTo(RunStatus.COMPLETED);
            written = cairn.client().getArtifactVersion("trained_model");
        }

        Path log = home.resolve("child.log");
        Process child = ChildJvm.start(HdfsPipelinesTest.class, log, home.toString(), store.toString());
        assertThat(child.waitFor(90, TimeUnit.SECONDS)).as("child finished").isTrue();
        String output = Files.readString(log);
        assertThat(child.exitValue()).as(output).isZero();
        assertThat(output).contains("LOADED " + written.uri() + " " + written.contentHash());
    }
}
