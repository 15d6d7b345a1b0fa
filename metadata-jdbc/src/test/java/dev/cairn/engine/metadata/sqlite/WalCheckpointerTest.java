package dev.cairn.engine.metadata.sqlite;

import static dev.cairn.engine.metadata.sqlite.TestingMetadata.artifactUri;
import static dev.cairn.engine.metadata.sqlite.TestingMetadata.newVersion;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.cairn.api.metadata.ArtifactVersionRecord;
import dev.cairn.api.metadata.MetadataStore;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalCheckpointerTest {
    @TempDir
    Path directory;

    @Test
    void committedWritesReachTheDatabaseFileWhileTheStoreIsOpen() throws Exception {
        Path file = directory.resolve("metadata.db");
        try (SqliteMetadataStore store = SqliteMetadataStore.open(file)) {
            long before = Files.size(file);
            for (int i = 0; i < WalCheckpointer.COMMITS_PER_CHECKPOINT * 2; i++) {
                store.reserveArtifactVersion(newVersion("data"));
            }

            long deadline = System.nanoTime() + 10_000_000_000L;
            while (Files.size(file) <= before && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(Files.size(file)).as("size of the database file, which grows only by checkpoints").isGreaterThan(before);
        }
    }

    /**
     * A steady stream of commits, as a chain of computed steps makes (~3 per step): the checkpointer forces the log and the
     * database file to the disk about once per {@link WalCheckpointer#COMMITS_PER_CHECKPOINT} commits, not every 128
     * (each checkpoint's {@code fsync}s stall the steps' own file operations); the log still starts over, so its file
     * stays far below the bound, and every commit is in the database after reopening.
     */
    @Test
    void aStreamOfCommitsIsCheckpointedRarelyWithTheLogBoundedAndNothingLost() throws Exception {
        Path file = directory.resolve("metadata.db");
        Path log = directory.resolve("metadata.db-wal");
        int cycles = 6; // of 1,024 commits: what the checkpointer is meant to wait for between two checkpoints
        int commits = 1024 * cycles;
        List<ArtifactVersionRecord> committed = new ArrayList<>();
        long largestLog = 0;
        long checkpoints;
        try (SqliteMetadataStore store = SqliteMetadataStore.open(file)) {
            long before = SqliteMetadataStore.walCheckpoints();
            for (int i = 0; i < commits / 2; i++) { // two commits each: the reservation and the version made READY
                ArtifactVersionRecord version = store.reserveArtifactVersion(newVersion("data-" + (i % 97)));
                store.commitArtifactVersion(new MetadataStore.CommittedArtifact(version.id(), artifactUri(version.name(), version.version()), List.of()));
                committed.add(version);
                if (i % 64 == 0 && Files.exists(log)) {
                    largestLog = Math.max(largestLog, Files.size(log));
                }
            }
            checkpoints = SqliteMetadataStore.walCheckpoints() - before;
        }
        // at most a passive and a catching-up checkpoint per COMMITS_PER_CHECKPOINT commits, plus slack for the idle
        // checkpoint after a second; checkpointing every 128 commits made at least 48 here
        assertThat(checkpoints).as("WAL checkpoints during %d commits", commits).isBetween(1L, 2L * (cycles + 1) + 8);
        assertThat(largestLog).as("largest size of the write-ahead log while writing").isLessThan(
                (long) WalCheckpointer.LIMIT_FRAMES * 4096);
        try (SqliteMetadataStore reopened = SqliteMetadataStore.open(file)) {
            for (ArtifactVersionRecord version : committed) {
                assertThat(reopened.findArtifactVersion(version.id())).as("version %s after reopening", version.id())
                        .hasValueSatisfying(found -> assertThat(found.version()).isEqualTo(version.version()));
            }
        }
    }
}
