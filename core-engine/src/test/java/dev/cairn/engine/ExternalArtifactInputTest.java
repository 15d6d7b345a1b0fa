package dev.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.cairn.api.Cairn;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.metadata.InputKind;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.StepStatus;
import dev.cairn.engine.metadata.sqlite.SqliteMetadataStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Existing artifact versions as step inputs: every form of {@code p.artifact}, lineage, and the cache key by content. */
class ExternalArtifactInputTest {
    @TempDir
    Path home;

    private Cairn cairn;
    static final AtomicInteger EXECUTIONS = new AtomicInteger();

    @BeforeEach
    void open() {
        cairn = Cairn.open(home);
        EXECUTIONS.set(0);
    }

    @AfterEach
    void close() {
        cairn.close();
    }

    public static final class Steps {
        @Step
        @dev.cairn.api.pipeline.ArtifactName("model")
        public static List<Integer> train(int seed) {
            return List.of(seed % 2, 7);
        }

        @Step
        public static int predict(List<Integer> model) {
            EXECUTIONS.incrementAndGet();
            return model.get(0) + model.get(1);
        }
    }

    private ArtifactVersion train(int seed) {
        return cairn.run(Pipeline.define("training", p -> p.call(Steps::train, Param.of(seed)))).step("train").output("output");
    }

    private PipelineRun predict(java.util.function.Function<dev.cairn.api.pipeline.PipelineBuilder, dev.cairn.api.pipeline.Ref<List<Integer>>> model) {
        return cairn.run(Pipeline.define("inference", p -> p.call(Steps::predict, model.apply(p))));
    }

    @Test
    void everyFormResolvesTheVersionAndRecordsItAsAnExternalInput() {
        ArtifactVersion v1 = train(1);
        ArtifactVersion v2 = train(2);
        assertThat(v2.version()).isEqualTo("2");
        assertThat(predict(p -> p.artifact("model")).step("predict").inputs().get("model").id()).isEqualTo(v2.id());
        assertThat(predict(p -> p.artifact("model", "1")).step("predict").inputs().get("model").id()).isEqualTo(v1.id());
        assertThat(predict(p -> p.artifact(v1)).step("predict").inputs().get("model").id()).isEqualTo(v1.id());
        PipelineRun byId = predict(p -> p.artifact(v2.id()));
        assertThat(byId.step("predict").inputs().get("model").id()).isEqualTo(v2.id());
        try (SqliteMetadataStore metadata = SqliteMetadataStore.open(home.resolve("metadata.db"))) {
            assertThat(metadata.listStepInputs(byId.step("predict").id())).singleElement()
                    .satisfies(input -> assertThat(input.kind()).isEqualTo(InputKind.EXTERNAL_ARTIFACT));
        }
    }

    @Test
    void theCacheKeyTakesTheInputsContentHashNotItsVersion() {
        train(1);
        assertThat(predict(p -> p.artifact("model")).step("predict").status()).isEqualTo(StepStatus.COMPLETED);
        train(3); // a new version with the same bytes ([1, 7]): still a hit
        assertThat(predict(p -> p.artifact("model")).step("predict").status()).isEqualTo(StepStatus.CACHED);
        train(2); // different bytes ([0, 7]): a miss
        PipelineRun changed = predict(p -> p.artifact("model"));
        assertThat(changed.step("predict").status()).isEqualTo(StepStatus.COMPLETED);
        assertThat((int) changed.step("predict").output("output").load()).isEqualTo(7);
        assertThat(EXECUTIONS.get()).isEqualTo(2);
    }
}
