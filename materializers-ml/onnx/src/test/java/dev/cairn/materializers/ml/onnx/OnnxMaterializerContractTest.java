package dev.cairn.materializers.ml.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import dev.cairn.api.spi.Materializer;
import dev.cairn.testkit.MaterializerContract;

/** The project's materializer contract, for ONNX models. */
class OnnxMaterializerContractTest extends MaterializerContract<OnnxModel> {
    @Override
    protected Materializer<OnnxModel> materializer() {
        return new OnnxMaterializer();
    }

    @Override
    protected List<Sample<OnnxModel>> samples() {
        return List.of(Sample.of(OnnxModel.class, OnnxModel.fromBytes(TestingOnnxModels.linear(8, null))));
    }

    @Override
    protected void assertSameValue(Sample<OnnxModel> expected, Object loaded) {
        OnnxModel model = (OnnxModel) loaded;
        assertThat(model.modelBytes()).isEqualTo(expected.value().modelBytes());
        assertThat(model.externalData()).isEqualTo(expected.value().externalData());
        assertThat(model.info()).isEqualTo(expected.value().info());
    }
}
