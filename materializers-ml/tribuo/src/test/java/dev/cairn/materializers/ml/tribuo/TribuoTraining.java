package dev.cairn.materializers.ml.tribuo;

import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/** A tiny deterministic two-class problem and a logistic regression trained on it. */
final class TribuoTraining {
    static final String[] FEATURES = {"a", "b", "c"};
    static final int ROWS = 60;

    private TribuoTraining() {}

    static double[] row(int i) {
        return new double[] {Math.sin(i * 0.7), Math.cos(i * 1.3), (i % 5) / 5.0};
    }

    static Example<Label> example(int i) {
        double[] x = row(i);
        return new ArrayExample<>(new Label(x[0] + x[1] > 0 ? "yes" : "no"), FEATURES, x);
    }

    static Model<Label> train() {
        LabelFactory factory = new LabelFactory();
        MutableDataset<Label> dataset = new MutableDataset<>(new SimpleDataSourceProvenance("cairn-tests", factory), factory);
        for (int i = 0; i < ROWS; i++) {
            dataset.add(example(i));
        }
        return new LogisticRegressionTrainer().train(dataset);
    }
}
