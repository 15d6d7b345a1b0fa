package dev.cairn.engine.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.StepStatus;
import dev.cairn.engine.client.StoredArtifactVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegisterArtifactTest {
    @TempDir
    Path home;

    private Cairn cairn;
    private Path store;

    static final AtomicInteger EXECUTIONS = new AtomicInteger();

    @BeforeEach
    void open() throws IOException {
        cairn = Cairn.open(home);
        store = home.resolve("store").toRealPath();
        EXECUTIONS.set(0);
    }

    @AfterEach
    void close() {
        cairn.close();
    }

    public static final class Steps {
        @Step
        public static long checkpointSize(Path checkpoint) throws IOException {
            EXECUTIONS.incrementAndGet();
            return Files.size(checkpoint);
        }
    }

    private Path write(String relative, String content) throws IOException {
        Path file = store.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        return file;
    }

    @Test
    void registeredFileLoadsAsATemporaryCopyWithoutCopyingAtRegistration() throws IOException {
        Path file = write("checkpoints/epoch-1.bin", "weights-1");

        ArtifactVersion version = cairn.client().registerArtifact(file.toUri(), "checkpoint");

        assertThat(version.version()).isEqualTo("1");
        assertThat(version.dataType()).isEqualTo("java.nio.file.Path");
        assertThat(version.materializerId()).isEqualTo("cairn.path");
        assertThat(version.uri()).isEqualTo(file.toUri());
        assertThat(version.size()).isEqualTo(9);
        assertThat(version.producerStepRunId()).isEmpty();
        assertThat(((StoredArtifactVersion) version).record().registered()).isTrue();
        assertThat(store.resolve(".cairn-registered/" + version.id() + "/.cairn/manifest.json")).exists();
        assertThat(store.resolve("artifacts")).doesNotExist(); // no copy was made into the managed area

        Path loaded = cairn.client().getArtifactVersion("checkpoint").load();
        assertThat(loaded).isNotEqualTo(file).hasFileName("epoch-1.bin");
        assertThat(Files.readString(loaded)).isEqualTo("weights-1");
        version.verify();
    }

    @Test
    void registeredFolderLoadsAsADirectoryTree() throws IOException {
        write("runs/r1/model/config.json", "{}");
        write("runs/r1/model/weights/part-0", "abc");
        write("runs/r1/model/weights/part 1", "defg");

        ArtifactVersion version = cairn.client().registerArtifact(store.resolve("runs/r1/model").toUri(), "model");

        assertThat(version.size()).isEqualTo(9);
        assertThat(version.metadata()).containsEntry("cairn.registered.kind", "directory").containsEntry("cairn.registered.files", 3);
        Path loaded = version.load(Path.class);
        assertThat(loaded).isDirectory().hasFileName("model");
        assertThat(Files.readString(loaded.resolve("config.json"))).isEqualTo("{}");
        assertThat(Files.readString(loaded.resolve("weights/part-0"))).isEqualTo("abc");
        assertThat(Files.readString(loaded.resolve("weights/part 1"))).isEqualTo("defg");
        version.verify();
    }

    @Test
    void equalDataGivesAnEqualContentHashAndVersionsCountUp() throws IOException {
        ArtifactVersion first = cairn.client().registerArtifact(write("a/x.bin", "same").toUri(), "x");
        ArtifactVersion second = cairn.client().registerArtifact(write("b/x.bin", "same").toUri(), "x");
        assertThat(second.version()).isEqualTo("2");
        assertThat(second.contentHash()).isEqualTo(first.contentHash());
    }

    @Test
    void changedDataFailsVerification() throws IOException {
        Path file = write("data/table.csv", "a,b\n1,2\n");
        ArtifactVersion version = cairn.client().registerArtifact(file.toUri(), "table");
        Files.writeString(file, "a,b\n1,3\n");
        assertThatThrownBy(version::verify).isInstanceOf(CairnException.class)
                .extracting(e -> ((CairnException) e).errorCode()).isEqualTo(ErrorCode.INTEGRITY_VIOLATION);
        Files.delete(file);
        assertThatThrownBy(version::load).isInstanceOf(CairnException.class)
                .extracting(e -> ((CairnException) e).errorCode()).isEqualTo(ErrorCode.INTEGRITY_VIOLATION);
    }

    @Test
    void aPathOutsideTheStoreIsRefusedEvenWithACommonPrefix() throws IOException {
        Path evil = Files.createDirectories(home.resolve("store_evil")).resolve("secret.bin");
        Files.writeString(evil, "x");
        assertRefused(evil.toUri().toString(), ErrorCode.PATH_OUTSIDE_STORE);
        assertRefused(store.toUri() + "../store_evil/secret.bin", ErrorCode.PATH_OUTSIDE_STORE);
    }

    @Test
    void aSymbolicLinkLeadingOutOfTheStoreIsRefused() throws IOException {
        Path outside = Files.createDirectories(home.resolve("outside"));
        Files.writeString(outside.resolve("f"), "x");
        Files.createSymbolicLink(store.resolve("link"), outside);
        assertRefused(store.resolve("link").toUri() + "/f", ErrorCode.PATH_OUTSIDE_STORE);
    }

    @Test
    void theStoresOwnAreasAreRefused() throws IOException {
        cairn.client().registerArtifact(write("d/f", "1").toUri(), "d");
        Path managed = Files.list(store.resolve(".cairn-registered")).findFirst().orElseThrow();
        assertRefused(managed.toUri().toString(), ErrorCode.PATH_OUTSIDE_STORE);
        assertRefused(write("artifacts/x/1-abc/data.json", "1").toUri().toString(), ErrorCode.PATH_OUTSIDE_STORE);
        assertRefused(write(".cairn-logs/run/step/train.log", "printed").toUri().toString(), ErrorCode.PATH_OUTSIDE_STORE);
        assertRefused(store.toUri().toString(), ErrorCode.INVALID_ARGUMENT);
    }

    @Test
    void aMissingPathIsRefused() {
        assertRefused(store.resolve("nothing-here").toUri().toString(), ErrorCode.INVALID_ARGUMENT);
    }

    @Test
    void aUriRegisteredTwiceIsRefusedNamingTheExistingVersion() throws IOException {
        Path file = write("data/once.bin", "1");
        cairn.client().registerArtifact(file.toUri(), "once");
        assertThatThrownBy(() -> cairn.client().registerArtifact(file.toUri(), "twice"))
                .isInstanceOf(CairnException.class)
                .hasMessageContaining("already registered as artifact 'once' version 1")
                .extracting(e -> ((CairnException) e).errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(cairn.client().listArtifactNames()).containsExactly("once");
    }

    @Test
    void aBadNameIsRefused() throws IOException {
        Path file = write("data/n.bin", "1");
        assertThatThrownBy(() -> cairn.client().registerArtifact(file.toUri(), "a/b"))
                .extracting(e -> ((CairnException) e).errorCode()).isEqualTo(ErrorCode.INVALID_ARTIFACT_NAME);
    }

    @Test
    void hashingReportsProgressInFilesAndBytes() throws IOException {
        write("many/a", "12");
        write("many/b", "345");
        List<long[]> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        cairn.client().registerArtifact(store.resolve("many").toUri(), "many", (phase, done, total, bytes) -> events.add(new long[] {done, total, bytes}));
        assertThat(events.get(events.size() - 1)).containsExactly(2, 2, 5);
    }

    @Test
    void registeredDataIsAStepInputAndEntersTheCacheKeyByContent() throws IOException {
        Path file = write("ckpt/1.bin", "1234");
        cairn.client().registerArtifact(file.toUri(), "ckpt");
        Pipeline pipeline = Pipeline.define("uses_checkpoint", p -> p.call(Steps::checkpointSize, p.artifact("ckpt")));

        PipelineRun first = cairn.run(pipeline);
        assertThat((long) first.step("checkpointSize").output("output").load()).isEqualTo(4);
        PipelineRun second = cairn.run(pipeline);
        assertThat(second.step("checkpointSize").status()).isEqualTo(StepStatus.CACHED);

        cairn.client().registerArtifact(write("ckpt2/1.bin", "1234").toUri(), "ckpt"); // a new version, same file name and bytes
        assertThat(cairn.run(pipeline).step("checkpointSize").status()).isEqualTo(StepStatus.CACHED);
        cairn.client().registerArtifact(write("ckpt3/1.bin", "123456").toUri(), "ckpt");
        PipelineRun changed = cairn.run(pipeline);
        assertThat(changed.step("checkpointSize").status()).isEqualTo(StepStatus.COMPLETED);
        assertThat((long) changed.step("checkpointSize").output("output").load()).isEqualTo(6);
        assertThat(EXECUTIONS.get()).isEqualTo(2);
    }

    private void assertRefused(String uri, ErrorCode code) {
        assertThatThrownBy(() -> cairn.client().registerArtifact(java.net.URI.create(uri), "refused"))
                .isInstanceOf(CairnException.class)
                .extracting(e -> ((CairnException) e).errorCode()).isEqualTo(code);
        assertThat(cairn.client().listArtifactVersions("refused")).isEmpty();
    }
}
