package dev.cairn.engine.materializers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Type;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.ArtifactFile;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunStatus;
import dev.cairn.api.run.StepRun;
import dev.cairn.api.run.StepStatus;
import dev.cairn.api.spi.ArtifactReader;
import dev.cairn.api.spi.ArtifactWriter;
import dev.cairn.api.spi.CairnPlugin;
import dev.cairn.api.spi.Materializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer of an artifact checks its stored files itself when it offers to ({@link Materializer#verifyStored}): the
 * engine hands it the manifest's file list before a cache hit is reused, before a step takes the version as input and
 * for {@code ArtifactVersion.verify()}, and does not re-hash the files itself; a writer that declines (or does not
 * override the method) has its files hashed by the engine as before.
 */
class StoredFilesVerifiedByWriterTest {
    @TempDir
    Path home;

    /** Some text, stored as two files: {@code head.txt} (first line) and {@code body.txt} (the rest). */
    public record Note(String head, String body) {}

    /** How {@link SelfCheckingMaterializer#verifyStored} answers. */
    enum Answer {
        /** Reads every listed file through the reader and compares size and SHA-256, naming itself in a mismatch. */
        CHECK,
        /** Vouches for the files without reading them (as a store-side checksum service would). */
        VOUCH,
        /** Declines: the engine hashes the files. */
        DECLINE
    }

    /** A third-party style materializer that checks its stored files itself, recording every call. */
    static final class SelfCheckingMaterializer implements Materializer<Note> {
        static final String ID = "test.self-checking";
        volatile Answer answer = Answer.CHECK;
        final List<Call> calls = Collections.synchronizedList(new ArrayList<>());

        record Call(String artifactName, URI uri, List<ArtifactFile> files, boolean verifyOption) {}

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
            return List.of(Note.class);
        }

        @Override
        public void save(Note value, ArtifactWriter writer) throws IOException {
            try (OutputStream head = writer.create("head.txt"); OutputStream body = writer.create("body.txt")) {
                head.write(value.head().getBytes(StandardCharsets.UTF_8));
                body.write(value.body().getBytes(StandardCharsets.UTF_8));
            }
        }

        @Override
        public Note load(Type type, ArtifactReader reader) throws IOException {
            try (InputStream head = reader.open("head.txt"); InputStream body = reader.open("body.txt")) {
                return new Note(new String(head.readAllBytes(), StandardCharsets.UTF_8), new String(body.readAllBytes(), StandardCharsets.UTF_8));
            }
        }

        @Override
        public boolean verifyStored(ArtifactReader stored) throws IOException {
            List<ArtifactFile> files = stored.recordedFiles().orElseThrow();
            calls.add(new Call(stored.artifactName(), stored.uri(), files, stored.options().verify()));
            switch (answer) {
                case DECLINE:
                    return false;
                case VOUCH:
                    return true;
                default:
                    break;
            }
            for (ArtifactFile file : files) {
                byte[] bytes;
                try (InputStream in = stored.open(file.path())) {
                    bytes = in.readAllBytes();
                }
                String sha256 = HexFormat.of().formatHex(sha256().digest(bytes));
                if (bytes.length != file.size() || !sha256.equals(file.sha256())) {
                    throw new CairnException(ErrorCode.INTEGRITY_VIOLATION, "Artifact " + stored.artifactName() + ": " + ID
                            + " found file " + file.path() + " changed");
                }
            }
            return true;
        }

        private static MessageDigest sha256() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static final class SelfCheckingPlugin implements CairnPlugin {
        final SelfCheckingMaterializer materializer = new SelfCheckingMaterializer();

        @Override
        public List<Materializer<?>> materializers() {
            return List.of(materializer);
        }
    }

    public static final class Steps {
        @Step
        public static Note note() {
            return new Note("title", "some words of a body");
        }

        @Step
        public static int length(Note note) {
            return note.head().length() + note.body().length();
        }
    }

    private static Pipeline noting() {
        return Pipeline.define("noting", p -> p.call(Steps::note));
    }

    private static StepRun recorded(Cairn cairn, PipelineRun run, String step) {
        return cairn.client().getPipelineRun(run.id()).step(step);
    }

    private static void overwriteKeepingTheSize(ArtifactVersion version, String path) throws IOException {
        Path file = Path.of(version.uri()).resolve(path);
        byte[] bytes = Files.readAllBytes(file);
        bytes[0] ^= 0x20;
        Files.write(file, bytes);
    }

    @Test
    void aCacheHitAnInputAndVerifyHandTheWriterTheManifestsFilesToCheck() {
        SelfCheckingPlugin plugin = new SelfCheckingPlugin();
        try (Cairn cairn = Cairn.builder().home(home).plugin(plugin).build()) {
            PipelineRun first = cairn.run(noting());
            assertThat(first.status()).isEqualTo(RunStatus.COMPLETED);
            ArtifactVersion stored = first.step("note").output("output");
            List<SelfCheckingMaterializer.Call> calls = plugin.materializer.calls;
            assertThat(calls).as("nothing to check when the artifact was just written").isEmpty();

            PipelineRun second = cairn.run(noting());
            assertThat(second.step("note").status()).isEqualTo(StepStatus.CACHED);
            assertThat(calls).hasSize(1);
            SelfCheckingMaterializer.Call call = calls.get(0);
            assertThat(call.artifactName()).isEqualTo("noting::note::output:1");
            assertThat(Path.of(call.uri())).isEqualTo(Path.of(stored.uri()));
            assertThat(call.files()).isEqualTo(stored.files()).extracting(ArtifactFile::path).containsExactly("body.txt", "head.txt");
            assertThat(call.verifyOption()).isTrue();

            stored.verify();
            assertThat(calls).hasSize(2);
            assertThat(calls.get(1).files()).isEqualTo(stored.files());
        }
        // another engine (which did not write the version) checks a step's input the first time it takes it
        try (Cairn cairn = Cairn.builder().home(home).plugin(plugin).build()) {
            PipelineRun consumer = cairn.run(Pipeline.define("consumer", p -> p.call(Steps::length, p.<Note>artifact("noting::note::output"))));
            assertThat(consumer.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(plugin.materializer.calls).as("a step's input is checked by its writer too").hasSize(3);
            assertThat(plugin.materializer.calls.get(2).artifactName()).isEqualTo("noting::note::output:1");
        }
    }

    @Test
    void whenTheWriterVouchesForItsFilesTheEngineDoesNotReHashThem() throws IOException {
        SelfCheckingPlugin plugin = new SelfCheckingPlugin();
        try (Cairn cairn = Cairn.builder().home(home).plugin(plugin).build()) {
            ArtifactVersion stored = cairn.run(noting()).step("note").output("output");
            overwriteKeepingTheSize(stored, "body.txt"); // only a re-hash would notice
            plugin.materializer.answer = Answer.VOUCH;

            PipelineRun second = cairn.run(noting());
            assertThat(second.step("note").status()).as("the writer's word is the check").isEqualTo(StepStatus.CACHED);
            assertThat(plugin.materializer.calls).hasSize(1);
            stored.verify();
        }
    }

    @Test
    void aFileTheWriterFindsChangedOrMissingMakesTheReRunAMissNamingTheFile() throws IOException {
        SelfCheckingPlugin plugin = new SelfCheckingPlugin();
        try (Cairn cairn = Cairn.builder().home(home).plugin(plugin).build()) {
            ArtifactVersion stored = cairn.run(noting()).step("note").output("output");
            overwriteKeepingTheSize(stored, "body.txt");

            PipelineRun changed = cairn.run(noting());
            assertThat(changed.step("note").status()).isEqualTo(StepStatus.COMPLETED);
            assertThat(recorded(cairn, changed, "note").cacheNote()).hasValueSatisfying(note -> assertThat(note)
                    .contains("cache miss").contains("failed verification").contains(SelfCheckingMaterializer.ID + " found file body.txt changed"));
            assertThatThrownBy(stored::verify)
                    .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INTEGRITY_VIOLATION))
                    .hasMessageContaining("body.txt changed");

            ArtifactVersion recomputed = changed.step("note").output("output");
            Files.delete(Path.of(recomputed.uri()).resolve("head.txt"));
            PipelineRun missing = cairn.run(noting());
            assertThat(missing.step("note").status()).isEqualTo(StepStatus.COMPLETED);
            assertThat(recorded(cairn, missing, "note").cacheNote()).hasValueSatisfying(note -> assertThat(note)
                    .contains("cache miss").contains("is missing file").contains("head.txt"));
        }
    }

    @Test
    void aWriterThatDeclinesHasItsFilesHashedByTheEngine() throws IOException {
        SelfCheckingPlugin plugin = new SelfCheckingPlugin();
        plugin.materializer.answer = Answer.DECLINE;
        try (Cairn cairn = Cairn.builder().home(home).plugin(plugin).build()) {
            ArtifactVersion stored = cairn.run(noting()).step("note").output("output");
            assertThat(cairn.run(noting()).step("note").status()).isEqualTo(StepStatus.CACHED);
            assertThat(plugin.materializer.calls).hasSize(1);

            overwriteKeepingTheSize(stored, "head.txt");
            PipelineRun changed = cairn.run(noting());
            assertThat(changed.step("note").status()).isEqualTo(StepStatus.COMPLETED);
            assertThat(plugin.materializer.calls).as("asked first, then declined").hasSizeGreaterThan(1);
            assertThat(recorded(cairn, changed, "note").cacheNote()).hasValueSatisfying(note -> assertThat(note)
                    .contains("cache miss").contains("head.txt is corrupted (expected").doesNotContain(SelfCheckingMaterializer.ID));
        }
    }
}
