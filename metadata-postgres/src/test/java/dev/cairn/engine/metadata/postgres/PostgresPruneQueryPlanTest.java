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
 * transaction), on a history shaped like the soak's: each rule a subplan per candidate, no anti-join, no sequential
 * scan, every history table reached through an index condition.
 * Without the two, PostgreSQL pulls each {@code NOT EXISTS} up into an anti-join whatever the table sizes, and on a
 * soak-shaped history picks hash anti-joins or per-candidate sequential scans (BENCHMARKS.md). Plans, not timings.
 */
class PostgresPruneQueryPlanTest {
    private static final List<String> HISTORY = List.of("step_inputs", "step_outputs", "step_runs", "pipeline_runs", "run_input_leases",
            "artifact_aliases", "version_tags");

    @Test
    void eachRuleIsAnIndexProbePerCandidateWithoutAntiJoinsOrScansOfTheHistory() throws Exception {
        List<String> plan = plan(DeletionRepository.listUnusedStatement(PostgresDialect.INSTANCE).replace("?", "0"));
        String text = String.join("\n", plan);
        assertThat(text).as(text).doesNotContain("Anti Join");
        assertThat(plan.stream().filter(line -> line.strip().startsWith("SubPlan")).count()).as(text).isEqualTo(6);
        for (String table : HISTORY) {
            assertThat(text).as(text).doesNotContain("Seq Scan on " + table + " ");
        }
        // every table of the history is reached through an index condition bound to the candidate (or to the row
        // joined before it), never walked whole
        assertThat(walked(plan, HISTORY)).as(text).isEmpty();
    }

    /**
     * The query of each batch of a prune ({@code deleteArtifactVersions}: the listed ids still unused, or pending) probes
     * the same way: until session 8 it was sent without the probe settings and PostgreSQL answered it with hash anti-joins
     * over the whole of {@code step_inputs} and {@code step_outputs} (1.6 s per batch of 1,000 at 20,000 runs).
     */
    @Test
    void aPruneBatchChecksItsIdsWithIndexProbesNotAntiJoinsOverTheHistory() throws Exception {
        String query = DeletionRepository.deletableStatement(PostgresDialect.INSTANCE).replaceFirst("\\?", "'{a21,a22,a23,a24,a25}'")
                .replace("?", "0");
        List<String> plan = plan(query);
        String text = String.join("\n", plan);
        assertThat(text).as(text).doesNotContain("Anti Join");
        // the listed versions are read first, by index, not every version of the store filtered and then matched
        assertThat(text).as(text).containsPattern("Index Cond: \\(id = ANY");
        // the six rules of the unused versions are subplans (a seventh, the pending versions' rule, is hashed once)
        assertThat(plan.stream().filter(line -> line.strip().startsWith("SubPlan")).count()).as(text).isGreaterThanOrEqualTo(6);
        List<String> perVersion = List.of("step_inputs", "step_outputs", "run_input_leases", "artifact_aliases", "version_tags");
        for (String table : perVersion) {
            assertThat(text).as(text).doesNotContain("Seq Scan on " + table + " ");
        }
        assertThat(walked(plan, perVersion)).as(text).isEmpty();
    }

    /** The lines of {@code plan} that read one of {@code tables} without an index condition on the next line. */
    private static List<String> walked(List<String> plan, List<String> tables) {
        List<String> walked = new ArrayList<>();
        for (int i = 0; i < plan.size(); i++) {
            String line = plan.get(i);
            boolean history = tables.stream().anyMatch(table -> line.contains(" on " + table + " "));
            boolean probed = i + 1 < plan.size() && (plan.get(i + 1).contains("Index Cond:") || plan.get(i + 1).contains("Recheck Cond:"));
            if (history && !probed) {
                walked.add(line.strip());
            }
        }
        return walked;
    }

    /** The plan of {@code query} on a soak-shaped history, with the dialect's probe settings in its transaction. */
    private static List<String> plan(String query) throws Exception {
        URI uri = TestingPostgres.server().newDatabase();
        PostgresMetadataStore.open(uri).close(); // the schema
        String database = uri.getPath().substring(1);
        // a history shaped like the soak's: 20,000 completed runs whose step outputs name 20 cache entries, half of them
        // reading one as input, and 25 live versions; ANALYZEd, so the planner expects ~1,000 matches per version
        TestingPostgres.server().sql(database,
                "INSERT INTO pipelines (id, name, created_at) VALUES (1, 'p', 0)",
                "INSERT INTO pipeline_runs (id, pipeline_id, status, started_at, parameters) SELECT 'r' || g, 1, 'COMPLETED', g, '{}'"
                        + " FROM generate_series(1, 20000) g",
                "INSERT INTO step_runs (id, run_id, step_name, position, upstream_steps, status, parameters, cache_key)"
                        + " SELECT 's' || g, 'r' || g, 'step', 0, '[]', 'COMPLETED', '{}', 'k' || (g % 20) FROM generate_series(1, 20000) g",
                "INSERT INTO artifact_versions (id, name, version, version_number, uri, store_uri, data_type, materializer_id,"
                        + " materializer_version, artifact_type, content_hash, size, metadata, producer_step_run_id, created_at, state, registered)"
                        + " SELECT 'a' || v, 'n', v::text, v, 'file:/x/' || v, 'file:/x', 'T', 'm', '1', 'DATA', 'h', 1, '{}', 's' || v, v, 'READY', 0"
                        + " FROM generate_series(1, 25) v",
                "INSERT INTO step_outputs (step_run_id, name, artifact_id) SELECT 's' || g, 'output', 'a' || (1 + g % 20) FROM generate_series(1, 20000) g",
                "INSERT INTO step_inputs (step_run_id, name, artifact_id, kind) SELECT 's' || g, 'in', 'a' || (1 + g % 20), 'ARTIFACT'"
                        + " FROM generate_series(2, 20000, 2) g",
                "ANALYZE");
        List<String> plan = new ArrayList<>();
        try (Connection connection = TestingPostgres.server().connect(database); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            for (String setting : PostgresDialect.INSTANCE.indexProbeSettings()) {
                statement.execute(setting);
            }
            try (ResultSet rows = statement.executeQuery("EXPLAIN " + query)) {
                while (rows.next()) {
                    plan.add(rows.getString(1));
                }
            }
            connection.rollback();
        }
        return plan;
    }
}
