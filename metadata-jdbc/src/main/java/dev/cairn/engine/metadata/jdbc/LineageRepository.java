package dev.cairn.engine.metadata.jdbc;

import static dev.cairn.engine.metadata.jdbc.ColumnCodec.uuid;
import static java.util.Objects.requireNonNull;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

import dev.cairn.api.metadata.InputKind;
import dev.cairn.api.metadata.StepInputRecord;
import dev.cairn.api.metadata.StepOutputRecord;
import org.apiguardian.api.API;

/**
 * The lineage aggregate: which artifact versions each step run consumed ({@code step_inputs}) and produced or reused
 * ({@code step_outputs}). Every method runs inside the caller's {@link SqlSession}. Thread-safe.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class LineageRepository {
    private static final String INPUT_SELECT = "SELECT i.step_run_id, i.name, i.artifact_id, i.kind FROM step_inputs i";
    private static final String OUTPUT_SELECT = "SELECT o.step_run_id, o.name, o.artifact_id FROM step_outputs o";

    private final SqlDialect dialect;
    private final String insertInput;
    private final String inputsOfRun;
    private final String outputsOfRun;
    private final String consumers;

    public LineageRepository(SqlDialect dialect) {
        this.dialect = requireNonNull(dialect, "dialect is null");
        this.insertInput = dialect.insertIgnoringConflict("INSERT INTO step_inputs (step_run_id, name, artifact_id, kind) VALUES (?, ?, ?, ?)",
                "step_run_id, name, artifact_id");
        String stepOrder = "s.position, " + dialect.insertionOrder("s");
        this.inputsOfRun = INPUT_SELECT + " JOIN step_runs s ON s.id = i.step_run_id WHERE s.run_id = ? ORDER BY " + stepOrder
                + ", i.name, i.artifact_id";
        this.outputsOfRun = OUTPUT_SELECT + " JOIN step_runs s ON s.id = o.step_run_id WHERE s.run_id = ? ORDER BY " + stepOrder + ", o.name";
        this.consumers = INPUT_SELECT + " JOIN step_runs s ON s.id = i.step_run_id JOIN pipeline_runs r ON r.id = s.run_id"
                + " WHERE i.artifact_id = ? ORDER BY r.started_at, " + dialect.insertionOrder("r") + ", " + stepOrder + ", i.name";
    }

    /** Records inputs; an input already recorded is left as it is. */
    public void insertInputs(SqlSession session, List<StepInputRecord> inputs) throws SQLException {
        session.executeRowsLater(insertInput, inputs.size(), (insert, i) -> {
            StepInputRecord input = inputs.get(i);
            insert.setString(1, input.stepRunId().toString());
            insert.setString(2, input.name());
            insert.setString(3, input.artifactId().toString());
            insert.setString(4, input.kind().name());
        });
    }

    /**
     * Records outputs; each must refer to a committed ({@code READY}) version.
     *
     * @throws WriteRejected if one refers to a version that is not committed (at once, or when the session sends its
     *     held-back statements: {@link SqlSession#updateLater})
     */
    public void insertOutputs(SqlSession session, List<StepOutputRecord> outputs) throws SQLException {
        for (StepOutputRecord output : outputs) {
            session.updateLater("INSERT INTO step_outputs (step_run_id, name, artifact_id)"
                    + " SELECT ?, ?, id FROM artifact_versions WHERE id = ? AND state = 'READY'", insert -> {
                        insert.setString(1, output.stepRunId().toString());
                        insert.setString(2, output.name());
                        insert.setString(3, output.artifactId().toString());
                    }, inserted -> {
                        if (inserted == 0) {
                            throw new WriteRejected("output '" + output.name() + "' refers to artifact version " + output.artifactId()
                                    + ", which is not committed; commit it in the same call or before");
                        }
                    });
        }
    }

    /** Deletes the output rows that name any of {@code artifactIds} (the versions are being deleted). */
    public void deleteOutputsNaming(SqlSession session, List<UUID> artifactIds) throws SQLException {
        session.update("DELETE FROM step_outputs WHERE artifact_id IN " + dialect.idListSubquery(),
                statement -> dialect.bindIdList(statement, 1, artifactIds));
    }

    public List<StepInputRecord> listInputs(SqlSession session, UUID stepRunId) throws SQLException {
        return session.list(INPUT_SELECT + " WHERE i.step_run_id = ? ORDER BY i.name, i.artifact_id",
                statement -> statement.setString(1, stepRunId.toString()), LineageRepository::input);
    }

    public List<StepOutputRecord> listOutputs(SqlSession session, UUID stepRunId) throws SQLException {
        return session.list(OUTPUT_SELECT + " WHERE o.step_run_id = ? ORDER BY o.name",
                statement -> statement.setString(1, stepRunId.toString()), LineageRepository::output);
    }

    public List<StepInputRecord> listInputsOfRun(SqlSession session, UUID runId) throws SQLException {
        return session.list(inputsOfRun, statement -> statement.setString(1, runId.toString()), LineageRepository::input);
    }

    public List<StepOutputRecord> listOutputsOfRun(SqlSession session, UUID runId) throws SQLException {
        return session.list(outputsOfRun, statement -> statement.setString(1, runId.toString()), LineageRepository::output);
    }

    /** The inputs that consumed {@code artifactId}, in the order their runs started. */
    public List<StepInputRecord> listConsumers(SqlSession session, UUID artifactId) throws SQLException {
        return session.list(consumers, statement -> statement.setString(1, artifactId.toString()), LineageRepository::input);
    }

    private static StepInputRecord input(ResultSet row) throws SQLException {
        return new StepInputRecord(uuid(row, 1), row.getString(2), uuid(row, 3), InputKind.valueOf(row.getString(4)));
    }

    private static StepOutputRecord output(ResultSet row) throws SQLException {
        return new StepOutputRecord(uuid(row, 1), row.getString(2), uuid(row, 3));
    }
}
