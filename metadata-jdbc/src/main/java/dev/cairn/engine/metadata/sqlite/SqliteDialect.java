package dev.cairn.engine.metadata.sqlite;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

import dev.cairn.engine.metadata.jdbc.SchemaMigration;
import dev.cairn.engine.metadata.jdbc.SqlDialect;
import dev.cairn.engine.metadata.jdbc.SqlSession;
import org.apiguardian.api.API;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * SQLite's SQL: {@code BEGIN IMMEDIATE} write transactions (the database has one writer, so holding its write lock
 * also serializes version numbering), {@code ON CONFLICT} upserts, {@code julianday('now')} as the clock, id lists as
 * JSON arrays read with {@code json_each}, {@code rowid} as insertion order, {@code sqlite_master} for introspection,
 * and SQLite's result codes. Stateless and thread-safe.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class SqliteDialect implements SqlDialect {
    /** The one instance. */
    public static final SqliteDialect INSTANCE = new SqliteDialect();

    private SqliteDialect() {}

    @Override
    public String name() {
        return "sqlite";
    }

    @Override
    public String beginWriteTransaction() {
        return "BEGIN IMMEDIATE";
    }

    @Override
    public void lockArtifactName(SqlSession session, String name) {
        // BEGIN IMMEDIATE took the database's only write lock: no other writer can run until this transaction ends
    }

    @Override
    public void lockSchemaMigration(SqlSession session) {
        // BEGIN IMMEDIATE took the database's only write lock
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
        // julianday has millisecond resolution; 2440587.5 is the Julian day of the Unix epoch
        return "(CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) * 1000000)";
    }

    /** The column's UTF-8 bytes decoded here: sqlite-jdbc's {@code getString} costs more per call (measured in BENCHMARKS.md, dashboard). */
    @Override
    public java.util.Optional<String> text(java.sql.ResultSet row, int column) throws SQLException {
        byte[] bytes = row.getBytes(column);
        if (bytes == null) {
            // SQLite gives no bytes for an empty text as for NULL
            return row.wasNull() ? java.util.Optional.empty() : java.util.Optional.of("");
        }
        return java.util.Optional.of(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public String idListSubquery() {
        return "(SELECT value FROM json_each(?))";
    }

    @Override
    public void bindIdList(PreparedStatement statement, int index, List<UUID> ids) throws SQLException {
        StringBuilder json = new StringBuilder(ids.size() * 39 + 2).append('[');
        for (int i = 0; i < ids.size(); i++) {
            if (i > 0) {
                json.append(',');
            }
            json.append('"').append(ids.get(i)).append('"'); // UUID text needs no escaping
        }
        statement.setString(index, json.append(']').toString());
    }

    @Override
    public String insertionOrder(String alias) {
        return alias.isEmpty() ? "rowid" : alias + ".rowid";
    }

    @Override
    public String tableExistsQuery() {
        return "SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?";
    }

    @Override
    public List<SchemaMigration> migrations() {
        return SqliteSchema.MIGRATIONS;
    }

    @Override
    public boolean isUniqueViolation(SQLException e) {
        return hasCode(e, SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE, SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY);
    }

    /** SQLITE_BUSY and SQLITE_LOCKED (with any extended code), also when wrapped, as batch failures are. */
    @Override
    public boolean isBusy(SQLException e) {
        return hasPrimaryCode(e, SQLiteErrorCode.SQLITE_BUSY.code, SQLiteErrorCode.SQLITE_LOCKED.code);
    }

    @Override
    public boolean isDiskFull(SQLException e) {
        return hasPrimaryCode(e, SQLiteErrorCode.SQLITE_FULL.code);
    }

    private static boolean hasCode(SQLException e, SQLiteErrorCode... codes) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLiteException sqlite) {
                for (SQLiteErrorCode code : codes) {
                    if (sqlite.getResultCode() == code) {
                        return true;
                    }
                }
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }

    private static boolean hasPrimaryCode(SQLException e, int... codes) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql) {
                int primary = sql.getErrorCode() & 0xff;
                for (int code : codes) {
                    if (primary == code) {
                        return true;
                    }
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
        return "SqliteDialect";
    }
}
