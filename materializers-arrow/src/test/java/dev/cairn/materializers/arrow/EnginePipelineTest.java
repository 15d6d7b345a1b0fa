package dev.cairn.materializers.arrow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.artifact.LoadOptions;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Ref;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.pipeline.StepOptions;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunStatus;
import dev.cairn.engine.materializers.BuiltInPlugin;
import dev.cairn.engine.materializers.JsonMaterializer;
import dev.cairn.engine.materializers.MaterializerRegistry;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.table.Table;
import org.apache.arrow.vector.types.pojo.Field;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The materializer inside the real engine: found by ServiceLoader, chosen for List<Row> by specificity, loaded in part. */
class EnginePipelineTest {
    public record Row(int feature1, int feature2, int target) {}

    public record Target(int target) {}

    public record Named(String name) {}

    public static final class Steps {
        private Steps() {}

        @Step
        public static List<Row> createData() {
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                rows.add(new Row(i, i * 2, i % 3));
            }
            return rows;
        }

        @Step
        public static long total(List<Row> rows) {
            return rows.stream().mapToLong(Row::target).sum();
        }

        @Step
        public static List<String> names() {
            return List.of("a", "b");
        }
    }

    @TempDir
    Path home;

    @Test
    void theRegistryChoosesThisMaterializerForListsOfRecordsAndJsonForOtherLists() {
        try (RootAllocator allocator = new RootAllocator()) {
            MaterializerRegistry registry = MaterializerRegistry.of(List.of(new BuiltInPlugin(), new ArrowPlugin(allocator)));
            assertThat(registry.resolve(ArrowMaterializerTest.ROW_LIST).id()).isEqualTo(ArrowMaterializer.ID);
            assertThat(registry.resolve(new TypeLiteral<java.util.ArrayList<Row>>() {}.type()).id()).isEqualTo(ArrowMaterializer.ID);
            assertThat(registry.resolve(new TypeLiteral<List<String>>() {}.type()).id()).isEqualTo(JsonMaterializer.ID);
            assertThat(registry.resolve(Table.class).id()).isEqualTo(ArrowMaterializer.ID);
            assertThat(registry.resolve(new TypeLiteral<List<ArrowMaterializerTest.WithChar>>() {}.type()).id())
                    .as("a record this materializer refuses falls to JSON").isEqualTo(JsonMaterializer.ID);
        }
    }

    @Test
    void aPipelineStoresListOfRowAsParquetAndLoadsItWholeOrInPart() throws Exception {
        Pipeline pipeline = Pipeline.define("arrow_pipeline", p -> {
            Ref<List<Row>> data = p.call(Steps::createData);
            p.call(Steps::total, data);
            p.with(StepOptions.builder().name("createIpc").outputOption("output", "format", "ipc").build()).call(Steps::createData);
            p.call(Steps::names);
        });
        try (Cairn cairn = Cairn.open(home)) {
            PipelineRun run = cairn.run(pipeline);
            assertThat(run.status()).as(run.error().orElse("")).isEqualTo(RunStatus.COMPLETED);

            ArtifactVersion data = run.step("createData").output("output");
            assertThat(data.materializerId()).isEqualTo(ArrowMaterializer.ID);
            assertThat(Path.of(data.uri()).resolve("data.parquet")).isRegularFile();
            assertThat(data.metadata()).containsEntry("row_count", 1000L);
            assertThat(data.visualizations()).extracting(v -> v.fileName())
                    .containsExactly("describe.csv", "describe.html", "sample.csv", "sample.html");
            assertThat(run.step("total").output("output").<Long>load()).isEqualTo(999L);
            assertThat(run.step("names").output("output").materializerId()).isEqualTo(JsonMaterializer.ID);

            List<Row> all = data.load();
            assertThat(all).hasSize(1000).startsWith(new Row(0, 0, 0), new Row(1, 2, 1));
            List<Target> targets = data.load(new TypeLiteral<List<Target>>() {}.type(), LoadOptions.DEFAULT.withRowLimit(5));
            assertThat(targets).containsExactly(new Target(0), new Target(1), new Target(2), new Target(0), new Target(1));
            try (Table table = data.load(Table.class, LoadOptions.DEFAULT.withColumns(List.of("feature2")).withRowLimit(10))) {
                assertThat(table.getSchema().getFields()).extracting(Field::getName).containsExactly("feature2");
                assertThat(table.getRowCount()).isEqualTo(10);
            }
            assertThatThrownBy(() -> data.load(new TypeLiteral<List<Named>>() {}.type()))
                    .isInstanceOf(CairnException.class)
                    .satisfies(e -> assertThat(((CairnException) e).errorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH))
                    .hasMessageContaining("arrow_pipeline::createData::output")
                    .hasMessageContaining("Named.name");

            ArtifactVersion ipc = run.step("createIpc").output("output");
            assertThat(Files.exists(Path.of(ipc.uri()).resolve("data.arrow"))).isTrue();
            assertThat(ipc.<List<Row>>load()).isEqualTo(all);
            assertThat(ipc.contentHash()).isNotEqualTo(data.contentHash());
            data.verify();
        }
    }
}
