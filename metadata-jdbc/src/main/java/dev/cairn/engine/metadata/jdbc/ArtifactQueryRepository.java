package dev.cairn.engine.metadata.jdbc;

import static java.util.Objects.requireNonNull;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.ArtifactFilter;
import dev.cairn.api.artifact.MetadataValue;
import dev.cairn.api.metadata.ArtifactVersionRecord;
import dev.cairn.api.metadata.MetadataStore.VersionPage;
import org.apiguardian.api.API;

/**
 * Filtered, cursor-paginated queries over {@code READY} artifact versions. The order is {@code created_at DESC, id DESC},
 * read from {@code artifact_versions_by_creation}; each filter is an indexed {@code IN} subquery or column test (tags by
 * {@code version_tags_by_tag} / {@code artifact_tags_by_tag}, metadata numbers by {@code logged_metadata_by_number},
 * latest values by {@code logged_metadata_by_target}); the cursor is the last row's {@code created_at} and id, so a
 * page costs the same however deep it is. Thread-safe.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class ArtifactQueryRepository {
    private final ArtifactVersionRepository artifacts;
    private final ColumnCodec codec;

    public ArtifactQueryRepository(ArtifactVersionRepository artifacts, ColumnCodec codec) {
        this.artifacts = requireNonNull(artifacts, "artifacts is null");
        this.codec = requireNonNull(codec, "codec is null");
    }

    /** Binds one parameter of a query. */
    public interface Parameter {
        void bind(PreparedStatement statement, int index) throws SQLException;
    }

    /** The SQL of a query and its parameters (visible for the query-plan test). */
    public record Query(String sql, List<Parameter> parameters, int limit) {}

    public Query build(List<ArtifactFilter> filters) {
        StringBuilder where = new StringBuilder(" WHERE a.state = 'READY'");
        List<Parameter> parameters = new ArrayList<>();
        int limit = ArtifactFilter.DEFAULT_LIMIT;
        for (ArtifactFilter filter : filters) {
            requireNonNull(filter, "filters contains null");
            if (filter instanceof ArtifactFilter.Name name) {
                where.append(" AND a.name = ?");
                parameters.add((s, i) -> s.setString(i, name.name()));
            } else if (filter instanceof ArtifactFilter.Tag tag) {
                where.append(" AND (a.id IN (SELECT artifact_id FROM version_tags WHERE tag = ?) OR a.name IN (SELECT name FROM artifact_tags WHERE tag = ?))");
                parameters.add((s, i) -> s.setString(i, tag.tag()));
                parameters.add((s, i) -> s.setString(i, tag.tag()));
            } else if (filter instanceof ArtifactFilter.DataType type) {
                where.append(" AND a.data_type = ?");
                parameters.add((s, i) -> s.setString(i, type.dataType()));
            } else if (filter instanceof ArtifactFilter.OfArtifactType type) {
                where.append(" AND a.artifact_type = ?");
                parameters.add((s, i) -> s.setString(i, type.artifactType().name()));
            } else if (filter instanceof ArtifactFilter.ProducedBy producer) {
                where.append(" AND a.producer_step_run_id IN (SELECT s.id FROM pipelines p JOIN pipeline_runs r ON r.pipeline_id = p.id"
                        + " JOIN step_runs s ON s.run_id = r.id WHERE p.name = ?");
                parameters.add((s, i) -> s.setString(i, producer.pipeline()));
                if (producer.step().isPresent()) {
                    where.append(" AND s.step_name = ?");
                    parameters.add((s, i) -> s.setString(i, producer.step().get()));
                }
                where.append(")");
            } else if (filter instanceof ArtifactFilter.CreatedBefore before) {
                long at = ColumnCodec.epochNanos(before.instant(), "created-before bound", "query");
                where.append(" AND a.created_at < ?");
                parameters.add((s, i) -> s.setLong(i, at));
            } else if (filter instanceof ArtifactFilter.CreatedAfter after) {
                long at = ColumnCodec.epochNanos(after.instant(), "created-after bound", "query");
                where.append(" AND a.created_at > ?");
                parameters.add((s, i) -> s.setLong(i, at));
            } else if (filter instanceof ArtifactFilter.MetadataPredicate predicate) {
                metadata(predicate, where, parameters);
            } else if (filter instanceof ArtifactFilter.Limit pageLimit) {
                limit = pageLimit.limit();
            } else if (filter instanceof ArtifactFilter.After after) {
                long[] createdAt = new long[1];
                String id = parseCursor(after.cursor(), createdAt);
                where.append(" AND (a.created_at < ? OR (a.created_at = ? AND a.id < ?))");
                parameters.add((s, i) -> s.setLong(i, createdAt[0]));
                parameters.add((s, i) -> s.setLong(i, createdAt[0]));
                parameters.add((s, i) -> s.setString(i, id));
            }
        }
        int pageSize = limit;
        String sql = "SELECT " + ArtifactVersionRepository.columns("a") + ", a.created_at FROM artifact_versions a"
                + where + " ORDER BY a.created_at DESC, a.id DESC LIMIT " + (pageSize + 1);
        return new Query(sql, parameters, pageSize);
    }

    private void metadata(ArtifactFilter.MetadataPredicate predicate, StringBuilder where, List<Parameter> parameters) {
        String latest = " AND m.seq = (SELECT max(l.seq) FROM logged_metadata l WHERE l.target_kind = 'ARTIFACT_VERSION'"
                + " AND l.target_id = m.target_id AND l.key = m.key)";
        where.append(" AND a.id IN (SELECT m.target_id FROM logged_metadata m WHERE m.key = ?");
        parameters.add((s, i) -> s.setString(i, predicate.key()));
        MetadataValue value = predicate.value();
        switch (predicate.comparison()) {
            case GT, GE, LT, LE -> {
                double number = value instanceof MetadataValue.NumberValue n ? n.value().doubleValue() : ((MetadataValue.StorageSize) value).bytes();
                String operator = switch (predicate.comparison()) {
                    case GT -> ">";
                    case GE -> ">=";
                    case LT -> "<";
                    default -> "<=";
                };
                where.append(" AND m.number_value ").append(operator).append(" ?");
                parameters.add((s, i) -> s.setDouble(i, number));
            }
            case EQ -> {
                if (value instanceof MetadataValue.NumberValue n) {
                    where.append(" AND m.number_value = ? AND m.type = 'number'");
                    parameters.add((s, i) -> s.setDouble(i, n.value().doubleValue()));
                } else {
                    String json = codec.json(Map.of("v", LoggedMetadataRepository.encode(value)), "metadata predicate", predicate.key());
                    where.append(" AND m.type = ? AND m.value = ?");
                    parameters.add((s, i) -> s.setString(i, value.type()));
                    parameters.add((s, i) -> s.setString(i, json));
                }
            }
            case CONTAINS -> {
                String json = codec.json(Map.of("v", ((MetadataValue.StringValue) value).value()), "metadata predicate", predicate.key());
                String inner = json.substring("{\"v\":\"".length(), json.length() - "\"}".length());
                String pattern = "%" + inner.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
                where.append(" AND m.type = 'string' AND m.value LIKE ? ESCAPE '\\'");
                parameters.add((s, i) -> s.setString(i, pattern));
            }
        }
        where.append(latest).append(")");
    }

    public VersionPage run(SqlSession session, List<ArtifactFilter> filters) throws SQLException {
        Query query = build(filters);
        List<Object[]> rows = session.list(query.sql(), statement -> {
            for (int i = 0; i < query.parameters().size(); i++) {
                query.parameters().get(i).bind(statement, i + 1);
            }
        }, row -> new Object[] {artifacts.map(row), row.getLong(ArtifactVersionRepository.COLUMN_COUNT + 1)});
        List<ArtifactVersionRecord> versions = new ArrayList<>();
        Optional<String> next = Optional.empty();
        for (int i = 0; i < rows.size() && i < query.limit(); i++) {
            versions.add((ArtifactVersionRecord) rows.get(i)[0]);
        }
        if (rows.size() > query.limit()) {
            Object[] last = rows.get(query.limit() - 1);
            next = Optional.of(last[1] + "_" + ((ArtifactVersionRecord) last[0]).id());
        }
        return new VersionPage(versions, next);
    }

    private static String parseCursor(String cursor, long[] createdAt) {
        int separator = cursor.indexOf('_');
        try {
            if (separator < 1) {
                throw new NumberFormatException(cursor);
            }
            createdAt[0] = Long.parseLong(cursor.substring(0, separator));
            return java.util.UUID.fromString(cursor.substring(separator + 1)).toString();
        } catch (IllegalArgumentException e) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "Cursor '" + cursor + "' is not one a query returned: pass ArtifactPage.nextCursor() as it is");
        }
    }
}
