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
 * Filtered, cursor-paginated queries over {@code READY} artifact versions. The order is {@code created_at DESC, id DESC};
 * the cursor is the last row's {@code created_at} and id, so a page costs the same however deep it is. Each query is
 * driven by one index read in that order, with no sort: a tag filter by {@code version_tags_by_tag_creation} (V14: the
 * version's {@code created_at} copied onto its tag rows), else a metadata predicate by
 * {@code logged_metadata_by_key_creation} (V13: the version's {@code created_at} on its metadata rows, a number predicate
 * tested in the index entry), else {@code artifact_versions_by_creation}. A metadata predicate tests at most
 * {@link #METADATA_WINDOW_PER_ROW} × (limit + 1) of the key's newest rows; when they hold too few matches for a page, a
 * number predicate's matches are counted up to that window ({@link Query#matchCount}, in {@code logged_metadata_by_number}):
 * that many or more, the page reads on in creation order ({@link Query#ordered}); fewer (and for string predicates), it
 * comes from {@link Query#exact} (every match read and sorted). The other filters are tests or indexed
 * {@code IN} subqueries on each row read. Versions tagged through their name ({@code artifact_tags}) come from one more
 * ordered read per tagged name ({@code artifact_versions_by_name_creation}), merged with the version tags' read; with
 * more than {@link #MAX_TAGGED_NAMES} tagged names the query falls back to one read of all matches and a sort.
 * Thread-safe.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class ArtifactQueryRepository {
    /** Above this many names carrying a tag, a tag query reads every match and sorts instead of one ordered read per name. */
    public static final int MAX_TAGGED_NAMES = 32;

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
    public record Query(String sql, List<Parameter> parameters, int limit, Optional<Query> exact, Optional<Query> matchCount,
            Optional<Query> ordered) {
        public Query(String sql, List<Parameter> parameters, int limit) {
            this(sql, parameters, limit, Optional.empty(), Optional.empty(), Optional.empty());
        }
    }

    /**
     * How many of a key's newest metadata rows (per row asked: limit + 1) a metadata-predicate page tests in creation order
     * before it counts the matches to choose between reading on in that order and reading every match and sorting.
     */
    public static final int METADATA_WINDOW_PER_ROW = 20;

    /** SQL text with its parameters, in order. */
    private static final class Sql {
        final StringBuilder text = new StringBuilder();
        final List<Parameter> parameters = new ArrayList<>();

        Sql append(String sql) {
            text.append(sql);
            return this;
        }

        Sql append(Sql other) {
            text.append(other.text);
            parameters.addAll(other.parameters);
            return this;
        }

        Sql bind(Parameter parameter) {
            parameters.add(parameter);
            return this;
        }
    }

    /** The query of {@code filters} when no name carries the filtered tag (used by the query-plan tests). */
    public Query build(List<ArtifactFilter> filters) {
        return build(filters, List.of());
    }

    /**
     * The query of {@code filters}; {@code taggedNames} are the names that carry the first tag filter's tag through
     * {@code artifact_tags} (their versions all match it).
     */
    public Query build(List<ArtifactFilter> filters, List<String> taggedNames) {
        Sql rest = new Sql();
        int limit = ArtifactFilter.DEFAULT_LIMIT;
        ArtifactFilter.Tag drivingTag = null;
        ArtifactFilter.MetadataPredicate drivingPredicate = null;
        long[] cursorAt = null;
        String cursorId = null;
        for (ArtifactFilter filter : filters) {
            requireNonNull(filter, "filters contains null");
            if (filter instanceof ArtifactFilter.Name name) {
                rest.append(" AND a.name = ?").bind((s, i) -> s.setString(i, name.name()));
            } else if (filter instanceof ArtifactFilter.Tag tag) {
                if (drivingTag == null) {
                    drivingTag = tag;
                } else {
                    tagCondition(tag, rest);
                }
            } else if (filter instanceof ArtifactFilter.DataType type) {
                rest.append(" AND a.data_type = ?").bind((s, i) -> s.setString(i, type.dataType()));
            } else if (filter instanceof ArtifactFilter.OfArtifactType type) {
                rest.append(" AND a.artifact_type = ?").bind((s, i) -> s.setString(i, type.artifactType().name()));
            } else if (filter instanceof ArtifactFilter.ProducedBy producer) {
                rest.append(" AND a.producer_step_run_id IN (SELECT s.id FROM pipelines p JOIN pipeline_runs r ON r.pipeline_id = p.id"
                        + " JOIN step_runs s ON s.run_id = r.id WHERE p.name = ?").bind((s, i) -> s.setString(i, producer.pipeline()));
                if (producer.step().isPresent()) {
                    rest.append(" AND s.step_name = ?").bind((s, i) -> s.setString(i, producer.step().get()));
                }
                rest.append(")");
            } else if (filter instanceof ArtifactFilter.CreatedBefore before) {
                long at = ColumnCodec.epochNanos(before.instant(), "created-before bound", "query");
                rest.append(" AND a.created_at < ?").bind((s, i) -> s.setLong(i, at));
            } else if (filter instanceof ArtifactFilter.CreatedAfter after) {
                long at = ColumnCodec.epochNanos(after.instant(), "created-after bound", "query");
                rest.append(" AND a.created_at > ?").bind((s, i) -> s.setLong(i, at));
            } else if (filter instanceof ArtifactFilter.MetadataPredicate predicate) {
                if (drivingPredicate == null) {
                    drivingPredicate = predicate;
                } else {
                    rest.append(" AND a.id IN (SELECT m.target_id FROM logged_metadata m WHERE m.key = ?")
                            .bind((s, i) -> s.setString(i, predicate.key()));
                    metadataCondition(predicate, rest);
                    rest.append(")");
                }
            } else if (filter instanceof ArtifactFilter.Limit pageLimit) {
                limit = pageLimit.limit();
            } else if (filter instanceof ArtifactFilter.After after) {
                cursorAt = new long[1];
                cursorId = parseCursor(after.cursor(), cursorAt);
            }
        }
        String columns = "SELECT " + ArtifactVersionRepository.columns("a") + ", a.created_at FROM ";
        String order = " LIMIT " + (limit + 1);
        Sql sql = new Sql();
        if (drivingTag != null && taggedNames.size() > MAX_TAGGED_NAMES) {
            // many tagged names: one read of every match and a sort
            Sql where = new Sql();
            tagCondition(drivingTag, where);
            if (drivingPredicate != null) {
                where.append(" AND a.id IN (SELECT m.target_id FROM logged_metadata m WHERE m.key = ?").bind(key(drivingPredicate));
                metadataCondition(drivingPredicate, where);
                where.append(")");
            }
            sql.append(columns + "artifact_versions a WHERE a.state = 'READY'").append(where).append(rest);
            cursor(sql, "a.created_at", "a.id", cursorAt, cursorId);
            sql.append(" ORDER BY a.created_at DESC, a.id DESC" + order);
        } else if (drivingTag != null) {
            ArtifactFilter.Tag tag = drivingTag;
            Sql predicate = new Sql();
            if (drivingPredicate != null) {
                predicate.append(" AND a.id IN (SELECT m.target_id FROM logged_metadata m WHERE m.key = ?").bind(key(drivingPredicate));
                metadataCondition(drivingPredicate, predicate);
                predicate.append(")");
            }
            Sql byVersionTag = new Sql().append(columns + "version_tags t CROSS JOIN artifact_versions a WHERE t.tag = ?")
                    .bind((s, i) -> s.setString(i, tag.tag()))
                    .append(" AND a.id = t.artifact_id AND a.state = 'READY'").append(predicate).append(rest);
            cursor(byVersionTag, "t.created_at", "t.artifact_id", cursorAt, cursorId);
            byVersionTag.append(" ORDER BY t.created_at DESC, t.artifact_id DESC" + order);
            if (taggedNames.isEmpty()) {
                sql = byVersionTag;
            } else {
                sql.append("SELECT * FROM (").append(byVersionTag).append(") q0");
                int arm = 1;
                for (String taggedName : taggedNames) {
                    Sql byName = new Sql().append(columns + "artifact_versions a WHERE a.name = ?").bind((s, i) -> s.setString(i, taggedName))
                            .append(" AND a.state = 'READY' AND NOT EXISTS (SELECT 1 FROM version_tags x WHERE x.artifact_id = a.id AND x.tag = ?)")
                            .bind((s, i) -> s.setString(i, tag.tag())).append(predicate).append(rest);
                    cursor(byName, "a.created_at", "a.id", cursorAt, cursorId);
                    byName.append(" ORDER BY a.created_at DESC, a.id DESC" + order);
                    sql.append(" UNION ALL SELECT * FROM (").append(byName).append(") q" + arm++);
                }
                // id is the first column, the ordering created_at the last
                sql.append(" ORDER BY " + (ArtifactVersionRepository.COLUMN_COUNT + 1) + " DESC, 1 DESC" + order);
            }
        } else if (drivingPredicate != null) {
            // the key's newest rows (a window of the ordered index), tested in that order; too few matches in the window:
            // the exact query (every match, then a sort) answers instead
            boolean range = switch (drivingPredicate.comparison()) {
                case GT, GE, LT, LE -> true;
                default -> false;
            };
            long window = (long) METADATA_WINDOW_PER_ROW * (limit + 1);
            sql = keyRowsInOrder(columns, drivingPredicate, range, window, cursorAt, cursorId, rest, order);
            Sql exact = new Sql().append(columns + "artifact_versions a WHERE a.state = 'READY'")
                    .append(" AND a.id IN (SELECT m.target_id FROM logged_metadata m WHERE m.key = ?").bind(key(drivingPredicate));
            metadataCondition(drivingPredicate, exact, true);
            exact.append(")").append(rest);
            cursor(exact, "a.created_at", "a.id", cursorAt, cursorId);
            exact.append(" ORDER BY a.created_at DESC, a.id DESC" + order);
            Optional<Query> matchCount = Optional.empty();
            Optional<Query> ordered = Optional.empty();
            boolean number = range || drivingPredicate.value() instanceof MetadataValue.NumberValue;
            if (number) {
                // how many rows match, counted up to the window in logged_metadata_by_number: that many or more, the whole
                // ordered read (bounded by the key's rows) replaces reading and sorting them
                Sql count = new Sql().append("SELECT count(*) FROM (SELECT 1 FROM logged_metadata m WHERE m.key = ?").bind(key(drivingPredicate));
                metadataCondition(drivingPredicate, count, false);
                count.append(" LIMIT " + window + ") c");
                matchCount = Optional.of(new Query(count.text.toString(), List.copyOf(count.parameters), (int) Math.min(window, Integer.MAX_VALUE)));
                Sql all = keyRowsInOrder(columns, drivingPredicate, range, Long.MAX_VALUE, cursorAt, cursorId, rest, order);
                ordered = Optional.of(new Query(all.text.toString(), List.copyOf(all.parameters), limit));
            }
            return new Query(sql.text.toString(), List.copyOf(sql.parameters), limit,
                    Optional.of(new Query(exact.text.toString(), List.copyOf(exact.parameters), limit)), matchCount, ordered);
        } else {
            sql.append(columns + "artifact_versions a WHERE a.state = 'READY'").append(rest);
            cursor(sql, "a.created_at", "a.id", cursorAt, cursorId);
            sql.append(" ORDER BY a.created_at DESC, a.id DESC" + order);
        }
        return new Query(sql.text.toString(), List.copyOf(sql.parameters), limit);
    }

    private static Parameter key(ArtifactFilter.MetadataPredicate predicate) {
        return (s, i) -> s.setString(i, predicate.key());
    }

    private static void tagCondition(ArtifactFilter.Tag tag, Sql where) {
        where.append(" AND (a.id IN (SELECT artifact_id FROM version_tags WHERE tag = ?) OR a.name IN (SELECT name FROM artifact_tags WHERE tag = ?))")
                .bind((s, i) -> s.setString(i, tag.tag())).bind((s, i) -> s.setString(i, tag.tag()));
    }

    private static void cursor(Sql sql, String atColumn, String idColumn, long[] at, String id) {
        if (at != null) {
            sql.append(" AND (" + atColumn + " < ? OR (" + atColumn + " = ? AND " + idColumn + " < ?))")
                    .bind((s, i) -> s.setLong(i, at[0])).bind((s, i) -> s.setLong(i, at[0])).bind((s, i) -> s.setString(i, id));
        }
    }

    /**
     * A page of the versions whose metadata row of {@code predicate}'s key matches, read from the key's newest {@code window}
     * rows in creation order ({@code logged_metadata_by_key_creation}); the LIMIT keeps the subquery a co-routine read in
     * index order (SQLite does not flatten it, so the number index is not chosen instead).
     */
    private Sql keyRowsInOrder(String columns, ArtifactFilter.MetadataPredicate predicate, boolean range, long window, long[] cursorAt,
            String cursorId, Sql rest, String order) {
        Sql sql = new Sql().append(columns + "(SELECT m.seq, m.target_id, m.key, m.version_created_at, m.number_value" + (range ? "" : ", m.type, m.value")
                + " FROM logged_metadata m WHERE m.key = ? AND m.version_created_at IS NOT NULL").bind(key(predicate));
        cursor(sql, "m.version_created_at", "m.target_id", cursorAt, cursorId);
        sql.append(" ORDER BY m.version_created_at DESC, m.target_id DESC LIMIT " + window
                + ") m CROSS JOIN artifact_versions a WHERE a.id = m.target_id AND a.state = 'READY'");
        metadataCondition(predicate, sql, true);
        sql.append(rest);
        sql.append(" ORDER BY m.version_created_at DESC, m.target_id DESC" + order);
        return sql;
    }

    private void metadataCondition(ArtifactFilter.MetadataPredicate predicate, Sql where) {
        metadataCondition(predicate, where, true);
    }

    /** The tests of {@code predicate} on the metadata row {@code m} (of its key): its value, and (when {@code latest}) that it is the latest of its key. */
    private void metadataCondition(ArtifactFilter.MetadataPredicate predicate, Sql where, boolean latest) {
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
                where.append(" AND m.number_value ").append(operator).append(" ?").bind((s, i) -> s.setDouble(i, number));
            }
            case EQ -> {
                if (value instanceof MetadataValue.NumberValue n) {
                    where.append(" AND m.number_value = ? AND m.type = 'number'").bind((s, i) -> s.setDouble(i, n.value().doubleValue()));
                } else {
                    String json = codec.json(Map.of("v", LoggedMetadataRepository.encode(value)), "metadata predicate", predicate.key());
                    where.append(" AND m.type = ? AND m.value = ?").bind((s, i) -> s.setString(i, value.type())).bind((s, i) -> s.setString(i, json));
                }
            }
            case CONTAINS -> {
                String json = codec.json(Map.of("v", ((MetadataValue.StringValue) value).value()), "metadata predicate", predicate.key());
                String inner = json.substring("{\"v\":\"".length(), json.length() - "\"}".length());
                String pattern = "%" + inner.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
                where.append(" AND m.type = 'string' AND m.value LIKE ? ESCAPE '\\'").bind((s, i) -> s.setString(i, pattern));
            }
        }
        if (latest) {
            where.append(" AND m.seq = (SELECT max(l.seq) FROM logged_metadata l WHERE l.target_kind = 'ARTIFACT_VERSION'"
                    + " AND l.target_id = m.target_id AND l.key = m.key)");
        }
    }

    public VersionPage run(SqlSession session, List<ArtifactFilter> filters) throws SQLException {
        List<String> taggedNames = List.of();
        for (ArtifactFilter filter : filters) {
            if (filter instanceof ArtifactFilter.Tag tag) {
                taggedNames = session.list("SELECT name FROM artifact_tags WHERE tag = ? ORDER BY name", statement -> statement.setString(1, tag.tag()),
                        row -> row.getString(1));
                break;
            }
        }
        Query query = build(filters, taggedNames);
        List<Object[]> rows = rows(session, query);
        if (rows.size() <= query.limit() && query.exact().isPresent()) {
            // the window held too few matches for a full page: many matches further back are read in order, few are sorted
            Query matchCount = query.matchCount().orElse(null);
            Query ordered = query.ordered().orElse(null);
            boolean many = false;
            if (matchCount != null && ordered != null) {
                List<Long> counted = session.list(matchCount.sql(), statement -> {
                    for (int i = 0; i < matchCount.parameters().size(); i++) {
                        matchCount.parameters().get(i).bind(statement, i + 1);
                    }
                }, row -> row.getLong(1));
                many = !counted.isEmpty() && counted.get(0) >= matchCount.limit();
            }
            rows = rows(session, many && ordered != null ? ordered : query.exact().get());
        }
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

    private List<Object[]> rows(SqlSession session, Query query) throws SQLException {
        return session.list(query.sql(), statement -> {
            for (int i = 0; i < query.parameters().size(); i++) {
                query.parameters().get(i).bind(statement, i + 1);
            }
        }, row -> new Object[] {artifacts.map(row), row.getLong(ArtifactVersionRepository.COLUMN_COUNT + 1)});
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
