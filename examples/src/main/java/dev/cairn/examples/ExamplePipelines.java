package dev.cairn.examples;

import java.util.List;
import java.util.Map;

import dev.cairn.api.pipeline.Outputs;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Ref;
import dev.cairn.api.pipeline.StepOptions;
import dev.cairn.examples.QuickstartSteps.AgentResponse;
import dev.cairn.examples.QuickstartSteps.Enriched;
import dev.cairn.examples.QuickstartSteps.Row;
import dev.cairn.examples.QuickstartSteps.Split;
import dev.cairn.examples.TrainingSteps.LinearModel;
import dev.cairn.materializers.ml.onnx.OnnxModel;
import dev.cairn.materializers.ml.xgboost.XGBoostModel;
import org.tribuo.Model;
import org.tribuo.classification.Label;

/** The seed's example pipelines, in Java. */
public final class ExamplePipelines {
    private ExamplePipelines() {}

    /** "Creating and consuming artifacts": data → processed data, and a prompt template tested against a query. */
    public static Pipeline simple() {
        return Pipeline.define("simple_pipeline", p -> {
            Ref<List<Row>> data = p.call(QuickstartSteps::createData);
            p.call(QuickstartSteps::processData, data);
            Ref<String> prompt = p.call(QuickstartSteps::createPromptTemplate);
            Ref<AgentResponse> response = p.call(QuickstartSteps::testAgentResponse, prompt, Param.of("Where is my order?"));
        });
    }

    /** "Artifacts vs parameters" and "multiple outputs": split into named outputs, train with a learning-rate parameter. */
    public static Pipeline training() {
        return Pipeline.define("training_pipeline", p -> {
            Ref<List<Row>> data = p.call(QuickstartSteps::createData);
            Ref<List<Enriched>> processed = p.call(QuickstartSteps::processData, data);
            Outputs<Split> split = p.call(QuickstartSteps::splitDataset, processed);
            Ref<LinearModel> model = p.call(TrainingSteps::trainModel, split.get(Split::trainData), Param.of(0.05));
            p.call(TrainingSteps::evaluate, model, split.get(Split::testData));
        });
    }

    /** "Cross-pipeline artifact usage": predictions with the latest {@code trained_model} from the training pipeline. */
    public static Pipeline inference() {
        return Pipeline.define("inference_pipeline", p -> {
            Ref<List<Row>> data = p.call(QuickstartSteps::createData);
            Ref<List<Enriched>> processed = p.call(QuickstartSteps::processData, data);
            Ref<LinearModel> model = p.artifact("trained_model");
            p.call(TrainingSteps::predict, processed, model);
        });
    }

    /** "Dynamic naming": one step called twice, creating {@code train_data} and {@code test_data}. */
    public static Pipeline dynamicNaming() {
        return Pipeline.define("data_pipeline", p -> {
            p.with(StepOptions.substitutions(Map.of("dataset_type", "train"))).call(QuickstartSteps::extractData, Param.of("train_source"));
            p.with(StepOptions.substitutions(Map.of("dataset_type", "test"))).call(QuickstartSteps::extractData, Param.of("test_source"));
        });
    }

    /**
     * Models: train XGBoost on the quickstart data and evaluate it (stored as {@code xgboost_model}); train a Tribuo
     * classifier ({@code tribuo_model}) and export it to ONNX ({@code onnx_model}).
     */
    public static Pipeline modelTraining() {
        return Pipeline.define("model_training_pipeline", p -> {
            Ref<List<Row>> data = p.call(QuickstartSteps::createData);
            Ref<List<Enriched>> processed = p.call(QuickstartSteps::processData, data);
            Outputs<Split> split = p.call(QuickstartSteps::splitDataset, processed);
            Ref<XGBoostModel> model = p.call(ModelSteps::trainXGBoost, split.get(Split::trainData), Param.of(20));
            p.call(ModelSteps::evaluateXGBoost, model, split.get(Split::testData));
            Ref<Model<Label>> classifier = p.call(ModelSteps::trainTribuo, split.get(Split::trainData));
            p.call(ModelSteps::exportOnnx, classifier);
        });
    }

    /** The alias {@link #modelInference()} loads the XGBoost model through: {@code xgboost_model@champion}. */
    public static final String CHAMPION_XGBOOST_MODEL = "xgboost_model@champion";

    /**
     * Models: predictions with the {@code xgboost_model} version the {@code champion} alias points to
     * ({@code p.artifact("xgboost_model@champion")}; {@code ./cairn quickstart} sets the alias after
     * {@link #modelTraining()}, see {@link ArtifactTour#promoteQuickstartModel}) and the latest {@code onnx_model}.
     * Without the alias the run is refused before it starts, naming {@code xgboost_model@champion}.
     */
    public static Pipeline modelInference() {
        return Pipeline.define("model_inference_pipeline", p -> {
            Ref<List<Row>> data = p.call(QuickstartSteps::createData);
            Ref<List<Enriched>> processed = p.call(QuickstartSteps::processData, data);
            Ref<XGBoostModel> model = p.artifact(CHAMPION_XGBOOST_MODEL);
            p.call(ModelSteps::predictXGBoost, processed, model);
            Ref<OnnxModel> onnx = p.artifact("onnx_model");
            p.call(ModelSteps::predictOnnx, processed, onnx);
        });
    }

    /**
     * The model examples, run by {@code ./cairn quickstart} after {@link #quickstart()}: training, then (once the
     * {@code champion} alias is set) inference in another pipeline.
     */
    public static List<Pipeline> models() {
        return List.of(modelTraining(), modelInference());
    }

    /** The quickstart of the README: every example in one pipeline-per-section sequence is run by {@link Quickstart}. */
    public static List<Pipeline> quickstart() {
        return List.of(simple(), training(), dynamicNaming(), inference());
    }
}
