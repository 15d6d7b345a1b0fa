package dev.cairn.engine.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import dev.cairn.api.Cairn;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.lifecycle.PruneOptions;
import dev.cairn.api.metadata.ArtifactDeletion;
import dev.cairn.engine.metadata.sqlite.SqliteMetadataStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 2 of issue #12: a prune with {@code --include-registered} is killed between its metadata transaction and the
 * deletion of the files (the tombstone is recorded, the files are still there); the folder is registered again; the
 * next plain prune replays the tombstone. The tombstone is bound to the artifact id, its content hash and the files its
 * manifest lists, so the replay never deletes what the live version uses, nor files changed since.
 */
class TombstoneReplayTest {
    @TempDir
    Path home;

    /** What a prune killed right after its metadata transaction leaves: rows gone, tombstones recorded, files intact. */
    private List<ArtifactDeletion> pruneKilledBeforeDeletingFiles(ArtifactVersion version) {
        try (SqliteMetadataStore metadata = SqliteMetadataStore.open(home.resolve("metadata.db"))) {
            List<ArtifactDeletion> tombstones = metadata.deleteArtifactVersions(List.of(version.id()), true, Instant.EPOCH, true);
            assertThat(tombstones).extracting(ArtifactDeletion::id).containsExactly(version.id());
            assertThat(tombstones.get(0).contentHash()).contains(version.contentHash());
            return tombstones;
        }
    }

    @Test
    void aReplayedTombstoneNeverDeletesAFolderThatWasRegisteredAgain() throws IOException {
        try (Cairn cairn = Cairn.open(home)) {
            Path folder = Files.createDirectories(Path.of(cairn.storeRoot()).resolve("datasets/images"));
            Files.writeString(folder.resolve("a.bin"), "aaaa");
            Files.writeString(folder.resolve("b.bin"), "bbbbbb");
            ArtifactVersion first = cairn.client().registerArtifact(folder.toUri(), "images");
            pruneKilledBeforeDeletingFiles(first);

            ArtifactVersion again = cairn.client().registerArtifact(folder.toUri(), "images");
            cairn.client().prune(PruneOptions.defaults());

            assertThat(folder.resolve("a.bin")).hasContent("aaaa");
            assertThat(folder.resolve("b.bin")).hasContent("bbbbbb");
            again.verify();
            assertThat(cairn.client().getArtifactVersion("images").id()).isEqualTo(again.id());
            assertThat(Path.of(cairn.storeRoot()).resolve(".cairn-registered/" + first.id())).as("the old sidecar goes").doesNotExist();
            assertThat(Path.of(cairn.storeRoot()).resolve(".cairn-registered/" + again.id())).isDirectory();
        }
        try (SqliteMetadataStore metadata = SqliteMetadataStore.open(home.resolve("metadata.db"))) {
            assertThat(metadata.listArtifactDeletions()).as("the tombstone is finished").isEmpty();
        }
    }

    @Test
    void aReplayDeletesOnlyTheFilesThatAreStillAsRegistered() throws IOException {
        try (Cairn cairn = Cairn.open(home)) {
            Path folder = Files.createDirectories(Path.of(cairn.storeRoot()).resolve("datasets/tables"));
            Files.writeString(folder.resolve("same.csv"), "1,2");
            Files.writeString(folder.resolve("changed.csv"), "3,4");
            Files.createDirectories(folder.resolve("sub"));
            Files.writeString(folder.resolve("sub/also-same.csv"), "5,6");
            ArtifactVersion registered = cairn.client().registerArtifact(folder.toUri(), "tables");
            pruneKilledBeforeDeletingFiles(registered);
            Files.writeString(folder.resolve("changed.csv"), "7,8"); // same size, other content: only the hash tells
            Files.writeString(folder.resolve("new.csv"), "written after the prune");

            cairn.client().prune(PruneOptions.defaults());

            assertThat(folder.resolve("same.csv")).doesNotExist();
            assertThat(folder.resolve("sub")).as("emptied folders go").doesNotExist();
            assertThat(folder.resolve("changed.csv")).hasContent("7,8");
            assertThat(folder.resolve("new.csv")).hasContent("written after the prune");
        }
    }

    @Test
    void aReplayWithoutTheManifestThatBindsItLeavesTheDataAlone() throws IOException {
        try (Cairn cairn = Cairn.open(home)) {
            Path folder = Files.createDirectories(Path.of(cairn.storeRoot()).resolve("datasets/unbound"));
            Files.writeString(folder.resolve("x.bin"), "x");
            ArtifactVersion registered = cairn.client().registerArtifact(folder.toUri(), "unbound");
            pruneKilledBeforeDeletingFiles(registered);
            Path sidecar = Path.of(cairn.storeRoot()).resolve(".cairn-registered/" + registered.id());
            Files.delete(sidecar.resolve(".cairn/manifest.json"));

            cairn.client().prune(PruneOptions.defaults());

            assertThat(folder.resolve("x.bin")).hasContent("x");
        }
    }

    @Test
    void aTombstoneOfAWrittenArtifactIsReplayedAndItsEmptyNameDirectoryRemoved() throws IOException {
        try (Cairn cairn = Cairn.open(home)) {
            ArtifactVersion saved = cairn.client().save("payload", "written");
            Path directory = Path.of(saved.uri());
            pruneKilledBeforeDeletingFiles(saved);
            assertThat(directory).isDirectory();

            cairn.client().prune(PruneOptions.defaults());

            assertThat(directory).doesNotExist();
            assertThat(directory.getParent()).as("artifacts/<name>/ is empty, so it goes").doesNotExist();
        }
    }
}
