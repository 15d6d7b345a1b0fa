package dev.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.api.Cairn;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.StepContext;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.pipeline.ArtifactName;
import dev.cairn.api.pipeline.MultipleOutputs;
import dev.cairn.api.pipeline.Outputs;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.PipelineOptions;
import dev.cairn.api.pipeline.Ref;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.pipeline.StepOptions;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunListener;
import dev.cairn.api.run.RunOptions;
import dev.cairn.api.run.RunStatus;
import dev.cairn.api.run.StepRun;
import dev.cairn.api.run.StepStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineRunTest {
    @TempDir
    Path home;

    private Cairn cairn;

    @BeforeEach
    void open() {
        cairn = Cairn.builder().home(home).parallelism(2).build();
    }

    @AfterEach
    void close() {
        cairn.close();
    }

    public record Row(int feature1, int feature2, int target) {}

    public record Split(List<Row> trainData, @ArtifactName("holdout_{kind}") List<Row> testData) implements MultipleOutputs {}

    public static final class Steps {
        static volatile CountDownLatch bothRunning;

        @Step
        public static List<Row> createData() {
            return List.of(new Row(1, 4, 10), new Row(2, 5, 20), new Row(3, 6, 30), new Row(4, 7, 40), new Row(5, 8, 50));
        }

        @Step
        public static Split split(List<Row> rows, double fraction) {
            int cut = (int) Math.round(rows.size() * fraction);
            return new Split(rows.subList(0, cut), rows.subList(cut, rows.size()));
        }

        @Step
        public static int count(List<Row> rows) {
            return rows.size();
        }

        @Step
        public static double[] column(List<Row> rows) {
            return rows.stream().mapToDouble(Row::target).toArray();
        }

        @Step
        public static int fail(List<Row> rows) {
            throw new IllegalStateException("boom on " + rows.size() + " rows");
        }

        @Step
        public static String returnsNull() {
            return null;
        }

        @Step
        public static Optional<String> maybe() {
            return null;
        }

        @Step
        public static Thread thread() {
            return new Thread();
        }

        @Step
        @ArtifactName("{dataset_type}_data_{date}")
        public static List<Row> extract(String source) {
            return createData();
        }

        @Step
        public static int waitForPeer(int id) throws InterruptedException {
            bothRunning.countDown();
            if (!bothRunning.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("steps did not run in parallel");
            }
            return id;
        }

        @Step
        public static String whoAmI() {
            StepContext context = StepContext.current();
            return context.pipelineName() + "/" + context.stepName() + "/" + context.runId();
        }

        @Step
        public static int loadsFromInside() {
            List<Row> rows = StepContext.current().client().getArtifactVersion("fixed_rows").load();
            return rows.size();
        }

        @Step
        @ArtifactName("fixed_rows")
        public static List<Row> fixedRows() {
            return createData();
        }
    }

    private static Pipeline training() {
        return Pipeline.define("training", p -> {
            Ref<List<Row>> data = p.call(Steps::createData);
            Outputs<Split> split = p.with(StepOptions.builder().substitution("kind", "test").build()).call(Steps::split, data, Param.of(0.6));
            p.call(Steps::count, split.get(Split::trainData));
            p.call(Steps::column, split.get(Split::testData));
        });
    }

    @Test
    void runStoresEveryOutputAsAVersionedArtifact() {
        PipelineRun run = cairn.run(training());

        assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(run.steps()).extracting(StepRun::name).containsExactly("createData", "split", "count", "column");
        assertThat(run.steps()).extracting(StepRun::status).containsOnly(StepStatus.COMPLETED);
        List<Row> train = run.step("split").output("trainData").load();
        assertThat(train).containsExactly(new Row(1, 4, 10), new Row(2, 5, 20), new Row(3, 6, 30));
        assertThat((int) run.step("count").output("output").load()).isEqualTo(3);
        double[] column = run.step("column").output("output").load();
        assertThat(column).containsExactly(40.0, 50.0);

        ArtifactVersion data = run.step("createData").output("output");
        assertThat(data.name()).isEqualTo("training::createData::output");
        assertThat(data.version()).isEqualTo("1");
        assertThat(data.dataType()).isEqualTo("java.util.List<dev.cairn.engine.EngineRunTest$Row>");
        assertThat(data.materializerId()).isEqualTo("cairn.json");
        assertThat(data.contentHash()).hasSize(64);
        assertThat(data.size()).isPositive();
        assertThat(run.step("split").output("testData").name()).isEqualTo("holdout_test");
        assertThat(run.step("column").output("output").materializerId()).isEqualTo("cairn.npy");
        assertThat(run.step("column").output("output").metadata()).containsKey("shape");
        assertThat(run.step("split").parameters()).containsEntry("fraction", 0.6);
        assertThat(run.step("count").inputs()).containsOnlyKeys("rows");
        assertThat(run.step("count").inputs().get("rows").id()).isEqualTo(run.step("split").output("trainData").id());
        assertThat(run.step("count").duration()).isPresent();

        PipelineRun cached = cairn.run(training());
        assertThat(cached.step("createData").status()).isEqualTo(StepStatus.CACHED);
        assertThat(cached.step("createData").output("output").id()).isEqualTo(data.id());
        PipelineRun second = cairn.run(training().withOptions(PipelineOptions.builder().enableCache(false).build()));
        assertThat(second.step("createData").output("output").version()).isEqualTo("2");
        assertThat(cairn.client().getArtifactVersion("training::createData::output").version()).isEqualTo("2");
        assertThat(cairn.client().getArtifactVersion("training::createData::output", "1").id()).isEqualTo(data.id());
        assertThat(cairn.client().listArtifactVersions("holdout_test")).extracting(ArtifactVersion::version).containsExactly("1", "2");
        assertThat(cairn.client().listRuns("training")).extracting(PipelineRun::id).containsExactly(second.id(), cached.id(), run.id());
        PipelineRun reread = cairn.client().getPipelineRun(run.id());
        assertThat(reread.step("split").outputs()).containsOnlyKeys("trainData", "testData");
        assertThat(reread.step("count").status()).isEqualTo(StepStatus.COMPLETED);
        assertThat(cairn.client().getPipelineRun(run.id().toString().substring(0, 8)).id()).isEqualTo(run.id());
    }

    @Test
    void artifactDirectoryHasAManifestWithFileHashes() throws IOException {
        PipelineRun run = cairn.run(training());
        ArtifactVersion data = run.step("createData").output("output");
        Path directory = Path.of(data.uri());
        assertThat(directory).startsWith(home.resolve("store").resolve("artifacts"));
        assertThat(directory.getFileName().toString()).startsWith("1-");
        assertThat(directory.getParent().getFileName().toString()).as("':' is escaped as ~3A").isEqualTo("training~3A~3AcreateData~3A~3Aoutput");
        assertThat(data.uri().toString()).doesNotContain("%25");
        JsonNode manifest = new ObjectMapper().readTree(directory.resolve(".cairn/manifest.json").toFile());
        assertThat(manifest.get("name").asText()).isEqualTo("training::createData::output");
        assertThat(manifest.get("contentHash").asText()).isEqualTo(data.contentHash());
        assertThat(manifest.get("files").get(0).get("path").asText()).isEqualTo("data.json");
        assertThat(manifest.get("files").get(0).get("sha256").asText()).hasSize(64);
        data.verify();
        try (Stream<Path> staging = Files.list(home.resolve("store").resolve(".staging"))) {
            assertThat(staging).as("no staging left behind").isEmpty();
        }
    }

    /**
     * A visualization with exactly the bytes of a data file (the JSON preview of a small value) is not written a second
     * time: its manifest entry names the data file. Other visualizations (the pretty-printed preview and the tables of a
     * list of records) are files of their own; all are still read back from the metadata store.
     */
    @Test
    void aVisualizationEqualToADataFileIsNotWrittenAgain() throws IOException {
        PipelineRun run = cairn.run(training());
        ArtifactVersion count = run.step("count").output("output");
        Path directory = Path.of(count.uri());
        JsonNode manifest = new ObjectMapper().readTree(directory.resolve(".cairn/manifest.json").toFile());
        assertThat(manifest.get("visualizations")).hasSize(1);
        assertThat(manifest.get("visualizations").get(0).get("name").asText()).isEqualTo("preview");
        assertThat(manifest.get("visualizations").get(0).get("path").asText()).isEqualTo("data.json");
        try (Stream<Path> files = Files.list(directory.resolve(".cairn"))) {
            assertThat(files.map(file -> file.getFileName().toString())).containsExactly("manifest.json");
        }
        assertThat(count.visualizations()).hasSize(1);
        assertThat(count.visualizations().get(0).content()).isEqualTo(Files.readAllBytes(directory.resolve("data.json")));
        count.verify();

        ArtifactVersion data = run.step("createData").output("output");
        Path dataDirectory = Path.of(data.uri());
        JsonNode dataManifest = new ObjectMapper().readTree(dataDirectory.resolve(".cairn/manifest.json").toFile());
        assertThat(dataManifest.get("visualizations")).hasSize(3);
        for (JsonNode entry : dataManifest.get("visualizations")) {
            assertThat(entry.get("path").asText()).startsWith(".cairn/visualization-");
            assertThat(dataDirectory.resolve(entry.get("path").asText())).isRegularFile();
        }
        assertThat(data.visualizations()).hasSize(3);
    }

    @Test
    void verifyDetectsCorruptedData() throws IOException {
        ArtifactVersion data = cairn.run(training()).step("createData").output("output");
        Files.writeString(Path.of(data.uri()).resolve("data.json"), "[]");
        assertThatThrownBy(data::verify)
                .isInstanceOf(CairnException.class)
                .hasMessageContaining("is corrupted")
                .hasMessageContaining("data.json")
                .extracting(e -> ((CairnException) e).errorCode()).isEqualTo(ErrorCode.INTEGRITY_VIOLATION);
    }

    @Test
    void identicalDataHasEqualContentHashes() {
        PipelineRun first = cairn.run(training());
        PipelineRun second = cairn.run(training().withOptions(PipelineOptions.builder().enableCache(false).build()));
        assertThat(second.step("createData").output("output").id()).isNotEqualTo(first.step("createData").output("output").id());
        assertThat(second.step("createData").output("output").contentHash()).isEqualTo(first.step("createData").output("output").contentHash());
        assertThat(first.step("split").output("trainData").contentHash()).isNotEqualTo(first.step("createData").output("output").contentHash());
    }

    @Test
    void failingStepFailsTheRunSkipsDownstreamAndKeepsEarlierArtifacts() {
        Pipeline pipeline = Pipeline.define("failing", p -> {
            Ref<List<Row>> data = p.call(Steps::createData);
            Ref<Integer> failed = p.call(Steps::fail, data);
            p.call(Steps::count, data);
            p.with(StepOptions.builder().name("after").build()).call(Steps::waitForPeer, failed);
        });
        PipelineRun run = cairn.run(pipeline);

        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        assertThat(run.error()).hasValueSatisfying(error -> assertThat(error).contains("step 'fail'").contains("boom on 5 rows"));
        assertThat(run.step("fail").status()).isEqualTo(StepStatus.FAILED);
        assertThat(run.step("fail").error()).hasValueSatisfying(error -> assertThat(error).contains("IllegalStateException").contains("at dev.cairn.engine.EngineRunTest$Steps.fail"));
        assertThat(run.step("after").status()).isEqualTo(StepStatus.SKIPPED);
        assertThat(run.step("after").error()).contains("Not run because upstream step 'fail' failed");
        assertThat(run.step("count").status()).isEqualTo(StepStatus.COMPLETED);
        List<Row> stored = cairn.client().getArtifactVersion("failing::createData::output").load();
        assertThat(stored).hasSize(5);
        PipelineRun reread = cairn.client().getPipelineRun(run.id());
        assertThat(reread.status()).isEqualTo(RunStatus.FAILED);
        assertThat(reread.step("after").status()).isEqualTo(StepStatus.SKIPPED);
    }

    @Test
    void nullOutputFailsTheStepNamingStepOutputAndType() {
        PipelineRun run = cairn.run(Pipeline.define("nulls", p -> p.call(Steps::returnsNull)));
        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        assertThat(run.step("returnsNull").error()).hasValueSatisfying(error -> assertThat(error)
                .contains("NULL_OUTPUT").contains("step 'returnsNull'").contains("output 'output'").contains("java.lang.String").contains("Optional<"));
        assertThat(cairn.client().listArtifactNames()).isEmpty();
    }

    @Test
    void nullForAnOptionalOutputIsStoredAsEmpty() {
        PipelineRun run = cairn.run(Pipeline.define("optional", p -> p.call(Steps::maybe)));
        assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
        Optional<String> value = run.step("maybe").output("output").load();
        assertThat(value).isEmpty();
    }

    @Test
    void typeWithoutMaterializerFailsBeforeAnythingRunsAndSaysHowToAddOne() {
        Pipeline pipeline = Pipeline.define("threads", p -> {
            p.call(Steps::createData);
            p.call(Steps::thread);
        });
        assertThatThrownBy(() -> cairn.run(pipeline))
                .isInstanceOf(CairnException.class)
                .hasMessageContaining("java.lang.Thread")
                .hasMessageContaining("output 'output' of step 'thread'")
                .hasMessageContaining("CairnPlugin")
                .extracting(e -> ((CairnException) e).errorCode()).isEqualTo(ErrorCode.NO_MATERIALIZER);
        assertThat(cairn.client().listRuns()).isEmpty();
    }

    @Test
    void placeholdersAreFilledFromStepThenPipelineSubstitutionsAndDate() {
        Pipeline pipeline = Pipeline.define("naming", p -> {
            p.with(StepOptions.substitutions(Map.of("dataset_type", "train"))).call(Steps::extract, Param.of("a"));
            p.call(Steps::extract, Param.of("b"));
        }).withOptions(PipelineOptions.substitutions(Map.of("dataset_type", "default")));
        PipelineRun run = cairn.run(pipeline);
        String date = java.time.format.DateTimeFormatter.ofPattern("yyyy_MM_dd").withZone(java.time.ZoneOffset.UTC).format(run.startedAt());
        assertThat(run.step("extract").output("output").name()).isEqualTo("train_data_" + date);
        assertThat(run.step("extract_2").output("output").name()).isEqualTo("default_data_" + date);
    }

    @Test
    void missingPlaceholderIsAnErrorNamingIt() {
        Pipeline pipeline = Pipeline.define("naming", p -> p.call(Steps::extract, Param.of("a")));
        assertThatThrownBy(() -> cairn.run(pipeline))
                .isInstanceOf(CairnException.class)
                .hasMessageContaining("{dataset_type}")
                .hasMessageContaining("step 'extract'")
                .extracting(e -> ((CairnException) e).errorCode()).isEqualTo(ErrorCode.MISSING_PLACEHOLDER);
    }

    @Test
    void artifactNamesWithPathTricksOrControlCharactersAreRejected() {
        for (String bad : List.of("a/b", "a\\b", "..", "x..y", "tab\there", "nl\n", "")) {
            Pipeline pipeline = Pipeline.define("names", p -> p.with(StepOptions.builder().artifactName("output", bad).build()).call(Steps::createData));
            assertThatThrownBy(() -> cairn.run(pipeline))
                    .as(bad)
                    .isInstanceOf(CairnException.class)
                    .extracting(e -> ((CairnException) e).errorCode()).isEqualTo(ErrorCode.INVALID_ARTIFACT_NAME);
        }
        assertThat(cairn.client().listArtifactNames()).isEmpty();
    }

    @Test
    void explicitVersionIsUsedAndADuplicateFailsTheStepWithoutTouchingTheFirst() {
        Pipeline pipeline = Pipeline.define("versions", p -> p.with(StepOptions.builder().artifactName("output", "model").artifactVersion("output", "v1.0")
                .enableCache(false).build()).call(Steps::createData));
        PipelineRun first = cairn.run(pipeline);
        assertThat(first.step("createData").output("output").version()).isEqualTo("v1.0");
        PipelineRun second = cairn.run(pipeline);
        assertThat(second.status()).isEqualTo(RunStatus.FAILED);
        assertThat(second.step("createData").error()).hasValueSatisfying(error -> assertThat(error).contains("DUPLICATE_VERSION").contains("model").contains("v1.0"));
        ArtifactVersion kept = cairn.client().getArtifactVersion("model", "v1.0");
        assertThat(kept.id()).isEqualTo(first.step("createData").output("output").id());
        kept.verify();
        assertThat((List<Row>) kept.load()).hasSize(5);
    }

    @Test
    void loadingUnknownNamesVersionsAndRunsIsAClearError() {
        cairn.run(training());
        assertThatThrownBy(() -> cairn.client().getArtifactVersion("nope"))
                .hasMessageContaining("No artifact named 'nope'")
                .extracting(e -> ((CairnException) e).errorCode()).isEqualTo(ErrorCode.ARTIFACT_NOT_FOUND);
        assertThatThrownBy(() -> cairn.client().getArtifactVersion("holdout_test", "9"))
                .hasMessageContaining("has no version '9'; its versions are [1]");
        assertThatThrownBy(() -> cairn.client().getPipelineRun(java.util.UUID.randomUUID()))
                .extracting(e -> ((CairnException) e).errorCode()).isEqualTo(ErrorCode.RUN_NOT_FOUND);
        PipelineRun run = cairn.client().listRuns().get(0);
        assertThatThrownBy(() -> run.step("nope")).hasMessageContaining("has no step 'nope'");
        assertThatThrownBy(() -> run.step("count").output("nope")).hasMessageContaining("has no output 'nope'; its outputs are [output]");
    }

    @Test
    void independentStepsRunInParallel() {
        Steps.bothRunning = new CountDownLatch(2);
        PipelineRun run = cairn.run(Pipeline.define("parallel", p -> {
            p.call(Steps::waitForPeer, Param.of(1));
            p.call(Steps::waitForPeer, Param.of(2));
        }));
        assertThat(run.status()).as(run.error().orElse("")).isEqualTo(RunStatus.COMPLETED);
    }

    @Test
    void listenerSeesEachStepStartAndFinish() {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        RunListener listener = new RunListener() {
            @Override
            public void stepStarted(String stepName) {
                events.add("start " + stepName);
            }

            @Override
            public void stepFinished(String stepName, StepStatus status, Duration duration) {
                events.add("finish " + stepName + " " + status);
            }
        };
        cairn.run(training(), RunOptions.withListener(listener).withParallelism(1));
        assertThat(events).containsExactly("start createData", "finish createData COMPLETED", "start split", "finish split COMPLETED",
                "start count", "finish count COMPLETED", "start column", "finish column COMPLETED");
    }

    @Test
    void stepContextGivesRunAndStepAndRecordsClientLoads() {
        PipelineRun producer = cairn.run(Pipeline.define("producer", p -> p.call(Steps::fixedRows)));
        PipelineRun run = cairn.run(Pipeline.define("context", p -> {
            p.call(Steps::whoAmI);
            p.call(Steps::loadsFromInside);
        }));
        assertThat((String) run.step("whoAmI").output("output").load()).isEqualTo("context/whoAmI/" + run.id());
        assertThat((int) run.step("loadsFromInside").output("output").load()).isEqualTo(5);
        StepRun reread = cairn.client().getPipelineRun(run.id()).step("loadsFromInside");
        assertThat(reread.inputs()).containsOnlyKeys("fixed_rows:1");
        assertThat(reread.inputs().get("fixed_rows:1").id()).isEqualTo(producer.step("fixedRows").output("output").id());
    }

    @Test
    void existingArtifactCanBeAStepInput() {
        cairn.run(Pipeline.define("producer", p -> p.call(Steps::fixedRows)));
        PipelineRun run = cairn.run(Pipeline.define("consumer", p -> p.call(Steps::count, p.artifact("fixed_rows"))));
        assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat((int) run.step("count").output("output").load()).isEqualTo(5);
        assertThat(run.step("count").inputs().get("rows").name()).isEqualTo("fixed_rows");
        assertThatThrownBy(() -> cairn.run(Pipeline.define("consumer", p -> p.call(Steps::count, p.artifact("fixed_rows", "7")))))
                .extracting(e -> ((CairnException) e).errorCode()).isEqualTo(ErrorCode.ARTIFACT_NOT_FOUND);
    }

    @Test
    void twoEnginesInOneJvmAreIndependent(@TempDir Path otherHome) {
        try (Cairn other = Cairn.open(otherHome)) {
            cairn.run(training());
            assertThat(other.client().listRuns()).isEmpty();
            other.run(training());
            assertThat(other.client().getArtifactVersion("training::createData::output").version()).isEqualTo("1");
        }
    }

    @Test
    void closedEngineRefusesWork() {
        cairn.close();
        assertThatThrownBy(() -> cairn.run(training())).hasMessageContaining("closed");
    }
}
