package dev.cairn.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.ArtifactFile;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.artifact.LoadOptions;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.PipelineOptions;
import dev.cairn.api.pipeline.Ref;
import dev.cairn.api.pipeline.StepOptions;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunOptions;
import dev.cairn.api.run.RunStatus;
import dev.cairn.api.run.StepStatus;
import dev.cairn.testkit.TestingArtifactWriter;

/** Dataset artifacts in a local ({@code file:}) store, through the whole engine, with the shared local[2,3] session. */
class SparkDatasetTest {
    private static final Type DATASET_OF_ROWS = new dev.cairn.api.artifact.TypeRef<Dataset<Row>>() {}.type();

    @TempDir
    Path home;
    private Cairn cairn;
    private static SparkSession spark;

    @BeforeAll
    static void startSpark() {
        spark = TestingSpark.session();
    }

    @BeforeEach
    void openCairn() {
        cairn = Cairn.open(home);
    }

    @AfterEach
    void closeCairn() {
        cairn.close();
    }

    private static Pipeline generating(String name, int partitions, boolean cache) {
        return Pipeline.define(name, p -> p.call(SparkSteps::generate, Param.of(partitions)))
                .withOptions(PipelineOptions.builder().enableCache(cache).build());
    }

    @Test
    void executorsWriteHashedPartsThatLoadLazily() throws Exception {
        PipelineRun run = cairn.run(generating("write", 4, false));
        assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
        ArtifactVersion version = run.step("generate").output("output");

        assertThat(version.files()).extracting(ArtifactFile::path)
                .containsExactly("part-00000.parquet", "part-00001.parquet", "part-00002.parquet", "part-00003.parquet");
        Path directory = Path.of(version.uri());
        try (Stream<Path> files = Files.walk(directory)) { // no attempt files, checksum files or _SUCCESS left behind
            assertThat(files.filter(Files::isRegularFile).map(file -> directory.relativize(file).toString()).filter(p -> !p.startsWith(".cairn/")))
                    .containsExactlyInAnyOrder("part-00000.parquet", "part-00001.parquet", "part-00002.parquet", "part-00003.parquet");
        }
        for (ArtifactFile file : version.files()) { // the executors' hashes are the files' hashes
            assertThat(Files.size(directory.resolve(file.path()))).isEqualTo(file.size());
            assertThat(sha256(directory.resolve(file.path()))).isEqualTo(file.sha256());
        }
        assertThat(version.contentHash()).isEqualTo(contentHash(version.files()));

        Dataset<Row> loaded = version.load(DATASET_OF_ROWS);
        assertThat(loaded.count()).isEqualTo(SparkSteps.ROWS);
        assertThat(loaded.inputFiles()).hasSize(4);
        assertThat(loaded.filter("id = 42").select("category").collectAsList()).extracting(row -> row.getString(0)).containsExactly("c0");
        Dataset<Row> projected = version.load(DATASET_OF_ROWS, LoadOptions.DEFAULT.withColumns(List.of("amount")).withVerify(true));
        assertThat(projected.columns()).containsExactly("amount");
        assertThat(projected.count()).isEqualTo(SparkSteps.ROWS);
    }

    @Test
    void aLoadTakesTheSchemaFromAPartsFooterSoSparkRunsNoJobUntilTheDatasetIsUsed() throws Exception {
        ArtifactVersion version = cairn.run(generating("schema_from_footer", 3, false)).step("generate").output("output");
        String group = "cairn-test-load-" + java.util.UUID.randomUUID();
        spark.sparkContext().setJobGroup(group, "load", false);
        Dataset<Row> loaded;
        try {
            loaded = version.load(DATASET_OF_ROWS);
        } finally {
            spark.sparkContext().clearJobGroup();
        }
        spark.sparkContext().listenerBus().waitUntilEmpty();
        // without the schema, spark.read.parquet runs a job that reads a footer to infer it
        assertThat(spark.sparkContext().statusTracker().getJobIdsForGroup(group)).as("Spark jobs run by load()").isEmpty();
        assertThat(loaded.schema()).isEqualTo(spark.read().parquet(version.uri().toString()).schema());
        assertThat(loaded.filter("id >= 2990").count()).isEqualTo(10);
    }

