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
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Model steps on the quickstart data: train an XGBoost regressor (stored as {@code model.ubj} with its parameters in
 * {@code cairn-model.json}), evaluate it, and predict with the stored model from another pipeline.
 */
public final class ModelSteps {
    private ModelSteps() {}

    /** Trains a small XGBoost regressor of {@code target} on the three features; {@code rounds} is a parameter. */
    @Step
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
