package dev.cairn.engine.metadata.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.metadata.ArtifactState;
import dev.cairn.api.metadata.ArtifactVersionRecord;
import dev.cairn.api.metadata.MetadataStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 12 of issue #12: the metadata database runs out of disk space. The file system is real: a tmpfs of 2 MB
 * mounted for the test (needs root, as in CI; skipped otherwise), filled until SQLite reports {@code SQLITE_FULL}.
 */
class MetadataDiskFullTest {
    @TempDir
    Path temp;

    private Path mountPoint;

    @BeforeEach
    void mountSmallFileSystem() throws Exception {
        mountPoint = Files.createDirectories(temp.resolve("small"));
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mountPoint.toString()) == 0,
                "mounting a 2 MB tmpfs needs root (CI runs ./run-tests as root); run the test as root to include it");
    }

    @AfterEach
    void unmount() throws Exception {
        if (mountPoint != null) {
            run("umount", "-l", mountPoint.toString());
        }
    }

    @Test
    void aWriteThatFindsTheDiskFullFailsClearlyAndTheNextWriteAfterSpaceIsFreedSucceeds() throws Exception {
        Path database = mountPoint.resolve("home/metadata.db");
        try (SqliteMetadataStore store = SqliteMetadataStore.open(database)) {
            save(store, "before", Map.of());
            // take most of the free space with a file we can delete later, then fill the rest with metadata
            Path filler = mountPoint.resolve("filler");
            fill(filler);
            String big = "x".repeat(64 * 1024);
            CairnException full = null;
            List<UUID> saved = new ArrayList<>();
            for (int i = 0; i < 200 && full == null; i++) {
                try {
                    saved.add(save(store, "big", Map.of("blob", big)).id());
                } catch (CairnException e) {
                    full = e;
                }
            }
            assertThat(full).as("the metadata database must run out of space on a 2 MB file system").isNotNull();
            assertThat(full.errorCode()).isEqualTo(ErrorCode.METADATA_FAILURE);
            assertThat(full).hasMessageContaining(database.toString()).hasMessageContaining("disk is full");

            Files.delete(filler);

            // the same store, no reopening: the write connection was rolled back and replaced
            ArtifactVersionRecord after = save(store, "after", Map.of());
            assertThat(store.findArtifactVersion(after.id())).hasValueSatisfying(v -> assertThat(v.state()).isEqualTo(ArtifactState.READY));
            assertThat(store.listArtifactVersions("big")).extracting(ArtifactVersionRecord::id).containsExactlyInAnyOrderElementsOf(saved);
            assertThat(store.findLatestArtifactVersion("before")).isPresent();
        }
        try (SqliteMetadataStore reopened = SqliteMetadataStore.open(database)) {
            assertThat(reopened.findLatestArtifactVersion("after")).isPresent();
        }
    }

    @Test
    void aFullDiskInTheMiddleOfManyWritesLeavesEveryEarlierWriteAndTheStoreUsable() throws Exception {
        Path database = mountPoint.resolve("home/metadata.db");
        try (SqliteMetadataStore store = SqliteMetadataStore.open(database)) {
            Path filler = mountPoint.resolve("filler");
            fill(filler);
            String big = "y".repeat(200 * 1024);
            List<UUID> saved = new ArrayList<>();
            assertThatThrownBy(() -> {
                for (int i = 0; i < 20; i++) {
                    saved.add(save(store, "huge", Map.of("blob", big)).id());
                }
            }).isInstanceOf(CairnException.class).hasMessageContaining("disk is full");
            // a second failure on the replaced connection is reported the same way and does not wedge it either
            assertThatThrownBy(() -> save(store, "huge", Map.of("blob", big)))
                    .isInstanceOf(CairnException.class).hasMessageContaining("disk is full");
            Files.delete(filler);
            for (int i = 0; i < 3; i++) {
                save(store, "small", Map.of());
            }
            assertThat(store.listArtifactVersions("small")).extracting(ArtifactVersionRecord::version).containsExactlyInAnyOrder("1", "2", "3");
            assertThat(store.listArtifactVersions("huge")).extracting(ArtifactVersionRecord::id).containsExactlyInAnyOrderElementsOf(saved);
        }
    }

    private static ArtifactVersionRecord save(SqliteMetadataStore store, String name, Map<String, Object> metadata) {
        ArtifactVersionRecord reserved = store.reserveArtifactVersion(TestingMetadata.newVersion(name).toBuilder().metadata(metadata).build());
        store.commitArtifactVersion(new MetadataStore.CommittedArtifact(reserved.id(),
                TestingMetadata.artifactUri(name, reserved.version()), List.of()));
        return reserved;
    }

    /** Writes a file that leaves about 600 KB free on the mount. */
    private void fill(Path filler) throws IOException {
        long free = Files.getFileStore(mountPoint).getUsableSpace();
        long size = Math.max(0, free - 600 * 1024);
        byte[] chunk = new byte[64 * 1024];
        try (var out = Files.newOutputStream(filler)) {
            for (long written = 0; written < size; written += chunk.length) {
                out.write(chunk);
            }
        }
    }

    private static int run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }
}
