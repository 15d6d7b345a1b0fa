package dev.cairn.engine.metadata.sqlite;

import static dev.cairn.engine.metadata.sqlite.TestingMetadata.newVersion;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

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
}
