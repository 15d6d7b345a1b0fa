package dev.cairn.materializers.ml.xgboost;

import java.util.List;

import dev.cairn.api.spi.CairnPlugin;
import dev.cairn.api.spi.Materializer;
import org.apiguardian.api.API;

/** The plugin of {@code cairn-materializers-ml-xgboost}: contributes {@link XGBoostMaterializer}. */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class XGBoostPlugin implements CairnPlugin {
    @Override
    public String name() {
        return "cairn-materializers-ml-xgboost";
    }

    @Override
    public List<Materializer<?>> materializers() {
        return List.of(new XGBoostMaterializer());
    }
}
