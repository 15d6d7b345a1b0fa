package dev.cairn.engine.metadata.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.metadata.MetadataStore;
import org.junit.jupiter.api.Test;

/** Schema migrations on PostgreSQL: the numbered migrations of the JDBC layer, under an advisory lock. */
class PostgresSchemaTest {
    private static String database(URI uri) {
        return uri.getPath().substring(1);
    }

    @Test
    void manyProcessesOpeningAnEmptyDatabaseAtOnceMigrateItOnce() throws Exception {
        TestingPostgres server = TestingPostgres.server();
        URI uri = server.newDatabase();
        ExecutorService threads = Executors.newFixedThreadPool(6);
        try {
            List<Future<MetadataStore>> opened = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                opened.add(threads.submit(() -> PostgresMetadataStore.open(uri)));
            }
            for (Future<MetadataStore> store : opened) {
                try (MetadataStore open = store.get()) {
                    assertThat(open.listRuns(Optional.empty())).isEmpty();
                }
            }
        } finally {
            threads.shutdownNow();
        }
        try (Connection connection = server.connect(database(uri)); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT count(*), max(version) FROM schema_version")) {
            rows.next();
            assertThat(rows.getInt(1)).isEqualTo(PostgresSchema.MIGRATIONS.size());
            assertThat(rows.getInt(2)).isEqualTo(PostgresSchema.MIGRATIONS.size());
        }
    }

    /**
     * V16: no foreign-key check on a step output's step run or a visualization's version, the rows a step's completion
     * writes after its own server-checked update of that step run and that version; the other references keep theirs.
     */
    @Test
    void theRowsACompletionWritesAfterItsOwnChecksCarryNoForeignKeyOfTheirOwn() throws Exception {
        TestingPostgres server = TestingPostgres.server();
        URI uri = server.newDatabase();
        PostgresMetadataStore.open(uri).close();
        List<String> foreignKeys = new ArrayList<>();
        try (Connection connection = server.connect(database(uri)); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT conrelid::regclass || '(' || a.attname || ') -> ' || confrelid::regclass"
                        + " FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]"
                        + " WHERE c.contype = 'f' AND c.conrelid::regclass::text IN ('step_outputs', 'visualizations', 'step_inputs', 'artifact_versions')")) {
            while (rows.next()) {
                foreignKeys.add(rows.getString(1));
            }
        }
        assertThat(foreignKeys).containsExactlyInAnyOrder("step_inputs(step_run_id) -> step_runs", "step_inputs(artifact_id) -> artifact_versions",
                "artifact_versions(producer_step_run_id) -> step_runs");
    }

    @Test
    void aNewerSchemaThanTheCodeKnowsIsRefused() {
        TestingPostgres server = TestingPostgres.server();
        URI uri = server.newDatabase();
        PostgresMetadataStore.open(uri).close();
        server.sql(database(uri), "INSERT INTO schema_version (version, description, applied_at) VALUES (99, 'from the future', 0)");
        assertThatThrownBy(() -> PostgresMetadataStore.open(uri))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.METADATA_FAILURE))
                .hasMessageContaining("schema version 99").hasMessageContaining("up to " + PostgresSchema.MIGRATIONS.size())
                .hasMessageContaining(database(uri));
    }

    @Test
    void anUnreachableServerIsAMetadataFailureNamingIt() {
        assertThatThrownBy(() -> PostgresMetadataStore.open(URI.create("postgresql://127.0.0.1:1/nowhere?user=cairn&password=s3cret&connect_timeout=2")))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.METADATA_FAILURE))
                .hasMessageContaining("postgresql://cairn@127.0.0.1:1/nowhere").hasMessageContaining("could not connect")
                .hasMessageNotContaining("s3cret");
    }
}
