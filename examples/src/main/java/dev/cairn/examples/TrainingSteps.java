package dev.cairn.examples;

import java.util.ArrayList;
import java.util.List;

import dev.cairn.api.StepContext;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.pipeline.ArtifactName;
import dev.cairn.api.pipeline.Step;
import dev.cairn.examples.QuickstartSteps.Enriched;

/** A tiny linear model trained by gradient descent: an artifact plus a parameter, as in the seed. */
public final class TrainingSteps {
    private TrainingSteps() {}

    /** The model: weights for feature1..feature3 and a bias. */
    public record LinearModel(double[] weights, double bias, double learningRate, int epochs) {
        public double predict(Enriched row) {
            return weights[0] * row.feature1() + weights[1] * row.feature2() + weights[2] * row.feature3() + bias;
        }
    }

    @Step
    @ArtifactName("trained_model")
    public static LinearModel trainModel(List<Enriched> data, double learningRate) {
        double[] w = new double[3];
        double b = 0;
        int epochs = 2_000;
        double scale = 1.0 / Math.max(1, data.size());
        for (int epoch = 0; epoch < epochs; epoch++) {
            double[] gradient = new double[3];
            double gradientBias = 0;
            for (Enriched row : data) {
                double[] x = {row.feature1() / 10.0, row.feature2() / 10.0, row.feature3() / 100.0};
                double error = w[0] * x[0] + w[1] * x[1] + w[2] * x[2] + b - row.target();
                for (int i = 0; i < 3; i++) {
                    gradient[i] += error * x[i] * scale;
                }
                gradientBias += error * scale;
            }
            for (int i = 0; i < 3; i++) {
                w[i] -= learningRate * gradient[i];
            }
            b -= learningRate * gradientBias;
        }
        return new LinearModel(new double[] {w[0] / 10.0, w[1] / 10.0, w[2] / 100.0}, b, learningRate, epochs);
    }

    @Step
    public static double evaluate(LinearModel model, List<Enriched> testData) {
        double squared = 0;
        for (Enriched row : testData) {
            double error = model.predict(row) - row.target();
            squared += error * error;
        }
        return testData.isEmpty() ? 0 : Math.sqrt(squared / testData.size());
    }

    /** Predictions of the latest trained model on new data. */
    @Step
    public static List<Double> predict(List<Enriched> data, LinearModel model) {
        List<Double> predictions = new ArrayList<>(data.size());
        for (Enriched row : data) {
            predictions.add(model.predict(row));
        }
        return predictions;
    }

    /** Compares a new model with the previous best one, loaded through the client inside the step. */
    @Step
    public static double improvementOverPrevious(LinearModel model, List<Enriched> testData) {
        ArtifactVersion previous = StepContext.current().client().getArtifactVersion("trained_model", "1");
        LinearModel best = previous.load();
        return evaluate(best, testData) - evaluate(model, testData);
    }
}
