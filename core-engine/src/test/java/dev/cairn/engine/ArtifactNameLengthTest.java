package dev.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.pipeline.StepOptions;
import dev.cairn.api.run.RunStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #12, scenario 15: an artifact name or version whose directory name would be too long for the file system is
 * refused when the pipeline is compiled, before any step runs, and the message says what the limit is.
 */
class ArtifactNameLengthTest {
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

    public static final class Steps {
        @Step
        public static int one() {
            return 1;
        }
    }

    private Pipeline named(String name) {
        return Pipeline.define("names", p -> p.with(StepOptions.builder().artifactName("output", name).build()).call(Steps::one));
    }

    @Test
    void twoHundredNonAsciiCharactersAreRefusedAtCompileTimeWithTheLimit() {
        String name = "é".repeat(200);
        assertThatThrownBy(() -> cairn.run(named(name)))
                .isInstanceOfSatisfying(CairnException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_ARTIFACT_NAME);
                    assertThat(e.getMessage()).contains("output 'output' of step 'one'").contains("directory name of 1200 characters")
                            .contains("more than the 255").contains("42 characters like 'é'");
                });
        assertThat(cairn.client().listRuns()).as("no step ran").isEmpty();
    }

    @Test
    void theLimitIsOnTheEncodedNameNotTheCharacterCount() {
        assertThat(cairn.run(named("é".repeat(42))).status()).isEqualTo(RunStatus.COMPLETED); // 84 bytes, 252 characters
        assertThatThrownBy(() -> cairn.run(named("é".repeat(43))))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.getMessage()).contains("258 characters"));
        assertThat(cairn.run(named("a".repeat(255))).status()).isEqualTo(RunStatus.COMPLETED);
    }

    @Test
    void explicitVersionsAreCheckedWithTheirSuffix() {
        Pipeline longVersion = Pipeline.define("versions", p -> p.with(StepOptions.builder().artifactVersion("output", "v".repeat(247)).build())
                .call(Steps::one));
        assertThatThrownBy(() -> cairn.run(longVersion))
                .isInstanceOfSatisfying(CairnException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_ARTIFACT_NAME);
                    assertThat(e.getMessage()).contains("more than the 246");
                });
        Pipeline fits = Pipeline.define("versions", p -> p.with(StepOptions.builder().artifactVersion("output", "v".repeat(246)).build())
                .call(Steps::one));
        assertThat(cairn.run(fits).status()).isEqualTo(RunStatus.COMPLETED);
    }
}
