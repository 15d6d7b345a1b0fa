package dev.cairn.engine.metadata;

import static dev.cairn.engine.metadata.ColumnCodec.epochNanos;
import static dev.cairn.engine.metadata.ColumnCodec.instant;
import static dev.cairn.engine.metadata.ColumnCodec.optionalInstant;
import static dev.cairn.engine.metadata.ColumnCodec.optionalText;
import static dev.cairn.engine.metadata.ColumnCodec.optionalUuid;
import static dev.cairn.engine.metadata.ColumnCodec.setInstant;
import static dev.cairn.engine.metadata.ColumnCodec.setText;
import static dev.cairn.engine.metadata.ColumnCodec.setUuid;
import static dev.cairn.engine.metadata.ColumnCodec.uuid;
import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.ArtifactType;
import dev.cairn.api.artifact.Visualization;
import dev.cairn.api.artifact.VisualizationType;
import dev.cairn.api.metadata.ArtifactState;
import dev.cairn.api.metadata.ArtifactDeletion;
import dev.cairn.api.metadata.ArtifactVersionRecord;
import dev.cairn.api.metadata.InputKind;
import dev.cairn.api.metadata.MetadataStore;
import dev.cairn.api.metadata.NewArtifactVersion;
import dev.cairn.api.metadata.PipelineRunRecord;
import dev.cairn.api.metadata.StepInputRecord;
import dev.cairn.api.metadata.StepOutputRecord;
import dev.cairn.api.metadata.StepRunRecord;
import dev.cairn.api.run.RunStatus;
import dev.cairn.api.run.StepStatus;
import org.apiguardian.api.API;

