package dev.cairn.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import dev.cairn.api.Cairn;
import dev.cairn.api.artifact.ArtifactFilter;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.artifact.MetadataValue;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactTourTest {
    @TempDir
    Path home;

    @Test
    void theTourSavesTagsAliasesLogsQueriesExportsAndImports() throws Exception {
        StringWriter text = new StringWriter();
        try (Cairn cairn = Cairn.open(home)) {
            ArtifactVersion champion = ArtifactTour.tour(cairn, new PrintWriter(text, true));

            assertThat(champion.version()).as("the version with the best accuracy (0.91)").isEqualTo("2");
            assertThat(cairn.client().listArtifactVersions(ArtifactTour.MODEL_NAME)).hasSize(3);
            assertThat(cairn.client().getArtifactVersion(ArtifactTour.MODEL_NAME + "@champion").id()).isEqualTo(champion.id());
            assertThat(cairn.client().listArtifactVersions(ArtifactFilter.tag("production")).versions()).extracting(ArtifactVersion::id)
                    .containsExactly(champion.id());
            assertThat(champion.tags()).contains("tour", "candidate", "production");
            assertThat(champion.loggedMetadata()).containsEntry("accuracy", new MetadataValue.NumberValue(0.91))
                    .containsEntry("regularization", new MetadataValue.NumberValue(0.1));
            ArtifactVersion imported = cairn.client().getArtifactVersion(ArtifactTour.MODEL_NAME + "_imported");
            assertThat(imported.contentHash()).isEqualTo(champion.contentHash());
            assertThat(imported.load(ArtifactTour.Candidate.class)).isEqualTo(champion.load(ArtifactTour.Candidate.class));
        }
        assertThat(text.toString()).contains("versions of tour_model with accuracy > 0.85: [3, 2]").contains("tour_model@champion -> tour_model:2")
                .contains("same content hash: true");
    }

    @Test
    void theQuickstartModelIsTaggedByItsStepAndPromoted() {
        StringWriter text = new StringWriter();
        try (Cairn cairn = Cairn.open(home)) {
            PipelineRun training = cairn.run(ExamplePipelines.modelTraining());
            assertThat(training.status()).as(training.error().orElse("")).isEqualTo(RunStatus.COMPLETED);
            ArtifactVersion model = training.step(ModelSteps::trainXGBoost).output("output");
            assertThat(model.tags()).containsExactlyInAnyOrder("quickstart", "xgboost");
            assertThat(model.loggedMetadata()).containsEntry("rounds", new MetadataValue.NumberValue(20)).containsKey("train_rows");

            ArtifactVersion promoted = ArtifactTour.promoteQuickstartModel(cairn, training, new PrintWriter(text, true));

            assertThat(promoted.tags()).containsExactlyInAnyOrder("quickstart", "xgboost", "production");
            assertThat(promoted.aliases()).containsExactly("champion");
            assertThat(promoted.loggedMetadata()).containsKey("rmse");
        }
        assertThat(text.toString()).contains("quickstart models with rmse < 15: [xgboost_model:1]");
    }
}
