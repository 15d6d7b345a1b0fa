package dev.cairn.engine.metadata.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import dev.cairn.engine.metadata.jdbc.DeletionRepository;
import org.junit.jupiter.api.Test;

/**
 * The plan PostgreSQL makes for prune's unused-version query as the store sends it ({@link DeletionRepository} with
 * {@link PostgresDialect}'s {@code OFFSET 0} per subquery and {@code SET LOCAL enable_seqscan = off} for its
 * transaction): each rule a subplan per candidate, no anti-join, no sequential scan of a history table, and step inputs
 * and outputs reached through their {@code artifact_id} indexes.
 * Without the two, PostgreSQL pulls each {@code NOT EXISTS} up into an anti-join whatever the table sizes, and on a
 * soak-shaped history picks hash anti-joins or per-candidate sequential scans (BENCHMARKS.md). Plans, not timings.
 */
class PostgresPruneQueryPlanTest {
    private static final List<String> HISTORY = List.of("step_inputs", "step_outputs", "step_runs", "pipeline_runs", "run_input_leases",
            "artifact_aliases", "version_tags");

    @Test
    void eachRuleIsAnIndexProbePerCandidateWithoutAntiJoinsOrScansOfTheHistory() throws Exception {
        URI uri = TestingPostgres.server().newDatabase();
        PostgresMetadataStore.open(uri).close(); // the schema
        String database = uri.getPath().substring(1);
        TestingPostgres.server().sql(database, "ANALYZE");
        List<String> plan = new ArrayList<>();
        try (Connection connection = TestingPostgres.server().connect(database); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            for (String setting : PostgresDialect.INSTANCE.indexProbeSettings()) {
                statement.execute(setting);
            }
            String query = DeletionRepository.listUnusedStatement(PostgresDialect.INSTANCE).replace("?", "0");
            try (ResultSet rows = statement.executeQuery("EXPLAIN " + query)) {
                while (rows.next()) {
                    plan.add(rows.getString(1));
                }
            }
            connection.rollback();
        }
        String text = String.join("\n", plan);
        assertThat(text).as(text).doesNotContain("Anti Join");
        assertThat(plan.stream().filter(line -> line.strip().startsWith("SubPlan")).count()).as(text).isEqualTo(6);
        for (String table : HISTORY) {
            assertThat(text).as(text).doesNotContain("Seq Scan on " + table + " ");
        }
        // the tables that grow with every step (inputs, outputs) are reached by their artifact_id index for the
        // candidate, never walked whole. (The joins to step_runs and pipeline_runs that follow are planned on an empty
        // history here, where the planner sees one row either way; their plan on a grown history is not checked.)
        List<String> walked = new ArrayList<>();
        for (int i = 0; i < plan.size(); i++) {
            String line = plan.get(i);
            boolean grows = line.contains(" on step_inputs ") || line.contains(" on step_outputs ");
            boolean probed = i + 1 < plan.size() && plan.get(i + 1).contains("Index Cond: (artifact_id = a.id)");
            if (grows && !probed) {
                walked.add(line.strip());
            }
        }
        assertThat(walked).as(text).isEmpty();
    }
}
