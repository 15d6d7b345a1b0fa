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
import dev.cairn.api.metadata.UpstreamLineageRecord;
import dev.cairn.api.run.StepStatus;
import org.apiguardian.api.API;

/**
 * The lineage aggregate: which artifact versions each step run consumed ({@code step_inputs}) and produced or reused
 * ({@code step_outputs}). Every method runs inside the caller's {@link SqlSession}. Thread-safe.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class LineageRepository {
    private static final String INPUT_SELECT = "SELECT i.step_run_id, i.name, i.artifact_id, i.kind FROM step_inputs i";
    private static final String OUTPUT_SELECT = "SELECT o.step_run_id, o.name, o.artifact_id FROM step_outputs o";
    /**
     * The whole upstream lineage of one {@code READY} version ({@link dev.cairn.api.metadata.MetadataStore#listUpstreamLineage}),
     * one parameter: the version's id. The recursive part collects the ids of the versions reached with their producer's
     * id ({@code UNION} drops repeats, so diamonds and long chains are walked once per version; carrying every column the
     * graph shows instead made its rows wider and the query slower); the outer query adds, for each, its columns, its producer, the producer's output name for it, and one row per input of the
     * producer, naming the input only when its version is {@code READY} (plain left joins: a parenthesised join made
     * SQLite materialise every {@code READY} version). Every step is an index lookup: {@code artifact_versions.id}
     * (unique), the primary keys of {@code step_runs} and {@code step_outputs} and the {@code (step_run_id, …)} primary key
     * of {@code step_inputs} ({@code UpstreamLineageQueryPlanTest}). The pipeline names are read after it, once per run
     * ({@link #PIPELINE_NAMES}), not once per row.
     */
    public static final String UPSTREAM = """
            WITH RECURSIVE reached (id, producer) AS (
                SELECT id, producer_step_run_id FROM artifact_versions WHERE id = ? AND state = 'READY'
                UNION
                SELECT src.id, src.producer_step_run_id FROM reached
                JOIN step_runs s ON s.id = reached.producer
                JOIN step_inputs i ON i.step_run_id = s.id
                JOIN artifact_versions src ON src.id = i.artifact_id AND src.state = 'READY'
            )
            SELECT a.id, a.name, a.version, a.data_type, a.content_hash, s.id, s.step_name, s.status, s.run_id,
                (SELECT MIN(o.name) FROM step_outputs o WHERE o.step_run_id = s.id AND o.artifact_id = a.id),
                CASE WHEN src.id IS NULL THEN NULL ELSE i.name END, src.id
            FROM reached
            JOIN artifact_versions a ON a.id = reached.id
            LEFT JOIN step_runs s ON s.id = reached.producer
            LEFT JOIN step_inputs i ON i.step_run_id = s.id
            LEFT JOIN artifact_versions src ON src.id = i.artifact_id AND src.state = 'READY'""";


    private final SqlDialect dialect;
    private final String insertInput;
    private final String inputsOfRun;
    private final String outputsOfRun;
    private final String consumers;
    /** The pipeline names of the runs of {@link #UPSTREAM}'s step runs, one parameter: the run ids ({@link SqlDialect#idListSubquery}). */
    private final String pipelineNames;

    public LineageRepository(SqlDialect dialect) {
        this.dialect = requireNonNull(dialect, "dialect is null");
        this.insertInput = dialect.insertIgnoringConflict("INSERT INTO step_inputs (step_run_id, name, artifact_id, kind) VALUES (?, ?, ?, ?)",
                "step_run_id, name, artifact_id");
        String stepOrder = "s.position, " + dialect.insertionOrder("s");
        this.inputsOfRun = INPUT_SELECT + " JOIN step_runs s ON s.id = i.step_run_id WHERE s.run_id = ? ORDER BY " + stepOrder
                + ", i.name, i.artifact_id";
        this.outputsOfRun = OUTPUT_SELECT + " JOIN step_runs s ON s.id = o.step_run_id WHERE s.run_id = ? ORDER BY " + stepOrder + ", o.name";
        this.pipelineNames = "SELECT r.id, p.name FROM pipeline_runs r JOIN pipelines p ON p.id = r.pipeline_id WHERE r.id IN " + dialect.idListSubquery();
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
     *     held-back statements: {@link SqlSession#updateLaterRequiringRow})
     */
    public void insertOutputs(SqlSession session, List<StepOutputRecord> outputs) throws SQLException {
        for (StepOutputRecord output : outputs) {
            session.updateLaterRequiringRow("INSERT INTO step_outputs (step_run_id, name, artifact_id)"
                    + " SELECT ?, ?, id FROM artifact_versions WHERE id = ? AND state = 'READY'", insert -> {
                        insert.setString(1, output.stepRunId().toString());
                        insert.setString(2, output.name());
                        insert.setString(3, output.artifactId().toString());
                    }, () -> new WriteRejected("output '" + output.name() + "' refers to artifact version " + output.artifactId()
                            + ", which is not committed; commit it in the same call or before"));
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

    /** {@link #UPSTREAM} for {@code artifactId}: one row of each reached version per input of its producer (see {@link UpstreamLineageRecord}). */
    public List<UpstreamLineageRecord> listUpstream(SqlSession session, UUID artifactId) throws SQLException {
        List<UpstreamLineageRecord> rows = session.list(UPSTREAM, statement -> statement.setString(1, artifactId.toString()), this::upstream);
        java.util.Set<UUID> runs = new java.util.LinkedHashSet<>();
        for (UpstreamLineageRecord row : rows) {
            if (row.runId() != null) {
                runs.add(row.runId());
            }
        }
        if (runs.isEmpty()) {
            return rows;
        }
        java.util.Map<UUID, String> pipelines = new java.util.HashMap<>();
        session.list(pipelineNames, statement -> dialect.bindIdList(statement, 1, List.copyOf(runs)), row -> pipelines.put(uuid(row, 1), text(row, 2)));
        List<UpstreamLineageRecord> named = new java.util.ArrayList<>(rows.size());
        for (UpstreamLineageRecord row : rows) {
            String pipeline = row.runId() == null ? null : pipelines.get(row.runId());
            named.add(pipeline == null ? row : new UpstreamLineageRecord(row.artifactId(), row.name(), row.version(), row.dataType(), row.contentHash(),
                    row.producerId(), row.stepName(), row.status(), row.runId(), pipeline, row.outputName(), row.inputName(), row.inputArtifactId()));
        }
        return named;
    }

    private UpstreamLineageRecord upstream(ResultSet row) throws SQLException {
        String producer = row.getString(6);
        String input = row.getString(12);
        return new UpstreamLineageRecord(uuid(row, 1), text(row, 2), text(row, 3), text(row, 4), text(row, 5),
                producer == null ? null : UUID.fromString(producer), producer == null ? null : text(row, 7),
                producer == null ? null : StepStatus.valueOf(text(row, 8)), producer == null ? null : uuid(row, 9), null,
                dialect.text(row, 10).orElse(null), input == null ? null : text(row, 11), input == null ? null : UUID.fromString(input));
    }

    /** A {@code NOT NULL} text column, read the dialect's fastest way. */
    private String text(ResultSet row, int column) throws SQLException {
        return dialect.text(row, column).orElseThrow(() -> new SQLException("column " + column + " of the upstream lineage is NULL"));
    }

    private static StepInputRecord input(ResultSet row) throws SQLException {
        return new StepInputRecord(uuid(row, 1), row.getString(2), uuid(row, 3), InputKind.valueOf(row.getString(4)));
    }

    private static StepOutputRecord output(ResultSet row) throws SQLException {
        return new StepOutputRecord(uuid(row, 1), row.getString(2), uuid(row, 3));
    }
}
