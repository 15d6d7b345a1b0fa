package dev.cairn.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Type;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.ArtifactFile;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.artifact.LoadOptions;
import dev.cairn.api.artifact.TypeRef;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.PipelineOptions;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunStatus;
import dev.cairn.stores.hdfs.testing.TestingHdfsCluster;

/** Dataset artifacts on a real in-process HDFS, and interop with DuckDB and materializers-arrow. */
class SparkHdfsAndInteropTest {
    private static final Type DATASET_OF_ROWS = new TypeRef<Dataset<Row>>() {}.type();
    private static TestingHdfsCluster cluster;
    private static SparkSession spark;

    @TempDir
    Path home;

    /** A row of an Arrow artifact. */
    public record Measurement(long id, String sensor, double value) {}

    @Step
    public static List<Measurement> measurements() {
        List<Measurement> rows = new ArrayList<>();
        for (long i = 0; i < 500; i++) {
            rows.add(new Measurement(i, "s" + (i % 3), i / 4.0));
        }
        return rows;
    }

    @BeforeAll
    static void start() {
        spark = TestingSpark.session();
        cluster = TestingHdfsCluster.start();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void executorsWriteIntoHdfsAndAVerifiedLoadCatchesACorruptedPart() throws Exception {
        URI store = cluster.uri("/cairn-spark");
        try (Cairn cairn = Cairn.builder().home(home).artifactStore(store).build()) {
            PipelineRun run = cairn.run(Pipeline.define("on_hdfs", p -> p.call(SparkSteps::generate, Param.of(3)))
                    .withOptions(PipelineOptions.builder().enableCache(false).build()));
            assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
            ArtifactVersion version = run.step("generate").output("output");
            assertThat(version.uri().getScheme()).isEqualTo("hdfs");
            assertThat(version.files()).extracting(ArtifactFile::path).containsExactly("part-00000.parquet", "part-00001.parquet", "part-00002.parquet");
            assertThat(version.contentHash()).isEqualTo(SparkDatasetTest.contentHash(version.files()));
            for (ArtifactFile file : version.files()) { // hashed while written into HDFS: the hash of the bytes HDFS holds
                byte[] stored;
                try (var in = cluster.fileSystem().open(new org.apache.hadoop.fs.Path(version.uri().toString() + "/" + file.path()))) {
                    stored = in.readAllBytes();
                }
                assertThat(stored.length).isEqualTo(file.size());
                assertThat(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(stored))).isEqualTo(file.sha256());
            }

            Dataset<Row> loaded = version.load(DATASET_OF_ROWS, LoadOptions.DEFAULT.withVerify(true));
            assertThat(loaded.count()).isEqualTo(SparkSteps.ROWS);
            assertThat(loaded.inputFiles()).allSatisfy(file -> assertThat(file).startsWith("hdfs://"));

            // the same data on a local store gives the same content hash: the hash is over bytes and names only
            try (Cairn local = Cairn.open(home.resolve("local"))) {
                String localHash = local.run(Pipeline.define("on_local", p -> p.call(SparkSteps::generate, Param.of(3)))).step("generate").output("output")
                        .contentHash();
                assertThat(localHash).isEqualTo(version.contentHash());
            }

            org.apache.hadoop.fs.Path part = new org.apache.hadoop.fs.Path(version.uri().toString() + "/part-00001.parquet");
            byte[] bytes;
            try (var in = cluster.fileSystem().open(part)) {
                bytes = in.readAllBytes();
            }
            bytes[bytes.length / 2] ^= 0x55;
            try (FSDataOutputStream out = cluster.fileSystem().create(part, true)) {
                out.write(bytes);
            }
            assertThatThrownBy(() -> version.load(DATASET_OF_ROWS, LoadOptions.DEFAULT.withVerify(true)))
                    .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INTEGRITY_VIOLATION))
                    .hasMessageContaining("part-00001.parquet is corrupted");
        }
    }

    @Test
    void duckDbReadsADatasetArtifactAndSparkReadsAnArrowArtifact() throws Exception {
        try (Cairn cairn = Cairn.open(home)) {
            PipelineRun run = cairn.run(Pipeline.define("interop", p -> {
                p.call(SparkSteps::generate, Param.of(4));
                p.call(SparkHdfsAndInteropTest::measurements);
            }));
            assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);

            ArtifactVersion dataset = run.step("generate").output("output");
            String glob = Path.of(dataset.uri()).resolve("*.parquet").toString();
            try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
                    Statement statement = duckdb.createStatement();
                    ResultSet result = statement.executeQuery("SELECT count(*), sum(id), count(DISTINCT category) FROM read_parquet('" + glob + "')")) {
                assertThat(result.next()).isTrue();
                assertThat(result.getLong(1)).isEqualTo(SparkSteps.ROWS);
                assertThat(result.getLong(2)).isEqualTo((long) SparkSteps.ROWS * (SparkSteps.ROWS - 1) / 2);
                assertThat(result.getLong(3)).isEqualTo(7);
            }

            ArtifactVersion arrow = run.step("measurements").output("output");
            assertThat(arrow.materializerId()).isNotEqualTo(DatasetMaterializer.ID);
            Dataset<Row> measurements = SparkArtifacts.read(spark, arrow);
            assertThat(measurements.columns()).containsExactly("id", "sensor", "value");
            assertThat(measurements.count()).isEqualTo(500);
            assertThat(measurements.groupBy("sensor").count().collectAsList().stream().map(row -> row.getString(0)).collect(Collectors.toSet()))
                    .containsExactlyInAnyOrder("s0", "s1", "s2");
        }
    }
}
