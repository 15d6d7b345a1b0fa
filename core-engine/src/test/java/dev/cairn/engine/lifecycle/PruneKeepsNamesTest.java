package dev.cairn.engine.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.artifact.SaveOptions;
import dev.cairn.api.lifecycle.PruneOptions;
import dev.cairn.api.lifecycle.PruneReport;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.pipeline.StepOptions;
import dev.cairn.api.run.PipelineRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 11 of issue #12 and the prune protections: version numbers are monotonic per name forever (a pruned number
 * is never given again, by {@code client.save} or by a step output), a version with an alias or a version tag is never
 * pruned, and the {@code artifacts/<name>/} directories a prune empties are removed.
 */
class PruneKeepsNamesTest {
    @TempDir
    Path home;

    public static final class Steps {
        @Step
        public static String emit(String text) {
            return text;
        }
    }

    @Test
    void aPrunedNumberIsNeverGivenAgainBySaveOrByAStepOutput() {
        try (Cairn cairn = Cairn.open(home)) {
            cairn.client().save("one", "m");
            ArtifactVersion two = cairn.client().save("two", "m");
            assertThat(two.version()).isEqualTo("2");
            Pipeline pipeline = Pipeline.define("emitting", p -> p.with(StepOptions.builder().enableCache(false).build())
                    .call(Steps::emit, Param.of("x")));
            cairn.run(pipeline);
            cairn.run(pipeline);

            PruneReport report = cairn.client().prune(PruneOptions.defaults());
            assertThat(report.versions()).extracting(PruneReport.PrunedVersion::version).containsExactlyInAnyOrder("1", "2", "1", "2");

            ArtifactVersion next = cairn.client().save("other content", "m");
            assertThat(next.version()).as("not 2 again").isEqualTo("3");
            PipelineRun run = cairn.run(pipeline);
            assertThat(run.step("emit").output("output").version()).isEqualTo("3");
            assertThatThrownBy(() -> cairn.client().save("again", SaveOptions.named("m").withVersion("2")))
                    .isInstanceOfSatisfying(CairnException.class, e -> {
                        assertThat(e.errorCode()).isEqualTo(ErrorCode.DUPLICATE_VERSION);
                        assertThat(e.getMessage()).contains("'m'").contains("'2'").contains("prune");
                    });
            assertThatThrownBy(() -> cairn.client().getArtifactVersion("m", "2"))
                    .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.ARTIFACT_NOT_FOUND));
        }
    }

    @Test
    void versionsWithAnAliasOrAVersionTagAreKeptAndEmptiedNameDirectoriesRemoved() {
        try (Cairn cairn = Cairn.open(home)) {
            ArtifactVersion plain = cairn.client().save("plain", "model");
            ArtifactVersion aliased = cairn.client().save("aliased", "model");
            ArtifactVersion tagged = cairn.client().save("tagged", "model");
            ArtifactVersion alone = cairn.client().save("alone", "scratch");
            cairn.client().setAlias("model", "production", aliased.version());
            cairn.client().tagVersion("model", tagged.version(), "validated");
            cairn.client().tagArtifact("model", "team-a");

            PruneReport report = cairn.client().prune(PruneOptions.defaults());

            assertThat(report.versions()).extracting(PruneReport.PrunedVersion::id).containsExactlyInAnyOrder(plain.id(), alone.id());
            assertThat(cairn.client().<String>load("model", "@production")).isEqualTo("aliased");
            assertThat(cairn.client().<String>load("model", tagged.version())).isEqualTo("tagged");
            assertThat(Path.of(alone.uri()).getParent()).as("artifacts/scratch/ emptied and removed").doesNotExist();
            assertThat(Path.of(aliased.uri()).getParent()).as("artifacts/model/ still holds versions").isDirectory();

            cairn.client().removeAlias("model", "production");
            cairn.client().untagVersion("model", tagged.version(), "validated");
            assertThat(cairn.client().prune(PruneOptions.defaults()).versions()).extracting(PruneReport.PrunedVersion::id)
                    .containsExactlyInAnyOrder(aliased.id(), tagged.id());
            assertThat(Path.of(aliased.uri()).getParent()).doesNotExist();
        }
    }
}
