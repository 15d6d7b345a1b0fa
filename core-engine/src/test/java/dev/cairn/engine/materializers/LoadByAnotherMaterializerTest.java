package dev.cairn.engine.materializers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.artifact.LoadOptions;
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

/**
 * An artifact is loaded as a type its writer cannot produce by another materializer that declares it reads the writer's
 * files ({@link Materializer#canLoad}): for a step's input, for {@code ArtifactVersion.load}, with verification kept,
 * and a request no materializer can serve is still a clear {@code TYPE_MISMATCH}.
 */
class LoadByAnotherMaterializerTest {
    @TempDir
    Path home;

    /** Lines of text, stored by {@link LinesMaterializer} as {@code lines.txt}. */
    public record Lines(List<String> lines) {}

    /** One text, stored by {@link TextMaterializer} as {@code text.txt}; it also reads {@code lines.txt} of a Lines artifact. */
    public record Text(String content) {}

    /** A type nobody loads Lines artifacts as. */
    public record Count(int value) {}

    static final class LinesMaterializer implements Materializer<Lines> {
        static final String ID = "test.lines";

        @Override
        public String id() {
            return ID;
        }

        @Override
        public String version() {
            return "1";
        }

        @Override
        public List<Class<?>> handledTypes() {
            return List.of(Lines.class);
        }

        @Override
        public void save(Lines value, ArtifactWriter writer) throws IOException {
            try (OutputStream out = writer.create("lines.txt")) {
                out.write(String.join("\n", value.lines()).getBytes(StandardCharsets.UTF_8));
            }
        }

        @Override
        public Lines load(Type type, ArtifactReader reader) throws IOException {
            try (InputStream in = reader.open("lines.txt")) {
                return new Lines(Arrays.asList(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")));
            }
        }
    }

    static class TextMaterializer implements Materializer<Text> {
        final List<String> loadedFrom = Collections.synchronizedList(new ArrayList<>());

        @Override
        public String id() {
            return "test.text";
        }

        @Override
        public String version() {
            return "1";
        }

        @Override
        public List<Class<?>> handledTypes() {
            return List.of(Text.class);
        }

        @Override
        public boolean canLoad(String writerId, Type type) {
            return writerId.equals(LinesMaterializer.ID) && type == Text.class;
        }

        @Override
        public void save(Text value, ArtifactWriter writer) throws IOException {
            try (OutputStream out = writer.create("text.txt")) {
                out.write(value.content().getBytes(StandardCharsets.UTF_8));
            }
        }

        @Override
        public Text load(Type type, ArtifactReader reader) throws IOException {
            String file = reader.files().contains("text.txt") ? "text.txt" : "lines.txt";
            loadedFrom.add(reader.artifactName() + "/" + file);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (InputStream in = reader.open(file)) {
                in.transferTo(bytes);
            }
            return new Text(bytes.toString(StandardCharsets.UTF_8));
        }
    }

    static final class TextPlugin implements CairnPlugin {
        final LinesMaterializer lines = new LinesMaterializer();
        final TextMaterializer text = new TextMaterializer();

        @Override
        public List<Materializer<?>> materializers() {
            return List.of(lines, text);
        }
    }

    public static final class Steps {
        @Step
        public static Lines lines() {
            return new Lines(List.of("alpha", "beta", "gamma"));
        }

        @Step
        public static int length(Text text) {
            return text.content().length();
        }

        @Step
        public static int count(Count count) {
            return count.value();
        }
    }

    @Test
    void aStepTakesAnotherMaterializersArtifactAsTheTypeAReaderDeclaresAndTheClientLoadsItToo() {
        TextPlugin plugin = new TextPlugin();
        try (Cairn cairn = Cairn.builder().home(home).plugin(plugin).build()) {
            PipelineRun run = cairn.run(Pipeline.define("interop", p -> p.call(Steps::length, p.call(Steps::lines).loadedAs(Text.class))));
            assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat((Integer) run.step("length").output("output").load()).isEqualTo("alpha\nbeta\ngamma".length());
            assertThat(plugin.text.loadedFrom).containsExactly("interop::lines::output:1/lines.txt");

            ArtifactVersion stored = cairn.client().getArtifactVersion("interop::lines::output");
            assertThat(stored.materializerId()).isEqualTo(LinesMaterializer.ID);
            assertThat(stored.load(Text.class)).isEqualTo(new Text("alpha\nbeta\ngamma"));
            assertThat(stored.load(Lines.class)).isEqualTo(new Lines(List.of("alpha", "beta", "gamma"))); // the writer still loads its type
        }
    }

    @Test
    void aVerifiedLoadByTheReaderStillChecksTheWritersFilesAgainstTheManifest() throws IOException {
        try (Cairn cairn = Cairn.builder().home(home).plugin(new TextPlugin()).build()) {
            assertThat(cairn.run(Pipeline.define("interop", p -> p.call(Steps::lines))).status()).isEqualTo(RunStatus.COMPLETED);
            ArtifactVersion stored = cairn.client().getArtifactVersion("interop::lines::output");
            Path file = Path.of(stored.uri()).resolve("lines.txt");
            Files.writeString(file, "alpha\nbeta\nGAMMA"); // same size, other bytes
            assertThatThrownBy(() -> stored.load(Text.class, LoadOptions.DEFAULT.withVerify(true)))
                    .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INTEGRITY_VIOLATION))
                    .hasMessageContaining("lines.txt");
            // a step taking it as Text verifies its inputs (the default) and fails before running
            PipelineRun run = cairn.run(Pipeline.define("reader", p -> p.call(Steps::length,
                    p.<Text>artifact("interop::lines::output"))));
            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            assertThat(run.step("length").error().orElseThrow()).contains("lines.txt");
        }
    }