/**
 * The embedded metadata store: one SQLite database file in WAL mode, shared safely by the threads of one
 * engine and by several processes.
 *
 * <p>Version assignment takes the database's write lock ({@code BEGIN IMMEDIATE}) so that two writers in any
 * processes never get the same version. Instants are stored as nanoseconds since the epoch and read back
 * equal to what was written (for instants between 1677 and 2262; others are rejected). Map fields are stored
 * as canonical JSON, so numbers come back as the smallest fitting {@code Integer}, {@code Long},
 * {@code BigInteger} or {@code Double}, and nested objects as maps.
 *
 * <p>Thread-safe: writes go through one connection, one transaction at a time; reads use a pool of read-only
 * connections and see every committed write. A write that finds the database locked by another process waits
 * for up to 30 s instead of failing. Open with {@link #open(Path)}; close to release the file and stop the
 * background checkpoint thread.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class SqliteMetadataStore implements MetadataStore {
    private static final String RUN_SELECT = "SELECT r.id, p.name, r.status, r.started_at, r.ended_at, r.parameters, r.error"
            + " FROM pipeline_runs r JOIN pipelines p ON p.id = r.pipeline_id";
    private static final String RUN_ORDER = " ORDER BY r.started_at DESC, r.rowid DESC";
    private static final String STEP_SELECT = "SELECT id, run_id, step_name, position, upstream_steps, status, started_at,"
            + " ended_at, parameters, error, cache_key, cached_from, cache_note FROM step_runs";
    private static final String ARTIFACT_SELECT = "SELECT id, name, version, uri, store_uri, data_type, materializer_id,"
            + " materializer_version, artifact_type, content_hash, size, metadata, producer_step_run_id, created_at, state,"
            + " registered FROM artifact_versions";
    private static final String READY = " state = 'READY'";
    private static final int STEP_COLUMNS = 13;
    private static final int ARTIFACT_COLUMNS = 16;
    /**
     * The newest completed step runs with a cache key (the {@link #STEP_SELECT} columns) joined to their outputs (the
     * {@link #ARTIFACT_SELECT} columns and the output name, then the step run's row id; the artifact columns are null for a step run without
     * outputs and for an output that is not {@code READY}): one query per cache lookup. The rows come in no particular
     * order; {@link #findCacheCandidates} groups them by step run and orders the step runs.
     */
    private static final String CACHE_CANDIDATE_SELECT = "SELECT s.id, s.run_id, s.step_name, s.position, s.upstream_steps, s.status,"
            + " s.started_at, s.ended_at, s.parameters, s.error, s.cache_key, s.cached_from, s.cache_note,"
            + " a.id, a.name, a.version, a.uri, a.store_uri, a.data_type, a.materializer_id, a.materializer_version, a.artifact_type,"
            + " a.content_hash, a.size, a.metadata, a.producer_step_run_id, a.created_at, a.state, a.registered, o.name, s.step_row"
            + " FROM (SELECT rowid AS step_row, * FROM step_runs WHERE cache_key = ? AND status = 'COMPLETED'"
            + " ORDER BY ended_at DESC, rowid DESC LIMIT ?) s"
            + " LEFT JOIN step_outputs o ON o.step_run_id = s.id LEFT JOIN artifact_versions a ON a.id = o.artifact_id AND a.state = 'READY'";
    private static final String UPDATE_STEP_RUN = "UPDATE step_runs SET status = ?, started_at = ?, ended_at = ?, error = ?,"
            + " cache_key = ?, cached_from = ?, cache_note = ? WHERE id = ?";
    private static final String INSERT_INPUT = "INSERT INTO step_inputs (step_run_id, name, artifact_id, kind) VALUES (?, ?, ?, ?)"
            + " ON CONFLICT (step_run_id, name, artifact_id) DO NOTHING";
    private static final String INPUT_SELECT = "SELECT i.step_run_id, i.name, i.artifact_id, i.kind FROM step_inputs i";
    private static final String OUTPUT_SELECT = "SELECT o.step_run_id, o.name, o.artifact_id FROM step_outputs o";
    /** Longest version string read as a number: 18 digits always fit in a {@code long}. */
    private static final int MAX_NUMBER_DIGITS = 18;

    private final SqliteDatabase database;
    private final ColumnCodec codec = new ColumnCodec();

    private SqliteMetadataStore(SqliteDatabase database) {
        this.database = database;
    }

    /**
     * Opens the store in {@code databaseFile}, creating the file and its parent directories when missing and
     * bringing an older schema up to date.
     *
     * @throws CairnException {@code METADATA_FAILURE} if the file cannot be opened or was written by a newer Cairn
     */
    public static SqliteMetadataStore open(Path databaseFile) {
        return open(databaseFile, MetadataSchema.MIGRATIONS);
    }

    static SqliteMetadataStore open(Path databaseFile, List<SchemaMigration> migrations) {
        return new SqliteMetadataStore(SqliteDatabase.open(databaseFile, migrations));
    }

    /** The database file, as an absolute path. */
    public Path databaseFile() {
        return database.file();
    }

    // --- runs ---

    @Override
    public void insertRun(PipelineRunRecord run, List<StepRunRecord> stepRuns) {
        requireNonNull(run, "run is null");
        requireNonNull(stepRuns, "stepRuns is null");
        String runParameters = codec.json(run.parameters(), "parameters of run", run.id());
        long startedAt = epochNanos(run.startedAt(), "start time of run", run.id());
        String[] upstream = new String[stepRuns.size()];
        String[] parameters = new String[stepRuns.size()];
        for (int i = 0; i < stepRuns.size(); i++) {
            StepRunRecord step = requireNonNull(stepRuns.get(i), "stepRuns contains null");
            if (!step.runId().equals(run.id())) {
                throw new CairnException(ErrorCode.INVALID_ARGUMENT, "Step run " + step.id() + " (" + step.stepName()
                        + ") belongs to run " + step.runId() + ", not to run " + run.id() + " that is being recorded");
            }
            upstream[i] = codec.json(step.upstreamSteps());
            parameters[i] = codec.json(step.parameters(), "parameters of step", step.stepName());
        }
        database.write("record run " + run.id() + " of pipeline '" + run.pipelineName() + "'", connection -> {
            PreparedStatement pipeline = connection.prepare(
                    "INSERT INTO pipelines (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING");
            pipeline.setString(1, run.pipelineName());
            pipeline.setLong(2, startedAt);
            pipeline.executeUpdate();

            PreparedStatement insert = connection.prepare("INSERT INTO pipeline_runs"
                    + " (id, pipeline_id, status, started_at, ended_at, parameters, error)"
                    + " SELECT ?, id, ?, ?, ?, ?, ? FROM pipelines WHERE name = ?");
            insert.setString(1, run.id().toString());
            insert.setString(2, run.status().name());
            insert.setLong(3, startedAt);
            setInstant(insert, 4, run.endedAt(), "end time of run", run.id());
            insert.setString(5, runParameters);
            setText(insert, 6, run.error());
            insert.setString(7, run.pipelineName());
            insert.executeUpdate();

            if (!stepRuns.isEmpty()) {
                PreparedStatement steps = connection.prepare("INSERT INTO step_runs (id, run_id, step_name, position,"
                        + " upstream_steps, status, started_at, ended_at, parameters, error, cache_key, cached_from, cache_note)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
                try {
                    String runId = run.id().toString();
                    for (int i = 0; i < stepRuns.size(); i++) {
                        StepRunRecord step = stepRuns.get(i);
                        steps.setString(1, step.id().toString());
                        steps.setString(2, runId);
                        steps.setString(3, step.stepName());
                        steps.setInt(4, step.position());
                        steps.setString(5, upstream[i]);
                        steps.setString(6, step.status().name());
                        setInstant(steps, 7, step.startedAt(), "start time of step", step.stepName());
                        setInstant(steps, 8, step.endedAt(), "end time of step", step.stepName());
                        steps.setString(9, parameters[i]);
                        setText(steps, 10, step.error());
                        setText(steps, 11, step.cacheKey());
                        setUuid(steps, 12, step.cachedFrom());
                        setText(steps, 13, step.cacheNote());
                        steps.addBatch();
                    }
                    steps.executeBatch();
                } finally {
                    steps.clearBatch();
                }
            }
            return null;
        });
    }

    @Override
    public void finishRun(UUID runId, RunStatus status, Instant endedAt, Optional<String> error) {
        requireNonNull(runId, "runId is null");
        requireNonNull(status, "status is null");
        requireNonNull(endedAt, "endedAt is null");
        requireNonNull(error, "error is null");
        long ended = epochNanos(endedAt, "end time of run", runId);
        database.write("finish run " + runId, connection -> {
            PreparedStatement update = connection.prepare("UPDATE pipeline_runs SET status = ?, ended_at = ?, error = ? WHERE id = ?");
            update.setString(1, status.name());
            update.setLong(2, ended);
            setText(update, 3, error);
            update.setString(4, runId.toString());
            if (update.executeUpdate() == 0) {
                throw new WriteRejected("no such run is recorded; record it with insertRun first");
            }
            return null;
        });
    }

    @Override
    public void renewRun(UUID runId, Instant aliveUntil) {
        requireNonNull(runId, "runId is null");
        long until = epochNanos(requireNonNull(aliveUntil, "aliveUntil is null"), "renewal of run", runId);
        database.write("renew run " + runId, connection -> {
            PreparedStatement renew = connection.prepare("UPDATE pipeline_runs SET alive_until = ? WHERE id = ? AND status = 'RUNNING'");
            renew.setLong(1, until);
            renew.setString(2, runId.toString());
            renew.executeUpdate();
            return null;
        });
    }

    @Override
    public List<UUID> failAbandonedRuns(Instant now, String error) {
        requireNonNull(error, "error is null");
        long at = epochNanos(requireNonNull(now, "now is null"), "current time", "abandoned runs");
        List<UUID> expired = database.read("find abandoned runs", connection -> {
            PreparedStatement find = connection.prepare("SELECT id FROM pipeline_runs WHERE status = 'RUNNING' AND alive_until IS NOT NULL"
                    + " AND alive_until < ?");
            find.setLong(1, at);
            return all(find, row -> uuid(row, 1));
        });
        List<UUID> failed = new ArrayList<>();
        for (UUID runId : expired) {
            boolean recorded = database.write("record abandoned run " + runId, connection -> {
                PreparedStatement run = connection.prepare("UPDATE pipeline_runs SET status = 'FAILED', ended_at = ?, error = ?"
                        + " WHERE id = ? AND status = 'RUNNING' AND alive_until < ?");
                run.setLong(1, at);
                run.setString(2, error);
                run.setString(3, runId.toString());
                run.setLong(4, at);
                if (run.executeUpdate() == 0) {
                    return false; // renewed or finished meanwhile
                }
                PreparedStatement steps = connection.prepare("UPDATE step_runs SET status = ?, ended_at = ?, error = ? WHERE run_id = ? AND status = ?");
                for (String[] change : new String[][] {{"RUNNING", "FAILED"}, {"PENDING", "SKIPPED"}}) {
                    steps.setString(1, change[1]);
                    steps.setLong(2, at);
                    steps.setString(3, error);
                    steps.setString(4, runId.toString());
                    steps.setString(5, change[0]);
                    steps.executeUpdate();
                }
                return true;
            });
            if (recorded) {
                failed.add(runId);
            }
        }
        return failed;
    }

    @Override
    public void updateStepRun(StepRunRecord stepRun) {
        requireNonNull(stepRun, "stepRun is null");
        database.write("update step run " + stepRun.id(), connection -> {
            updateStepRunRow(connection, stepRun);
            return null;
        });
    }

    @Override
    public void completeStep(StepRunRecord stepRun, List<CommittedArtifact> committed, List<StepInputRecord> inputs,
            List<StepOutputRecord> outputs) {
        requireNonNull(stepRun, "stepRun is null");
        requireNonNull(committed, "committed is null");
        requireNonNull(inputs, "inputs is null");
        requireNonNull(outputs, "outputs is null");
        database.write("complete step run " + stepRun.id() + " (" + stepRun.stepName() + ")", connection -> {
            completeStepRows(connection, stepRun, committed, inputs, outputs);
            return null;
        });
    }

    @Override
    public void completeSteps(List<StepCompletion> completions) {
        requireNonNull(completions, "completions is null");
        if (completions.isEmpty()) {
            return;
        }
        database.write("complete " + completions.size() + " step runs", connection -> {
            for (StepCompletion completion : completions) {
                completeStepRows(connection, completion.stepRun(), completion.committed(), completion.inputs(), completion.outputs());
            }
            return null;
        });
    }

    private void completeStepRows(SqliteConnection connection, StepRunRecord stepRun, List<CommittedArtifact> committed, List<StepInputRecord> inputs,
            List<StepOutputRecord> outputs) throws SQLException {
        updateStepRunRow(connection, stepRun);
        for (CommittedArtifact artifact : committed) {
            commitArtifact(connection, artifact);
        }
        insertInputs(connection, inputs);
        insertOutputs(connection, outputs);
        if (stepRun.cacheKey().isPresent() && stepRun.status() != StepStatus.CACHED) { // a cache hit never takes a lease
            PreparedStatement release = connection.prepare("DELETE FROM cache_leases WHERE cache_key = ? AND holder = ?");
            release.setString(1, stepRun.cacheKey().get());
            release.setString(2, stepRun.id().toString());
            release.executeUpdate();
        }
    }

    private void updateStepRunRow(SqliteConnection connection, StepRunRecord stepRun) throws SQLException {
        PreparedStatement update = connection.prepare(UPDATE_STEP_RUN);
        update.setString(1, stepRun.status().name());
        setInstant(update, 2, stepRun.startedAt(), "start time of step", stepRun.stepName());
        setInstant(update, 3, stepRun.endedAt(), "end time of step", stepRun.stepName());
        setText(update, 4, stepRun.error());
        setText(update, 5, stepRun.cacheKey());
        setUuid(update, 6, stepRun.cachedFrom());
        setText(update, 7, stepRun.cacheNote());
        update.setString(8, stepRun.id().toString());
        if (update.executeUpdate() == 0) {
            throw new WriteRejected("step run " + stepRun.id() + " (" + stepRun.stepName()
                    + ") is not recorded; record its run with insertRun first");
        }
    }

    @Override
    public Optional<PipelineRunRecord> findRun(UUID runId) {
        requireNonNull(runId, "runId is null");
        return database.read("find run " + runId, connection -> {
            PreparedStatement query = connection.prepare(RUN_SELECT + " WHERE r.id = ?");
            query.setString(1, runId.toString());
            return first(query, this::run);
        });
    }

    @Override
    public List<PipelineRunRecord> findRunsByIdPrefix(String prefix) {
        requireNonNull(prefix, "prefix is null");
        String lower = prefix.toLowerCase(Locale.ROOT);
        if (!lower.matches("[0-9a-f-]*")) {
            return List.of();
        }
        return database.read("find runs whose id starts with '" + prefix + "'", connection -> {
            // Ids hold only [0-9a-f-], all below 'z': the ids starting with the prefix are exactly [prefix, prefix + "z").
            PreparedStatement query = connection.prepare(RUN_SELECT + " WHERE r.id >= ? AND r.id < ?" + RUN_ORDER);
            query.setString(1, lower);
            query.setString(2, lower + "z");
            return all(query, this::run);
        });
    }

    @Override
    public List<PipelineRunRecord> listRuns(Optional<String> pipelineName) {
        requireNonNull(pipelineName, "pipelineName is null");
        if (pipelineName.isEmpty()) {
            return database.read("list runs", connection -> all(connection.prepare(RUN_SELECT + RUN_ORDER), this::run));
        }
        return database.read("list runs of pipeline '" + pipelineName.get() + "'", connection -> {
            PreparedStatement query = connection.prepare(RUN_SELECT + " WHERE p.name = ?" + RUN_ORDER);
            query.setString(1, pipelineName.get());
            return all(query, this::run);
        });
    }

    @Override
    public dev.cairn.api.run.RunPage listRuns(dev.cairn.api.run.RunQuery query) {
        requireNonNull(query, "query is null");
        return database.read("list a page of runs", connection -> {
            StringBuilder sql = new StringBuilder(RUN_SELECT).append(" WHERE 1 = 1");
            query.pipelineName().ifPresent(name -> sql.append(" AND p.name = ?"));
            query.status().ifPresent(status -> sql.append(" AND r.status = ?"));
            // started_at <= t AND (started_at < t OR id < i): the range on started_at can use its index
            query.after().ifPresent(position -> sql.append(" AND r.started_at <= ? AND (r.started_at < ? OR r.id < ?)"));
            sql.append(" ORDER BY r.started_at DESC, r.id DESC LIMIT ?");
            PreparedStatement statement = connection.prepare(sql.toString());
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
            return dev.cairn.api.run.RunPage.of(all(statement, this::run), query.limit());
        });
    }

    @Override
    public List<StepRunRecord> listStepRuns(UUID runId) {
        requireNonNull(runId, "runId is null");
        return database.read("list step runs of run " + runId, connection -> {
            PreparedStatement query = connection.prepare(STEP_SELECT + " WHERE run_id = ? ORDER BY position, rowid");
            query.setString(1, runId.toString());
            return all(query, this::stepRun);
        });
    }

    @Override
    public Optional<StepRunRecord> findStepRun(UUID stepRunId) {
        requireNonNull(stepRunId, "stepRunId is null");
        return database.read("find step run " + stepRunId, connection -> {
            PreparedStatement query = connection.prepare(STEP_SELECT + " WHERE id = ?");
            query.setString(1, stepRunId.toString());
            return first(query, this::stepRun);
        });
    }

    // --- artifact versions ---

    @Override
    public ArtifactVersionRecord reserveArtifactVersion(NewArtifactVersion request) {
        requireNonNull(request, "request is null");
        String name = request.name();
        Optional<String> explicit = request.explicitVersion();
        if (explicit.isPresent() && explicit.get().isBlank()) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "The explicit version of artifact '" + name
                    + "' is blank; give a non-blank version, or omit it to get the next number");
        }
        String metadata = codec.json(request.metadata(), "metadata of artifact", name);
        long createdAt = epochNanos(request.createdAt(), "creation time of artifact", name);
        String version = database.write("reserve a version of artifact '" + name + "'", connection -> {
            String assigned;
            long number;
            if (explicit.isEmpty()) {
                number = highestVersionNumber(connection, name) + 1;
                assigned = Long.toString(number);
            } else {
                assigned = explicit.get();
                number = versionNumber(assigned);
                PreparedStatement exists = connection.prepare("SELECT 1 FROM artifact_versions WHERE name = ? AND version = ?");
                exists.setString(1, name);
                exists.setString(2, assigned);
                boolean taken;
                try (ResultSet rows = exists.executeQuery()) {
                    taken = rows.next();
                }
                if (taken) {
                    throw new CairnException(ErrorCode.DUPLICATE_VERSION, "Artifact '" + name + "' already has version '"
                            + assigned + "'. Pick another version, or omit the version to get the next number ("
                            + (highestVersionNumber(connection, name) + 1) + ")");
                }
            }
            PreparedStatement insert = connection.prepare("INSERT INTO artifact_versions (id, name, version, version_number,"
                    + " uri, store_uri, data_type, materializer_id, materializer_version, artifact_type, content_hash, size,"
                    + " metadata, producer_step_run_id, created_at, state, registered)"
                    + " VALUES (?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'PENDING', ?)");
            insert.setString(1, request.id().toString());
            insert.setString(2, name);
            insert.setString(3, assigned);
            if (number > 0) {
                insert.setLong(4, number);
            } else {
                insert.setNull(4, Types.INTEGER);
            }
            insert.setString(5, request.storeUri().toString());
            insert.setString(6, request.dataType());
            insert.setString(7, request.materializerId());
            insert.setString(8, request.materializerVersion());
            insert.setString(9, request.artifactType().name());
            insert.setString(10, request.contentHash());
            insert.setLong(11, request.size());
            insert.setString(12, metadata);
            setUuid(insert, 13, request.producerStepRunId());
            insert.setLong(14, createdAt);
            insert.setInt(15, request.registered() ? 1 : 0);
            insert.executeUpdate();
            return assigned;
        });
        return new ArtifactVersionRecord(request.id(), name, version, Optional.empty(), request.storeUri(), request.dataType(),
                request.materializerId(), request.materializerVersion(), request.artifactType(), request.contentHash(),
                request.size(), request.metadata(), request.producerStepRunId(), request.createdAt(), ArtifactState.PENDING,
                request.registered());
    }

    private static long highestVersionNumber(SqliteConnection connection, String name) throws SQLException {
        PreparedStatement max = connection.prepare("SELECT max(version_number) FROM artifact_versions WHERE name = ?");
        max.setString(1, name);
        try (ResultSet rows = max.executeQuery()) {
            return rows.next() ? rows.getLong(1) : 0;
        }
    }

    /** The version as a positive number when it is all digits ("7", "007"), else 0. */
    static long versionNumber(String version) {
        if (version.isEmpty() || version.length() > MAX_NUMBER_DIGITS) {
            return 0;
        }
        for (int i = 0; i < version.length(); i++) {
            char c = version.charAt(i);
            if (c < '0' || c > '9') {
                return 0;
            }
        }
        return Long.parseLong(version);
    }

    @Override
    public void commitArtifactVersion(CommittedArtifact committed) {
        requireNonNull(committed, "committed is null");
        database.write("commit artifact version " + committed.artifactId(), connection -> {
            commitArtifact(connection, committed);
            return null;
        });
    }

    private void commitArtifact(SqliteConnection connection, CommittedArtifact committed) throws SQLException {
        String id = committed.artifactId().toString();
        PreparedStatement update = connection.prepare(
                "UPDATE artifact_versions SET state = 'READY', uri = ? WHERE id = ? AND state = 'PENDING'");
        update.setString(1, committed.uri().toString());
        update.setString(2, id);
        if (update.executeUpdate() == 0) {
            throw new WriteRejected("artifact version " + id
                    + " is not a reserved (PENDING) version: it was never reserved, was abandoned, or is already committed");
        }
        List<Visualization> visualizations = committed.visualizations();
        connection.executeRows("INSERT INTO visualizations (artifact_id, position, name, type, content) VALUES (?, ?, ?, ?, ?)",
                visualizations.size(), (insert, i) -> {
                    Visualization visualization = visualizations.get(i);
                    insert.setString(1, id);
                    insert.setInt(2, i);
                    insert.setString(3, visualization.name());
                    insert.setString(4, visualization.type().name());
                    insert.setBytes(5, visualization.content());
                });
    }

    @Override
    public void abandonArtifactVersion(UUID artifactId) {
        requireNonNull(artifactId, "artifactId is null");
        database.write("abandon artifact version " + artifactId, connection -> {
            PreparedStatement delete = connection.prepare("DELETE FROM artifact_versions WHERE id = ? AND state = 'PENDING'");
            delete.setString(1, artifactId.toString());
            if (delete.executeUpdate() == 0) {
                PreparedStatement ready = connection.prepare("SELECT name, version FROM artifact_versions WHERE id = ?");
                ready.setString(1, artifactId.toString());
                try (ResultSet rows = ready.executeQuery()) {
                    if (rows.next()) {
                        throw new WriteRejected("it is version '" + rows.getString(2) + "' of artifact '" + rows.getString(1)
                                + "' and already committed (READY); only a reserved (PENDING) version can be abandoned");
                    }
                }
            }
            return null;
        });
    }

    @Override
    public Optional<ArtifactVersionRecord> findArtifactVersion(UUID artifactId) {
        requireNonNull(artifactId, "artifactId is null");
        return database.read("find artifact version " + artifactId, connection -> {
            PreparedStatement query = connection.prepare(ARTIFACT_SELECT + " WHERE id = ? AND" + READY);
            query.setString(1, artifactId.toString());
            return first(query, this::artifactVersion);
        });
    }

    @Override
    public Optional<ArtifactVersionRecord> findArtifactVersion(String name, String version) {
        requireNonNull(name, "name is null");
        requireNonNull(version, "version is null");
        return database.read("find version '" + version + "' of artifact '" + name + "'", connection -> {
            PreparedStatement query = connection.prepare(ARTIFACT_SELECT + " WHERE name = ? AND version = ? AND" + READY);
            query.setString(1, name);
            query.setString(2, version);
            return first(query, this::artifactVersion);
        });
    }

    @Override
    public Optional<ArtifactVersionRecord> findLatestArtifactVersion(String name) {
        requireNonNull(name, "name is null");
        return database.read("find the latest version of artifact '" + name + "'", connection -> {
            PreparedStatement query = connection.prepare(ARTIFACT_SELECT + " WHERE name = ? AND" + READY + " ORDER BY seq DESC LIMIT 1");
            query.setString(1, name);
            return first(query, this::artifactVersion);
        });
    }

    @Override
    public List<ArtifactVersionRecord> listArtifactVersions(String name) {
        requireNonNull(name, "name is null");
        return database.read("list versions of artifact '" + name + "'", connection -> {
            PreparedStatement query = connection.prepare(ARTIFACT_SELECT + " WHERE name = ? AND" + READY + " ORDER BY seq");
            query.setString(1, name);
            return all(query, this::artifactVersion);
        });
    }

    @Override
    public List<ArtifactVersionRecord> listArtifactVersions() {
        return database.read("list artifact versions",
                connection -> all(connection.prepare(ARTIFACT_SELECT + " WHERE" + READY + " ORDER BY seq DESC"), this::artifactVersion));
    }

    @Override
    public List<String> listArtifactNames() {
        return database.read("list artifact names", connection -> all(
                connection.prepare("SELECT DISTINCT name FROM artifact_versions WHERE" + READY + " ORDER BY name"),
                row -> row.getString(1)));
    }

    @Override
    public List<Visualization> listVisualizations(UUID artifactId) {
        requireNonNull(artifactId, "artifactId is null");
        return database.read("list visualizations of artifact version " + artifactId, connection -> {
            PreparedStatement query = connection.prepare(
                    "SELECT name, type, content FROM visualizations WHERE artifact_id = ? ORDER BY position");
            query.setString(1, artifactId.toString());
            return all(query, row -> Visualization.binary(row.getString(1), VisualizationType.valueOf(row.getString(2)), row.getBytes(3)));
        });
    }

    @Override
    public Optional<ArtifactVersionRecord> findArtifactVersionByUri(URI uri) {
        requireNonNull(uri, "uri is null");
        return database.read("find the registered artifact version at " + uri, connection -> {
            PreparedStatement query = connection.prepare(ARTIFACT_SELECT + " WHERE uri = ? AND registered = 1 AND" + READY);
            query.setString(1, uri.toString());
            return first(query, this::artifactVersion);
        });
    }

    // --- prune ---

    /**
     * The unused rule of {@link MetadataStore#listUnusedArtifactVersions}, over rows aliased {@code a}; parameter 1 is
     * 1 to include registered versions. Each {@code NOT IN} list is computed once per statement (step_outputs has no
     * index on artifact_id, on purpose; see {@link MetadataSchema}).
     */
    private static final String UNUSED = "a.state = 'READY' AND (? = 1 OR a.registered = 0)"
            + " AND a.id NOT IN (SELECT artifact_id FROM step_inputs)"
            + " AND a.id NOT IN (SELECT o.artifact_id FROM step_outputs o JOIN step_runs s ON s.id = o.step_run_id"
            + " JOIN pipeline_runs r ON r.id = s.run_id WHERE (s.status = 'COMPLETED' AND s.cache_key IS NOT NULL) OR r.status = 'RUNNING')";
    private static final String ARTIFACT_SELECT_A = ARTIFACT_SELECT.replace(" FROM artifact_versions", " FROM artifact_versions a")
            .replace("SELECT id, name, version, uri, store_uri, data_type, materializer_id, materializer_version, artifact_type, content_hash, size,"
                    + " metadata, producer_step_run_id, created_at, state, registered",
                    "SELECT a.id, a.name, a.version, a.uri, a.store_uri, a.data_type, a.materializer_id, a.materializer_version, a.artifact_type,"
                    + " a.content_hash, a.size, a.metadata, a.producer_step_run_id, a.created_at, a.state, a.registered");

    @Override
    public List<ArtifactVersionRecord> listUnusedArtifactVersions(boolean includeRegistered) {
        return database.read("list unused artifact versions", connection -> {
            PreparedStatement query = connection.prepare(ARTIFACT_SELECT_A + " WHERE " + UNUSED + " ORDER BY a.seq");
            query.setInt(1, includeRegistered ? 1 : 0);
            return all(query, this::artifactVersion);
        });
    }

    @Override
    public List<ArtifactVersionRecord> listPendingArtifactVersions(Instant createdBefore) {
        long before = epochNanos(requireNonNull(createdBefore, "createdBefore is null"), "cut-off time", "pending versions");
        return database.read("list pending artifact versions", connection -> {
            PreparedStatement query = connection.prepare(ARTIFACT_SELECT + " WHERE state = 'PENDING' AND created_at < ? ORDER BY seq");
            query.setLong(1, before);
            return all(query, this::artifactVersion);
        });
    }

    @Override
    public List<ArtifactDeletion> deleteArtifactVersions(List<UUID> artifactIds, boolean includeRegistered, Instant pendingCreatedBefore, boolean tombstones) {
        requireNonNull(artifactIds, "artifactIds is null");
        long before = epochNanos(requireNonNull(pendingCreatedBefore, "pendingCreatedBefore is null"), "cut-off time", "pending versions");
        if (artifactIds.isEmpty()) {
            return List.of();
        }
        String ids = codec.json(artifactIds.stream().map(UUID::toString).toList());
        long now = epochNanos(Instant.now(), "current time", "artifact deletion");
        return database.write("delete " + artifactIds.size() + " unused artifact versions", connection -> {
            PreparedStatement select = connection.prepare(ARTIFACT_SELECT_A + " WHERE a.id IN (SELECT value FROM json_each(?)) AND ((" + UNUSED
                    + ") OR (a.state = 'PENDING' AND a.created_at < ?)) ORDER BY a.seq");
            select.setString(1, ids);
            select.setInt(2, includeRegistered ? 1 : 0);
            select.setLong(3, before);
            List<ArtifactDeletion> deleted = all(select, this::artifactVersion).stream().map(ArtifactDeletion::of).toList();
            if (deleted.isEmpty()) {
                return deleted;
            }
            String deletedIds = codec.json(deleted.stream().map(d -> d.id().toString()).toList());
            if (tombstones) {
                connection.executeRows("INSERT INTO artifact_deletions (id, name, version, uri, store_uri, size, registered, deleted_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING", deleted.size(), (insert, i) -> {
                            ArtifactDeletion deletion = deleted.get(i);
                            insert.setString(1, deletion.id().toString());
                            insert.setString(2, deletion.name());
                            insert.setString(3, deletion.version());
                            insert.setString(4, deletion.uri().map(URI::toString).orElse(null));
                            insert.setString(5, deletion.storeUri().toString());
                            insert.setLong(6, deletion.size());
                            insert.setInt(7, deletion.registered() ? 1 : 0);
                            insert.setLong(8, now);
                        });
            }
            for (String table : List.of("visualizations", "step_outputs")) {
                PreparedStatement delete = connection.prepare("DELETE FROM " + table + " WHERE artifact_id IN (SELECT value FROM json_each(?))");
                delete.setString(1, deletedIds);
                delete.executeUpdate();
            }
            PreparedStatement delete = connection.prepare("DELETE FROM artifact_versions WHERE id IN (SELECT value FROM json_each(?))");
            delete.setString(1, deletedIds);
            delete.executeUpdate();
            return deleted;
        });
    }

    @Override
    public List<ArtifactDeletion> listArtifactDeletions() {
        return database.read("list artifact deletions", connection -> all(connection.prepare(
                "SELECT id, name, version, uri, store_uri, size, registered FROM artifact_deletions ORDER BY deleted_at, id"),
                row -> new ArtifactDeletion(uuid(row, 1), row.getString(2), row.getString(3), optionalText(row, 4).map(URI::create),
                        URI.create(row.getString(5)), row.getLong(6), row.getInt(7) == 1)));
    }

    @Override
    public void clearArtifactDeletions(List<UUID> artifactIds) {
        requireNonNull(artifactIds, "artifactIds is null");
        if (artifactIds.isEmpty()) {
            return;
        }
        String ids = codec.json(artifactIds.stream().map(UUID::toString).toList());
        database.write("clear " + artifactIds.size() + " artifact deletions", connection -> {
            PreparedStatement delete = connection.prepare("DELETE FROM artifact_deletions WHERE id IN (SELECT value FROM json_each(?))");
            delete.setString(1, ids);
            delete.executeUpdate();
            return null;
        });
    }

    // --- lineage ---

    @Override
    public void recordStepInputs(List<StepInputRecord> inputs) {
        requireNonNull(inputs, "inputs is null");
        if (inputs.isEmpty()) {
            return;
        }
        database.write("record inputs of step run " + inputs.get(0).stepRunId(), connection -> {
            insertInputs(connection, inputs);
            return null;
        });
    }

    private static void insertInputs(SqliteConnection connection, List<StepInputRecord> inputs) throws SQLException {
        connection.executeRows(INSERT_INPUT, inputs.size(), (insert, i) -> {
            StepInputRecord input = inputs.get(i);
            insert.setString(1, input.stepRunId().toString());
            insert.setString(2, input.name());
            insert.setString(3, input.artifactId().toString());
            insert.setString(4, input.kind().name());
        });
    }

    /** Records outputs; each must refer to a committed ({@code READY}) version, which is never deleted. */
    private static void insertOutputs(SqliteConnection connection, List<StepOutputRecord> outputs) throws SQLException {
        if (outputs.isEmpty()) {
            return;
        }
        PreparedStatement insert = connection.prepare("INSERT INTO step_outputs (step_run_id, name, artifact_id)"
                + " SELECT ?, ?, id FROM artifact_versions WHERE id = ? AND state = 'READY'");
        for (StepOutputRecord output : outputs) {
            insert.setString(1, output.stepRunId().toString());
            insert.setString(2, output.name());
            insert.setString(3, output.artifactId().toString());
            if (insert.executeUpdate() == 0) {
                throw new WriteRejected("output '" + output.name() + "' refers to artifact version " + output.artifactId()
                        + ", which is not committed; commit it in the same call or before");
            }
        }
    }

    @Override
    public List<StepInputRecord> listStepInputs(UUID stepRunId) {
        requireNonNull(stepRunId, "stepRunId is null");
        return database.read("list inputs of step run " + stepRunId, connection -> {
            PreparedStatement query = connection.prepare(INPUT_SELECT + " WHERE i.step_run_id = ? ORDER BY i.name, i.artifact_id");
            query.setString(1, stepRunId.toString());
            return all(query, SqliteMetadataStore::input);
        });
    }

    @Override
    public List<StepOutputRecord> listStepOutputs(UUID stepRunId) {
        requireNonNull(stepRunId, "stepRunId is null");
        return database.read("list outputs of step run " + stepRunId, connection -> {
            PreparedStatement query = connection.prepare(OUTPUT_SELECT + " WHERE o.step_run_id = ? ORDER BY o.name");
            query.setString(1, stepRunId.toString());
            return all(query, SqliteMetadataStore::output);
        });
    }

    @Override
    public List<StepInputRecord> listStepInputsOfRun(UUID runId) {
        requireNonNull(runId, "runId is null");
        return database.read("list inputs of run " + runId, connection -> {
            PreparedStatement query = connection.prepare(INPUT_SELECT
                    + " JOIN step_runs s ON s.id = i.step_run_id WHERE s.run_id = ? ORDER BY s.position, s.rowid, i.name, i.artifact_id");
            query.setString(1, runId.toString());
            return all(query, SqliteMetadataStore::input);
        });
    }

    @Override
    public List<StepOutputRecord> listStepOutputsOfRun(UUID runId) {
        requireNonNull(runId, "runId is null");
        return database.read("list outputs of run " + runId, connection -> {
            PreparedStatement query = connection.prepare(OUTPUT_SELECT
                    + " JOIN step_runs s ON s.id = o.step_run_id WHERE s.run_id = ? ORDER BY s.position, s.rowid, o.name");
            query.setString(1, runId.toString());
            return all(query, SqliteMetadataStore::output);
        });
    }

    @Override
    public List<StepInputRecord> listConsumers(UUID artifactId) {
        requireNonNull(artifactId, "artifactId is null");
        return database.read("list consumers of artifact version " + artifactId, connection -> {
            PreparedStatement query = connection.prepare(INPUT_SELECT + " JOIN step_runs s ON s.id = i.step_run_id JOIN pipeline_runs r ON r.id = s.run_id"
                    + " WHERE i.artifact_id = ? ORDER BY r.started_at, r.rowid, s.position, s.rowid, i.name");
            query.setString(1, artifactId.toString());
            return all(query, SqliteMetadataStore::input);
        });
    }

    // --- cache ---

    @Override
    public List<StepRunRecord> findCompletedStepRunsByCacheKey(String cacheKey, int limit) {
        requireNonNull(cacheKey, "cacheKey is null");
        return database.read("find step runs with cache key " + cacheKey, connection -> {
            PreparedStatement query = connection.prepare(STEP_SELECT + " WHERE cache_key = ? AND status = 'COMPLETED' ORDER BY ended_at DESC, rowid DESC LIMIT ?");
            query.setString(1, cacheKey);
            query.setInt(2, Math.max(1, limit));
            return all(query, this::stepRun);
        });
    }

    @Override
    public List<CacheCandidate> findCacheCandidates(String cacheKey, int limit) {
        requireNonNull(cacheKey, "cacheKey is null");
        return database.read("find cached results for cache key " + cacheKey, connection -> {
            PreparedStatement query = connection.prepare(CACHE_CANDIDATE_SELECT);
            query.setString(1, cacheKey);
            query.setInt(2, Math.max(1, limit));
            record Found(StepRunRecord stepRun, long row, java.util.Map<String, ArtifactVersionRecord> outputs) {}
            java.util.Map<String, Found> found = new java.util.HashMap<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    Found stepRun = found.get(rows.getString(1));
                    if (stepRun == null) {
                        stepRun = new Found(stepRun(rows), rows.getLong(STEP_COLUMNS + ARTIFACT_COLUMNS + 2), new java.util.HashMap<>());
                        found.put(rows.getString(1), stepRun);
                    }
                    if (rows.getString(STEP_COLUMNS + 1) != null) {
                        stepRun.outputs().put(rows.getString(STEP_COLUMNS + ARTIFACT_COLUMNS + 1), artifactVersion(rows, STEP_COLUMNS));
                    }
                }
            }
            // newest first: by end time, then by row (insertion order), as the subquery picked them
            return found.values().stream()
                    .sorted(java.util.Comparator.comparing((Found f) -> f.stepRun().endedAt().orElse(Instant.EPOCH)).thenComparingLong(Found::row).reversed())
                    .map(f -> new CacheCandidate(f.stepRun(), f.outputs()))
                    .toList();
        });
    }

    @Override
    public boolean tryAcquireCacheLease(String cacheKey, String holder, Instant expiresAt) {
        requireNonNull(cacheKey, "cacheKey is null");
        requireNonNull(holder, "holder is null");
        long expires = epochNanos(requireNonNull(expiresAt, "expiresAt is null"), "expiry of cache lease", cacheKey);
        long now = epochNanos(Instant.now(), "current time", cacheKey);
        return database.write("take the cache lease on " + cacheKey, connection -> {
            PreparedStatement take = connection.prepare("INSERT INTO cache_leases (cache_key, holder, expires_at) VALUES (?, ?, ?)"
                    + " ON CONFLICT (cache_key) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at"
                    + " WHERE cache_leases.expires_at < ? OR cache_leases.holder = excluded.holder");
            take.setString(1, cacheKey);
            take.setString(2, holder);
            take.setLong(3, expires);
            take.setLong(4, now);
            return take.executeUpdate() > 0;
        });
    }

    @Override
    public boolean renewCacheLease(String cacheKey, String holder, Instant expiresAt) {
        requireNonNull(cacheKey, "cacheKey is null");
        requireNonNull(holder, "holder is null");
        long expires = epochNanos(requireNonNull(expiresAt, "expiresAt is null"), "expiry of cache lease", cacheKey);
        return database.write("renew the cache lease on " + cacheKey, connection -> {
            PreparedStatement renew = connection.prepare("UPDATE cache_leases SET expires_at = ? WHERE cache_key = ? AND holder = ?");
            renew.setLong(1, expires);
            renew.setString(2, cacheKey);
            renew.setString(3, holder);
            return renew.executeUpdate() > 0;
        });
    }

    @Override
    public void releaseCacheLease(String cacheKey, String holder) {
        requireNonNull(cacheKey, "cacheKey is null");
        requireNonNull(holder, "holder is null");
        database.write("release the cache lease on " + cacheKey, connection -> {
            PreparedStatement release = connection.prepare("DELETE FROM cache_leases WHERE cache_key = ? AND holder = ?");
            release.setString(1, cacheKey);
            release.setString(2, holder);
            release.executeUpdate();
            return null;
        });
    }

    /** Closes the database connections; calls after this fail with {@code METADATA_FAILURE}. Idempotent. */
    @Override
    public void close() {
        database.close();
    }

    @Override
    public String toString() {
        return "SqliteMetadataStore[" + database.file() + "]";
    }

    // --- rows to records ---

    @FunctionalInterface
    private interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    private static <T> Optional<T> first(PreparedStatement query, RowMapper<T> mapper) throws SQLException {
        try (ResultSet rows = query.executeQuery()) {
            return rows.next() ? Optional.of(mapper.map(rows)) : Optional.empty();
        }
    }

    private static <T> List<T> all(PreparedStatement query, RowMapper<T> mapper) throws SQLException {
        List<T> result = new ArrayList<>();
        try (ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                result.add(mapper.map(rows));
            }
        }
        return result;
    }

    private PipelineRunRecord run(ResultSet row) throws SQLException {
        return new PipelineRunRecord(
                uuid(row, 1),
                row.getString(2),
                RunStatus.valueOf(row.getString(3)),
                instant(row.getLong(4)),
                optionalInstant(row, 5),
                codec.map(row.getString(6)),
                optionalText(row, 7));
    }

    private StepRunRecord stepRun(ResultSet row) throws SQLException {
        return new StepRunRecord(
                uuid(row, 1),
                uuid(row, 2),
                row.getString(3),
                row.getInt(4),
                codec.stringList(row.getString(5)),
                StepStatus.valueOf(row.getString(6)),
                optionalInstant(row, 7),
                optionalInstant(row, 8),
                codec.map(row.getString(9)),
                optionalText(row, 10),
                optionalText(row, 11),
                optionalUuid(row, 12),
                optionalText(row, 13));
    }

    private ArtifactVersionRecord artifactVersion(ResultSet row) throws SQLException {
        return artifactVersion(row, 0);
    }

    /** An artifact version from the {@link #ARTIFACT_SELECT} columns, which start after column {@code offset}. */
    private ArtifactVersionRecord artifactVersion(ResultSet row, int offset) throws SQLException {
        return new ArtifactVersionRecord(
                uuid(row, offset + 1),
                row.getString(offset + 2),
                row.getString(offset + 3),
                optionalText(row, offset + 4).map(URI::create),
                URI.create(row.getString(offset + 5)),
                row.getString(offset + 6),
                row.getString(offset + 7),
                row.getString(offset + 8),
                ArtifactType.valueOf(row.getString(offset + 9)),
                row.getString(offset + 10),
                row.getLong(offset + 11),
                codec.map(row.getString(offset + 12)),
                optionalUuid(row, offset + 13),
                instant(row.getLong(offset + 14)),
                ArtifactState.valueOf(row.getString(offset + 15)),
                row.getInt(offset + 16) == 1);
    }

    private static StepInputRecord input(ResultSet row) throws SQLException {
        return new StepInputRecord(uuid(row, 1), row.getString(2), uuid(row, 3), InputKind.valueOf(row.getString(4)));
    }

    private static StepOutputRecord output(ResultSet row) throws SQLException {
        return new StepOutputRecord(uuid(row, 1), row.getString(2), uuid(row, 3));
    }
}
