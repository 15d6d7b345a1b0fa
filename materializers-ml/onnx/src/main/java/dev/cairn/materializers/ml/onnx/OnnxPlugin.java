package dev.cairn.materializers.ml.onnx;

import java.util.List;

import dev.cairn.api.spi.CairnPlugin;
import dev.cairn.api.spi.Materializer;
import org.apiguardian.api.API;

/** The plugin of {@code cairn-materializers-ml-onnx}: contributes {@link OnnxMaterializer}. */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class OnnxPlugin implements CairnPlugin {
    @Override
    public String name() {
        return "cairn-materializers-ml-onnx";
    }

    @Override
    public List<Materializer<?>> materializers() {
        return List.of(new OnnxMaterializer());
    }
}
