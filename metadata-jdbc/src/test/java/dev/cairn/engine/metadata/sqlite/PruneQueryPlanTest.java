package dev.cairn.engine.metadata.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.regex.Pattern;

import dev.cairn.engine.metadata.jdbc.DeletionRepository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prune's unused-version query looks each candidate up in the tables that keep it (inputs, outputs, leases, aliases,
 * tags) through their {@code artifact_id} indexes (V12's {@code step_outputs_by_artifact} among them), and never reads
 * one of those tables whole: with {@code NOT IN} lists it read every output ever recorded on each prune, 1.7 s at 21,000
 * runs ({@code EmbeddedSoakBenchmark}). Only {@code artifact_versions}, the candidates, is scanned.
 */
class PruneQueryPlanTest {
    /** A full scan of any table but the candidates' ({@code a}): "SCAN o", "SCAN step_outputs", "SCAN i USING …". */
    private static final Pattern SCAN_OF_ANOTHER_TABLE = Pattern.compile("^SCAN (?!a\\b)\\w+");

    @TempDir
    Path dir;

    @Test
    void theUnusedRuleSearchesIndexesPerCandidateAndScansNoHistoryTable() throws Exception {
        Path file = dir.resolve("metadata.db");
        SqliteMetadataStore.open(file).close();

        List<String> plan = plan(file, DeletionRepository.listUnusedStatement(false));

        assertThat(plan).as(plan.toString())
                .noneMatch(line -> SCAN_OF_ANOTHER_TABLE.matcher(line).find())
                .noneMatch(line -> line.contains("LIST SUBQUERY"))
                .anyMatch(line -> line.contains("SEARCH i USING COVERING INDEX step_inputs_by_artifact"))
                .anyMatch(line -> line.contains("SEARCH o USING COVERING INDEX step_outputs_by_artifact"))
                .anyMatch(line -> line.contains("SEARCH l USING COVERING INDEX run_input_leases_by_artifact"))
                .anyMatch(line -> line.contains("SEARCH x USING COVERING INDEX artifact_aliases_by_artifact"))
                .anyMatch(line -> line.contains("SEARCH t USING PRIMARY KEY"));
    }

    /** The check above tells the two apart: the rule as written up to V11 reads whole tables into lists. */
    @Test
    void theRuleUpToV11ReadsWholeTables() throws Exception {
        Path file = dir.resolve("metadata.db");
        SqliteMetadataStore.open(file).close();

        List<String> plan = plan(file, DeletionRepository.listUnusedStatement(true));

        assertThat(plan).as(plan.toString()).anyMatch(line -> line.contains("LIST SUBQUERY"))
                .anyMatch(line -> SCAN_OF_ANOTHER_TABLE.matcher(line).find());
    }

    private static List<String> plan(Path file, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            return QueryPlans.plan(connection, sql, List.of((statement, index) -> statement.setInt(index, 0)));
        }
    }
}
