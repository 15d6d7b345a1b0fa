package dev.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.cairn.api.Cairn;
import dev.cairn.api.pipeline.ArtifactName;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunStatus;
import dev.cairn.api.spi.ArtifactReader;
import dev.cairn.api.spi.ArtifactWriter;
import dev.cairn.api.spi.CairnPlugin;
import dev.cairn.api.spi.Materializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A JVM killed (SIGKILL) while an artifact is being written leaves no visible half-artifact, and the next run succeeds. */
class CrashDuringWriteTest {
    /** A value whose materializer writes half its bytes, signals, then stalls until the JVM is killed. */
    public record Slow(String marker) {}

    public static final class SlowMaterializer implements Materializer<Slow> {
        @Override public String id() { return "test.slow"; }
        @Override public String version() { return "1"; }
        @Override public List<Class<?>> handledTypes() { return List.of(Slow.class); }

        @Override
        public void save(Slow value, ArtifactWriter writer) throws IOException {
            try (OutputStream out = writer.create("data.bin")) {
                out.write(new byte[1 << 20]);
                out.flush();
                if (!value.marker().isEmpty()) {
                    Files.writeString(Path.of(value.marker()), "writing");
                    try {
                        Thread.sleep(60_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                out.write(new byte[1 << 20]);
            }
        }

        @Override
        public Slow load(Type type, ArtifactReader reader) {
            return new Slow("");
        }
    }

    public static final class Steps {
        @Step
        @ArtifactName("big_artifact")
        public static Slow produce(String marker) {
            return new Slow(marker);
        }
    }

    static Pipeline pipeline(String marker) {
        return Pipeline.define("crashing", p -> p.call(Steps::produce, dev.cairn.api.pipeline.Param.of(marker)));
    }

    static Cairn open(Path home) {
        return Cairn.builder().home(home).plugin(new CairnPlugin() {
            @Override
            public List<Materializer<?>> materializers() {
                return List.of(new SlowMaterializer());
            }
        }).build();
    }

    /** The child: runs the pipeline until it is killed mid-write. */
    public static void main(String[] args) {
        try (Cairn cairn = open(Path.of(args[0]))) {
            cairn.run(pipeline(args[1]));
        }
    }

    @Test
    void killedWriterLeavesNoVisibleArtifactAndTheNextRunSucceeds(@TempDir Path home) throws Exception {
        Path marker = home.resolve("marker");
        Process child = ChildJvm.start(CrashDuringWriteTest.class, home.resolve("child.log"), home.toString(), marker.toString());
        ChildJvm.awaitMarker(child, marker, home.resolve("child.log"), "reached the middle of the write");
        child.destroyForcibly();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();

        Path artifacts = home.resolve("store").resolve("artifacts");
        try (Cairn cairn = open(home)) {
            assertThat(cairn.client().listArtifactVersions("big_artifact")).as("no visible half-artifact").isEmpty();
            if (Files.exists(artifacts)) {
                try (Stream<Path> files = Files.walk(artifacts)) {
                    assertThat(files.filter(Files::isRegularFile)).as("nothing under artifacts/").isEmpty();
                }
            }
            PipelineRun run = cairn.run(pipeline(""));
            assertThat(run.status()).as(run.error().orElse("")).isEqualTo(RunStatus.COMPLETED);
            assertThat(cairn.client().listArtifactVersions("big_artifact")).hasSize(1);
            cairn.client().getArtifactVersion("big_artifact").verify();
            assertThat(cairn.client().getArtifactVersion("big_artifact").size()).isEqualTo(2L << 20);
        }
    }
}