    @Test
    void partsAreHashedWhileSparkWritesThemWithoutReadingThemBack() throws Exception {
        long readBefore = localBytesReadThroughHadoop();
        PipelineRun run = cairn.run(generating("hashed_while_written", 3, false));
        long readDuringTheWrite = localBytesReadThroughHadoop() - readBefore;

        assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
        ArtifactVersion version = run.step("generate").output("output");
        Path directory = Path.of(version.uri());
        assertThat(version.files()).hasSize(3).allSatisfy(file -> {
            assertThat(Files.size(directory.resolve(file.path()))).isEqualTo(file.size());
            assertThat(sha256(directory.resolve(file.path()))).isEqualTo(file.sha256());
        });
        assertThat(version.contentHash()).isEqualTo(contentHash(version.files()));
        assertThat(readDuringTheWrite).as("bytes the write read back through Hadoop's file: file system (a second pass to hash the parts)").isZero();
    }

    /** Bytes read so far in this JVM through Hadoop's {@code file:} file systems (every thread, every instance). */
    @SuppressWarnings("deprecation")
    static long localBytesReadThroughHadoop() {
        return org.apache.hadoop.fs.FileSystem.getAllStatistics().stream().filter(statistics -> "file".equals(statistics.getScheme()))
                .mapToLong(org.apache.hadoop.fs.FileSystem.Statistics::getBytesRead).sum();
    }

    @Test
    void byteIdenticalWritesGiveOneHashAndCanonicalLayoutIgnoresPriorPartitioning() {
        String first = cairn.run(generating("same_a", 4, false)).step("generate").output("output").contentHash();
        String second = cairn.run(generating("same_b", 4, false)).step("generate").output("output").contentHash();
        assertThat(second).isEqualTo(first);

        StepOptions canonical = StepOptions.builder().outputOption("output", "partitions", "3").build();
        String threePartitions = cairn.run(Pipeline.define("canonical_a",
                p -> p.with(canonical).call(SparkSteps::generateShuffled, Param.of(3), Param.of(1L)))).step("generateShuffled").output("output").contentHash();
        String fivePartitions = cairn.run(Pipeline.define("canonical_b",
                p -> p.with(canonical).call(SparkSteps::generateShuffled, Param.of(5), Param.of(2L)))).step("generateShuffled").output("output").contentHash();
        assertThat(fivePartitions).isEqualTo(threePartitions);

        String unsorted = cairn.run(Pipeline.define("plain",
                p -> p.call(SparkSteps::generateShuffled, Param.of(5), Param.of(2L)))).step("generateShuffled").output("output").contentHash();
        assertThat(unsorted).as("without the canonical layout, other partitioning is other data").isNotEqualTo(threePartitions);
    }

    @Test
    void aTaskThatFailsOnceIsRetriedAndLeavesNoTrace() {
        String clean = cairn.run(generating("clean", 4, false)).step("generate").output("output").contentHash();

        PipelineRun run = cairn.run(Pipeline.define("retried", p -> p.call(SparkSteps::generateFailingOnce, Param.of(4)))
                .withOptions(PipelineOptions.builder().enableCache(false).build()));

        assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
        ArtifactVersion version = run.step("generateFailingOnce").output("output");
        assertThat(version.contentHash()).as("the failed attempt's partial file is not part of the artifact").isEqualTo(clean);
        assertThat(version.files()).hasSize(4);
    }

