package dev.cairn.engine.metadata.sqlite;

import static dev.cairn.engine.metadata.sqlite.TestingMetadata.newVersion;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

import dev.cairn.api.metadata.ArtifactVersionRecord;
import dev.cairn.api.metadata.MetadataStore.CommittedArtifact;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A home's absolute locations (written by a Cairn before locations were relative) are looked for once per database, not
 * on every open: the look scans every version, 11 s per open at 1,000,000 versions ({@code MetadataScaleBenchmark}).
 */
class LocationCheckOnceTest {
    @TempDir
    Path home;

    private String uriOf(ArtifactVersionRecord version) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("metadata.db"));
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT uri FROM artifact_versions WHERE id = '" + version.id() + "'")) {
            row.next();
            return row.getString(1);
        }
    }

    private void sql(String... statements) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("metadata.db"));
                Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    @Test
    void anOldHomesAbsoluteLocationsAreRewrittenOnceAndLaterOpensDoNotLookAgain() throws Exception {
        ArtifactVersionRecord version;
        URI uri = URI.create(home.toUri() + "store/artifacts/data/1-abc/");
        try (SqliteMetadataStore store = SqliteMetadataStore.open(home.resolve("metadata.db"))) {
            version = store.reserveArtifactVersion(newVersion("data"));
            store.commitArtifactVersion(new CommittedArtifact(version.id(), uri, List.of()));
        }
        assertThat(uriOf(version)).isEqualTo("./store/artifacts/data/1-abc/");
        String absolute = "file:" + uri.getRawPath();

        // an older Cairn wrote absolute locations and never recorded the check: the next open rewrites them
        sql("UPDATE artifact_versions SET uri = '" + absolute + "'", "PRAGMA user_version = 0");
        try (SqliteMetadataStore store = SqliteMetadataStore.open(home.resolve("metadata.db"))) {
            assertThat(Path.of(store.findArtifactVersion(version.id()).orElseThrow().uri().orElseThrow())).isEqualTo(Path.of(uri));
        }
        assertThat(uriOf(version)).isEqualTo("./store/artifacts/data/1-abc/");

        // once checked, an open does not scan again (no Cairn that can open this database writes absolute locations)
        sql("UPDATE artifact_versions SET uri = '" + absolute + "'");
        try (SqliteMetadataStore store = SqliteMetadataStore.open(home.resolve("metadata.db"))) {
            assertThat(Path.of(store.findArtifactVersion(version.id()).orElseThrow().uri().orElseThrow())).as("an absolute URI still loads")
                    .isEqualTo(Path.of(uri));
        }
        assertThat(uriOf(version)).as("not looked for again").isEqualTo(absolute);
    }
}
