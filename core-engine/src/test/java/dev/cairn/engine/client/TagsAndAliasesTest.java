package dev.cairn.engine.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Optional;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.AliasMove;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.artifact.SaveOptions;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Ref;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TagsAndAliasesTest {
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
    void tagsOnArtifactsVersionsAndSavesAreVisibleAndQueryable() {
        ArtifactVersion v1 = cairn.client().save("m1", SaveOptions.named("model").withTags("candidate"));
        ArtifactVersion v2 = cairn.client().save("m2", "model");
        cairn.client().save("d", "dataset");

        cairn.client().tagArtifact("model", "team-vision");
        cairn.client().tagVersion("model", "2", "reviewed");

        assertThat(v1.tags()).containsExactly("candidate", "team-vision");
        assertThat(v2.tags()).containsExactly("reviewed", "team-vision");
        assertThat(cairn.client().listArtifactVersionsWithTag("team-vision")).extracting(ArtifactVersion::version).containsExactly("2", "1");
        assertThat(cairn.client().listArtifactVersionsWithTag("candidate")).containsExactly(v1);

        cairn.client().untagVersion("model", "1", "candidate");
        cairn.client().untagArtifact("model", "team-vision");
        assertThat(v1.tags()).isEmpty();
        assertThatThrownBy(() -> cairn.client().tagArtifact("nothing", "x"))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.ARTIFACT_NOT_FOUND));
    }

    @Test
    void anExclusiveTagLeavesTheOldVersionWhenItMoves() {
        cairn.client().save("m1", "model");
        cairn.client().save("m2", "model");

        cairn.client().tagVersionExclusively("model", "1", "production");
        cairn.client().tagVersionExclusively("model", "2", "production");

        assertThat(cairn.client().getArtifactVersion("model", "1").tags()).isEmpty();
        assertThat(cairn.client().getArtifactVersion("model", "2").tags()).containsExactly("production");
        assertThat(cairn.client().listArtifactVersionsWithTag("production")).extracting(ArtifactVersion::version).containsExactly("2");
    }

    @Test
    void anAliasIsAcceptedWhereverAVersionIsAndKeepsItsHistory() {
        for (int i = 1; i <= 7; i++) {
            cairn.client().save("model-" + i, "model");
        }
        ArtifactVersion seven = cairn.client().setAlias("model", "champion", "7");
        cairn.client().setAlias("model", "challenger", "@champion");

        assertThat(seven.version()).isEqualTo("7");
        assertThat(cairn.client().getArtifactVersion("model@champion")).isEqualTo(seven);
        assertThat(cairn.client().getArtifactVersion("model", "@champion")).isEqualTo(seven);
        assertThat(cairn.client().load("model@champion", String.class)).isEqualTo("model-7");
        assertThat(seven.aliases()).containsExactly("challenger", "champion");

        cairn.client().setAlias("model", "champion", "3");
        String champion = cairn.client().load("model@champion");
        assertThat(champion).isEqualTo("model-3");
        assertThat(cairn.client().aliasHistory("model", "champion")).extracting(AliasMove::version)
                .containsExactly(Optional.of("7"), Optional.of("3"));

        cairn.client().removeAlias("model", "champion");
        assertThatThrownBy(() -> cairn.client().getArtifactVersion("model@champion"))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.ARTIFACT_NOT_FOUND))
                .hasMessageContaining("no alias 'champion'");
        assertThat(cairn.client().aliasHistory("model", "champion")).hasSize(3);
        assertThatThrownBy(() -> cairn.client().setAlias("model", "a:b", "1"))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        assertThatThrownBy(() -> cairn.client().setAlias("model", "best", "99"))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.ARTIFACT_NOT_FOUND));
    }

    public static final class Steps {
        @Step
        public static int length(String model) {
            return model.length();
        }
    }

    @Test
    void aPipelineReadsAnAliasedVersion() {
        cairn.client().save("short", "model");
        cairn.client().save("much longer", "model");
        cairn.client().setAlias("model", "champion", "1");

        PipelineRun run = cairn.run(Pipeline.define("uses_alias", p -> {
            Ref<String> model = p.artifact("model@champion");
            p.call(Steps::length, model);
        }));

        assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
        int length = run.step("length").output("output").load();
        assertThat(length).isEqualTo(5);
        assertThat(run.step("length").inputs().get("model").version()).isEqualTo("1");
    }
}