    @Test
    void aJobThatFailsLeavesNoVisibleArtifact() throws IOException {
        PipelineRun run = cairn.run(Pipeline.define("failing", p -> p.call(SparkSteps::generateAlwaysFailing, Param.of(4)))
                .withOptions(PipelineOptions.builder().enableCache(false).build()));

        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        assertThat(run.step("generateAlwaysFailing").error()).hasValueSatisfying(error -> assertThat(error).contains("injected failure of partition 2"));
        assertThat(cairn.client().listArtifactVersions("failing::generateAlwaysFailing::output")).isEmpty();
        try (Stream<Path> files = Files.walk(home)) { // neither a committed directory nor a draft with attempt files
            assertThat(files.filter(Files::isRegularFile).map(Path::toString)).noneMatch(path -> path.endsWith(".parquet"));
        }

        PipelineRun retry = cairn.run(generating("failing_then_fixed", 4, false));
        assertThat(retry.status()).isEqualTo(RunStatus.COMPLETED);
    }

    @Test
    void duplicateAttemptsOfAPartitionDoNotDuplicateParts(@TempDir Path staging) throws IOException {
        Files.createDirectories(staging.resolve("_attempts"));
        // two complete attempts of partition 0 (a speculative duplicate), one of partition 1, and a checksum side file
        Files.writeString(staging.resolve("_attempts/part-00000-7.parquet"), "attempt 7");
        Files.writeString(staging.resolve("_attempts/part-00000-9.parquet"), "attempt 9");
        Files.writeString(staging.resolve("_attempts/part-00001-8.parquet"), "attempt 8");
        Files.writeString(staging.resolve("._SUCCESS.crc"), "");
        List<PartFile> accepted = List.of(new PartFile(1, "_attempts/part-00001-8.parquet", 9, "b", 1),
                new PartFile(0, "_attempts/part-00000-9.parquet", 9, "a", 1));

        List<ArtifactFile> parts = ExecutorParquetWriter.finish(new org.apache.hadoop.conf.Configuration(), staging.toUri(), accepted);

        assertThat(parts).containsExactly(new ArtifactFile("part-00000.parquet", 9, "a"), new ArtifactFile("part-00001.parquet", 9, "b"));
        try (Stream<Path> files = Files.walk(staging)) {
            assertThat(files.filter(Files::isRegularFile).map(file -> staging.relativize(file).toString()))
                    .containsExactlyInAnyOrder("part-00000.parquet", "part-00001.parquet");
        }
        assertThat(Files.readString(staging.resolve("part-00000.parquet"))).isEqualTo("attempt 9");
    }

    @Test
    void aReRunIsACacheHitAndAPlainStepConsumesTheSparkResultWithLineage() {
        Pipeline pipeline = Pipeline.define("aggregate", p -> {
            Ref<Dataset<Row>> data = p.call(SparkSteps::generate, Param.of(4));
            Ref<Dataset<Row>> totals = p.call(SparkSteps::totals, data);
            p.call(SparkSteps::report, totals);
        });
        PipelineRun first = cairn.run(pipeline);
        assertThat(first.status()).isEqualTo(RunStatus.COMPLETED);
        List<String> report = first.step("report").output("output").load();
        assertThat(report).hasSize(7).allSatisfy(line -> assertThat(line).matches("c[0-6]=\\d+"));
        assertThat(report.stream().mapToInt(line -> Integer.parseInt(line.substring(3))).sum()).isEqualTo(SparkSteps.ROWS);

        ArtifactVersion totals = first.step("totals").output("output");
        assertThat(first.step("report").inputs().get("totals").id()).isEqualTo(totals.id());
        assertThat(first.step("totals").inputs().get("data").id()).isEqualTo(first.step("generate").output("output").id());
        assertThat(totals.producerStepRunId()).contains(first.step("totals").id());

        PipelineRun second = cairn.run(pipeline);
        assertThat(second.steps()).extracting(step -> step.status()).containsOnly(StepStatus.CACHED);
        assertThat(second.step("totals").output("output").id()).isEqualTo(totals.id());
    }

