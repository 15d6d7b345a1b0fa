package dev.cairn.materializers.arrow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.SaveOptions;
import dev.cairn.api.artifact.TypeRef;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.table.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every allocator the Arrow plugin makes is closed, and memory still held at close is reported by artifact. */
class ArrowAllocationsTest {
    public record Row(int id, String name) {}

    @TempDir
    Path home;

    private static List<Row> rows(int count) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            rows.add(new Row(i, "row-" + i));
        }
        return rows;
    }

    @Test
    void savesAndClosedLoadsLeaveNothingAndTheOwnedRootAllocatorIsClosed() {
        try (RootAllocator root = new RootAllocator()) {
            ArrowPlugin plugin = new ArrowPlugin(root);
            try (Cairn cairn = Cairn.builder().home(home).plugin(plugin).build()) {
                cairn.client().save(rows(500), SaveOptions.named("table").withType(new TypeRef<List<Row>>() {}));
                for (int i = 0; i < 3; i++) {
                    try (Table table = cairn.client().getArtifactVersion("table").load((java.lang.reflect.Type) Table.class)) {
                        assertThat(table.getRowCount()).isEqualTo(500);
                        assertThat(plugin.allocatedBytes()).isPositive();
                    }
                }
                List<Row> loaded = cairn.client().getArtifactVersion("table").load(new TypeRef<List<Row>>() {});
                assertThat(loaded).hasSize(500);
                assertThat(plugin.allocatedBytes()).isZero();
                assertThat(plugin.heldByLoadedValues()).isEmpty();
                assertThat(root.getChildAllocators()).as("closed loads' allocators are closed at the next load").hasSizeLessThanOrEqualTo(1);
            }
            plugin.close();
            assertThat(root.getChildAllocators()).isEmpty();
        }
    }

    @Test
    void aLoadedValueStillOpenAtCloseIsReportedWithItsArtifact() {
        try (RootAllocator root = new RootAllocator()) {
            ArrowPlugin plugin = new ArrowPlugin(root);
            VectorSchemaRoot leaked;
            try (Cairn cairn = Cairn.builder().home(home).plugin(plugin).build()) {
                cairn.client().save(rows(100), SaveOptions.named("features").withType(new TypeRef<List<Row>>() {}));
                leaked = cairn.client().getArtifactVersion("features").load((java.lang.reflect.Type) VectorSchemaRoot.class);
            }
            assertThat(plugin.heldByLoadedValues()).hasSize(1).hasKeySatisfying(
                    new org.assertj.core.api.Condition<>(name -> name.contains("features:1"), "names the artifact"));

            assertThatThrownBy(plugin::close).isInstanceOf(CairnException.class)
                    .hasMessageContaining("artifact 'features:1'").hasMessageContaining("bytes")
                    .extracting(e -> ((CairnException) e).errorCode()).isEqualTo(ErrorCode.MATERIALIZER_FAILED);

            leaked.close();
            plugin.close();
            assertThat(root.getAllocatedMemory()).isZero();
            assertThat(root.getChildAllocators()).isEmpty();
        }
    }

    @Test
    void thePluginTheServiceLoaderCreatesOwnsAndClosesItsRootAllocator() {
        ArrowPlugin plugin = new ArrowPlugin();
        plugin.close();
        assertThatThrownBy(() -> plugin.allocator().buffer(8)).isInstanceOf(IllegalStateException.class);
    }
}
