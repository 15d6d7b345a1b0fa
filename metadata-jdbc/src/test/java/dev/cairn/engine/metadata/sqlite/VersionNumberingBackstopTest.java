package dev.cairn.engine.metadata.sqlite;

import static dev.cairn.engine.metadata.sqlite.TestingMetadata.newVersion;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code UNIQUE (name, version)} backstop of version numbering on SQLite: a version that the numbering cannot see
 * (a row whose number column another writer left empty) makes a numbered reservation try the next number, not fail.
 */
class VersionNumberingBackstopTest {
    @TempDir
    Path directory;

    @Test
    void aNumberTakenOutsideTheNumberingIsSkipped() throws Exception {
        Path file = directory.resolve("metadata.db");
        try (SqliteMetadataStore store = SqliteMetadataStore.open(file)) {
            assertThat(store.reserveArtifactVersion(newVersion("model")).version()).isEqualTo("1");
            insertWithoutNumber(file, "model", List.of("2"));

            assertThat(store.reserveArtifactVersion(newVersion("model")).version()).isEqualTo("3");
            assertThat(store.reserveArtifactVersion(newVersion("model")).version()).isEqualTo("4");
        }
        assertThat(versions(file, "model")).containsExactlyInAnyOrder("1", "2", "3", "4");
    }

    @Test
    void tooManyTakenNumbersFailNamingTheArtifactAndRecordNothing() throws Exception {
        Path file = directory.resolve("metadata.db");
        try (SqliteMetadataStore store = SqliteMetadataStore.open(file)) {
            List<String> taken = new ArrayList<>();
            for (int i = 1; i <= 10; i++) {
                taken.add(Integer.toString(i));
            }
            insertWithoutNumber(file, "model", taken);

            assertThatThrownBy(() -> store.reserveArtifactVersion(newVersion("model")))
                    .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.METADATA_FAILURE))
                    .hasMessageContaining("'model'").hasMessageContaining("could not number a new version");
            assertThat(versions(file, "model")).hasSize(10);
            // an explicit version is unaffected
            assertThat(store.reserveArtifactVersion(newVersion("model", "prod")).version()).isEqualTo("prod");
        }
    }

    /** Inserts {@code versions} of {@code name} as another tool might: without a version number. */
    private static void insertWithoutNumber(Path file, String name, List<String> versions) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
                PreparedStatement insert = connection.prepareStatement("INSERT INTO artifact_versions (id, name, version, version_number, uri,"
                        + " store_uri, data_type, materializer_id, materializer_version, artifact_type, content_hash, size, metadata,"
                        + " producer_step_run_id, created_at, state, registered) VALUES (?, ?, ?, NULL, NULL, 'file:///tmp/cairn-store',"
                        + " 'java.lang.String', 'cairn.string', '1', 'DATA', 'sha256:abc', 3, '{}', NULL, 1, 'PENDING', 0)")) {
            for (String version : versions) {
                insert.setString(1, UUID.randomUUID().toString());
                insert.setString(2, name);
                insert.setString(3, version);
                insert.executeUpdate();
            }
        }
    }

    private static List<String> versions(Path file, String name) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
                PreparedStatement query = connection.prepareStatement("SELECT version FROM artifact_versions WHERE name = ?")) {
            query.setString(1, name);
            List<String> versions = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    versions.add(rows.getString(1));
                }
            }
            return versions;
        }
    }
}
