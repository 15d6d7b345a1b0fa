package dev.cairn.engine.metadata.sqlite;

import static dev.cairn.engine.metadata.sqlite.TestingMetadata.artifactUri;
import static dev.cairn.engine.metadata.sqlite.TestingMetadata.newVersion;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.metadata.ArtifactVersionRecord;
import dev.cairn.api.metadata.MetadataStore.CommittedArtifact;
import dev.cairn.engine.metadata.jdbc.SchemaMigration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaMigrationTest {
    private static final SchemaMigration EXTRA = new SchemaMigration(SqliteSchema.MIGRATIONS.size() + 1, "add a table for this test",
            List.of("CREATE TABLE extra (x INTEGER)", "INSERT INTO extra VALUES (42)"));

    @TempDir
    Path directory;

    private Path file() {
        return directory.resolve("metadata.db");
    }

    private List<Integer> appliedVersions() throws SQLException {
        List<Integer> versions = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file());
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT version FROM schema_version ORDER BY version")) {
            while (rows.next()) {
                versions.add(rows.getInt(1));
            }
        }
        return versions;
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file());
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private boolean tableExists(String name) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file());
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '" + name + "'")) {
            return rows.next();
        }
    }

    @Test
    void reopeningAppliesNothingTwice() throws SQLException {
        SqliteMetadataStore.open(file()).close();
        SqliteMetadataStore.open(file()).close();

        assertThat(appliedVersions()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);
    }

    @Test
    void aVersionTwoDatabaseGainsThePruneTablesOnOpen() throws SQLException {
        SqliteMetadataStore.open(file(), List.of(SqliteSchema.V1, SqliteSchema.V2)).close();
        assertThat(tableExists("artifact_deletions")).isFalse();

        SqliteMetadataStore.open(file()).close();

        assertThat(appliedVersions()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);
        assertThat(tableExists("artifact_deletions")).isTrue();
        assertThat(tableExists("artifact_aliases")).isTrue();
        assertThat(tableExists("version_tags")).isTrue();
        assertThat(columnsOf("step_runs")).contains("error", "error_code", "error_class", "error_message");
    }

    private List<String> columnsOf(String table) throws SQLException {
        List<String> columns = new java.util.ArrayList<>();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file());
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("PRAGMA table_info(" + table + ")")) {
            while (rows.next()) {
                columns.add(rows.getString("name"));
            }
        }
        return columns;
    }

    @Test
    void databaseIsInWriteAheadLogMode() throws SQLException {
        SqliteMetadataStore.open(file()).close();

        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file());
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("PRAGMA journal_mode")) {
            rows.next();
            assertThat(rows.getString(1)).isEqualTo("wal");
        }
    }

    @Test
    void onlyMissingMigrationsAreApplied() throws SQLException {
        ArtifactVersionRecord stored;
        try (SqliteMetadataStore store = SqliteMetadataStore.open(file(), SqliteSchema.MIGRATIONS)) {
            stored = store.reserveArtifactVersion(newVersion("data"));
            store.commitArtifactVersion(new CommittedArtifact(stored.id(), artifactUri("data", "1"), List.of()));
        }
        List<SchemaMigration> withExtra = new ArrayList<>(SqliteSchema.MIGRATIONS);
        withExtra.add(EXTRA);

        try (SqliteMetadataStore store = SqliteMetadataStore.open(file(), withExtra)) {
            assertThat(store.findArtifactVersion(stored.id())).isPresent();
        }

        assertThat(appliedVersions()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17);
        assertThat(tableExists("extra")).isTrue();
    }

    @Test
    void databaseFromANewerCairnIsRefused() throws SQLException {
        SqliteMetadataStore.open(file()).close();
        execute("INSERT INTO schema_version (version, description, applied_at) VALUES (99, 'from the future', 0)");

        assertThatThrownBy(() -> SqliteMetadataStore.open(file()))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.METADATA_FAILURE))
                .hasMessageContaining(file().toString())
                .hasMessageContaining("schema version 99")
                .hasMessageContaining("up to " + SqliteSchema.MIGRATIONS.size())
                .hasMessageContaining("newer Cairn");
    }

    @Test
    void failedMigrationChangesNothing() throws SQLException {
        SqliteMetadataStore.open(file(), List.of(SqliteSchema.V1)).close();
        SchemaMigration broken = new SchemaMigration(2, "broken", List.of("CREATE TABLE half_done (x INTEGER)", "CREATE TABLE oops ("));

        assertThatThrownBy(() -> SqliteMetadataStore.open(file(), List.of(SqliteSchema.V1, broken)))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.METADATA_FAILURE))
                .hasMessageContaining("migrate the schema to version 2");

        assertThat(appliedVersions()).containsExactly(1);
        assertThat(tableExists("half_done")).isFalse();
        SqliteMetadataStore.open(file()).close();
    }

    @Test
    void aFileThatIsNotADatabaseIsReported() throws Exception {
        Files.writeString(file(), "this is not a database, just some text that is long enough to fill a header ".repeat(10));

        assertThatThrownBy(() -> SqliteMetadataStore.open(file()))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.METADATA_FAILURE))
                .hasMessageContaining(file().toString());
    }

    @Test
    void storesOpeningAFreshFileTogetherMigrateItOnce() throws Exception {
        int openers = 6;
        ExecutorService pool = Executors.newFixedThreadPool(openers);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<SqliteMetadataStore>> stores = new ArrayList<>();
        try {
            for (int i = 0; i < openers; i++) {
                stores.add(pool.submit(() -> {
                    start.await();
                    return SqliteMetadataStore.open(file());
                }));
            }
            start.countDown();
            for (Future<SqliteMetadataStore> store : stores) {
                store.get(30, TimeUnit.SECONDS).close();
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(appliedVersions()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);
    }
}
