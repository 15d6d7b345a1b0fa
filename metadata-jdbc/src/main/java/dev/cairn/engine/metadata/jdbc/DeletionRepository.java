package dev.cairn.engine.metadata.jdbc;

import static dev.cairn.engine.metadata.jdbc.ColumnCodec.optionalText;
import static dev.cairn.engine.metadata.jdbc.ColumnCodec.uuid;
import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

import dev.cairn.api.metadata.ArtifactDeletion;
import dev.cairn.api.metadata.ArtifactVersionRecord;
import org.apiguardian.api.API;

/**
 * The deletion aggregate: which artifact versions a prune may delete (the "unused" rule) and the deletion tombstones
 * ({@code artifact_deletions}) of versions whose metadata is gone and whose files may still exist. Every method runs
 * inside the caller's {@link SqlSession}. Thread-safe.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class DeletionRepository {
    /**
     * The unused rule of {@code MetadataStore#listUnusedArtifactVersions}, over rows aliased {@code a}; its one
     * parameter is 1 to include registered versions. A version is kept while a step input names it, while it is a
     * cache entry's or a running run's output, while a running run holds a lease on it, and while an alias points to it
     * or it carries a version tag (tags on the whole artifact name protect nothing).
     *
     * <p>Each rule is a {@code NOT EXISTS} correlated with the candidate and served by an index on {@code artifact_id}
     * ({@code step_outputs_by_artifact} since V12), so a prune costs index lookups per {@code READY} version instead of
     * reading every input and output ever recorded (1.7 s at 21,000 runs with {@code NOT IN} lists;
     * {@code PruneQueryBenchmark}). A cache entry is found first through the version's producing step run: a version
     * re-used from cache by thousands of runs has thousands of output rows, and only the general rule, which follows,
     * would have to read through them. The general rule keeps the meaning exact (an output of any cache entry or
     * running run keeps the version). {@code NOT EXISTS} and {@code NOT IN} agree here: none of the columns is nullable.
     * PostgreSQL's planner does not follow this shape by itself: it answers with hash anti-joins, or sequential scans per
     * candidate, because it expects many matches per version (BENCHMARKS.md); there each subquery ends with
     * {@code OFFSET 0} (no anti-join) and the query runs with sequential scans off for its transaction
     * ({@link SqlDialect#indexProbeSettings}), so each rule is an index probe per candidate ({@code PostgresPruneQueryPlanTest}).
     */
    private static final String UNUSED = unused("");

    /**
     * {@link #UNUSED} with {@code probe} ({@link SqlDialect#perCandidateSubquery}) ending each subquery; with a probe, the
     * rules that join step outputs to their step runs first read the version's own output rows through
     * {@code step_outputs_by_artifact} in a subquery of their own (kept apart by the probe), then join by primary key.
     */
    private static String unused(String probe) {
        if (probe.isEmpty()) {
            return "a.state = 'READY' AND (? = 1 OR a.registered = 0)"
                    + " AND NOT EXISTS (SELECT 1 FROM step_inputs i WHERE i.artifact_id = a.id)"
                    + " AND NOT EXISTS (SELECT 1 FROM step_outputs o JOIN step_runs s ON s.id = o.step_run_id WHERE o.step_run_id = a.producer_step_run_id"
                    + " AND o.artifact_id = a.id AND s.status = 'COMPLETED' AND s.cache_key IS NOT NULL)"
                    + " AND NOT EXISTS (SELECT 1 FROM step_outputs o JOIN step_runs s ON s.id = o.step_run_id JOIN pipeline_runs r ON r.id = s.run_id"
                    + " WHERE o.artifact_id = a.id AND ((s.status = 'COMPLETED' AND s.cache_key IS NOT NULL) OR r.status = 'RUNNING'))"
                    + " AND NOT EXISTS (SELECT 1 FROM run_input_leases l JOIN pipeline_runs r ON r.id = l.run_id WHERE l.artifact_id = a.id AND r.status = 'RUNNING')"
                    + " AND NOT EXISTS (SELECT 1 FROM artifact_aliases x WHERE x.artifact_id = a.id)"
                    + " AND NOT EXISTS (SELECT 1 FROM version_tags t WHERE t.artifact_id = a.id)";
        }
        String outputs = "(SELECT o.step_run_id FROM step_outputs o WHERE o.artifact_id = a.id";
        return "a.state = 'READY' AND (? = 1 OR a.registered = 0)"
                + " AND NOT EXISTS (SELECT 1 FROM step_inputs i WHERE i.artifact_id = a.id" + probe + ")"
                + " AND NOT EXISTS (SELECT 1 FROM " + outputs + " AND o.step_run_id = a.producer_step_run_id" + probe + ") o"
                + " JOIN step_runs s ON s.id = o.step_run_id WHERE s.status = 'COMPLETED' AND s.cache_key IS NOT NULL" + probe + ")"
                + " AND NOT EXISTS (SELECT 1 FROM " + outputs + probe + ") o JOIN step_runs s ON s.id = o.step_run_id"
                + " JOIN pipeline_runs r ON r.id = s.run_id WHERE (s.status = 'COMPLETED' AND s.cache_key IS NOT NULL) OR r.status = 'RUNNING'" + probe + ")"
                + " AND NOT EXISTS (SELECT 1 FROM run_input_leases l JOIN pipeline_runs r ON r.id = l.run_id WHERE l.artifact_id = a.id AND r.status = 'RUNNING'"
                + probe + ")"
                + " AND NOT EXISTS (SELECT 1 FROM artifact_aliases x WHERE x.artifact_id = a.id" + probe + ")"
                + " AND NOT EXISTS (SELECT 1 FROM version_tags t WHERE t.artifact_id = a.id" + probe + ")";
    }

    /**
     * The unused rule as it was up to V11, with one {@code NOT IN} list per rule, each computed from the whole table;
     * kept only as the baseline of {@code PruneQueryBenchmark}.
     */
    private static final String UNUSED_BEFORE_V12 = "a.state = 'READY' AND (? = 1 OR a.registered = 0)"
            + " AND a.id NOT IN (SELECT artifact_id FROM step_inputs)"
            + " AND a.id NOT IN (SELECT o.artifact_id FROM step_outputs o JOIN step_runs s ON s.id = o.step_run_id"
            + " JOIN pipeline_runs r ON r.id = s.run_id WHERE (s.status = 'COMPLETED' AND s.cache_key IS NOT NULL) OR r.status = 'RUNNING')"
            + " AND a.id NOT IN (SELECT l.artifact_id FROM run_input_leases l JOIN pipeline_runs r ON r.id = l.run_id WHERE r.status = 'RUNNING')"
            + " AND a.id NOT IN (SELECT artifact_id FROM artifact_aliases)"
            + " AND a.id NOT IN (SELECT artifact_id FROM version_tags)";
    /**
     * A {@code PENDING} version, over rows aliased {@code a}, whose producer is not a step of a {@code RUNNING} run: a
     * step's outputs are committed in the store one by one but stay {@code PENDING} until the step completes, so an age
     * alone never makes a live step's output deletable. A run whose process is gone is first recorded as {@code FAILED}
     * ({@code AbandonedRuns}); its pending outputs are then deletable by age like any other.
     */
    static final String PENDING_OF_NO_RUNNING_RUN = "a.state = 'PENDING' AND (a.producer_step_run_id IS NULL OR a.producer_step_run_id NOT IN"
            + " (SELECT s.id FROM step_runs s JOIN pipeline_runs r ON r.id = s.run_id WHERE r.status = 'RUNNING'))";
    private static final String SELECT = "SELECT " + ArtifactVersionRepository.columns("a") + " FROM artifact_versions a";

    private final SqlDialect dialect;
    private final ArtifactVersionRepository artifacts;
    private final String deletable;
    private final String deletableRecheck;
    private final String insertTombstone;
    private final String insertRetired;

    public DeletionRepository(SqlDialect dialect, ArtifactVersionRepository artifacts) {
        this.dialect = requireNonNull(dialect, "dialect is null");
        this.artifacts = requireNonNull(artifacts, "artifacts is null");
        String deletableRows = deletableStatement(dialect);
        this.deletable = deletableRows + dialect.lockDeletionCandidates();
        this.deletableRecheck = deletableRows;
        this.insertTombstone = dialect.insertIgnoringConflict("INSERT INTO artifact_deletions"
                + " (id, name, version, uri, store_uri, size, registered, content_hash, deleted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
                + dialect.currentTimeNanos() + ")", "id");
        this.insertRetired = dialect.insertIgnoringConflict("INSERT INTO retired_artifact_versions (name, version, version_number, retired_at)"
                + " VALUES (?, ?, ?, " + dialect.currentTimeNanos() + ")", "name, version");
    }

    /**
     * The statement {@link #listUnused} runs (one parameter: 1 to include registered versions); with {@code beforeV12},
     * the same rule as written up to schema V11, for query-plan tests and {@code PruneQueryBenchmark} only.
     */
    public static String listUnusedStatement(boolean beforeV12) {
        return SELECT + " WHERE " + (beforeV12 ? UNUSED_BEFORE_V12 : UNUSED) + " ORDER BY a.seq";
    }

    /**
     * {@link #listUnusedStatement(boolean)} as {@code dialect} runs it: each subquery ends with its
     * {@link SqlDialect#perCandidateSubquery} (PostgreSQL: {@code OFFSET 0}, so each rule stays a probe per candidate).
     */
    public static String listUnusedStatement(SqlDialect dialect) {
        return SELECT + " WHERE " + unused(dialect.perCandidateSubquery()) + " ORDER BY a.seq";
    }

    /**
     * The query {@link #listDeletable} runs (without its row locks), as {@code dialect} runs it: those of a list of ids
     * (parameter 1) that are unused ({@link #listUnusedStatement(SqlDialect)}'s rule, parameter 2) or pending and created
     * before parameter 3. Like the candidate query, each rule ends with the dialect's {@link SqlDialect#perCandidateSubquery}
     * and runs with its {@link SqlDialect#indexProbeSettings}: without them PostgreSQL answered each batch of a prune with
     * hash anti-joins over the whole history (1.7 s per 1,000 ids at 20,000 runs; BENCHMARKS.md, session 8). The ids are
     * an index condition ({@link SqlDialect#inIdList}), so only the listed versions are checked.
     */
    public static String deletableStatement(SqlDialect dialect) {
        return SELECT + " WHERE " + dialect.inIdList("a.id") + " AND ((" + unused(dialect.perCandidateSubquery())
                + ") OR (" + PENDING_OF_NO_RUNNING_RUN + " AND a.created_at < ?)) ORDER BY a.seq";
    }

    /**
     * {@code READY} versions that nothing uses, oldest first. On a dialect with {@link SqlDialect#indexProbeSettings}
     * (PostgreSQL) the caller runs this in a transaction; the settings go with the query in its round trip.
     */
    public List<ArtifactVersionRecord> listUnused(SqlSession session, boolean includeRegistered) throws SQLException {
        for (String setting : dialect.indexProbeSettings()) {
            session.updateLater(setting, statement -> {});
        }
        return session.list(listUnusedStatement(dialect), statement -> statement.setInt(1, includeRegistered ? 1 : 0),
                artifacts::map);
    }

    /**
     * Those of {@code artifactIds} that are unused now, or {@code PENDING}, created before {@code pendingCreatedBefore}
     * (epoch nanoseconds) and not produced by a step of a {@code RUNNING} run, oldest first.
     */
    public List<ArtifactVersionRecord> listDeletable(SqlSession session, List<UUID> artifactIds, boolean includeRegistered,
            long pendingCreatedBefore) throws SQLException {
        // the caller's write transaction; the settings (PostgreSQL: sequential scans off) go with the query in its round trip
        for (String setting : dialect.indexProbeSettings()) {
            session.updateLater(setting, statement -> {});
        }
        List<ArtifactVersionRecord> locked = session.list(deletable, statement -> {
            dialect.bindIdList(statement, 1, artifactIds);
            statement.setInt(2, includeRegistered ? 1 : 0);
            statement.setLong(3, pendingCreatedBefore);
        }, artifacts::map);
        if (dialect.lockDeletionCandidates().isEmpty() || locked.isEmpty()) {
            return locked; // one writer at a time (SQLite): nothing can change between the check and the deletion
        }
        // Under READ COMMITTED the rules above were evaluated on the statement's snapshot, taken before its row locks: a
        // run that leased (or a step that started using) a candidate and committed in between is not seen, yet its
        // lock is gone so the candidate was locked. A second statement sees everything committed before the locks were
        // taken, and whatever comes later waits for this transaction (a lease takes a key-share lock on the version).
        List<UUID> lockedIds = locked.stream().map(ArtifactVersionRecord::id).toList();
        java.util.Set<UUID> stillDeletable = new java.util.HashSet<>(session.list(deletableRecheck, statement -> {
            dialect.bindIdList(statement, 1, lockedIds);
            statement.setInt(2, includeRegistered ? 1 : 0);
            statement.setLong(3, pendingCreatedBefore);
        }, row -> artifacts.map(row).id()));
        return locked.stream().filter(version -> stillDeletable.contains(version.id())).toList();
    }

    /** Records tombstones, stamped with the database's time; a tombstone already recorded stays as it is. */
    public void insertTombstones(SqlSession session, List<ArtifactDeletion> deletions) throws SQLException {
        session.executeRows(insertTombstone, deletions.size(), (insert, i) -> {
            ArtifactDeletion deletion = deletions.get(i);
            insert.setString(1, deletion.id().toString());
            insert.setString(2, deletion.name());
            insert.setString(3, deletion.version());
            insert.setString(4, deletion.uri().map(artifacts.locations()::store).orElse(null));
            insert.setString(5, artifacts.locations().store(deletion.storeUri()));
            insert.setLong(6, deletion.size());
            insert.setInt(7, deletion.registered() ? 1 : 0);
            insert.setString(8, deletion.contentHash().orElse(null));
        });
    }

    /**
     * Remembers the name and version of each deleted {@code READY} version, so that numbering continues above it and
     * the same name and version never name other content.
     */
    public void retire(SqlSession session, List<ArtifactVersionRecord> versions) throws SQLException {
        List<ArtifactVersionRecord> ready = versions.stream().filter(v -> v.state() == dev.cairn.api.metadata.ArtifactState.READY).toList();
        session.executeRows(insertRetired, ready.size(), (insert, i) -> {
            ArtifactVersionRecord version = ready.get(i);
            insert.setString(1, version.name());
            insert.setString(2, version.version());
            long number = ArtifactVersionRepository.versionNumber(version.version());
            if (number > 0) {
                insert.setLong(3, number);
            } else {
                insert.setNull(3, java.sql.Types.BIGINT);
            }
        });
    }

    /** Tombstones, oldest first. */
    public List<ArtifactDeletion> listTombstones(SqlSession session) throws SQLException {
        return session.list("SELECT id, name, version, uri, store_uri, size, registered, content_hash FROM artifact_deletions ORDER BY deleted_at, id",
                row -> new ArtifactDeletion(uuid(row, 1), row.getString(2), row.getString(3), optionalText(row, 4).map(artifacts.locations()::load),
                        artifacts.locations().load(row.getString(5)), row.getLong(6), row.getInt(7) == 1, optionalText(row, 8)));
    }

    public void clearTombstones(SqlSession session, List<UUID> artifactIds) throws SQLException {
        session.update("DELETE FROM artifact_deletions WHERE id IN " + dialect.idListSubquery(),
                statement -> dialect.bindIdList(statement, 1, artifactIds));
    }
}
