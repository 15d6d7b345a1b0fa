package dev.cairn.stores.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.ArtifactFile;
import dev.cairn.api.spi.ArtifactDraft;
import dev.cairn.api.spi.ExternalWrites;

/** Files written into a draft's staging directory by another writer, then adopted and committed with the draft. */
class LocalExternalWritesTest {
    private static final String SHA = "0".repeat(64);

    @TempDir
    Path temp;

    @Test
    void adoptedFilesAreCommittedWithTheDraftAndAnAbandonedDraftTakesThemAway() throws IOException {
        LocalArtifactStore store = new LocalArtifactStore(temp.resolve("store"));
        URI committed;
        Path staging;
        try (ArtifactDraft draft = store.createDraft()) {
            ExternalWrites external = draft.externalWrites().orElseThrow();
            staging = Path.of(external.stagingDirectory());
            assertThat(external.stagingDirectory().getScheme()).isEqualTo("file");
            assertThat(external.stagingDirectory().toString()).endsWith("/");
            Files.createDirectories(staging.resolve("parts"));
            Files.writeString(staging.resolve("parts/part-00000.parquet"), "written by an executor");
            external.adopt(List.of(new ArtifactFile("parts/part-00000.parquet", 22, SHA)));
            committed = draft.commit("artifacts/a/1");
        }
        assertThat(store.listFiles(committed)).containsExactly("parts/part-00000.parquet");
        assertThat(Files.exists(staging)).isFalse();

        try (ArtifactDraft draft = store.createDraft()) {
            staging = Path.of(draft.externalWrites().orElseThrow().stagingDirectory());
            Files.writeString(staging.resolve("leftover.parquet"), "an attempt that never committed");
        }
        assertThat(Files.exists(staging)).as("closing an uncommitted draft deletes what external writers put there").isFalse();
    }

    @Test
    void adoptingAMissingOrResizedFileIsRefused() throws IOException {
        LocalArtifactStore store = new LocalArtifactStore(temp.resolve("store"));
        try (ArtifactDraft draft = store.createDraft()) {
            ExternalWrites external = draft.externalWrites().orElseThrow();
            Files.writeString(Path.of(external.stagingDirectory()).resolve("part.parquet"), "12345");

            assertThatThrownBy(() -> external.adopt(List.of(new ArtifactFile("missing.parquet", 5, SHA))))
                    .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INTEGRITY_VIOLATION))
                    .hasMessageContaining("missing.parquet");
            assertThatThrownBy(() -> external.adopt(List.of(new ArtifactFile("part.parquet", 6, SHA))))
                    .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INTEGRITY_VIOLATION))
                    .hasMessageContaining("expected a regular file of 6 bytes, found a file of 5 bytes");
            assertThatThrownBy(() -> external.adopt(List.of(new ArtifactFile("../escape.parquet", 5, SHA))))
                    .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.PATH_OUTSIDE_STORE));
        }
    }
}
