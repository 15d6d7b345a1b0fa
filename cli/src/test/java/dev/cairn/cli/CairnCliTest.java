package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.cli.CliRun.Result;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CairnCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    private Result cli(String... args) {
        return CliRun.inHome(home, args);
    }

    private Result quickstartResult;

    @BeforeEach
    void quickstart() {
        Result result = cli("quickstart");
        quickstartResult = result;
        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        assertThat(result.out()).contains("> createData started").containsPattern("\\+ createData completed in [0-9.]+ ms").contains("trained_model:1")
                .contains("xgboost_model:1").contains("cairn.ml.xgboost");
        assertThat(result.out()).as("tags from @Step(tags), logged metadata, alias and a metadata query on the model")
                .contains("xgboost_model:1 rmse=").contains("aliases=[champion]").contains("quickstart models with rmse < 15: [xgboost_model:1]")
                .containsPattern("tags=\\[(production, quickstart, xgboost|quickstart, production, xgboost)");
    }

    @Test
    void theArtifactQueryQuickstartSuggestsListsItsModel() throws Exception {
        java.util.regex.Matcher suggested = java.util.regex.Pattern.compile("\\./cairn artifacts list --tag (\\S+) --where '([^']+)'")
                .matcher(quickstartResult.out());
        assertThat(suggested.find()).as(quickstartResult.out()).isTrue();

        Result result = cli("artifacts", "list", "--tag", suggested.group(1), "--where", suggested.group(2), "--json");

        assertThat(result.exitCode()).as(result.err()).isZero();
        List<Map<String, Object>> versions = JSON.readValue(result.out(), new TypeReference<>() {});
        assertThat(versions).extracting(v -> v.get("name") + ":" + v.get("version")).containsExactly("xgboost_model:1");
    }

    @Test
    void runsListJsonHasIdsPipelinesStatusesAndSteps() throws Exception {
        Result result = cli("runs", "list", "--json");
        assertThat(result.exitCode()).isZero();
        List<Map<String, Object>> runs = JSON.readValue(result.out(), new TypeReference<>() {});
        assertThat(runs).extracting(r -> r.get("pipeline")).containsExactly("model_inference_pipeline", "model_training_pipeline",
                "inference_pipeline", "data_pipeline", "training_pipeline", "simple_pipeline");
        assertThat(runs).allSatisfy(run -> {
            assertThat(run.get("status")).isEqualTo("COMPLETED");
            assertThat((String) run.get("id")).hasSize(36);
        });
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> steps = (List<Map<String, Object>>) runs.get(4).get("steps");
        assertThat(steps).extracting(s -> s.get("name")).containsExactly("createData", "processData", "splitDataset", "trainModel", "evaluate");
        assertThat(steps).extracting(s -> s.get("status")).containsOnly("COMPLETED");
    }

    @Test
    void runsShowByPrefixAndJson() throws Exception {
        List<Map<String, Object>> runs = JSON.readValue(cli("runs", "list", "--json").out(), new TypeReference<>() {});
        String id = (String) runs.get(4).get("id");
        Result text = cli("runs", "show", id.substring(0, 8));
        assertThat(text.exitCode()).isZero();
        assertThat(text.out()).contains("training_pipeline").contains("out trainData").contains("trained_model:1");
        Map<String, Object> json = JSON.readValue(cli("runs", "show", id, "--json").out(), new TypeReference<>() {});
        assertThat(json.get("id")).isEqualTo(id);
        assertThat(json.get("parameters")).isEqualTo(Map.of("trainModel.learningRate", 0.05));
    }

    @Test
    void runsShowNamesTheStepLogWithItsSize() throws Exception {
        Result ran = cli("run", "dev.cairn.cli.PrintingPipelines#printing");
        assertThat(ran.exitCode()).as(ran.err()).isZero();
        List<Map<String, Object>> runs = JSON.readValue(cli("runs", "list", "--json").out(), new TypeReference<>() {});
        String id = (String) runs.get(0).get("id");
        Map<String, Object> json = JSON.readValue(cli("runs", "show", id, "--json").out(), new TypeReference<>() {});
        @SuppressWarnings("unchecked")
        Map<String, Object> step = ((List<Map<String, Object>>) json.get("steps")).get(0);
        String logUri = (String) step.get("logUri");
        assertThat(logUri).contains("/.cairn-logs/").endsWith("/shout.log");
        assertThat(java.nio.file.Files.readString(java.nio.file.Path.of(java.net.URI.create(logUri)))).isEqualTo("shouting from the step\n");
        assertThat(((Number) step.get("logSize")).longValue()).isEqualTo("shouting from the step\n".length());
        assertThat(cli("runs", "show", id).out()).contains("log 23 bytes: " + logUri);
    }

    @Test
    void artifactsListAndShowJson() throws Exception {
        List<Map<String, Object>> artifacts = JSON.readValue(cli("artifacts", "list", "--json").out(), new TypeReference<>() {});
        assertThat(artifacts).extracting(a -> a.get("name")).contains("trained_model", "train_data", "test_data", "training_pipeline::splitDataset::trainData");
        assertThat(artifacts.get(0)).containsKeys("name", "version", "id", "uri", "type", "materializer", "contentHash");
        Map<String, Object> model = JSON.readValue(cli("artifact", "show", "trained_model:1", "--json").out(), new TypeReference<>() {});
        assertThat(model.get("type")).isEqualTo("dev.cairn.examples.TrainingSteps$LinearModel");
        assertThat(model.get("materializer")).isEqualTo("cairn.json");
        assertThat((String) model.get("contentHash")).hasSize(64);
        Map<String, Object> byDefaultName = JSON.readValue(cli("artifact", "show", "training_pipeline::splitDataset::trainData", "--json").out(), new TypeReference<>() {});
        assertThat(byDefaultName.get("version")).isEqualTo("1");
    }

    @Test
    void quickstartListsOfRecordsAreStoredAsParquetWithStatistics() throws Exception {
        Map<String, Object> data = JSON.readValue(cli("artifact", "show", "training_pipeline::createData::output", "--json").out(), new TypeReference<>() {});
        assertThat(data.get("type")).isEqualTo("java.util.List<dev.cairn.examples.QuickstartSteps$Row>");
        assertThat(data.get("materializer")).isEqualTo("cairn.arrow");
        assertThat(java.nio.file.Path.of(java.net.URI.create((String) data.get("uri"))).resolve("data.parquet")).isRegularFile();
        @SuppressWarnings("unchecked")
        Map<String, Object> metadata = (Map<String, Object>) data.get("metadata");
        assertThat(metadata).containsEntry("row_count", 5).containsEntry("column_count", 3);
        assertThat(data.get("visualizations")).asList().hasSize(4);
        Map<String, Object> train = JSON.readValue(cli("artifact", "show", "training_pipeline::splitDataset::trainData", "--json").out(), new TypeReference<>() {});
        assertThat(train.get("materializer")).isEqualTo("cairn.arrow");
    }

    @Test
    void unknownArtifactIsAClearErrorWithExitCode2() {
        Result result = cli("artifact", "show", "nope");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("error [ARTIFACT_NOT_FOUND]").contains("No artifact named 'nope'");
    }

    @Test
    void runCommandRunsAPipelineFromAClass() {
        Result result = cli("run", "dev.cairn.examples.ExamplePipelines#dynamicNaming");
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("Running pipeline data_pipeline").contains("extractData_2");
        Result ambiguous = cli("run", "dev.cairn.examples.ExamplePipelines");
        assertThat(ambiguous.exitCode()).isEqualTo(2);
        assertThat(ambiguous.err()).contains("name one as dev.cairn.examples.ExamplePipelines#<method>");
    }

    @Test
    void lineagePrintsTheTreeAndJson() throws Exception {
        Result text = cli("lineage", "trained_model");
        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(text.out()).contains("artifact trained_model:1").contains("<- step training_pipeline/trainModel COMPLETED")
                .contains("<- artifact training_pipeline::splitDataset::trainData:1").contains("-> step inference_pipeline/predict");
        Map<String, Object> json = JSON.readValue(cli("lineage", "trained_model:1", "--json").out(), new TypeReference<>() {});
        assertThat(json).containsKeys("root", "nodes", "edges");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> nodes = (List<Map<String, Object>>) json.get("nodes");
        assertThat(nodes).extracting(n -> n.get("kind")).contains("artifact", "step_run");
    }

    @Test
    void aGroupCommandAlonePrintsItsUsage() {
        for (String group : List.of("runs", "artifacts", "artifact")) {
            Result result = cli(group);
            assertThat(result.exitCode()).isZero();
            assertThat(result.out()).contains("Usage: cairn " + group).contains("Commands:");
        }
    }

    @Test
    void versionIsTheProjectVersionFromTheBuild() {
        StringWriter out = new StringWriter();
        int code = CairnCli.execute(new String[] {"--version"}, new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));

        String expected = System.getProperty("cairn.test.projectVersion");
        assertThat(expected).as("set by the cli module's surefire configuration").isNotBlank();
        assertThat(code).isZero();
        assertThat(out.toString().lines().findFirst()).contains("cairn " + expected);
        assertThat(CairnVersion.version()).isEqualTo(expected);
    }

    @Test
    void homeAndJsonAreOptionsOfEachCommandAndTheHomeAfterTheCommandWins() throws Exception {
        StringWriter out = new StringWriter();
        Path elsewhere = home.resolve("empty-home");
        int code = CairnCli.execute(new String[] {"--home", elsewhere.toString(), "runs", "list", "--home", home.toString(), "--json"},
                new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
        assertThat(code).isZero();
        List<Map<String, Object>> runs = JSON.readValue(out.toString(), new TypeReference<>() {});
        assertThat(runs).as("the quickstart's runs (4 examples + 2 model pipelines), in the home given after the command").hasSize(6);

        StringWriter empty = new StringWriter();
        code = CairnCli.execute(new String[] {"--home", elsewhere.toString(), "artifacts", "list", "--json"}, new PrintWriter(empty, true),
                new PrintWriter(new StringWriter(), true));
        assertThat(code).isZero();
        assertThat(JSON.readValue(empty.toString(), List.class)).as("the home given before the command").isEmpty();
    }
}
