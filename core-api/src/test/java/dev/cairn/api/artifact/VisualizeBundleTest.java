package dev.cairn.api.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Type;
import java.net.URI;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/** The default MIME bundle of an artifact version: plain text always, the first PNG and SVG visualization when present. */
class VisualizeBundleTest {
    private record TestingArtifactVersion(List<Visualization> visualizations) implements ArtifactVersion {
        @Override public UUID id() { return new UUID(0, 1); }
        @Override public String name() { return "model"; }
        @Override public String version() { return "3"; }
        @Override public URI uri() { return URI.create("file:///store/artifacts/model/3"); }
        @Override public URI storeUri() { return URI.create("file:///store/"); }
        @Override public String dataType() { return "com.acme.Model"; }
        @Override public String materializerId() { return "test"; }
        @Override public String materializerVersion() { return "1"; }
        @Override public ArtifactType artifactType() { return ArtifactType.MODEL; }
        @Override public String contentHash() { return "00"; }
        @Override public long size() { return 42; }
        @Override public Map<String, Object> metadata() { return Map.of(); }
        @Override public Optional<UUID> producerStepRunId() { return Optional.empty(); }
        @Override public Instant createdAt() { return Instant.EPOCH; }
        @Override public <T> T load() { throw new UnsupportedOperationException(); }
        @Override public <T> T load(Type type) { throw new UnsupportedOperationException(); }
        @Override public <T> T load(Type type, LoadOptions options) { throw new UnsupportedOperationException(); }
        @Override public void verify() {}
        @Override public List<ArtifactFile> files() { return List.of(); }
        @Override public java.io.InputStream open(String path) { throw new UnsupportedOperationException(); }
        @Override public Map<String, MetadataValue> loggedMetadata() { return Map.of(); }
        @Override public List<String> tags() { return List.of(); }
        @Override public List<String> aliases() { return List.of(); }
    }

    @Test
    void plainTextAlwaysAndTheFirstImageOfEachKind() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};
        ArtifactVersion version = new TestingArtifactVersion(List.of(
                Visualization.text("summary", VisualizationType.MARKDOWN, "# hi"),
                Visualization.binary("curve", VisualizationType.PNG, png),
                Visualization.binary("second", VisualizationType.PNG, new byte[] {9}),
                Visualization.text("shape", VisualizationType.SVG, "<svg/>")));
        Map<String, String> bundle = version.visualize();
        assertThat(bundle).containsOnlyKeys("image/png", "image/svg+xml", "text/plain");
        assertThat(Base64.getDecoder().decode(bundle.get("image/png"))).isEqualTo(png);
        assertThat(bundle.get("image/svg+xml")).isEqualTo("<svg/>");
        assertThat(bundle.get("text/plain")).isEqualTo("model:3 (com.acme.Model, 42 bytes)");
        assertThatThrownBy(() -> bundle.put("text/html", "x")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(new TestingArtifactVersion(List.of()).visualize()).containsOnlyKeys("text/plain");
    }
}
