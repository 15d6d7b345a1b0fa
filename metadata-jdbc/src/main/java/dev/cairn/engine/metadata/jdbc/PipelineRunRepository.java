package dev.cairn.engine.metadata.jdbc;

import static dev.cairn.engine.metadata.jdbc.ColumnCodec.instant;
import static dev.cairn.engine.metadata.jdbc.ColumnCodec.optionalInstant;
import static dev.cairn.engine.metadata.jdbc.ColumnCodec.optionalText;
import static dev.cairn.engine.metadata.jdbc.ColumnCodec.setInstant;
import static dev.cairn.engine.metadata.jdbc.ColumnCodec.setText;
import static dev.cairn.engine.metadata.jdbc.ColumnCodec.uuid;
import static java.util.Objects.requireNonNull;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import dev.cairn.api.metadata.PipelineRunRecord;
import dev.cairn.api.metadata.RunOwner;
import dev.cairn.api.run.RunStatus;
import org.apiguardian.api.API;

/**
 * The pipeline-run aggregate: the {@code pipelines} and {@code pipeline_runs} tables, including the liveness of
 * running runs ({@code alive_until}). Every method runs inside the caller's {@link SqlSession}; transactions are the
 * caller's business. Thread-safe (stateless apart from its SQL texts).
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class PipelineRunRepository {
    private final SqlDialect dialect;
    private final ColumnCodec codec;
    private final String insertPipeline;
    private final String select;
    private final String order;

    public PipelineRunRepository(SqlDialect dialect, ColumnCodec codec) {
        this.dialect = requireNonNull(dialect, "dialect is null");
        this.codec = requireNonNull(codec, "codec is null");
        this.insertPipeline = dialect.insertIgnoringConflict("INSERT INTO pipelines (name, created_at) VALUES (?, ?)", "name");
        this.select = "SELECT r.id, p.name, r.status, r.started_at, r.ended_at, r.parameters, r.error"
                + " FROM pipeline_runs r JOIN pipelines p ON p.id = r.pipeline_id";
        this.order = " ORDER BY r.started_at DESC, " + dialect.insertionOrder("r") + " DESC";
    }

    /** Records {@code run} (and its pipeline, when new); {@code parameters} is the run's parameters as JSON. */
    public void insert(SqlSession session, PipelineRunRecord run, String parameters, long startedAt) throws SQLException {
        session.update(insertPipeline, statement -> {
            statement.setString(1, run.pipelineName());
            statement.setLong(2, startedAt);
        });
        session.update("INSERT INTO pipeline_runs (id, pipeline_id, status, started_at, ended_at, parameters, error)"
                + " SELECT ?, id, ?, ?, ?, ?, ? FROM pipelines WHERE name = ?", statement -> {
                    statement.setString(1, run.id().toString());
                    statement.setString(2, run.status().name());
                    statement.setLong(3, startedAt);
                    setInstant(statement, 4, run.endedAt(), "end time of run", run.id());
                    statement.setString(5, parameters);
                    setText(statement, 6, run.error());
                    statement.setString(7, run.pipelineName());
                });
    }

    /** Sets the final status of a {@code RUNNING} run; false when no such run is running. */
    public boolean finish(SqlSession session, UUID runId, RunStatus status, long endedAt, Optional<String> error) throws SQLException {
        return session.update("UPDATE pipeline_runs SET status = ?, ended_at = ?, error = ? WHERE id = ? AND status = 'RUNNING'", statement -> {
            statement.setString(1, status.name());
            statement.setLong(2, endedAt);
            setText(statement, 3, error);
            statement.setString(4, runId.toString());
        }) > 0;
    }

    /** The status and error of a run, as stored; empty when no such run is recorded. */
    public Optional<String> describeStatus(SqlSession session, UUID runId) throws SQLException {
        return session.first("SELECT status, error FROM pipeline_runs WHERE id = ?", statement -> statement.setString(1, runId.toString()),
                row -> row.getString(1) + (row.getString(2) == null ? "" : " (" + row.getString(2) + ")"));
    }

    /**
     * The status of the run that step run {@code stepRunId} belongs to; empty when the step run is unknown.
     * {@code lockSuffix} ends the query ({@link SqlDialect#lockForShare} of {@code r}).
     */
    public Optional<String> statusOfStepRun(SqlSession session, UUID stepRunId, String lockSuffix) throws SQLException {
        return session.first("SELECT r.status FROM step_runs s JOIN pipeline_runs r ON r.id = s.run_id WHERE s.id = ?" + lockSuffix,
                statement -> statement.setString(1, stepRunId.toString()), row -> row.getString(1));
    }

    /**
     * Requires {@link #statusOfStepRun} to be {@code expected} (or the step run to be unknown), else {@code reject} gets
     * the status and throws: at once, or held back on a session that sends statements together, in order with the
     * statements held back after it, and checked by the server where it can ({@link SqlSession#requireLater}).
     */
    public void requireStatusOfStepRunLater(SqlSession session, UUID stepRunId, String lockSuffix, String expected,
            java.util.function.Consumer<String> reject) throws SQLException {
        session.requireLater("SELECT r.status FROM step_runs s JOIN pipeline_runs r ON r.id = s.run_id WHERE s.id = ?" + lockSuffix,
                statement -> statement.setString(1, stepRunId.toString()), expected, reject);
    }

    /** Records the process that owns a run. */
    public void setOwner(SqlSession session, UUID runId, RunOwner owner) throws SQLException {
        session.update("UPDATE pipeline_runs SET owner_host = ?, owner_pid = ?, owner_started_at = ? WHERE id = ?", statement -> {
            statement.setString(1, owner.host());
            statement.setLong(2, owner.pid());
            setInstant(statement, 3, owner.processStart(), "start of the process owning run", runId);
            statement.setString(4, runId.toString());
        });
    }

    /**
     * Leases {@code artifactIds} to the run; returns the ids that are not {@code READY} versions (nothing is leased for
     * them). {@code lockSuffix} ends the existence check and keeps the version from being deleted until the transaction
     * ends ({@link SqlDialect#lockKeyShare}).
     */
    public List<UUID> leaseInputs(SqlSession session, UUID runId, java.util.Collection<UUID> artifactIds, String lockSuffix) throws SQLException {
        List<UUID> missing = new java.util.ArrayList<>();
        for (UUID artifactId : artifactIds) {
            boolean ready = session.first("SELECT id FROM artifact_versions WHERE id = ? AND state = 'READY'" + lockSuffix,
                    statement -> statement.setString(1, artifactId.toString()), row -> Boolean.TRUE).isPresent();
            if (!ready) {
                missing.add(artifactId);
                continue;
            }
            session.update(dialect.insertIgnoringConflict("INSERT INTO run_input_leases (run_id, artifact_id) VALUES (?, ?)", "run_id, artifact_id"),
                    statement -> {
                        statement.setString(1, runId.toString());
                        statement.setString(2, artifactId.toString());
                    });
        }
        return missing;
    }

    /** Ends the input leases of a run. */
    public void endLeases(SqlSession session, UUID runId) throws SQLException {
        session.update("DELETE FROM run_input_leases WHERE run_id = ?", statement -> statement.setString(1, runId.toString()));
    }

    /** Deletes the leases naming {@code artifactIds} (of runs no longer running: a prune deletes only unleased versions). */
    public void deleteLeasesOf(SqlSession session, List<UUID> artifactIds) throws SQLException {
        session.update("DELETE FROM run_input_leases WHERE artifact_id IN " + dialect.idListSubquery(),
                statement -> dialect.bindIdList(statement, 1, artifactIds));
    }

    /** {@code RUNNING} runs whose liveness expired before {@code now}, with their owners, oldest expiry first. */
    public List<dev.cairn.api.metadata.MetadataStore.ExpiredRun> listExpiredWithOwners(SqlSession session, long now) throws SQLException {
        return session.list("SELECT id, alive_until, owner_host, owner_pid, owner_started_at FROM pipeline_runs"
                + " WHERE status = 'RUNNING' AND alive_until IS NOT NULL AND alive_until < ? ORDER BY alive_until, id",
                statement -> statement.setLong(1, now), row -> {
                    Optional<String> host = optionalText(row, 3);
                    long pid = row.getLong(4);
                    Optional<RunOwner> owner = host.isPresent() && pid > 0 ? Optional.of(new RunOwner(host.get(), pid, optionalInstant(row, 5)))
                            : Optional.empty();
                    return new dev.cairn.api.metadata.MetadataStore.ExpiredRun(uuid(row, 1), instant(row.getLong(2)), owner);
                });
    }

    /** Extends the liveness of a {@code RUNNING} run. */
    public void renew(SqlSession session, UUID runId, long aliveUntil) throws SQLException {
        session.update("UPDATE pipeline_runs SET alive_until = ? WHERE id = ? AND status = 'RUNNING'", statement -> {
            statement.setLong(1, aliveUntil);
            statement.setString(2, runId.toString());
        });
    }

    /** Ids of {@code RUNNING} runs whose liveness expired before {@code now}. */
    public List<UUID> listExpired(SqlSession session, long now) throws SQLException {
        return session.list("SELECT id FROM pipeline_runs WHERE status = 'RUNNING' AND alive_until IS NOT NULL AND alive_until < ?",
                statement -> statement.setLong(1, now), row -> uuid(row, 1));
    }

    /** Records an expired run as {@code FAILED}; false when it was renewed or finished meanwhile. */
    public boolean failExpired(SqlSession session, UUID runId, long now, String error) throws SQLException {
        return failExpired(session, runId, now, now, error);
    }

    /**
     * Records a run whose liveness expired before {@code expiredBefore} as {@code FAILED} at {@code now}; false when it
     * was renewed or finished meanwhile.
     */
    public boolean failExpired(SqlSession session, UUID runId, long now, long expiredBefore, String error) throws SQLException {
        return session.update("UPDATE pipeline_runs SET status = 'FAILED', ended_at = ?, error = ?"
                + " WHERE id = ? AND status = 'RUNNING' AND alive_until < ?", statement -> {
                    statement.setLong(1, now);
                    statement.setString(2, error);
                    statement.setString(3, runId.toString());
                    statement.setLong(4, expiredBefore);
                }) > 0;
    }

    public Optional<PipelineRunRecord> find(SqlSession session, UUID runId) throws SQLException {
        return session.first(select + " WHERE r.id = ?", statement -> statement.setString(1, runId.toString()), this::map);
    }

    /** Runs whose id starts with {@code lowerCasePrefix}, which holds only {@code [0-9a-f-]}, newest first. */
    public List<PipelineRunRecord> findByIdPrefix(SqlSession session, String lowerCasePrefix) throws SQLException {
        // Ids hold only [0-9a-f-], all below 'z': the ids starting with the prefix are exactly [prefix, prefix + "z").
        return session.list(select + " WHERE r.id >= ? AND r.id < ?" + order, statement -> {
            statement.setString(1, lowerCasePrefix);
            statement.setString(2, lowerCasePrefix + "z");
        }, this::map);
    }

    /** All runs, newest first. */
    public List<PipelineRunRecord> list(SqlSession session) throws SQLException {
        return session.list(select + order, this::map);
    }

    /** Runs of one pipeline, newest first. */
    public List<PipelineRunRecord> list(SqlSession session, String pipelineName) throws SQLException {
        return session.list(select + " WHERE p.name = ?" + order, statement -> statement.setString(1, pipelineName), this::map);
    }

    /**
     * Up to {@code query.limit() + 1} runs of a {@link dev.cairn.api.run.RunQuery} page, newest first by start time
     * then id (the extra one tells that a next page exists). The position's range on {@code started_at} is written as
     * {@code started_at <= t AND (started_at < t OR id < i)} so the start-time index serves it.
     */
    public List<PipelineRunRecord> page(SqlSession session, dev.cairn.api.run.RunQuery query) throws SQLException {
        StringBuilder sql = new StringBuilder(select).append(" WHERE 1 = 1");
        query.pipelineName().ifPresent(name -> sql.append(" AND p.name = ?"));
        query.status().ifPresent(status -> sql.append(" AND r.status = ?"));
        query.after().ifPresent(position -> sql.append(" AND r.started_at <= ? AND (r.started_at < ? OR r.id < ?)"));
        sql.append(" ORDER BY r.started_at DESC, r.id DESC LIMIT ?");
        return session.list(sql.toString(), statement -> {
            int index = 1;
            if (query.pipelineName().isPresent()) {
                statement.setString(index++, query.pipelineName().get());
            }
            if (query.status().isPresent()) {
                statement.setString(index++, query.status().get().name());
            }
            if (query.after().isPresent()) {
                dev.cairn.api.run.RunQuery.Position position = query.after().get();
                long startedAt = ColumnCodec.epochNanos(position.startedAt(), "cursor start time", "of the run page");
                statement.setLong(index++, startedAt);
                statement.setLong(index++, startedAt);
                statement.setString(index++, position.id().toString());
            }
            statement.setInt(index, query.limit() + 1);
        }, this::map);
    }

    private PipelineRunRecord map(ResultSet row) throws SQLException {
        return new PipelineRunRecord(
                uuid(row, 1),
                row.getString(2),
                RunStatus.valueOf(row.getString(3)),
                instant(row.getLong(4)),
                optionalInstant(row, 5),
                codec.map(row.getString(6)),
                optionalText(row, 7));
    }

    @Override
    public String toString() {
        return "PipelineRunRepository[" + dialect.name() + "]";
    }
}
