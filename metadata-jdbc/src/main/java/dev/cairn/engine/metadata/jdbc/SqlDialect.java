package dev.cairn.engine.metadata.jdbc;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

import org.apiguardian.api.API;

/**
 * Everything the metadata repositories need that differs between SQL databases: how a write transaction begins and
 * how version numbering is serialized, upsert syntax, the database clock, passing a list of ids as one parameter,
 * insertion order, schema introspection, the schema itself, and which {@link SQLException}s mean "unique violation",
 * "busy" or "disk full". The repositories hold only SQL that every supported database runs unchanged.
 *
 * <p>Implementations are stateless and thread-safe.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public interface SqlDialect {
    /** A short name for messages and logs ({@code sqlite}, {@code postgresql}). */
    String name();

    /** The statement that begins a write transaction (SQLite: {@code BEGIN IMMEDIATE}, which takes the write lock now). */
    String beginWriteTransaction();

    /** The statement that commits it. */
    default String commitTransaction() {
        return "COMMIT";
    }

    /**
     * Serializes version numbering of artifact {@code name} for the rest of the current write transaction, so that two
     * writers never compute the same {@code max + 1}. SQLite: nothing to do, the write transaction already holds the
     * database's single write lock; a server database locks a row per name ({@code SELECT … FOR UPDATE}).
     */
    void lockArtifactName(SqlSession session, String name) throws SQLException;

    /**
     * Serializes schema migration across processes for the rest of the current write transaction. SQLite: nothing to
     * do ({@code BEGIN IMMEDIATE} holds the write lock); a server database takes an advisory lock.
     */
    void lockSchemaMigration(SqlSession session) throws SQLException;

    /**
     * {@code insert} (an {@code INSERT … VALUES (…)} or {@code INSERT … SELECT …}) that does nothing when a row with
     * the same {@code conflictColumns} exists.
     */
    String insertIgnoringConflict(String insert, String conflictColumns);

    /**
     * {@code insert} that, when a row with the same {@code conflictColumns} exists, instead runs {@code assignments}
     * (which may name the proposed row as {@code excluded}) if {@code condition} holds for the existing row (referred
     * to by {@code table}'s name).
     */
    String upsert(String insert, String conflictColumns, String assignments, String condition);

    /** An SQL expression for the database's current time as INTEGER nanoseconds since the epoch. */
    String currentTimeNanos();

    /** A subquery (in parentheses) whose one column lists the ids bound by {@link #bindIdList} to one parameter. */
    String idListSubquery();

    /**
     * A condition that {@code column} is one of the ids bound by {@link #bindIdList} to one parameter; by default
     * {@code column IN} {@link #idListSubquery}. A dialect whose planner reads the listed rows first only when the list is
     * an index condition says so here (PostgreSQL: {@code column = ANY(?)}).
     */
    default String inIdList(String column) {
        return column + " IN " + idListSubquery();
    }

    /** Binds {@code ids} to parameter {@code index} of a statement that uses {@link #idListSubquery} or {@link #inIdList}. */
    void bindIdList(PreparedStatement statement, int index, List<UUID> ids) throws SQLException;

    /**
     * The text in {@code column} of the current row, empty for SQL NULL. The default is {@link java.sql.ResultSet#getString};
     * a dialect may read it faster (SQLite: the UTF-8 bytes, decoded in Java, is about a third cheaper per column).
     */
    default java.util.Optional<String> text(java.sql.ResultSet row, int column) throws SQLException {
        return java.util.Optional.ofNullable(row.getString(column));
    }

    /** An expression that orders the rows of the table aliased {@code alias} by insertion ({@code alias} may be empty). */
    String insertionOrder(String alias);

    /**
     * The clause that ends prune's query for deletable versions (table alias {@code a}): empty where the write
     * transaction already excludes every other writer (SQLite); on a server database it locks the candidates and skips
     * those another transaction has locked ({@code FOR UPDATE OF a SKIP LOCKED}), such as a version a run is recording
     * as its input right now, so a prune never waits for nor deletes what a run is using.
     */
    default String lockDeletionCandidates() {
        return "";
    }

    /**
     * The clause that ends a query reading one row of {@code artifact_versions} that the current write transaction is
     * about to refer to (a run's input lease): empty on SQLite (the write transaction excludes every other writer); on
     * a server database it holds the row against deletion until the transaction ends ({@code FOR KEY SHARE}), waiting
     * for a prune that has locked it and then seeing that it is gone.
     */
    default String lockKeyShare() {
        return "";
    }

    /**
     * The clause that ends a query reading rows of the table aliased {@code alias} whose state the current write
     * transaction depends on (a step completion reads its run's status): empty on SQLite; {@code FOR SHARE OF alias} on
     * a server database, so that the row cannot change until the transaction ends.
     */
    default String lockForShare(String alias) {
        return "";
    }

    /**
     * What ends a correlated {@code NOT EXISTS} subquery that must stay a probe per outer row (prune's unused rule)
     * instead of becoming an anti-join: empty on SQLite (its planner probes already); {@code " OFFSET 0"} on PostgreSQL.
     */
    default String perCandidateSubquery() {
        return "";
    }

    /**
     * Statements that make the rest of the current transaction prefer index probes (PostgreSQL:
     * {@code SET LOCAL enable_seqscan = off}); empty on SQLite. A query preceded by them runs in a transaction.
     */
    default List<String> indexProbeSettings() {
        return List.of();
    }

    /**
     * True when a step's first cache lookup should also take the cache lease when the key has no result
     * ({@code MetadataStore#findCacheCandidatesOrLease}): on a server database the conditional lease goes in the
     * lookup's round trip and saves the second lookup of a miss. False by default (SQLite: a lease is a write
     * transaction, and the lookup a read that takes no lock).
     */
    default boolean takesLeaseWithFirstLookup() {
        return false;
    }

    /** A query with one parameter, a table name, that returns a row when the table exists. */
    String tableExistsQuery();

    /** The schema history, oldest first; the last one's version is the schema version this code reads and writes. */
    List<SchemaMigration> migrations();

    /** True when {@code e} (or a cause) reports a violated unique or primary-key constraint. */
    boolean isUniqueViolation(SQLException e);

    /**
     * True when {@code e} is the unique violation of {@code UNIQUE (name, version)} on {@code artifact_versions}: on a
     * database whose numbered reservation sends its insert with the commit, the number was taken by a writer that skipped
     * the name's lock, and the reservation runs again (a bounded number of times). False by default.
     */
    default boolean isVersionNumberTaken(SQLException e) {
        return false;
    }

    /** True when {@code e} (or a cause) means another connection holds a lock; the work is retried. */
    boolean isBusy(SQLException e);

    /** True when {@code e} (or a cause) means the disk or the database is full. */
    boolean isDiskFull(SQLException e);
}
