package dev.cairn.engine.metadata.jdbc;

import static java.util.Objects.requireNonNull;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import org.apiguardian.api.API;

/**
 * Copies the metadata of one JDBC metadata store into another (a home's SQLite file into a shared PostgreSQL database):
 * every table — pipelines, runs, step runs (with their cache keys), artifact versions, visualizations, lineage, tags,
 * aliases and their history, logged metadata, deletion tombstones — then checks that every source row is in the target.
 *
 * <p><b>Idempotent.</b> A row whose key the target already holds with the same content is left alone, so running the
 * copy twice changes nothing, and copying a home again after it gained runs adds only the new rows. Tables without a
 * natural key (alias history, logged metadata) are compared as multisets of their content. The whole copy is one
 * target transaction: an interrupted copy leaves nothing behind, and running it again completes it.
 *
 * <p><b>Conflicts.</b> A row whose key the target holds with other content (same run id, different status; the same
 * {@code name:version} under another id; an alias pointing elsewhere) stops the copy before anything is committed,
 * naming the table, the key and the first differing column. Pipelines are matched by name (their numeric ids are
 * internal), so homes can be merged into one server. Cache leases are not copied: they belong to live processes.
 *
 * <p>Insertion order is kept (rows are inserted in the source's insertion order, and the target numbers them anew),
 * so "newest first" listings read the same on both. Both stores must be at the same schema version, and every table
 * of the source must be one this class knows: a table added by a later migration and not listed here fails the copy
 * instead of being left behind.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class MetadataCopy {
    /** Rows of one table: how many the source holds, how many were inserted, found identical, and verified afterwards. */
    public record TableCount(String table, long source, long copied, long alreadyPresent, long verified) {}

    /** The outcome of a copy, table by table in copy order. */
    public record Report(List<TableCount> tables) {
        public Report {
            tables = List.copyOf(tables);
        }

        public long copied() {
            return tables.stream().mapToLong(TableCount::copied).sum();
        }

        public long source() {
            return tables.stream().mapToLong(TableCount::source).sum();
        }
    }

    /** How a table is copied: its key (empty: compared by content), whether it has an insertion order to keep. */
    private record Table(String name, List<String> key, boolean ordered) {}

    /** Every table the copy writes, parents before children. */
    private static final List<Table> TABLES = List.of(
            new Table("pipeline_runs", List.of("id"), true),
            new Table("step_runs", List.of("id"), true),
            new Table("artifact_versions", List.of("id"), true),
            new Table("visualizations", List.of("artifact_id", "position"), false),
            new Table("step_inputs", List.of("step_run_id", "name", "artifact_id"), false),
            new Table("step_outputs", List.of("step_run_id", "name"), false),
            new Table("artifact_deletions", List.of("id"), false),
            new Table("artifact_tags", List.of("name", "tag"), false),
            new Table("version_tags", List.of("artifact_id", "tag"), false),
            new Table("artifact_aliases", List.of("name", "alias"), false),
            new Table("artifact_alias_moves", List.of(), true),
            new Table("logged_metadata", List.of(), true),
            new Table("retired_artifact_versions", List.of("name", "version"), false));

    /** Tables the copy reads but does not copy as they are: derived ({@code artifact_names}), transient (cache leases, the input leases of running runs), or its own. */
    private static final Set<String> NOT_COPIED = Set.of("schema_version", "cache_leases", "run_input_leases", "artifact_names", "pipelines");

    private static final String SEQ = "seq";

    private MetadataCopy() {}

    /**
     * Copies {@code from} into {@code to} and verifies the result; {@code progress} receives one line per table.
     *
     * @throws CairnException {@code METADATA_FAILURE} naming the first conflicting row, a schema difference, an unknown
     *     source table, or a failed verification; nothing is committed then
     */
    public static Report copy(JdbcMetadataStore from, JdbcMetadataStore to, Consumer<String> progress) {
        requireNonNull(from, "from is null");
        requireNonNull(to, "to is null");
        requireNonNull(progress, "progress is null");
        SqlDatabase source = from.database();
        SqlDatabase target = to.database();
        Snapshot snapshot = relocated(source.read("read the metadata to copy", session -> readAll(session, source.dialect())),
                from.storedLocations(), to.storedLocations());
        int targetVersion = target.read("read the schema version", MetadataCopy::schemaVersion);
        if (snapshot.schemaVersion != targetVersion) {
            throw failure(target, "the source " + source.location() + " is at schema version " + snapshot.schemaVersion + " and the target at "
                    + targetVersion + "; open both with this Cairn first so that each is migrated to the latest schema");
        }
        Map<String, long[]> counts = target.write("copy metadata from " + source.location(), session -> {
            Map<String, long[]> written = new LinkedHashMap<>();
            Map<Object, Object> pipelineIds = copyPipelines(session, snapshot, written);
            for (Table table : TABLES) {
                SourceTable rows = snapshot.tables.get(table.name());
                if (table.name().equals("pipeline_runs")) {
                    rows = rows.mapColumn("pipeline_id", pipelineIds);
                }
                written.put(table.name(), copyTable(session, table, rows, true));
                if (table.name().equals("artifact_versions")) {
                    int nameColumn = rows.columns.indexOf("name");
                    for (String name : new TreeSet<>(rows.rows.stream().map(row -> (String) row[nameColumn]).toList())) {
                        target.dialect().lockArtifactName(session, name); // PostgreSQL numbers a name's versions under its row
                    }
                }
            }
            return written;
        });
        Map<String, long[]> verified = verify(target, snapshot);
        List<TableCount> tables = new ArrayList<>();
        for (Map.Entry<String, long[]> entry : counts.entrySet()) {
            String table = entry.getKey();
            long sourceRows = table.equals("pipelines") ? snapshot.pipelines.rows.size() : snapshot.tables.get(table).rows.size();
            long copied = entry.getValue()[0];
            long present = entry.getValue()[1];
            long checked = verified.get(table)[1];
            TableCount count = new TableCount(table, sourceRows, copied, present, checked);
            if (checked != sourceRows) {
                throw failure(target, "verification failed: table " + table + " holds " + checked + " of the source's " + sourceRows
                        + " rows after the copy committed; another process may have changed the target meanwhile. Run the copy again");
            }
            tables.add(count);
            progress.accept(String.format(Locale.ROOT, "%-22s %8d source %8d copied %8d already there %8d verified", table, sourceRows, copied,
                    present, checked));
        }
        return new Report(tables);
    }

    private static Map<String, long[]> verify(SqlDatabase target, Snapshot snapshot) {
        try {
            return target.read("verify the copied metadata", session -> {
                Map<String, long[]> found = new LinkedHashMap<>();
                found.put("pipelines", new long[] {0, pipelineIds(session, snapshot).size()});
                Map<Object, Object> pipelineIds = pipelineIds(session, snapshot);
                for (Table table : TABLES) {
                    SourceTable rows = snapshot.tables.get(table.name());
                    if (table.name().equals("pipeline_runs")) {
                        rows = rows.mapColumn("pipeline_id", pipelineIds);
                    }
                    found.put(table.name(), copyTable(session, table, rows, false));
                }
                return found;
            });
        } catch (WriteRejected e) {
            throw failure(target, "verification failed after the copy committed: " + e.getMessage());
        }
    }

    // --- reading the source ---

    private record Snapshot(int schemaVersion, SourceTable pipelines, Map<String, SourceTable> tables) {}

    /** A table's rows as values normalized for comparison (Long, Double, String, byte[] or null), columns lower case. */
    private record SourceTable(List<String> columns, List<Object[]> rows) {
        /** Numbers as the target column's kind (Long for integral, Double for floating), so rows compare equal across databases. */
        SourceTable convertedTo(Map<String, Integer> targetTypes) {
            List<Object[]> converted = new ArrayList<>(rows.size());
            for (Object[] row : rows) {
                Object[] copy = row.clone();
                for (int i = 0; i < copy.length; i++) {
                    Integer type = targetTypes.get(columns.get(i));
                    if (copy[i] instanceof Number number && type != null) {
                        if (isIntegral(type) && !(number instanceof Long)) {
                            copy[i] = number.longValue();
                        } else if (isFloating(type) && !(number instanceof Double)) {
                            copy[i] = number.doubleValue();
                        }
                    }
                }
                converted.add(copy);
            }
            return new SourceTable(columns, converted);
        }

        SourceTable mapValues(String column, java.util.function.UnaryOperator<Object> mapping) {
            int index = columns.indexOf(column);
            if (index < 0) {
                return this;
            }
            List<Object[]> mapped = new ArrayList<>(rows.size());
            for (Object[] row : rows) {
                Object[] copy = row.clone();
                copy[index] = mapping.apply(row[index]);
                mapped.add(copy);
            }
            return new SourceTable(columns, mapped);
        }

        SourceTable mapColumn(String column, Map<Object, Object> mapping) {
            int index = columns.indexOf(column);
            List<Object[]> mapped = new ArrayList<>(rows.size());
            for (Object[] row : rows) {
                Object[] copy = row.clone();
                copy[index] = requireNonNull(mapping.get(row[index]), "pipeline id not mapped");
                mapped.add(copy);
            }
            return new SourceTable(columns, mapped);
        }
    }

    private static Snapshot readAll(SqlSession session, SqlDialect dialect) throws SQLException {
        boolean snapshot = dialect.name().equals("sqlite");
        if (snapshot) {
            session.executeOnce("BEGIN"); // one read snapshot of the whole file
        }
        try {
            Set<String> known = new LinkedHashSet<>(NOT_COPIED);
            TABLES.forEach(table -> known.add(table.name()));
            List<String> unknown = tableNames(session, dialect).stream().filter(name -> !known.contains(name)).sorted().toList();
            if (!unknown.isEmpty()) {
                throw new CairnException(ErrorCode.METADATA_FAILURE, "The source metadata store has tables this Cairn does not know how to copy: "
                        + unknown + "; use the Cairn version that wrote them to migrate");
            }
            int version = schemaVersion(session);
            SourceTable pipelines = read(session, "SELECT id, name, created_at FROM pipelines ORDER BY id");
            Map<String, SourceTable> tables = new LinkedHashMap<>();
            for (Table table : TABLES) {
                String order = table.ordered() ? dialect.insertionOrder("") : String.join(", ", table.key());
                tables.put(table.name(), read(session, "SELECT * FROM " + table.name() + " ORDER BY " + order));
            }
            return new Snapshot(version, pipelines, tables);
        } finally {
            if (snapshot) {
                session.executeOnce("ROLLBACK");
            }
        }
    }

    /**
     * The snapshot with its location columns as the target stores them: a location the source keeps relative to its
     * home ({@code ./store/...}) is resolved against where that home is, then written the target's way (absolute on a
     * server database), so the copy refers to the same files.
     */
    private static Snapshot relocated(Snapshot snapshot, StoredLocations from, StoredLocations to) {
        Map<String, SourceTable> tables = new LinkedHashMap<>(snapshot.tables);
        for (String table : List.of("artifact_versions", "artifact_deletions")) {
            SourceTable rows = tables.get(table);
            for (String column : List.of("uri", "store_uri")) {
                rows = rows.mapValues(column, text -> text == null ? null : to.store(from.load((String) text)));
            }
            tables.put(table, rows);
        }
        return new Snapshot(snapshot.schemaVersion, snapshot.pipelines, tables);
    }

    private static List<String> tableNames(SqlSession session, SqlDialect dialect) throws SQLException {
        String sql = dialect.name().equals("sqlite") ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                : "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'";
        return session.list(sql, row -> row.getString(1).toLowerCase(Locale.ROOT));
    }

    private static int schemaVersion(SqlSession session) throws SQLException {
        String version = session.queryText("SELECT MAX(version) FROM schema_version");
        return version == null ? 0 : Integer.parseInt(version);
    }

    private static SourceTable read(SqlSession session, String sql) throws SQLException {
        try (ResultSet rows = session.prepare(sql).executeQuery()) {
            ResultSetMetaData meta = rows.getMetaData();
            List<String> columns = new ArrayList<>();
            List<Integer> kept = new ArrayList<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                String column = meta.getColumnName(i).toLowerCase(Locale.ROOT);
                if (!column.equals(SEQ)) {
                    columns.add(column);
                    kept.add(i);
                }
            }
            List<Object[]> result = new ArrayList<>();
            while (rows.next()) {
                Object[] row = new Object[kept.size()];
                for (int i = 0; i < row.length; i++) {
                    row[i] = normalize(rows.getObject(kept.get(i)));
                }
                result.add(row);
            }
            return new SourceTable(List.copyOf(columns), result);
        }
    }

    private static Object normalize(Object value) {
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Float f) {
            return f.doubleValue();
        }
        return value;
    }

    // --- writing and checking the target ---

    /** Pipelines by name: a name the target knows keeps the target's id; another is inserted and numbered by the target. */
    private static Map<Object, Object> copyPipelines(SqlSession session, Snapshot snapshot, Map<String, long[]> written) throws SQLException {
        long copied = 0;
        long present = 0;
        for (Object[] row : snapshot.pipelines.rows) {
            boolean exists = session.first("SELECT id FROM pipelines WHERE name = ?", statement -> statement.setString(1, (String) row[1]),
                    result -> Boolean.TRUE).isPresent();
            if (exists) {
                present++;
            } else {
                session.update("INSERT INTO pipelines (name, created_at) VALUES (?, ?)", statement -> {
                    statement.setString(1, (String) row[1]);
                    statement.setLong(2, (Long) row[2]);
                });
                copied++;
            }
        }
        written.put("pipelines", new long[] {copied, present});
        return pipelineIds(session, snapshot);
    }

    private static Map<Object, Object> pipelineIds(SqlSession session, Snapshot snapshot) throws SQLException {
        Map<Object, Object> ids = new HashMap<>();
        for (Object[] row : snapshot.pipelines.rows) {
            session.first("SELECT id FROM pipelines WHERE name = ?", statement -> statement.setString(1, (String) row[1]),
                    result -> result.getLong(1)).ifPresent(id -> ids.put(row[0], id));
        }
        return ids;
    }

    /**
     * Copies (when {@code write}) or checks one table; returns {rows inserted, rows found identical}. Keyed rows are
     * looked up by key and compared column by column; unkeyed rows by their whole content, as a multiset.
     */
    private static long[] copyTable(SqlSession session, Table table, SourceTable rows, boolean write) throws SQLException {
        Map<String, Integer> targetTypes = targetColumnTypes(session, table.name());
        for (String column : rows.columns) {
            if (!targetTypes.containsKey(column)) {
                throw new CairnException(ErrorCode.METADATA_FAILURE, "Table " + table.name() + " of the target has no column " + column
                        + " that the source has; the two schemas differ. Open both with this Cairn first so that each is migrated to the latest schema");
            }
        }
        rows = rows.convertedTo(targetTypes);
        String columnList = String.join(", ", rows.columns);
        String insert = "INSERT INTO " + table.name() + " (" + columnList + ") VALUES (" + String.join(", ", rows.columns.stream().map(c -> "?").toList()) + ")";
        long copied = 0;
        long present = 0;
        if (table.key().isEmpty()) {
            Map<List<Object>, Integer> wanted = new LinkedHashMap<>();
            Map<List<Object>, Object[]> firstRow = new HashMap<>();
            for (Object[] row : rows.rows) {
                List<Object> content = contentKey(row);
                wanted.merge(content, 1, Integer::sum);
                firstRow.putIfAbsent(content, row);
            }
            // insert in source order: walk the rows, inserting each content's missing copies at its first occurrence
            Map<List<Object>, Long> existing = new HashMap<>();
            for (Object[] row : rows.rows) {
                List<Object> content = contentKey(row);
                if (existing.containsKey(content)) {
                    continue;
                }
                long count = countEqual(session, table.name(), rows.columns, row, targetTypes);
                existing.put(content, count);
                int need = wanted.get(content);
                long missing = Math.max(0, need - count);
                present += need - missing;
                if (write) {
                    for (long i = 0; i < missing; i++) {
                        insert(session, insert, rows.columns, row, targetTypes);
                    }
                    copied += missing;
                }
            }
            return new long[] {copied, present};
        }
        List<Integer> keyIndexes = table.key().stream().map(rows.columns::indexOf).toList();
        String lookup = "SELECT " + columnList + " FROM " + table.name() + " WHERE "
                + String.join(" AND ", table.key().stream().map(k -> k + " = ?").toList());
        for (Object[] row : rows.rows) {
            PreparedStatement query = session.prepare(lookup);
            for (int i = 0; i < keyIndexes.size(); i++) {
                bind(query, i + 1, row[keyIndexes.get(i)], targetTypes.get(table.key().get(i)));
            }
            Object[] found = null;
            try (ResultSet result = query.executeQuery()) {
                if (result.next()) {
                    found = new Object[rows.columns.size()];
                    for (int i = 0; i < found.length; i++) {
                        found[i] = normalize(result.getObject(i + 1));
                    }
                }
            }
            if (found != null) {
                int differing = firstDifference(found, row);
                if (differing >= 0) {
                    throw conflict(table.name(), table.key(), keyIndexes, row, rows.columns.get(differing), found[differing], row[differing]);
                }
                present++;
                continue;
            }
            if (!write) {
                continue;
            }
            if (table.name().equals("artifact_versions")) {
                checkVersionFree(session, rows, row);
            }
            insert(session, insert, rows.columns, row, targetTypes);
            copied++;
        }
        return new long[] {copied, present};
    }

    /** A version's {@code name:version} under another id in the target is a conflict the copy must name. */
    private static void checkVersionFree(SqlSession session, SourceTable rows, Object[] row) throws SQLException {
        String name = (String) row[rows.columns.indexOf("name")];
        String version = (String) row[rows.columns.indexOf("version")];
        java.util.Optional<String> other = session.first("SELECT id FROM artifact_versions WHERE name = ? AND version = ?", statement -> {
            statement.setString(1, name);
            statement.setString(2, version);
        }, result -> result.getString(1));
        if (other.isPresent()) {
            throw new WriteRejected("the target already holds artifact version " + name + ":" + version + " with id " + other.get()
                    + ", and the source holds it with id " + row[rows.columns.indexOf("id")] + ". The two stores recorded different artifacts"
                    + " under one name and version; rename one of them or migrate into another database. Nothing was copied");
        }
    }

    private static Map<String, Integer> targetColumnTypes(SqlSession session, String table) throws SQLException {
        Map<String, Integer> types = new HashMap<>();
        try (ResultSet empty = session.prepare("SELECT * FROM " + table + " WHERE 1 = 0").executeQuery()) {
            ResultSetMetaData meta = empty.getMetaData();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                types.put(meta.getColumnName(i).toLowerCase(Locale.ROOT), meta.getColumnType(i));
            }
        }
        return types;
    }

    private static long countEqual(SqlSession session, String table, List<String> columns, Object[] row, Map<String, Integer> types)
            throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT COUNT(*) FROM ").append(table).append(" WHERE ");
        for (int i = 0; i < columns.size(); i++) {
            sql.append(i == 0 ? "" : " AND ").append(columns.get(i)).append(row[i] == null ? " IS NULL" : " = ?");
        }
        PreparedStatement query = session.prepare(sql.toString());
        int parameter = 1;
        for (int i = 0; i < columns.size(); i++) {
            if (row[i] != null) {
                bind(query, parameter++, row[i], types.get(columns.get(i)));
            }
        }
        try (ResultSet result = query.executeQuery()) {
            result.next();
            return result.getLong(1);
        }
    }

    private static void insert(SqlSession session, String sql, List<String> columns, Object[] row, Map<String, Integer> types) throws SQLException {
        PreparedStatement statement = session.prepare(sql);
        for (int i = 0; i < columns.size(); i++) {
            bind(statement, i + 1, row[i], types.get(columns.get(i)));
        }
        statement.executeUpdate();
    }

    private static void bind(PreparedStatement statement, int index, Object value, int sqlType) throws SQLException {
        if (value == null) {
            statement.setNull(index, sqlType);
        } else if (value instanceof byte[] bytes) {
            statement.setBytes(index, bytes);
        } else if (value instanceof Long number && isIntegral(sqlType)) {
            if (sqlType == Types.INTEGER || sqlType == Types.SMALLINT) {
                statement.setInt(index, Math.toIntExact(number));
            } else {
                statement.setLong(index, number);
            }
        } else if (value instanceof Number number && isFloating(sqlType)) {
            statement.setDouble(index, number.doubleValue());
        } else if (value instanceof String text) {
            statement.setString(index, text);
        } else {
            statement.setObject(index, value);
        }
    }

    private static boolean isIntegral(int sqlType) {
        return sqlType == Types.BIGINT || sqlType == Types.INTEGER || sqlType == Types.SMALLINT || sqlType == Types.TINYINT
                || sqlType == Types.NUMERIC;
    }

    private static boolean isFloating(int sqlType) {
        return sqlType == Types.DOUBLE || sqlType == Types.FLOAT || sqlType == Types.REAL;
    }

    private static List<Object> contentKey(Object[] row) {
        List<Object> key = new ArrayList<>(row.length);
        for (Object value : row) {
            key.add(value instanceof byte[] bytes ? new BytesKey(bytes) : value);
        }
        return key;
    }

    private static int firstDifference(Object[] target, Object[] source) {
        for (int i = 0; i < source.length; i++) {
            Object a = target[i];
            Object b = source[i];
            boolean same = a instanceof byte[] x && b instanceof byte[] y ? Arrays.equals(x, y) : Objects.equals(a, b);
            if (!same) {
                return i;
            }
        }
        return -1;
    }

    private record BytesKey(byte[] bytes) {
        @Override
        public boolean equals(Object other) {
            return other instanceof BytesKey key && Arrays.equals(bytes, key.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }

    private static WriteRejected conflict(String table, List<String> key, List<Integer> keyIndexes, Object[] row, String column, Object target,
            Object source) {
        StringBuilder keyText = new StringBuilder();
        for (int i = 0; i < key.size(); i++) {
            keyText.append(i == 0 ? "" : ", ").append(key.get(i)).append('=').append(row[keyIndexes.get(i)]);
        }
        return new WriteRejected("the target already holds " + table + " (" + keyText + ") with different content: column " + column
                + " is " + shorten(target) + " there and " + shorten(source) + " in the source. The target holds other data under the same ids"
                + " (or the source changed since an earlier migration); migrate into an empty database, or remove the conflicting rows. Nothing was copied");
    }

    private static String shorten(Object value) {
        if (value == null) {
            return "NULL";
        }
        String text = value instanceof byte[] bytes ? bytes.length + " bytes" : "'" + value + "'";
        return text.length() > 80 ? text.substring(0, 77) + "...'" : text;
    }

    private static CairnException failure(SqlDatabase target, String why) {
        return new CairnException(ErrorCode.METADATA_FAILURE, "Metadata store " + target.location() + ": could not copy metadata: " + why);
    }
}
