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

    /** Sets the final status; false when no such run is recorded. */
    public boolean finish(SqlSession session, UUID runId, RunStatus status, long endedAt, Optional<String> error) throws SQLException {
        return session.update("UPDATE pipeline_runs SET status = ?, ended_at = ?, error = ? WHERE id = ?", statement -> {
            statement.setString(1, status.name());
            statement.setLong(2, endedAt);
            setText(statement, 3, error);
            statement.setString(4, runId.toString());
        }) > 0;
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
        return session.update("UPDATE pipeline_runs SET status = 'FAILED', ended_at = ?, error = ?"
                + " WHERE id = ? AND status = 'RUNNING' AND alive_until < ?", statement -> {
                    statement.setLong(1, now);
                    statement.setString(2, error);
                    statement.setString(3, runId.toString());
                    statement.setLong(4, now);
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
