package dev.cairn.spark;

import java.util.List;

import org.apiguardian.api.API;

import dev.cairn.api.spi.CairnPlugin;
import dev.cairn.api.spi.Materializer;

/** Registers the {@link DatasetMaterializer}; found through {@code META-INF/services}. */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class SparkPlugin implements CairnPlugin {
    @Override
    public String name() {
        return "cairn-spark";
    }

    @Override
    public List<Materializer<?>> materializers() {
        return List.of(new DatasetMaterializer());
    }
}
