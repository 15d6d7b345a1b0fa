package dev.cairn.materializers.ml.tribuo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import dev.cairn.api.spi.Materializer;
import dev.cairn.testkit.MaterializerContract;
import org.tribuo.Model;
import org.tribuo.classification.Label;
import org.tribuo.protos.core.ModelProto;

/** The project's materializer contract, for a Tribuo model (new instances of one trained model, so bytes compare). */
class TribuoMaterializerContractTest extends MaterializerContract<Model<?>> {
    private static ModelProto proto;

    private static synchronized Model<?> model() {
        if (proto == null) {
            proto = TribuoTraining.train().serialize();
        }
        return Model.deserialize(proto);
    }

    @Override
    protected Materializer<Model<?>> materializer() {
        return new TribuoMaterializer();
    }

    @Override
    protected List<Sample<Model<?>>> samples() {
        return List.of(Sample.of(Model.class, model()));
    }

    @Override
    @SuppressWarnings("unchecked")
    protected void assertSameValue(Sample<Model<?>> expected, Object loaded) {
        Model<Label> a = (Model<Label>) expected.value();
        Model<Label> b = (Model<Label>) loaded;
        for (int i = 0; i < TribuoTraining.ROWS; i++) {
            assertThat(b.predict(TribuoTraining.example(i)).getOutputScores()).isEqualTo(a.predict(TribuoTraining.example(i)).getOutputScores());
        }
    }
}
