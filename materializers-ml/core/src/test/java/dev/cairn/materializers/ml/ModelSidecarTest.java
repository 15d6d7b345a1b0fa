package dev.cairn.materializers.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import org.junit.jupiter.api.Test;

class ModelSidecarTest {
    static ModelSidecar sample() {
        return ModelSidecar.create("xgboost", "3.4.0", "ubj", "1", "model.ubj",
                new ModelSignature(List.of(TensorSpec.of("features", DType.F32, -1, 4)), List.of(TensorSpec.of("predictions", DType.F32, -1))),
                Map.of("eta", 0.3, "max_depth", 4L, "objective", "binary:logistic"), Map.of("tree_count", 10L),
                Optional.of(ModelFiles.EXAMPLE_INPUT_FILE), "cairn-materializers-ml-xgboost");
    }

    @Test
    void roundTripsAsSortedIndentedJson() {
        ModelSidecar sidecar = sample();
        String json = sidecar.toJson();
        assertThat(json).contains("\"cairn_model_format\": 1").contains("\"framework_version\": \"3.4.0\"").contains("\"eta\": 0.3");
        assertThat(json.indexOf("\"eta\"")).isLessThan(json.indexOf("\"max_depth\""));
        ModelSidecar parsed = ModelSidecar.parse(json, "cairn-model.json");
        assertThat(parsed).isEqualTo(sidecar);
        assertThat(parsed.toJson()).isEqualTo(json);
        assertThat(parsed.writerVersion()).isEqualTo(LibraryVersion.VERSION).doesNotContain("${");
        assertThat(parsed.signature().inputs().get(0).shapeText()).isEqualTo("[?, 4]");
    }

    @Test
    void aSidecarFromANewerLayoutIsRefusedNamingTheWriterToUpgradeTo() {
        String newer = sample().toJson().replace("\"cairn_model_format\": 1", "\"cairn_model_format\": 7")
                .replace("\"version\": \"" + LibraryVersion.VERSION + "\"", "\"version\": \"9.2.0\"");
        assertThatThrownBy(() -> ModelSidecar.parse(newer, "cairn-model.json of artifact model:4"))
                .isInstanceOf(CairnException.class)
                .satisfies(e -> assertThat(((CairnException) e).errorCode()).isEqualTo(ErrorCode.MATERIALIZER_FAILED))
                .hasMessageContaining("cairn-model.json of artifact model:4")
                .hasMessageContaining("cairn_model_format 7")
                .hasMessageContaining("cairn-materializers-ml-xgboost 9.2.0");
    }

    @Test
    void aModelFromANewerFrameworkOrFormatVersionIsRefused() {
        ModelSidecar sidecar = sample();
        sidecar.requireReadable("artifact m:1", "xgboost", "3.4.1", 1);
        sidecar.requireReadable("artifact m:1", "xgboost", "3.10.0", 1);
        assertThatThrownBy(() -> sidecar.requireReadable("artifact m:1", "xgboost", "3.3.0", 1))
                .isInstanceOf(CairnException.class)
                .hasMessageContaining("artifact m:1").hasMessageContaining("xgboost 3.4.0").hasMessageContaining("Upgrade xgboost to at least 3.4.0");
        assertThatThrownBy(() -> sidecar.requireReadable("artifact m:1", "xgboost", "3.4.0", 0))
                .isInstanceOf(CairnException.class).hasMessageContaining("format version 1").hasMessageContaining("supports version 0");
        assertThatThrownBy(() -> sidecar.requireReadable("artifact m:1", "onnx", "1.29.0", 1))
                .isInstanceOf(CairnException.class)
                .satisfies(e -> assertThat(((CairnException) e).errorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH));
    }

    @Test
    void malformedSidecarsAreIntegrityViolations() {
        assertThatThrownBy(() -> ModelSidecar.parse("{\"cairn_model_format\": 1", "s")).isInstanceOf(CairnException.class)
                .satisfies(e -> assertThat(((CairnException) e).errorCode()).isEqualTo(ErrorCode.INTEGRITY_VIOLATION));
        assertThatThrownBy(() -> ModelSidecar.parse("{\"cairn_model_format\": 1}", "s")).isInstanceOf(CairnException.class)
                .hasMessageContaining("malformed");
    }

    @Test
    void theSummaryEscapesEverything() {
        ModelSidecar hostile = ModelSidecar.create("<script>", "1", "x", "1", "m", new ModelSignature(List.of(new TensorSpec("<b>in</b>", "F32", List.of(-1L))), List.of()),
                Map.of("a\"b", "<img src=x onerror=alert(1)>"), Map.of(), Optional.empty(), "w");
        String html = ModelSummaryHtml.render(hostile, "<gain>", Map.of("<f>", 3)).text();
        assertThat(html).doesNotContain("<script>").doesNotContain("<b>in").doesNotContain("<img").doesNotContain("<f>").doesNotContain("<gain>")
                .contains("&lt;script&gt;").contains("&lt;img src=x onerror=alert(1)&gt;").contains("<td>[?]</td>");
    }
}
