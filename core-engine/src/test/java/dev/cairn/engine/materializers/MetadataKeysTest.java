package dev.cairn.engine.materializers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.cairn.api.Cairn;
import dev.cairn.api.MetadataKeys;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.artifact.SaveOptions;
import dev.cairn.api.artifact.TypeRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built-in materializers record their metadata under the documented {@link MetadataKeys}. */
class MetadataKeysTest {
    @TempDir
    Path home;

    public record Point(int x, int y) {}

    @Test
    void builtInMaterializersWriteTheDocumentedKeys() {
        try (Cairn cairn = Cairn.open(home)) {
            ArtifactVersion matrix = cairn.client().save(new double[][] {{1, 2, 3}, {4, 5, 6}}, "matrix");
            assertThat(matrix.metadata()).containsEntry(MetadataKeys.SHAPE, List.of(2, 3)).containsEntry(MetadataKeys.DTYPE, "float64")
                    .containsEntry(MetadataKeys.LENGTH, 2).containsEntry(MetadataKeys.SIZE, 6).containsEntry(MetadataKeys.MIN, 1.0)
                    .containsEntry(MetadataKeys.MAX, 6.0).containsEntry(MetadataKeys.MEAN, 3.5);

            ArtifactVersion bytes = cairn.client().save(new byte[] {1, 2, 3, 4}, "bytes");
            assertThat(bytes.metadata()).containsEntry(MetadataKeys.LENGTH, 4);

            assertThat(cairn.client().save(List.of("a", "b", "c"), SaveOptions.named("letters").withType(new TypeRef<List<String>>() {})).metadata()).containsEntry(MetadataKeys.LENGTH, 3);
            assertThat(cairn.client().save(Map.of("a", 1), SaveOptions.named("map").withType(new TypeRef<Map<String, Integer>>() {})).metadata()).containsEntry(MetadataKeys.SIZE, 1);
            assertThat(cairn.client().save(new Point(1, 2), "point").metadata()).containsEntry(MetadataKeys.FIELD_COUNT, 2);
            assertThat(cairn.client().save(Optional.of(3), SaveOptions.named("maybe").withType(new TypeRef<Optional<Integer>>() {})).metadata()).containsEntry(MetadataKeys.PRESENT, true);
            assertThat(cairn.client().save(2.5, "scalar").metadata()).containsEntry(MetadataKeys.VALUE, 2.5);

        }
    }
}