    @Test
    void aCorruptedPartIsDetectedOnAVerifiedLoad() throws IOException {
        ArtifactVersion version = cairn.run(generating("corrupted", 4, false)).step("generate").output("output");
        Path part = Path.of(version.uri()).resolve("part-00002.parquet");
        try (RandomAccessFile file = new RandomAccessFile(part.toFile(), "rw")) {
            file.seek(100);
            int b = file.read();
            file.seek(100);
            file.write(b ^ 0xFF);
        }

        assertThatThrownBy(() -> version.load(DATASET_OF_ROWS, LoadOptions.DEFAULT.withVerify(true)))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INTEGRITY_VIOLATION))
                .hasMessageContaining("part-00002.parquet is corrupted")
                .hasMessageContaining("1 of its 4 files");
        Dataset<Row> unverified = version.load(DATASET_OF_ROWS); // lazy, unchecked: only a verified load re-hashes
        assertThat(unverified.columns()).containsExactly("id", "category", "amount");
    }

    @Test
    void eachStepRunsInAJobGroupNamedAfterTheRunAndStepWithoutAListenerInTheRunOptions() {
        PipelineRun run = cairn.run(Pipeline.define("grouped", p -> { // SparkPlugin adds SparkJobGroups to every run
            Ref<Dataset<Row>> data = p.call(SparkSteps::generate, Param.of(2));
            p.call(SparkSteps::totals, data);
        }));

        assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
        for (String step : List.of("generate", "totals")) {
            int[] jobs = spark.sparkContext().statusTracker().getJobIdsForGroup(SparkJobGroups.jobGroup(run.id(), step));
            assertThat(jobs).as("Spark jobs of step %s", step).isNotEmpty();
        }
        assertThat(spark.sparkContext().getLocalProperty("spark.jobGroup.id")).as("cleared after the run").isNull();
    }

    @Test
    void cancellingARunCancelsItsSparkJobs() throws Exception {
        SparkJobGroups groups = SparkJobGroups.forSession(spark);
        java.util.concurrent.CompletableFuture<PipelineRun> running = java.util.concurrent.CompletableFuture.supplyAsync(() -> cairn.run(
                Pipeline.define("cancelled", p -> p.call(SparkSteps::generateSlowly, Param.of(2), Param.of(20L)))
                        .withOptions(PipelineOptions.builder().enableCache(false).build()), RunOptions.withListener(groups)));
        while (spark.sparkContext().statusTracker().getActiveJobIds().length == 0 && !running.isDone()) {
            Thread.sleep(50);
        }
        groups.cancel();

        PipelineRun run = running.get(5, java.util.concurrent.TimeUnit.MINUTES);
        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        assertThat(run.step("generateSlowly").error()).hasValueSatisfying(error -> assertThat(error).containsIgnoringCase("cancel"));
        assertThat(cairn.client().listArtifactVersions("cancelled::generateSlowly::output")).isEmpty();
    }

    @Test
    void aStoreWithoutExternalWritesIsRefusedClearly(@TempDir Path directory) {
        Dataset<Row> data = SparkSteps.generated(2, 1);
        TestingArtifactWriter writer = new TestingArtifactWriter(directory, "plain_store_data", DATASET_OF_ROWS);

        assertThatThrownBy(() -> new DatasetMaterializer().save(data, writer))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIGURATION))
                .hasMessageContaining("plain_store_data").hasMessageContaining("ExternalWrites").hasMessageContaining("file: or hdfs:");
    }

    static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    /** Cairn's content hash, computed independently: SHA-256 over "path NUL size NUL sha256 LF", sorted by path. */
    static String contentHash(List<ArtifactFile> files) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        List<ArtifactFile> sorted = new ArrayList<>(files);
        sorted.sort(Comparator.comparing(ArtifactFile::path));
        for (ArtifactFile file : sorted) {
            digest.update((file.path() + "\0" + file.size() + "\0" + file.sha256() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
