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

/** The stack is chosen from the configuration, then the environment, then cairn.properties, then the defaults. */
class StackSettingsTest {
    @TempDir
    Path home;

    @Test
    void eachSourceWinsOverTheNext() throws Exception {
        Map<String, String> environment = Map.of("CAIRN_METADATA", "postgresql://env/db", "CAIRN_ARTIFACT_STORE", "file:/env/store");
        Files.writeString(home.resolve("cairn.properties"), "metadata = sqlite:/file/metadata.db\nstore = file:/file/store\n");

        CairnConfiguration configured = Cairn.builder().home(home).metadata(URI.create("sqlite:/api.db")).artifactStore(URI.create("file:/api/store"))
                .configuration();
        StackSettings fromApi = StackSettings.resolve(configured, environment);
        assertThat(fromApi.metadata()).isEqualTo(new StackSettings.Setting(URI.create("sqlite:/api.db"), "configuration"));
        assertThat(fromApi.artifactStore()).isEqualTo(new StackSettings.Setting(URI.create("file:/api/store"), "configuration"));

        CairnConfiguration plain = Cairn.builder().home(home).configuration();
        StackSettings fromEnv = StackSettings.resolve(plain, environment);
        assertThat(fromEnv.metadata()).isEqualTo(new StackSettings.Setting(URI.create("postgresql://env/db"), "environment CAIRN_METADATA"));
        assertThat(fromEnv.artifactStore()).isEqualTo(new StackSettings.Setting(URI.create("file:/env/store"), "environment CAIRN_ARTIFACT_STORE"));

        StackSettings fromFile = StackSettings.resolve(plain, Map.of());
        assertThat(fromFile.metadata().uri()).isEqualTo(URI.create("sqlite:/file/metadata.db"));
        assertThat(fromFile.metadata().source()).isEqualTo(home.resolve("cairn.properties") + " (metadata)");
        assertThat(fromFile.artifactStore().uri()).isEqualTo(URI.create("file:/file/store"));

        Files.delete(home.resolve("cairn.properties"));
        StackSettings defaults = StackSettings.resolve(plain, Map.of());
        assertThat(defaults.metadata()).isEqualTo(new StackSettings.Setting(URI.create("sqlite:" + home.resolve("metadata.db").toUri().getRawPath()), "default"));
        assertThat(defaults.artifactStore()).isEqualTo(new StackSettings.Setting(home.resolve("store").toUri(), "default"));
    }

    @Test
    void aValueThatIsNotAUriIsAConfigurationErrorNamingWhereItCameFrom() {
        assertThatThrownBy(() -> StackSettings.resolve(Cairn.builder().home(home).configuration(), Map.of("CAIRN_METADATA", "just a path")))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIGURATION))
                .hasMessageContaining("CAIRN_METADATA");
        assertThat(new StackSettings.Setting(URI.create("postgresql://u:pw@h/d"), "x").maskedUri()).isEqualTo("postgresql://u:****@h/d");
    }

    @Test
    void anEngineUsesTheStackOfItsHomeFile() throws Exception {
        Files.writeString(home.resolve("cairn.properties"), "metadata=sqlite:elsewhere/m.db\n");
        try (Cairn cairn = Cairn.builder().home(home).build()) {
            assertThat(cairn.client().listRuns()).isEmpty();
        }
        assertThat(home.resolve("elsewhere/m.db")).exists();
        assertThat(home.resolve("metadata.db")).doesNotExist();
    }
}
