package dev.cairn.materializers.ml;

import java.util.List;

import dev.cairn.api.spi.Materializer;
import dev.cairn.testkit.MaterializerContract;

/** The project's materializer contract, for safetensors: a TensorMap of every dtype and a single Tensor. */
class TensorMapMaterializerContractTest extends MaterializerContract<Object> {
    @Override
    protected Materializer<Object> materializer() {
        return new TensorMapMaterializer();
    }

    @Override
    protected List<Sample<Object>> samples() {
        return samplesOf(Sample.of(TensorMap.class, SafeTensorsTest.everyDtype()),
                Sample.of(Tensor.class, Tensor.ofFloats(new float[] {1, 2, 3, 4}, 2, 2)));
    }
}
