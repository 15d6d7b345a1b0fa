package dev.cairn.examples;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.pipeline.ArtifactName;
import dev.cairn.api.pipeline.Step;
import dev.cairn.examples.QuickstartSteps.Enriched;
import dev.cairn.materializers.ml.Tensor;
import dev.cairn.materializers.ml.TensorMap;
import dev.cairn.materializers.ml.xgboost.XGBoostModel;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.cairn.materializers.ml.onnx.OnnxModel;
import java.nio.FloatBuffer;
import ml.dmlc.xgboost4j.java.Booster;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.ONNXExportable;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Model steps on the quickstart data: train an XGBoost regressor (stored as {@code model.ubj} with its parameters in
 * {@code cairn-model.json}), evaluate it, and predict with the stored model from another pipeline; train a Tribuo
 * classifier, export it to ONNX, and run the ONNX model with onnxruntime in another pipeline.
 */
public final class ModelSteps {
    private ModelSteps() {}

    /**
     * Trains a small XGBoost regressor of {@code target} on the three features; {@code rounds} is a parameter. Its
     * output carries the tags {@code quickstart} and {@code xgboost}, and the training set's size as metadata.
     */
    @Step(tags = {"quickstart", "xgboost"})
    @ArtifactName("xgboost_model")
    public static XGBoostModel trainXGBoost(List<Enriched> trainData, int rounds) throws XGBoostError {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("objective", "reg:squarederror");
        params.put("max_depth", 2L);
        params.put("eta", 0.5);
        params.put("min_child_weight", 0.0);
        params.put("nthread", 1L);
        params.put("seed", 42L);
        DMatrix matrix = matrix(trainData);
        try {
            Booster booster = XGBoost.train(matrix, params, rounds, Map.of(), null, null);
            params.put("num_boost_round", (long) rounds);
            dev.cairn.api.StepContext.current().logMetadata(Map.of("train_rows", trainData.size(), "rounds", rounds));
            float[] first = features(trainData.subList(0, 1));
            return new XGBoostModel(booster, params).withExampleInput(TensorMap.of(Map.of("features", Tensor.ofFloats(first, 1, 3))));
        } finally {
            matrix.dispose();
        }
    }

    /** Root mean squared error of the model on {@code testData}. */
    @Step
    public static double evaluateXGBoost(XGBoostModel model, List<Enriched> testData) throws XGBoostError {
        List<Double> predictions = predictXGBoost(testData, model);
        double sum = 0;
        for (int i = 0; i < testData.size(); i++) {
            double error = predictions.get(i) - testData.get(i).target();
            sum += error * error;
        }
        return Math.sqrt(sum / Math.max(1, testData.size()));
    }

    /** Predictions of the stored model for {@code rows}. */
    @Step
    public static List<Double> predictXGBoost(List<Enriched> rows, XGBoostModel model) throws XGBoostError {
        if (rows.isEmpty()) {
            return List.of();
        }
        DMatrix matrix = matrix(rows);
        try {
            float[][] predictions = model.booster().predict(matrix);
            List<Double> values = new ArrayList<>(predictions.length);
            for (float[] prediction : predictions) {
                values.add((double) prediction[0]);
            }
            return values;
        } finally {
            matrix.dispose();
        }
    }

    /** Trains a Tribuo logistic regression that tells rows with a target above 25 ("high") from the others ("low"). */
    @Step
    @ArtifactName("tribuo_model")
    public static Model<Label> trainTribuo(List<Enriched> trainData) {
        LabelFactory factory = new LabelFactory();
        MutableDataset<Label> dataset = new MutableDataset<>(new SimpleDataSourceProvenance("quickstart", factory), factory);
        for (Enriched row : trainData) {
            dataset.add(example(row));
        }
        return new LogisticRegressionTrainer().train(dataset);
    }

    /** Exports the Tribuo model to ONNX; the output labels, in the order of the model's output columns, go in its hyper-parameters. */
    @Step
    @ArtifactName("onnx_model")
    public static OnnxModel exportOnnx(Model<Label> model) {
        if (!(model instanceof ONNXExportable exportable)) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "Tribuo cannot export a " + model.getClass().getName() + " to ONNX.");
        }
        List<String> labels = new ArrayList<>();
        for (int id = 0; id < model.getOutputIDInfo().size(); id++) {
            labels.add(model.getOutputIDInfo().getOutput(id).getLabel());
        }
        return OnnxModel.fromBytes(exportable.exportONNXModel("dev.cairn.examples", 1).toByteArray())
                .withHyperParameters(Map.of("output_labels", labels));
    }

    /** The label onnxruntime predicts for each row with the stored ONNX model. */
    @Step
    public static List<String> predictOnnx(List<Enriched> rows, OnnxModel model) throws OrtException {
        @SuppressWarnings("unchecked")
        List<String> labels = (List<String>) model.hyperParameters().get("output_labels");
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (model;
             OnnxTensor input = OnnxTensor.createTensor(environment, FloatBuffer.wrap(features(rows)), new long[] {rows.size(), 3});
             OrtSession.Result result = model.session().run(Map.of("input", input))) {
            float[][] scores = (float[][]) result.get(0).getValue();
            List<String> predicted = new ArrayList<>();
            for (float[] row : scores) {
                int best = 0;
                for (int j = 1; j < row.length; j++) {
                    best = row[j] > row[best] ? j : best;
                }
                predicted.add(labels.get(best));
            }
            return predicted;
        }
    }

    static Example<Label> example(Enriched row) {
        return new ArrayExample<>(new Label(row.target() > 25 ? "high" : "low"), new String[] {"feature1", "feature2", "feature3"},
                new double[] {row.feature1(), row.feature2(), row.feature3()});
    }

    static float[] features(List<Enriched> rows) {
        float[] x = new float[rows.size() * 3];
        for (int i = 0; i < rows.size(); i++) {
            Enriched row = rows.get(i);
            x[i * 3] = row.feature1();
            x[i * 3 + 1] = row.feature2();
            x[i * 3 + 2] = row.feature3();
        }
        return x;
    }

    private static DMatrix matrix(List<Enriched> rows) throws XGBoostError {
        if (rows.isEmpty()) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "No rows to build an XGBoost matrix from.");
        }
        DMatrix matrix = new DMatrix(features(rows), rows.size(), 3, Float.NaN);
        float[] labels = new float[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            labels[i] = rows.get(i).target();
        }
        matrix.setLabel(labels);
        return matrix;
    }
}
