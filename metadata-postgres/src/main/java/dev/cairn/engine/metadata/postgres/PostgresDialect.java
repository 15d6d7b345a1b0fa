package dev.cairn.engine.metadata.postgres;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

import dev.cairn.engine.metadata.jdbc.SchemaMigration;
import dev.cairn.engine.metadata.jdbc.SqlDialect;
import dev.cairn.engine.metadata.jdbc.SqlSession;
import org.apiguardian.api.API;

/**
 * PostgreSQL for the JDBC metadata store: READ COMMITTED transactions with explicit locks. Version numbering locks the
 * artifact name's row in {@code artifact_names} (with an upsert, which locks the row as {@code SELECT … FOR UPDATE}
 * would, in one statement); schema migration takes a transaction-scoped advisory lock; the clock is the server's ({@code now()}); errors are told apart by SQLSTATE.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class PostgresDialect implements SqlDialect {
    /** The one instance. */
    public static final PostgresDialect INSTANCE = new PostgresDialect();

    /** The advisory lock key of schema migrations ("cairn-sc" as a number). */
    static final long MIGRATION_LOCK = 0x636169726e2d7363L;

    private static final String LOCK_NAME = "INSERT INTO artifact_names (name) VALUES (?) ON CONFLICT (name) DO UPDATE SET name = excluded.name";

    private PostgresDialect() {}

    @Override
    public String name() {
        return "postgresql";
    }

    /** What a write transaction is; {@code PostgresDatabase} begins it by turning auto-commit off (READ COMMITTED is the pool's isolation). */
    @Override
    public String beginWriteTransaction() {
        return "BEGIN ISOLATION LEVEL READ COMMITTED";
    }

    @Override
    public void lockArtifactName(SqlSession session, String name) throws SQLException {
        // a row per name, locked until this transaction ends, so max + 1 is computed by one writer at a time per name;
        // one statement whether the name is new (the insert waits for a concurrent inserter of the same name to finish)
        // or not (the no-op update locks the row as an update, which a second writer waits for). Held back, it goes to
        // the server with the next query (max + 1), which the server runs after it, once the lock is taken.
        session.updateLater(LOCK_NAME, statement -> statement.setString(1, name));
    }

    @Override
    public void lockSchemaMigration(SqlSession session) throws SQLException {
        session.first("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")", statement -> {}, row -> Boolean.TRUE);
    }

    @Override
    public String insertIgnoringConflict(String insert, String conflictColumns) {
        return insert + " ON CONFLICT (" + conflictColumns + ") DO NOTHING";
    }

    @Override
    public String upsert(String insert, String conflictColumns, String assignments, String condition) {
        return insert + " ON CONFLICT (" + conflictColumns + ") DO UPDATE SET " + assignments + " WHERE " + condition;
    }

    @Override
    public String currentTimeNanos() {
        // the server's clock, at microsecond resolution; the start of the current transaction
        return "(CAST(floor(extract(epoch FROM now()) * 1000000) AS BIGINT) * 1000)";
    }

    @Override
    public String idListSubquery() {
        return "(SELECT unnest(CAST(? AS TEXT[])))";
    }

    /**
     * {@code column = ANY(…)}: an index condition, so the listed rows are read first. With {@link #idListSubquery} the
     * planner may instead walk every row of the table, filter each, and only then match the list (a prune batch's
     * check of 1,000 ids evaluated the unused rules for every version of the store).
     */
    @Override
    public String inIdList(String column) {
        return column + " = ANY(CAST(? AS TEXT[]))";
    }

    @Override
    public void bindIdList(PreparedStatement statement, int index, List<UUID> ids) throws SQLException {
        String[] values = new String[ids.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = ids.get(i).toString();
        }
        statement.setArray(index, statement.getConnection().createArrayOf("text", values));
    }

    @Override
    public String insertionOrder(String alias) {
        return alias.isEmpty() ? "seq" : alias + ".seq";
    }

    @Override
    public String lockDeletionCandidates() {
        return " FOR UPDATE OF a SKIP LOCKED";
    }

    @Override
    public String lockKeyShare() {
        return " FOR KEY SHARE";
    }

    @Override
    public String lockForShare(String alias) {
        return " FOR SHARE OF " + alias;
    }

    /** {@code OFFSET 0}: a subquery with an offset is not pulled up into an anti-join, so it stays a probe per row. */
    @Override
    public String perCandidateSubquery() {
        return " OFFSET 0";
    }

    /**
     * Sequential scans off for the transaction: the planner expects thousands of matches per candidate in the history
     * tables (most belong to a few cache entries) and would scan them per candidate rather than probe their
     * {@code artifact_id} indexes.
     */
    @Override
    public List<String> indexProbeSettings() {
        return List.of("SET LOCAL enable_seqscan = off");
    }

    @Override
    public String tableExistsQuery() {
        return "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?";
    }

    @Override
    public List<SchemaMigration> migrations() {
        return PostgresSchema.MIGRATIONS;
    }

    /** The conditional lease upsert goes in the round trip of a step's first lookup, so a miss needs no second lookup. */
    @Override
    public boolean takesLeaseWithFirstLookup() {
        return true;
    }

    /** SQLSTATE 23505, unique_violation. */
    @Override
    public boolean isUniqueViolation(SQLException e) {
        return hasState(e, "23505");
    }

    /** The name of the {@code UNIQUE (name, version)} constraint of {@code artifact_versions} (PostgreSQL's default name). */
    static final String VERSION_CONSTRAINT = "artifact_versions_name_version_key";

    /** 23505 on {@link #VERSION_CONSTRAINT}, as the server names it in the error. */
    @Override
    public boolean isVersionNumberTaken(SQLException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof org.postgresql.util.PSQLException psql && "23505".equals(psql.getSQLState())
                    && psql.getServerErrorMessage() != null && VERSION_CONSTRAINT.equals(psql.getServerErrorMessage().getConstraint())) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }

    /** Serialization failure (40001), deadlock (40P01) and lock not available (55P03): the transaction can run again. */
    @Override
    public boolean isBusy(SQLException e) {
        return hasState(e, "40001") || hasState(e, "40P01") || hasState(e, "55P03");
    }

    /** disk_full (53100) and out of memory / too many connections class 53. */
    @Override
    public boolean isDiskFull(SQLException e) {
        return hasState(e, "53100");
    }

    /** The connection is gone (class 08) or the server ended the session (57P01 admin shutdown, 57P02, 57P03). */
    public boolean isConnectionLost(SQLException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }

    /** query_canceled (57014), which statement_timeout raises. */
    public boolean isStatementTimeout(SQLException e) {
        return hasState(e, "57014");
    }

    private static boolean hasState(SQLException e, String state) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql) {
                if (state.equals(sql.getSQLState())) {
                    return true;
                }
                SQLException next = sql.getNextException();
                if (next != null && next != sql && state.equals(next.getSQLState())) {
                    return true;
                }
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "PostgresDialect";
    }
}
