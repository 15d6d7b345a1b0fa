package dev.cairn.materializers.ml.xgboost;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import dev.cairn.api.spi.Materializer;
import dev.cairn.testkit.MaterializerContract;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.jspecify.annotations.Nullable;

/** The project's materializer contract, for XGBoost models (with params) and bare boosters. */
class XGBoostMaterializerContractTest extends MaterializerContract<Object> {
    private static byte[] model;

    private static synchronized Booster booster() throws Exception {
        if (model == null) {
            Booster trained = XGBoostTraining.train(4);
            model = trained.toByteArray("ubj");
            trained.dispose();
        }
        return XGBoost.loadModel(model);
    }

    @Override
    protected Materializer<Object> materializer() {
        return new XGBoostMaterializer();
    }

    @Override
    protected List<Sample<Object>> samples() {
        try {
            return samplesOf(Sample.of(XGBoostModel.class, new XGBoostModel(booster(), XGBoostTraining.params())), Sample.of(Booster.class, booster()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected void assertSameValue(Sample<Object> expected, Object loaded) {
        try {
            Booster expectedBooster = expected.value() instanceof XGBoostModel m ? m.booster() : (Booster) expected.value();
            Booster loadedBooster = loaded instanceof XGBoostModel m ? m.booster() : (Booster) loaded;
            assertThat(XGBoostTraining.predict(loadedBooster)).isDeepEqualTo(XGBoostTraining.predict(expectedBooster));
            if (expected.value() instanceof XGBoostModel m) {
                assertThat(((XGBoostModel) loaded).params()).isEqualTo(m.params());
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Override
    protected void release(@Nullable Object value) {
        if (value instanceof XGBoostModel m) {
            m.booster().dispose();
        } else if (value instanceof Booster b) {
            b.dispose();
        }
    }
}
