package dev.cairn.materializers.ml.tribuo;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.oracle.labs.mlrg.olcut.util.Pair;
import org.tribuo.Example;
import org.tribuo.Excuse;
import org.tribuo.Model;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.provenance.ModelProvenance;

/** A user's own Tribuo model class that predicts like a trained one but, like Tribuo's default, has no protobuf form. */
class UnserializableModel extends Model<Label> {
    private final Model<Label> trained;

    UnserializableModel(Model<Label> trained) {
        super("unserializable", trained.getProvenance(), trained.getFeatureIDMap(), trained.getOutputIDInfo(), trained.generatesProbabilities());
        this.trained = trained;
    }

    @Override
    public Prediction<Label> predict(Example<Label> example) {
        return trained.predict(example);
    }

    @Override
    public Map<String, List<Pair<String, Double>>> getTopFeatures(int n) {
        return trained.getTopFeatures(n);
    }

    @Override
    public Optional<Excuse<Label>> getExcuse(Example<Label> example) {
        return Optional.empty();
    }

    @Override
    protected Model<Label> copy(String name, ModelProvenance provenance) {
        return new UnserializableModel(trained);
    }
}
