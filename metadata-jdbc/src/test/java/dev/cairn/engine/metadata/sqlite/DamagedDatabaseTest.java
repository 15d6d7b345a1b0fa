package dev.cairn.engine.metadata.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.metadata.ArtifactVersionRecord;
import dev.cairn.api.metadata.MetadataStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scenario 19 of issue #12: a truncated or corrupted metadata.db is reported on open instead of opening as an empty home. */
class DamagedDatabaseTest {
    @TempDir
    Path temp;

    @Test
    void aTruncatedDatabaseIsRefusedOnOpenAndLeftAsItWas() throws Exception {
        Path file = populated();
        long size = Files.size(file);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(size / 2);
        }
        byte[] before = Files.readAllBytes(file);

        assertThatThrownBy(() -> SqliteMetadataStore.open(file)).isInstanceOfSatisfying(CairnException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.METADATA_FAILURE);
            assertThat(e).hasMessageContaining(file.toString()).hasMessageContaining("truncated").hasMessageContaining("restore it from a backup");
        });
        assertThat(Files.readAllBytes(file)).as("the damaged file is not migrated or rewritten").isEqualTo(before);
    }

    @Test
    void aFileCutInsideTheHeaderIsRefused() throws Exception {
        Path file = populated();
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(40);
        }
        assertThatThrownBy(() -> SqliteMetadataStore.open(file)).isInstanceOf(CairnException.class)
                .hasMessageContaining("is damaged").hasMessageContaining("40 bytes long");
    }

    @Test
    void aFileThatIsNotSqliteIsRefused() throws Exception {
        Path file = temp.resolve("metadata.db");
        Files.writeString(file, "{\"this\": \"is json, not a database\"}\n".repeat(10));
        assertThatThrownBy(() -> SqliteMetadataStore.open(file)).isInstanceOf(CairnException.class)
                .hasMessageContaining("does not start with SQLite's header");
    }

    @Test
    void aDatabaseWhoseSchemaPageIsOverwrittenFailsQuickCheck() throws Exception {
        Path file = populated();
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(100); // the first page after the file header: the root of sqlite_master
            raf.write(new byte[512]);
        }
        assertThatThrownBy(() -> SqliteMetadataStore.open(file)).isInstanceOfSatisfying(CairnException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.METADATA_FAILURE);
            assertThat(e).hasMessageContaining("is damaged");
        });
    }

    @Test
    void aForeignSqliteDatabaseIsNotTurnedIntoAHome() throws Exception {
        Path file = temp.resolve("other.db");
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)");
            statement.execute("INSERT INTO invoices (total) VALUES (12.5)");
        }
        assertThatThrownBy(() -> SqliteMetadataStore.open(file)).isInstanceOf(CairnException.class)
                .hasMessageContaining("without Cairn's schema").hasMessageContaining("invoices");
    }

    @Test
    void anEmptyFileAndAHealthyDatabaseStillOpen() throws Exception {
        Path empty = Files.createFile(temp.resolve("empty.db"));
        try (SqliteMetadataStore store = SqliteMetadataStore.open(empty)) {
            assertThat(store.listArtifactNames()).isEmpty();
        }
        Path file = populated();
        try (SqliteMetadataStore store = SqliteMetadataStore.open(file)) {
            assertThat(store.listArtifactVersions("data")).hasSize(30);
        }
    }

    /** A closed database with 30 committed versions, several pages long. */
    private Path populated() {
        Path file = temp.resolve("home/metadata.db");
        try (SqliteMetadataStore store = SqliteMetadataStore.open(file)) {
            for (int i = 0; i < 30; i++) {
                ArtifactVersionRecord reserved = store.reserveArtifactVersion(
                        TestingMetadata.newVersion("data").toBuilder().metadata(Map.of("note", "n".repeat(2000))).build());
                store.commitArtifactVersion(new MetadataStore.CommittedArtifact(reserved.id(),
                        TestingMetadata.artifactUri("data", reserved.version()), List.of()));
            }
        }
        return file;
    }
}
