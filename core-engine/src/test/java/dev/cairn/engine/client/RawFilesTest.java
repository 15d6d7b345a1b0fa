package dev.cairn.engine.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.ArtifactFile;
import dev.cairn.api.artifact.ArtifactVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RawFilesTest {
    @TempDir
    Path home;

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void filesListsTheDataFilesAndOpenStreamsThemWithoutAMaterializer() throws Exception {
        try (Cairn cairn = Cairn.open(home)) {
            ArtifactVersion version = cairn.client().save("a, b and c", "letters");

            List<ArtifactFile> files = version.files();
            assertThat(files).isNotEmpty();
            assertThat(files.stream().mapToLong(ArtifactFile::size).sum()).isEqualTo(version.size());
            for (ArtifactFile file : files) {
                byte[] bytes;
                try (InputStream in = version.open(file.path())) {
                    bytes = in.readAllBytes();
                }
                assertThat((long) bytes.length).isEqualTo(file.size());
                assertThat(sha256(bytes)).isEqualTo(file.sha256());
            }
            assertThat(cairn.storeRoot()).isEqualTo(version.storeUri());
            assertThat(Path.of(version.uri())).startsWith(Path.of(cairn.storeRoot())).isDirectory();

            assertThatThrownBy(() -> version.open("../../metadata.db"))
                    .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.ARTIFACT_NOT_FOUND))
                    .hasMessageContaining(files.get(0).path());
        }
    }

    @Test
    void storeRootIsWhereFilesArePlacedForRegister() throws Exception {
        try (Cairn cairn = Cairn.open(home)) {
            Path placed = Path.of(cairn.storeRoot()).resolve("incoming/weights.bin");
            Files.createDirectories(placed.getParent());
            Files.write(placed, new byte[] {1, 2, 3});

            ArtifactVersion registered = cairn.client().registerArtifact(placed.toUri(), "weights");

            assertThat(registered.files()).extracting(ArtifactFile::size).containsExactly(3L);
            try (InputStream in = registered.open(registered.files().get(0).path())) {
                assertThat(in.readAllBytes()).containsExactly(1, 2, 3);
            }
        }
    }
}
