package dev.cairn.it.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import dev.cairn.api.Cairn;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example third-party plugin inside the real engine: found by ServiceLoader, its {@code dir:} store holds every
 * artifact of a run, and its materializer stores the {@link Properties} a step returns (winning over the built-in JSON
 * materializer for that class).
 */
class ExamplePluginPipelineTest {
    public static final class Steps {
        private Steps() {}

        @Step
        public static Properties settings() {
            Properties settings = new Properties();
            settings.setProperty("learning.rate", "0.05");
            settings.setProperty("epochs", "3");
            return settings;
        }

        @Step
        public static Integer totalEpochs(Properties settings) {
            return Integer.parseInt(settings.getProperty("epochs")) * 2;
        }
    }

    @TempDir
    Path temp;

    @Test
    void aPipelineRunsOnTheExampleStoreAndMaterializer() throws Exception {
        Path storeRoot = temp.resolve("dir-store");
        URI store = URI.create("dir://" + storeRoot.toUri().getRawPath());
        try (Cairn cairn = Cairn.builder().home(temp.resolve("home")).artifactStore(store).build()) {
            PipelineRun run = cairn.run(Pipeline.define("example_plugin", p -> p.call(Steps::totalEpochs, p.call(Steps::settings))));

            assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
            ArtifactVersion settings = run.step("settings").output("output");
            assertThat(settings.materializerId()).isEqualTo("example.properties");
            assertThat(settings.uri().getScheme()).isEqualTo("dir");
            assertThat(Files.readString(Path.of(settings.uri().getPath()).resolve("data.properties")))
                    .startsWith("#example.properties v1 bytes=").contains("learning.rate=0.05\n");
            settings.verify();
            Properties loaded = settings.load();
            assertThat(loaded.getProperty("learning.rate")).isEqualTo("0.05");
            assertThat((Integer) run.step("totalEpochs").output("output").load()).isEqualTo(6);
            assertThat(run.step("totalEpochs").output("output").uri().toString()).startsWith(store.toString());
        }
    }
}
