package dev.cairn.engine.metadata.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.UUID;

import dev.cairn.engine.metadata.jdbc.ArtifactQueryRepository;
import dev.cairn.engine.metadata.jdbc.LineageRepository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recursive upstream-lineage query ({@link LineageRepository#UPSTREAM}) finds every row it joins through an index —
 * the unique {@code artifact_versions.id}, the primary keys of {@code step_runs}, {@code step_inputs} (by
 * {@code step_run_id}) and {@code step_outputs} — and scans nothing but its own
 * queue of reached versions: a scan of a table would make the lineage of a 10,000-step run cost 10,000 scans.
 */
class UpstreamLineageQueryPlanTest {
    @TempDir
    Path dir;

    @Test
    void everyJoinOfTheUpstreamQueryIsAnIndexLookup() throws Exception {
        Path file = dir.resolve("metadata.db");
        SqliteMetadataStore.open(file).close();
        ArtifactQueryRepository.Parameter id = (statement, index) -> statement.setString(index, UUID.randomUUID().toString());
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            List<String> plan = QueryPlans.plan(connection, LineageRepository.UPSTREAM, List.of(id));
            assertThat(plan).as(String.join("\n", plan))
                    .filteredOn(line -> line.startsWith("SCAN")).allMatch(line -> line.equals("SCAN reached"));
            for (String table : List.of("artifact_versions", "a", "s", "i", "src", "o")) {
                assertThat(plan).as(table + " in\n" + String.join("\n", plan))
                        .anyMatch(line -> line.startsWith("SEARCH " + table + " USING ") && line.contains("=?)"));
            }
            assertThat(plan).as(String.join("\n", plan)).noneMatch(line -> line.contains("TEMP B-TREE"));
        }
    }
}
