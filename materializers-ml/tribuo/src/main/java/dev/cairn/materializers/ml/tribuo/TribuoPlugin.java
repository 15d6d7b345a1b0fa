package dev.cairn.materializers.ml.tribuo;

import java.util.List;

import dev.cairn.api.spi.CairnPlugin;
import dev.cairn.api.spi.Materializer;
import org.apiguardian.api.API;

/** The plugin of {@code cairn-materializers-ml-tribuo}: contributes {@link TribuoMaterializer}. */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class TribuoPlugin implements CairnPlugin {
    @Override
    public String name() {
        return "cairn-materializers-ml-tribuo";
    }

    @Override
    public List<Materializer<?>> materializers() {
        return List.of(new TribuoMaterializer());
    }
}
