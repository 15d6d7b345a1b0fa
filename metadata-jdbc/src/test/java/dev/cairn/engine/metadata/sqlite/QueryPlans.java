package dev.cairn.engine.metadata.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import dev.cairn.engine.metadata.jdbc.ArtifactQueryRepository;

/**
 * SQLite's {@code EXPLAIN QUERY PLAN} of a query, one {@code detail} line per step ("SEARCH a USING INDEX …",
 * "SCAN …", "USE TEMP B-TREE FOR ORDER BY"), for the query-plan tests of metadata-jdbc and core-engine (shared through
 * this module's test jar).
 */
public final class QueryPlans {
    private QueryPlans() {}

    /** The plan of {@code query} with its parameters bound. */
    public static List<String> plan(Connection connection, ArtifactQueryRepository.Query query) throws SQLException {
        return plan(connection, query.sql(), query.parameters());
    }

    /** The plan of {@code sql} with {@code parameters} bound in order (1, 2, …). */
    public static List<String> plan(Connection connection, String sql, List<ArtifactQueryRepository.Parameter> parameters) throws SQLException {
        List<String> plan = new ArrayList<>();
        try (PreparedStatement explain = connection.prepareStatement("EXPLAIN QUERY PLAN " + sql)) {
            for (int i = 0; i < parameters.size(); i++) {
                parameters.get(i).bind(explain, i + 1);
            }
            try (ResultSet rows = explain.executeQuery()) {
                while (rows.next()) {
                    plan.add(rows.getString("detail"));
                }
            }
        }
        return plan;
    }
}
