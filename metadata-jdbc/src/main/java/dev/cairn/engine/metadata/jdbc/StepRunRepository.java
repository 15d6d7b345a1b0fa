package dev.cairn.engine.metadata.jdbc;

import static dev.cairn.engine.metadata.jdbc.ColumnCodec.optionalInstant;
import static dev.cairn.engine.metadata.jdbc.ColumnCodec.setInstant;
import static dev.cairn.engine.metadata.jdbc.ColumnCodec.setText;
import static dev.cairn.engine.metadata.jdbc.ColumnCodec.setUuid;
import static java.util.Objects.requireNonNull;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.run.StepFailure;
import java.util.UUID;

import dev.cairn.api.metadata.StepRunRecord;
import dev.cairn.api.run.StepStatus;
import org.apiguardian.api.API;

/**
 * The step-run aggregate: the {@code step_runs} table (status transitions, times, cache fields). Every method runs
 * inside the caller's {@link SqlSession}. Thread-safe.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class StepRunRepository {
    /** The columns {@link #map} reads, in order; a query may select them under an alias prefix. */
    public static final String COLUMNS = "id, run_id, step_name, position, upstream_steps, status, started_at, ended_at, parameters,"
            + " error, cache_key, cached_from, cache_note, error_code, error_class, error_message, log_uri, log_size";
    /** How many columns {@link #COLUMNS} names. */
    public static final int COLUMN_COUNT = 18;

    private static final String SELECT = "SELECT " + COLUMNS + " FROM step_runs";
    private static final String UPDATE = "UPDATE step_runs SET status = ?, started_at = ?, ended_at = ?, error = ?,"
            + " cache_key = ?, cached_from = ?, cache_note = ?, error_code = ?, error_class = ?, error_message = ?,"
            + " log_uri = ?, log_size = ? WHERE id = ?";

    private final SqlDialect dialect;
    private final ColumnCodec codec;
    private final String byRun;
    private final String completedByCacheKey;

    public StepRunRepository(SqlDialect dialect, ColumnCodec codec) {
        this.dialect = requireNonNull(dialect, "dialect is null");
        this.codec = requireNonNull(codec, "codec is null");
        this.byRun = SELECT + " WHERE run_id = ? ORDER BY position, " + dialect.insertionOrder("");
        this.completedByCacheKey = SELECT + " WHERE cache_key = ? AND status = 'COMPLETED' ORDER BY ended_at DESC, "
                + dialect.insertionOrder("") + " DESC LIMIT ?";
    }

    /**
     * Records the step runs of run {@code runId}; {@code upstream[i]} and {@code parameters[i]} are the JSON of
     * step {@code i}'s upstream steps and parameters.
     */
    public void insertAll(SqlSession session, UUID runId, List<StepRunRecord> steps, String[] upstream, String[] parameters)
            throws SQLException {
        String run = runId.toString();
        session.executeRows("INSERT INTO step_runs (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", steps.size(),
                (statement, i) -> {
                    StepRunRecord step = steps.get(i);
                    statement.setString(1, step.id().toString());
                    statement.setString(2, run);
                    statement.setString(3, step.stepName());
                    statement.setInt(4, step.position());
                    statement.setString(5, upstream[i]);
                    statement.setString(6, step.status().name());
                    setInstant(statement, 7, step.startedAt(), "start time of step", step.stepName());
                    setInstant(statement, 8, step.endedAt(), "end time of step", step.stepName());
                    statement.setString(9, parameters[i]);
                    setText(statement, 10, step.error());
                    setText(statement, 11, step.cacheKey());
                    setUuid(statement, 12, step.cachedFrom());
                    setText(statement, 13, step.cacheNote());
                    setFailure(statement, 14, step.failure());
                    setLog(statement, 17, step);
                });
    }

    /**
     * Replaces the mutable fields of a recorded step run.
     *
     * @throws WriteRejected if it is not recorded (at once, or when the session sends its held-back statements:
     *     {@link SqlSession#updateLaterRequiringRow})
     */
    public void update(SqlSession session, StepRunRecord stepRun) throws SQLException {
        session.updateLaterRequiringRow(UPDATE, statement -> {
            statement.setString(1, stepRun.status().name());
            setInstant(statement, 2, stepRun.startedAt(), "start time of step", stepRun.stepName());
            setInstant(statement, 3, stepRun.endedAt(), "end time of step", stepRun.stepName());
            setText(statement, 4, stepRun.error());
            setText(statement, 5, stepRun.cacheKey());
            setUuid(statement, 6, stepRun.cachedFrom());
            setText(statement, 7, stepRun.cacheNote());
            setFailure(statement, 8, stepRun.failure());
            setLog(statement, 11, stepRun);
            statement.setString(13, stepRun.id().toString());
        }, () -> new WriteRejected("step run " + stepRun.id() + " (" + stepRun.stepName()
                + ") is not recorded; record its run with insertRun first"));
    }

    /** Of a run given up as abandoned: {@code RUNNING} step runs become {@code FAILED}, {@code PENDING} ones {@code SKIPPED}. */
    public void failUnfinished(SqlSession session, UUID runId, long at, String error) throws SQLException {
        for (StepStatus[] change : new StepStatus[][] {{StepStatus.RUNNING, StepStatus.FAILED}, {StepStatus.PENDING, StepStatus.SKIPPED}}) {
            session.update("UPDATE step_runs SET status = ?, ended_at = ?, error = ? WHERE run_id = ? AND status = ?", statement -> {
                statement.setString(1, change[1].name());
                statement.setLong(2, at);
                statement.setString(3, error);
                statement.setString(4, runId.toString());
                statement.setString(5, change[0].name());
            });
        }
    }

    /** Step runs of a run, by position. */
    public List<StepRunRecord> listOfRun(SqlSession session, UUID runId) throws SQLException {
        return session.list(byRun, statement -> statement.setString(1, runId.toString()), this::map);
    }

    public Optional<StepRunRecord> find(SqlSession session, UUID stepRunId) throws SQLException {
        return session.first(SELECT + " WHERE id = ?", statement -> statement.setString(1, stepRunId.toString()), this::map);
    }

    /** {@code COMPLETED} step runs with {@code cacheKey}, newest first, at most {@code limit} (at least 1). */
    public List<StepRunRecord> findCompletedByCacheKey(SqlSession session, String cacheKey, int limit) throws SQLException {
        return session.list(completedByCacheKey, statement -> {
            statement.setString(1, cacheKey);
            statement.setInt(2, Math.max(1, limit));
        }, this::map);
    }

    /**
     * A step run from the {@link #COLUMNS}, which start at column 1. Text columns are read through
     * {@link SqlDialect#text}: a 10,000-step run page reads 100,000 of them.
     */
    public StepRunRecord map(ResultSet row) throws SQLException {
        return StepRunRecord.builder()
                .id(UUID.fromString(required(row, 1)))
                .runId(UUID.fromString(required(row, 2)))
                .stepName(required(row, 3))
                .position(row.getInt(4))
                .upstreamSteps(codec.stringList(required(row, 5)))
                .status(StepStatus.valueOf(required(row, 6)))
                .startedAt(optionalInstant(row, 7))
                .endedAt(optionalInstant(row, 8))
                .parameters(codec.map(required(row, 9)))
                .error(dialect.text(row, 10))
                .cacheKey(dialect.text(row, 11))
                .cachedFrom(dialect.text(row, 12).map(UUID::fromString))
                .cacheNote(dialect.text(row, 13))
                .failure(failure(row, 14))
                .logUri(dialect.text(row, 17).map(java.net.URI::create))
                .logSize(optionalLong(row, 18))
                .build();
    }

    private String required(ResultSet row, int column) throws SQLException {
        Optional<String> text = dialect.text(row, column);
        if (text.isEmpty()) {
            throw new SQLException("Column " + column + " of step_runs is NULL, which the schema does not allow");
        }
        return text.get();
    }

    /** Writes the log's URI and size into two columns from {@code first} (NULLs when there is none). */
    private static void setLog(java.sql.PreparedStatement statement, int first, StepRunRecord step) throws SQLException {
        setText(statement, first, step.logUri().map(java.net.URI::toString));
        if (step.logSize().isPresent()) {
            statement.setLong(first + 1, step.logSize().get());
        } else {
            statement.setNull(first + 1, java.sql.Types.BIGINT);
        }
    }

    private static Optional<Long> optionalLong(ResultSet row, int column) throws SQLException {
        long value = row.getLong(column);
        return row.wasNull() ? Optional.empty() : Optional.of(value);
    }

    /** Writes a failure's code, exception class and message into three columns from {@code first} (NULLs when there is none). */
    private static void setFailure(java.sql.PreparedStatement statement, int first, Optional<StepFailure> failure) throws SQLException {
        setText(statement, first, failure.map(f -> f.code().name()));
        setText(statement, first + 1, failure.map(StepFailure::exceptionClass));
        setText(statement, first + 2, failure.map(StepFailure::message));
    }

    private Optional<StepFailure> failure(ResultSet row, int first) throws SQLException {
        Optional<String> code = dialect.text(row, first);
        if (code.isEmpty()) {
            return Optional.empty();
        }
        ErrorCode errorCode;
        try {
            errorCode = ErrorCode.valueOf(code.get());
        } catch (IllegalArgumentException e) { // a code a newer Cairn added: keep the failure under the generic step code
            errorCode = ErrorCode.STEP_FAILED;
        }
        return Optional.of(new StepFailure(errorCode, dialect.text(row, first + 1).orElse(""), dialect.text(row, first + 2).orElse("")));
    }
}
