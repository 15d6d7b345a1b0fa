package dev.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.RunStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local store's durable mode is reached through the engine's store properties for the {@code file} scheme. */
class DurableStoreConfigurationTest {
    @TempDir
    Path home;

    public static final class Steps {
        @Step
        public static int one() {
            return 1;
        }
    }

    @Test
    void durableModeIsASettingOfTheFileStoreAndABadValueIsRefused() {
        try (Cairn cairn = Cairn.builder().home(home).storeProperty("file", "cairn.durable", "true").build()) {
            assertThat(cairn.run(Pipeline.define("p", p -> p.call(Steps::one))).status()).isEqualTo(RunStatus.COMPLETED);
            assertThat((Integer) cairn.client().getArtifactVersion("p::one::output").load()).isEqualTo(1);
        }
        assertThatThrownBy(() -> {
            try (Cairn cairn = Cairn.builder().home(home).storeProperty("file", "cairn.durable", "maybe").build()) {
                cairn.run(Pipeline.define("p", p -> p.call(Steps::one)));
            }
        }).satisfies(e -> { // the engine still wraps a provider's failure in Guice's CreationException (issue #12, scenario 16)
            Throwable cause = e;
            while (!(cause instanceof CairnException) && cause.getCause() != null) {
                cause = cause.getCause();
            }
            assertThat(cause).isInstanceOfSatisfying(CairnException.class, cairn -> {
                assertThat(cairn.errorCode()).isEqualTo(ErrorCode.CONFIGURATION);
                assertThat(cairn.getMessage()).contains("cairn.durable").contains("write true or false");
            });
        });
    }
}
