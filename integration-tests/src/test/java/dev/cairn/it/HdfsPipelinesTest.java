package dev.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
import dev.cairn.api.artifact.LoadOptions;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Step;
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
 * two runs, and load in another process that shares the store and the metadata; a Parquet dataframe artifact
 * (materializers-arrow) loads whole and by column through the store's random-access reads.
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

    /** A dataframe-like record: a list of these is stored as Parquet by materializers-arrow. */
    public record Measurement(long id, double value, String label) {}

    /** Only the {@code value} column of a {@link Measurement}. */
    public record ValueOnly(double value) {}

    public static final class TableSteps {
        private TableSteps() {}

        @Step
        public static List<Measurement> measure() {
            List<Measurement> rows = new ArrayList<>();
            for (int i = 0; i < 200_000; i++) {
                rows.add(new Measurement(i, i * 0.5, "label-" + (i % 97)));
            }
            return rows;
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
    void aParquetDataframeArtifactOnHdfsLoadsWholeAndByColumn(@TempDir Path home) throws Exception {
        URI store = cluster.uri("/parquet/store");
        try (Cairn cairn = Cairn.builder().home(home).artifactStore(store).build()) {
            PipelineRun run = cairn.run(Pipeline.define("measurements", p -> p.call(TableSteps::measure)));
            assertThat(run.status()).as(run.error().orElse("")).isEqualTo(RunStatus.COMPLETED);

            ArtifactVersion table = run.step("measure").output("output");
            assertThat(table.materializerId()).contains("arrow");
            org.apache.hadoop.fs.Path parquet = new org.apache.hadoop.fs.Path(table.uri().getPath() + "/data.parquet");
            assertThat(cluster.fileSystem().getFileStatus(parquet).getLen()).as("Parquet file on HDFS").isPositive();
            table.verify();

            List<Measurement> all = table.load();
            assertThat(all).hasSize(200_000).startsWith(new Measurement(0, 0.0, "label-0"));
            assertThat(all.get(199_999)).isEqualTo(new Measurement(199_999, 99_999.5, "label-" + (199_999 % 97)));

            List<ValueOnly> values = table.load(new TypeLiteral<List<ValueOnly>>() {}.type(),
                    LoadOptions.DEFAULT.withColumns(List.of("value")));
            assertThat(values).hasSize(200_000).element(12_345).isEqualTo(new ValueOnly(6_172.5));
            try (org.apache.arrow.vector.table.Table projected = table.load(org.apache.arrow.vector.table.Table.class,
                    LoadOptions.DEFAULT.withColumns(List.of("label")).withRowLimit(10))) {
                assertThat(projected.getSchema().getFields()).extracting(f -> f.getName()).containsExactly("label");
                assertThat(projected.getRowCount()).isEqualTo(10);
            }
        }
    }

    /** Captures a generic type, as {@code new TypeLiteral<List<X>>() {}.type()}. */
    abstract static class TypeLiteral<T> {
        java.lang.reflect.Type type() {
            return ((java.lang.reflect.ParameterizedType) getClass().getGenericSuperclass()).getActualTypeArguments()[0];
        }
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
