package dev.cairn.engine.materializers;

import java.util.List;

import dev.cairn.api.spi.CairnPlugin;
import dev.cairn.api.spi.Materializer;
import org.apiguardian.api.API;

/**
 * Cairn's built-in materializers: {@link JsonMaterializer}, {@link BytesMaterializer} and
 * {@link NpyMaterializer}. Registered in {@code META-INF/services/dev.cairn.api.spi.CairnPlugin}; a plugin's
 * materializer beats these at equal specificity.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class BuiltInPlugin implements CairnPlugin {
    private final List<Materializer<?>> materializers = List.of(new JsonMaterializer(), new BytesMaterializer(), new NpyMaterializer());

    @Override
    public String name() {
        return "cairn-built-in";
    }

    @Override
    public List<Materializer<?>> materializers() {
        return materializers;
    }

    @Override
    public boolean builtIn() {
        return true;
    }
}
