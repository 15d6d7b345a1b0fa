package dev.cairn.engine.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.StepContext;
import dev.cairn.api.artifact.ArtifactType;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.artifact.SaveOptions;
import dev.cairn.api.artifact.TypeRef;
import dev.cairn.api.lineage.Lineage;
import dev.cairn.api.lineage.LineageNode;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunStatus;
import dev.cairn.engine.materializers.BytesMaterializer;
import dev.cairn.engine.materializers.JsonMaterializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SaveAndLoadTest {
    @TempDir
    Path home;

    private Cairn cairn;

    @BeforeEach
    void open() {
        cairn = Cairn.open(home);
    }

    @AfterEach
    void close() {
        cairn.close();
    }

    @Test
    void savesOutsideARunNumbersVersionsAndLoadsThemBack() {
        ArtifactVersion first = cairn.client().save("hello", "greeting");
        ArtifactVersion second = cairn.client().save("bonjour", "greeting");

        assertThat(first.version()).isEqualTo("1");
        assertThat(second.version()).isEqualTo("2");
        assertThat(first.producerStepRunId()).isEmpty();
        assertThat(first.dataType()).isEqualTo("java.lang.String");
        String latest = cairn.client().load("greeting");
        String one = cairn.client().load("greeting", "1");
        assertThat(latest).isEqualTo("bonjour");
        assertThat(one).isEqualTo("hello");
        assertThat(cairn.client().load("greeting", String.class)).isEqualTo("bonjour");
        first.verify();
    }

    @Test
    void numberingContinuesFromTheHighestNumericVersionAndExplicitDuplicatesFail() {
        cairn.client().save(1, SaveOptions.named("scores").withVersion("baseline"));
        cairn.client().save(2, SaveOptions.named("scores").withVersion("10"));

        assertThat(cairn.client().save(3, "scores").version()).isEqualTo("11");
        assertThatThrownBy(() -> cairn.client().save(4, SaveOptions.named("scores").withVersion("baseline")))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.DUPLICATE_VERSION))
                .hasMessageContaining("'scores'").hasMessageContaining("'baseline'");
        assertThat(cairn.client().listArtifactVersions("scores")).extracting(ArtifactVersion::version).containsExactlyInAnyOrder("baseline", "10", "11");
        int baseline = cairn.client().load("scores", "baseline");
        assertThat(baseline).isEqualTo(1);
    }

    @Test
    void twentyConcurrentSavesOfOneNameGetVersionsOneToTwenty() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<String>> futures = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int value = i;
                Callable<String> save = () -> {
                    start.await();
                    return cairn.client().save(value, "counter").version();
                };
                futures.add(pool.submit(save));
            }
            start.countDown();
            List<String> versions = new ArrayList<>();
            for (Future<String> future : futures) {
                versions.add(future.get());
            }
            List<String> expected = new ArrayList<>();
            for (int i = 1; i <= 20; i++) {
                expected.add(Integer.toString(i));
            }
            assertThat(versions).containsExactlyInAnyOrderElementsOf(expected);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void saveOptionsSetTypeMetadataArtifactTypeAndMaterializer() {
        ArtifactVersion saved = cairn.client().save(new ArrayList<>(List.of("a", "b")), SaveOptions.named("words")
                .withType(new TypeRef<List<String>>() {})
                .withMetadata("source", "unit test")
                .withArtifactType(ArtifactType.DATA_ANALYSIS)
                .withMaterializer(JsonMaterializer.ID));

        assertThat(saved.dataType()).isEqualTo("java.util.List<java.lang.String>");
        assertThat(saved.materializerId()).isEqualTo(JsonMaterializer.ID);
        assertThat(saved.artifactType()).isEqualTo(ArtifactType.DATA_ANALYSIS);
        assertThat(saved.loggedMetadata()).containsEntry("source", new dev.cairn.api.artifact.MetadataValue.StringValue("unit test"));
        List<String> words = cairn.client().load("words", new TypeRef<List<String>>() {});
        assertThat(words).containsExactly("a", "b");

        assertThatThrownBy(() -> cairn.client().save("text", SaveOptions.named("bad").withMaterializer(BytesMaterializer.ID)))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH))
                .hasMessageContaining(BytesMaterializer.ID).hasMessageContaining("java.lang.String");
        assertThatThrownBy(() -> cairn.client().save("text", SaveOptions.named("bad").withMaterializer("no.such.materializer")))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.NO_MATERIALIZER));
        assertThatThrownBy(() -> cairn.client().save("text", SaveOptions.named("a/b")))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_ARTIFACT_NAME));
        assertThat(cairn.client().listArtifactNames()).containsExactly("words");
    }

    @Test
    void typedLoadsFailWithTypeMismatchNamingBothTypes() {
        cairn.client().save(List.of("a"), SaveOptions.named("words").withType(new TypeRef<List<String>>() {}));
        cairn.client().save(42, "answer");
        ArtifactVersion words = cairn.client().getArtifactVersion("words");

        assertThat(words.load(new TypeRef<List<String>>() {})).containsExactly("a");
        assertThat(words.load(java.util.Collection.class)).hasSize(1);
        Integer answer = cairn.client().getArtifactVersion("answer").load(Integer.class);
        assertThat(answer).isEqualTo(42);
        assertThatThrownBy(() -> words.load(new TypeRef<List<Integer>>() {}))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH))
                .hasMessageContaining("'words' version 1").hasMessageContaining("java.util.List<java.lang.String>")
                .hasMessageContaining("java.util.List<java.lang.Integer>");
        assertThatThrownBy(() -> cairn.client().load("answer", String.class))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH))
                .hasMessageContaining("java.lang.String");
        assertThatThrownBy(() -> cairn.client().load("missing"))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.ARTIFACT_NOT_FOUND));
    }

    @Test
    void aGenericValueSavedWithoutItsTypeArgumentsSaysHowToNameThem() {
        assertThatThrownBy(() -> cairn.client().save(List.of(1, 2), "numbers"))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.NO_MATERIALIZER))
                .hasMessageContaining("'numbers'").hasMessageContaining("java.util.List")
                .hasMessageContaining("SaveOptions.named(\"numbers\").withType(new TypeRef<List<...>>() {})");
        assertThatThrownBy(() -> cairn.client().save(java.util.Map.of("a", 1), "config"))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.NO_MATERIALIZER))
                .hasMessageContaining("new TypeRef<Map<...>>() {}");
        assertThat(cairn.client().listArtifactVersions("numbers")).isEmpty();

        ArtifactVersion saved = cairn.client().save(List.of(1, 2), SaveOptions.named("numbers").withType(new TypeRef<List<Integer>>() {}));
        assertThat(saved.load(new TypeRef<List<Integer>>() {})).containsExactly(1, 2);
    }

    public static final class Steps {
        @Step
        public static int train() {
            StepContext.current().client().save("checkpoint of epoch 1", "checkpoint");
            return 7;
        }
    }

    @Test
    void aSaveInsideAStepIsRecordedAsProducedByThatStepRun() {
        PipelineRun run = cairn.run(Pipeline.define("manual", p -> p.call(Steps::train)));

        assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
        ArtifactVersion checkpoint = cairn.client().getArtifactVersion("checkpoint");
        assertThat(checkpoint.producerStepRunId()).contains(run.step("train").id());
        Lineage lineage = cairn.client().lineage(checkpoint);
        assertThat(lineage.upstream(lineage.root())).extracting(LineageNode::label).contains("manual/train");
    }
}