    @Test
    void aTypeNoMaterializerLoadsTheArtifactAsIsStillATypeMismatchNamingArtifactStoredAndRequestedTypes() {
        try (Cairn cairn = Cairn.builder().home(home).plugin(new TextPlugin()).build()) {
            assertThatThrownBy(() -> cairn.run(Pipeline.define("mismatch", p -> p.call(Steps::count, p.call(Steps::lines).loadedAs(Count.class)))))
                    .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH))
                    .hasMessageContaining("mismatch").hasMessageContaining("lines")
                    .hasMessageContaining(Lines.class.getName()).hasMessageContaining(Count.class.getName())
                    .hasMessageContaining(LinesMaterializer.ID);
            assertThat(cairn.run(Pipeline.define("interop", p -> p.call(Steps::lines))).status()).isEqualTo(RunStatus.COMPLETED);
            ArtifactVersion stored = cairn.client().getArtifactVersion("interop::lines::output");
            assertThatThrownBy(() -> stored.load(Count.class))
                    .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH))
                    .hasMessageContaining("'interop::lines::output' version 1").hasMessageContaining(Lines.class.getName())
                    .hasMessageContaining(Count.class.getName());
            assertThatThrownBy(() -> cairn.run(Pipeline.define("external", p -> p.call(Steps::count,
                    p.<Count>artifact("interop::lines::output")))))
                    .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH))
                    .hasMessageContaining("interop::lines::output").hasMessageContaining(Count.class.getName());
        }
    }

    @Test
    void twoReadersOfTheSameKindForOneWriterAndTypeAreAmbiguous() {
        MaterializerRegistry registry = MaterializerRegistry.ofRegistrations(List.of(
                new MaterializerRegistry.Registration(new LinesMaterializer(), false, "a"),
                new MaterializerRegistry.Registration(new TextMaterializer(), false, "b"),
                new MaterializerRegistry.Registration(new TextMaterializer() {
                    @Override
                    public String id() {
                        return "test.text2";
                    }
                }, false, "c")));
        assertThat(registry.forLoad(LinesMaterializer.ID, Lines.class, Lines.class).id()).isEqualTo(LinesMaterializer.ID);
        assertThat(registry.readerOf(LinesMaterializer.ID, Count.class)).isEmpty();
        assertThatThrownBy(() -> registry.forLoad(LinesMaterializer.ID, Lines.class, Text.class))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.AMBIGUOUS_MATERIALIZER))
                .hasMessageContaining("test.text").hasMessageContaining("test.text2");
    }
}
