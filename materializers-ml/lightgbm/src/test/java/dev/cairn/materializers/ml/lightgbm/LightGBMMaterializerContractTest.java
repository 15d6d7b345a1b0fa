package dev.cairn.materializers.ml.lightgbm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import dev.cairn.api.spi.Materializer;
import dev.cairn.testkit.MaterializerContract;
import io.github.metarank.lightgbm4j.LGBMBooster;

/** The project's materializer contract, for LightGBM boosters. */
class LightGBMMaterializerContractTest extends MaterializerContract<LGBMBooster> {
    private static String model;

    private static synchronized LGBMBooster booster() throws Exception {
        if (model == null) {
            try (LGBMBooster trained = LightGBMTraining.train(4)) {
                model = trained.saveModelToString(0, 0, LGBMBooster.FeatureImportanceType.SPLIT);
            }
        }
        return LGBMBooster.loadModelFromString(model);
    }

    @Override
    protected Materializer<LGBMBooster> materializer() {
        return new LightGBMMaterializer();
    }

    @Override
    protected List<Sample<LGBMBooster>> samples() {
        try {
            return List.of(Sample.of(LGBMBooster.class, booster()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected void assertSameValue(Sample<LGBMBooster> expected, Object loaded) {
        try {
            assertThat(LightGBMTraining.predict((LGBMBooster) loaded)).containsExactly(LightGBMTraining.predict(expected.value()));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
