package dev.cairn.materializers.ml;

import java.util.List;

import dev.cairn.api.spi.CairnPlugin;
import dev.cairn.api.spi.Materializer;
import org.apiguardian.api.API;

/** The plugin of {@code cairn-materializers-ml-core}: contributes {@link TensorMapMaterializer}. */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class MlCorePlugin implements CairnPlugin {
    @Override
    public String name() {
        return "cairn-materializers-ml-core";
    }

    @Override
    public List<Materializer<?>> materializers() {
        return List.of(new TensorMapMaterializer());
    }
}
