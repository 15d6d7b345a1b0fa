package dev.cairn.engine.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnConfiguration;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cairn.toml} in the home names the stack like {@code cairn.properties}; a home with both is refused. */
class StackTomlFileTest {
    @TempDir
    Path home;

    private StackSettings resolve(Map<String, String> environment) {
        return StackSettings.resolve(Cairn.builder().home(home).configuration(), environment);
    }

    @Test
    void theTomlFileNamesTheStackAndTheEnvironmentStillWinsOverIt() throws Exception {
        Files.writeString(home.resolve("cairn.toml"), """
                # the team's shared stack
                metadata = "postgresql://db.internal:5432/cairn?user=cairn&password_file=/etc/cairn/pg"
                store = 'file:/shared/store'
                """);
        StackSettings stack = resolve(Map.of());
        assertThat(stack.metadata()).isEqualTo(new StackSettings.Setting(
                URI.create("postgresql://db.internal:5432/cairn?user=cairn&password_file=/etc/cairn/pg"), home.resolve("cairn.toml") + " (metadata)"));
        assertThat(stack.artifactStore()).isEqualTo(new StackSettings.Setting(URI.create("file:/shared/store"), home.resolve("cairn.toml") + " (store)"));

        StackSettings environment = resolve(Map.of("CAIRN_METADATA", "sqlite:/env.db"));
        assertThat(environment.metadata().source()).isEqualTo("environment CAIRN_METADATA");
        assertThat(environment.artifactStore().source()).isEqualTo(home.resolve("cairn.toml") + " (store)");

        Files.writeString(home.resolve("cairn.toml"), "store = \"file:/only/store\"\n");
        assertThat(resolve(Map.of()).metadata().source()).isEqualTo("default");
    }

    @Test
    void aHomeWithBothFilesIsRefusedNamingBoth() throws Exception {
        Files.writeString(home.resolve("cairn.toml"), "metadata = \"sqlite:/a.db\"\n");
        Files.writeString(home.resolve("cairn.properties"), "metadata=sqlite:/b.db\n");
        assertThatThrownBy(() -> resolve(Map.of())).isInstanceOfSatisfying(CairnException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIGURATION);
            assertThat(e.getMessage()).contains("cairn.toml", "cairn.properties", "Keep one of them");
        });
    }

    @Test
    void badTomlUnknownKeysAndNonStringValuesAreConfigurationErrorsThatNeverPrintThePassword() throws Exception {
        Files.writeString(home.resolve("cairn.toml"), "metadata = \"postgresql://bob:s3cret@db/cairn\n");
        assertThatThrownBy(() -> resolve(Map.of())).isInstanceOfSatisfying(CairnException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIGURATION);
            assertThat(e.getMessage()).contains("cairn.toml").doesNotContain("s3cret");
        });
        Files.writeString(home.resolve("cairn.toml"), "metdata = \"sqlite:/a.db\"\n");
        assertThatThrownBy(() -> resolve(Map.of())).hasMessageContaining("'metdata'").hasMessageContaining("[metadata, store]");
        Files.writeString(home.resolve("cairn.toml"), "store = 42\n");
        assertThatThrownBy(() -> resolve(Map.of())).hasMessageContaining("not a string");
    }

    @Test
    void anEngineOpensTheStackOfItsTomlFile() throws Exception {
        Files.writeString(home.resolve("cairn.toml"), "metadata = \"sqlite:elsewhere/m.db\"\n");
        CairnConfiguration configuration = Cairn.builder().home(home).configuration();
        try (Cairn cairn = Cairn.open(configuration)) {
            assertThat(cairn.client().listRuns()).isEmpty();
        }
        assertThat(home.resolve("elsewhere/m.db")).exists();
        assertThat(home.resolve("metadata.db")).doesNotExist();
    }
}
