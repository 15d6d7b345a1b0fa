package dev.cairn.materializers.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFilesTest {
    @TempDir
    Path temp;

    @Test
    void aModelFileInALocalStoreIsGivenAsItsRealPath() throws IOException {
        Path artifact = Files.createDirectories(temp.resolve("artifact"));
        Files.writeString(artifact.resolve("model.ubj"), "model");
        assertThat(ModelFiles.localFile(new TestingArtifactReader(artifact), "model.ubj")).contains(artifact.resolve("model.ubj").toRealPath());
    }

    @Test
    void aLinkLeadingOutOfTheArtifactIsNotGivenAsAPath() throws IOException {
        Path artifact = Files.createDirectories(temp.resolve("artifact"));
        Path outside = Files.writeString(temp.resolve("secret.ubj"), "secret");
        Files.createSymbolicLink(artifact.resolve("model.ubj"), outside);
        assertThat(ModelFiles.localFile(new TestingArtifactReader(artifact), "model.ubj")).isEmpty();
    }

    @Test
    void aMissingFileFailsAsAStreamedReadWould() throws IOException {
        Path artifact = Files.createDirectories(temp.resolve("artifact"));
        assertThatThrownBy(() -> ModelFiles.localFile(new TestingArtifactReader(artifact), "model.ubj")).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void aStoreThatIsNotLocalGivesNoPath() throws IOException {
        Path artifact = Files.createDirectories(temp.resolve("artifact"));
        Files.writeString(artifact.resolve("model.ubj"), "model");
        assertThat(ModelFiles.localFile(new TestingRemoteReader(new TestingArtifactReader(artifact)), "model.ubj")).isEmpty();
    }

    @Test
    void aVerifiedLoadReturnsItsValueOnlyWhenEveryRecordedFileMatchesAndDiscardsItOtherwise() throws IOException {
        Path artifact = Files.createDirectories(temp.resolve("artifact"));
        Files.writeString(artifact.resolve("model.bin"), "model");
        Files.writeString(artifact.resolve("cairn-model.json"), "{}");
        TestingArtifactReader verifying = TestingArtifactReader.verifying(artifact);
        java.util.List<String> discarded = new java.util.ArrayList<>();
        assertThat(ModelFiles.load(verifying, () -> "loaded", discarded::add)).isEqualTo("loaded");
        assertThat(discarded).isEmpty();

        // same size, other bytes: the value built meanwhile is discarded, the file named
        Files.writeString(artifact.resolve("model.bin"), "mode!");
        assertThatThrownBy(() -> ModelFiles.load(verifying, () -> "loaded", discarded::add))
                .isInstanceOf(dev.cairn.api.CairnException.class)
                .satisfies(e -> assertThat(((dev.cairn.api.CairnException) e).errorCode()).isEqualTo(dev.cairn.api.ErrorCode.INTEGRITY_VIOLATION))
                .hasMessageContaining("'model.bin' of artifact test_model:1").hasMessageContaining("does not match its manifest");
        assertThat(discarded).containsExactly("loaded");

        // a load that fails because of the changed file reports the file, with the load's own failure suppressed
        assertThatThrownBy(() -> ModelFiles.<String>load(verifying, () -> {
            throw new IOException("cannot parse");
        }, discarded::add)).hasMessageContaining("'model.bin'").satisfies(e -> assertThat(e.getSuppressed()).hasSize(1));

        // a missing file, and a reader that does not know the manifest's files
        Files.delete(artifact.resolve("model.bin"));
        assertThatThrownBy(() -> ModelFiles.load(verifying, () -> "loaded", discarded::add))
                .hasMessageContaining("'model.bin' of artifact test_model:1").hasMessageContaining("missing");
        assertThatThrownBy(() -> ModelFiles.load(new TestingRemoteReader(verifying), () -> "loaded", discarded::add))
                .isInstanceOf(dev.cairn.api.CairnException.class).hasMessageContaining("cannot be verified");
        // without verification the value is returned as loaded
        assertThat(ModelFiles.load(new TestingArtifactReader(artifact), () -> "unverified", discarded::add)).isEqualTo("unverified");
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(thread -> thread.getName().startsWith("cairn-verify"));
    }
}
