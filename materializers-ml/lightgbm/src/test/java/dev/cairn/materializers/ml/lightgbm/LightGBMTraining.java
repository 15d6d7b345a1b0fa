package dev.cairn.materializers.ml.lightgbm;

import com.microsoft.ml.lightgbm.PredictionType;
import io.github.metarank.lightgbm4j.LGBMBooster;
import io.github.metarank.lightgbm4j.LGBMDataset;
import io.github.metarank.lightgbm4j.LGBMException;

/** Tiny deterministic training data and boosters for the tests. */
final class LightGBMTraining {
    static final int ROWS = 300;
    static final int FEATURES = 3;

    private LightGBMTraining() {}

    static double[] features() {
        double[] x = new double[ROWS * FEATURES];
        for (int i = 0; i < ROWS; i++) {
            for (int j = 0; j < FEATURES; j++) {
                x[i * FEATURES + j] = Math.cos(i * 0.61 + j * 2.1) * (j + 1);
            }
        }
        return x;
    }

    static float[] labels() {
        double[] x = features();
        float[] y = new float[ROWS];
        for (int i = 0; i < ROWS; i++) {
            y[i] = x[i * FEATURES] + 0.5 * x[i * FEATURES + 2] > 0 ? 1 : 0;
        }
        return y;
    }

    static LGBMBooster train(int rounds) throws LGBMException {
        try (LGBMDataset dataset = LGBMDataset.createFromMat(features(), ROWS, FEATURES, true, "max_bin=31 verbose=-1", null)) {
            dataset.setField("label", labels());
            LGBMBooster booster = LGBMBooster.create(dataset,
                    "objective=binary num_leaves=7 min_data_in_leaf=5 learning_rate=0.2 seed=1 deterministic=true num_threads=1 verbose=-1");
            for (int i = 0; i < rounds; i++) {
                booster.updateOneIter();
            }
            return booster;
        }
    }

    static double[] predict(LGBMBooster booster) throws LGBMException {
        return booster.predictForMat(features(), ROWS, FEATURES, true, PredictionType.C_API_PREDICT_NORMAL);
    }
}
