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
}
