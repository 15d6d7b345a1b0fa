package dev.cairn.materializers.ml.lightgbm;

import java.util.List;

import dev.cairn.api.spi.CairnPlugin;
import dev.cairn.api.spi.Materializer;
import org.apiguardian.api.API;

/** The plugin of {@code cairn-materializers-ml-lightgbm}: contributes {@link LightGBMMaterializer}. */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class LightGBMPlugin implements CairnPlugin {
    @Override
    public String name() {
        return "cairn-materializers-ml-lightgbm";
    }

    @Override
    public List<Materializer<?>> materializers() {
        return List.of(new LightGBMMaterializer());
    }
}
