package dev.cairn.materializers.ml.xgboost;

import java.util.Map;

import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/** Tiny deterministic training data and boosters for the tests. */
final class XGBoostTraining {
    static final int ROWS = 200;
    static final int FEATURES = 4;

    private XGBoostTraining() {}

    static float[] features() {
        float[] x = new float[ROWS * FEATURES];
        for (int i = 0; i < ROWS; i++) {
            for (int j = 0; j < FEATURES; j++) {
                x[i * FEATURES + j] = (float) Math.sin(i * 0.37 + j * 1.3) * (j + 1);
            }
        }
        return x;
    }

    static float[] labels() {
        float[] x = features();
        float[] y = new float[ROWS];
        for (int i = 0; i < ROWS; i++) {
            y[i] = 2 * x[i * FEATURES] - x[i * FEATURES + 1] + (x[i * FEATURES + 2] > 0 ? 1 : 0);
        }
        return y;
    }

    static Map<String, Object> params() {
        return Map.of("objective", "reg:squarederror", "max_depth", 3L, "eta", 0.3, "nthread", 1L, "seed", 7L);
    }

    static Booster train(int rounds) throws XGBoostError {
        DMatrix train = matrix();
        try {
            return XGBoost.train(train, params(), rounds, Map.of(), null, null);
        } finally {
            train.dispose();
        }
    }

    static DMatrix matrix() throws XGBoostError {
        DMatrix matrix = new DMatrix(features(), ROWS, FEATURES, Float.NaN);
        matrix.setLabel(labels());
        return matrix;
    }

    static float[][] predict(Booster booster) throws XGBoostError {
        DMatrix matrix = matrix();
        try {
            return booster.predict(matrix);
        } finally {
            matrix.dispose();
        }
    }
}
