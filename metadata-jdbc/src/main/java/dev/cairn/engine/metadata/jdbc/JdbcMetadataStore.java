package dev.cairn.engine.metadata.jdbc;

import static dev.cairn.engine.metadata.jdbc.ColumnCodec.epochNanos;
import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.Visualization;
import dev.cairn.api.metadata.ArtifactDeletion;
import dev.cairn.api.metadata.ArtifactVersionRecord;
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
 * A {@link MetadataStore} over any SQL database: the arguments are checked and encoded here, each operation runs as one
 * read or one write transaction of the {@link SqlDatabase}, and the SQL lives in one repository per aggregate (pipeline
 * runs, step runs, artifact versions, lineage, cache entries and leases, deletions, schema) over the database's
 * {@link SqlDialect}.
 *
 * <p>Instants are stored as nanoseconds since the epoch and read back equal to what was written (for instants between
 * 1677 and 2262; others are rejected). Map fields are stored as canonical JSON, so numbers come back as the smallest
 * fitting {@code Integer}, {@code Long}, {@code BigInteger} or {@code Double}, and nested objects as maps. Thread-safe
 * as its database is.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public class JdbcMetadataStore implements MetadataStore {
    private final SqlDatabase database;
    private final ColumnCodec codec = new ColumnCodec();
    private final PipelineRunRepository runs;
    private final StepRunRepository stepRuns;
    private final ArtifactVersionRepository artifacts;
    private final LineageRepository lineage;
    private final CacheRepository cache;
    private final DeletionRepository deletions;
    private final TagRepository tags;
    private final AliasRepository aliases;
    private final LoggedMetadataRepository logged;
    private final ArtifactQueryRepository queries;

    /** How this store writes and reads artifact and store URIs (relative to the home for an embedded database). */
    StoredLocations storedLocations() {
        return artifacts.locations();
    }

    /** A store over {@code database}, whose schema is already up to date; closing the store closes the database. */
    protected JdbcMetadataStore(SqlDatabase database) {
        this(database, StoredLocations.ABSOLUTE);
    }

    /**
     * A store over {@code database} that writes URIs as {@code locations} says (relative to the home for an embedded
     * database); closing the store closes the database.
     */
    protected JdbcMetadataStore(SqlDatabase database, StoredLocations locations) {
        this.database = requireNonNull(database, "database is null");
        requireNonNull(locations, "locations is null");
        SqlDialect dialect = database.dialect();
        this.runs = new PipelineRunRepository(dialect, codec);
        this.stepRuns = new StepRunRepository(dialect, codec);
        this.artifacts = new ArtifactVersionRepository(dialect, codec, locations);
        this.lineage = new LineageRepository(dialect);
        this.cache = new CacheRepository(dialect, stepRuns, artifacts);
        this.deletions = new DeletionRepository(dialect, artifacts);
        this.tags = new TagRepository(dialect, artifacts);
        this.aliases = new AliasRepository(dialect, artifacts);
        this.logged = new LoggedMetadataRepository(codec);
        this.queries = new ArtifactQueryRepository(artifacts, codec);
    }

    /** The database this store runs on. */
    protected SqlDatabase database() {
        return database;
    }

    // --- runs ---

    @Override
    public void insertRun(PipelineRunRecord run, List<StepRunRecord> stepRuns) {
        insertRun(run, stepRuns, Optional.empty(), List.of());
    }

    /**
     * Records the run, its owner and its input leases in one transaction; on PostgreSQL each leased version is locked
     * {@code FOR KEY SHARE} while it is checked, so a prune that is deleting it either finishes first (and the run is
     * refused with {@code ARTIFACT_NOT_FOUND}) or skips it.
     */
    @Override
    public void insertRun(PipelineRunRecord run, List<StepRunRecord> stepRuns, Optional<dev.cairn.api.metadata.RunOwner> owner,
            java.util.Collection<UUID> inputLeases) {
        requireNonNull(run, "run is null");
        requireNonNull(owner, "owner is null");
        List<UUID> leases = List.copyOf(new java.util.LinkedHashSet<>(requireNonNull(inputLeases, "inputLeases is null")));
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
        database.write("record run " + run.id() + " of pipeline '" + run.pipelineName() + "'", session -> {
            runs.insert(session, run, runParameters, startedAt);
            if (owner.isPresent()) {
                runs.setOwner(session, run.id(), owner.get());
            }
            this.stepRuns.insertAll(session, run.id(), stepRuns, upstream, parameters);
            List<UUID> missing = runs.leaseInputs(session, run.id(), leases, database.dialect().lockKeyShare());
            if (!missing.isEmpty()) {
                throw new CairnException(ErrorCode.ARTIFACT_NOT_FOUND, "Run " + run.id() + " of pipeline '" + run.pipelineName()
                        + "' reads artifact versions that no longer exist (a prune deleted them after the pipeline resolved them): " + missing
                        + ". Nothing was recorded; run the pipeline again to resolve its inputs anew");
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
        database.write("finish run " + runId, session -> {
            if (!runs.finish(session, runId, status, ended, error)) {
                Optional<String> current = runs.describeStatus(session, runId);
                throw new WriteRejected(current.isEmpty() ? "no such run is recorded; record it with insertRun first"
                        : "it is no longer RUNNING but " + current.get() + ", so it is not changed to " + status);
            }
            runs.endLeases(session, runId);
            return null;
        });
    }

    @Override
    public void renewRun(UUID runId, Instant aliveUntil) {
        requireNonNull(runId, "runId is null");
        long until = epochNanos(requireNonNull(aliveUntil, "aliveUntil is null"), "renewal of run", runId);
        database.write("renew run " + runId, session -> {
            runs.renew(session, runId, until);
            return null;
        });
    }

    @Override
    public List<UUID> failAbandonedRuns(Instant now, String error) {
        requireNonNull(error, "error is null");
        long at = epochNanos(requireNonNull(now, "now is null"), "current time", "abandoned runs");
        List<UUID> expired = database.read("find abandoned runs", session -> runs.listExpired(session, at));
        List<UUID> failed = new ArrayList<>();
        for (UUID runId : expired) {
            boolean recorded = database.write("record abandoned run " + runId, session -> {
                if (!runs.failExpired(session, runId, at, error)) {
                    return false; // renewed or finished meanwhile
                }
                stepRuns.failUnfinished(session, runId, at, error);
                runs.endLeases(session, runId);
                return true;
            });
            if (recorded) {
                failed.add(runId);
            }
        }
        return failed;
    }

    @Override
    public List<ExpiredRun> listExpiredRuns(Instant now) {
        long at = epochNanos(requireNonNull(now, "now is null"), "current time", "expired runs");
        return database.read("list expired runs", session -> runs.listExpiredWithOwners(session, at));
    }

    @Override
    public boolean failAbandonedRun(UUID runId, Instant now, Instant expiredBefore, String error) {
        requireNonNull(runId, "runId is null");
        requireNonNull(error, "error is null");
        long at = epochNanos(requireNonNull(now, "now is null"), "current time", "abandoned run " + runId);
        long before = epochNanos(requireNonNull(expiredBefore, "expiredBefore is null"), "expiry cut-off", "abandoned run " + runId);
        return database.write("record abandoned run " + runId, session -> {
            if (!runs.failExpired(session, runId, at, before, error)) {
                return false; // renewed or finished meanwhile
            }
            stepRuns.failUnfinished(session, runId, at, error);
            runs.endLeases(session, runId);
            return true;
        });
    }

    @Override
    public void updateStepRun(StepRunRecord stepRun) {
        requireNonNull(stepRun, "stepRun is null");
        database.write("update step run " + stepRun.id(), session -> {
            stepRuns.update(session, stepRun);
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
        requireOwnOutputs(stepRun, outputs);
        try {
            database.write("complete step run " + stepRun.id() + " (" + stepRun.stepName() + ")", session -> {
                complete(session, stepRun, committed, inputs, outputs, true);
                return null;
            });
        } catch (CairnException e) {
            throw explainFailedCompletion(e, List.of(stepRun));
        }
    }

    @Override
    public void completeSteps(List<StepCompletion> completions) {
        requireNonNull(completions, "completions is null");
        if (completions.isEmpty()) {
            return;
        }
        completions.forEach(completion -> requireOwnOutputs(completion.stepRun(), completion.outputs()));
        try {
            database.write("complete " + completions.size() + " step runs", session -> {
                // the run's status is checked once per run of the batch: the check holds (a share lock on PostgreSQL, the
                // write lock on SQLite) to the end of the transaction, so it stands for every step of that run
                java.util.Set<UUID> checkedRuns = new java.util.HashSet<>();
                for (StepCompletion completion : completions) {
                    complete(session, completion.stepRun(), completion.committed(), completion.inputs(), completion.outputs(),
                            checkedRuns.add(completion.stepRun().runId()));
                }
                return null;
            });
        } catch (CairnException e) {
            throw explainFailedCompletion(e, completions.stream().map(StepCompletion::stepRun).toList());
        }
    }

    /**
     * A completion records the outputs of its own step run only: the server-checked update of that step run, earlier in
     * the same transaction, is what guarantees an output's step run exists (PostgreSQL's schema V16 dropped the foreign
     * key that checked it again, a trigger and a query per output on the per-step path).
     */
    private static void requireOwnOutputs(StepRunRecord stepRun, List<StepOutputRecord> outputs) {
        for (StepOutputRecord output : outputs) {
            if (!output.stepRunId().equals(stepRun.id())) {
                throw new CairnException(ErrorCode.INVALID_ARGUMENT, "Output '" + output.name() + "' (artifact version " + output.artifactId()
                        + ") names step run " + output.stepRunId() + ", but it is recorded with the completion of step run " + stepRun.id()
                        + " (" + stepRun.stepName() + "); a completion records its own step run's outputs only. Nothing was recorded");
            }
        }
    }

    private void complete(SqlSession session, StepRunRecord stepRun, List<CommittedArtifact> committed, List<StepInputRecord> inputs,
            List<StepOutputRecord> outputs, boolean checkRun) throws java.sql.SQLException {
        // on a session that sends statements together (PostgreSQL) the status query goes first in the round trip of the
        // writes below (checked by the server, and the COMMIT in the same round trip); a run that is no longer RUNNING
        // rejects the transaction, writes and all; a batch of completions checks each run once (checkRun)
        if (checkRun) {
            runs.requireStatusOfStepRunLater(session, stepRun.id(), database.dialect().lockForShare("r"), RunStatus.RUNNING.name(), runStatus -> {
                throw notRunning(stepRun, runStatus);
            });
        }
        stepRuns.update(session, stepRun);
        for (CommittedArtifact artifact : committed) {
            artifacts.commit(session, artifact);
        }
        lineage.insertInputs(session, inputs);
        lineage.insertOutputs(session, outputs);
        if (stepRun.cacheKey().isPresent() && stepRun.status() != StepStatus.CACHED) { // a cache hit never takes a lease
            cache.releaseLease(session, stepRun.cacheKey().get(), stepRun.id().toString());
        }
    }

    /** A process resumed after its run was recorded as abandoned: its inputs and outputs may have been pruned since. */
    private static CairnException notRunning(StepRunRecord stepRun, String runStatus) {
        return new CairnException(ErrorCode.METADATA_FAILURE, "Step run " + stepRun.id() + " (" + stepRun.stepName() + ") of run "
                + stepRun.runId() + " is not recorded as " + stepRun.status() + ": the run is already " + runStatus
                + " (another process recorded it as abandoned while this one was paused or cut off), and what it read or wrote may"
                + " have been pruned since. Nothing of this step is recorded; run the pipeline again");
    }

    /**
     * After a completion failed: when the status query went with the writes and a write failed first (an input a prune
     * deleted after the run was recorded as abandoned), the run's status was never seen; read it now and report a run
     * that is no longer RUNNING as such, with the first failure attached.
     */
    private CairnException explainFailedCompletion(CairnException failure, List<StepRunRecord> stepRuns) {
        if (failure.errorCode() != ErrorCode.METADATA_FAILURE || !(failure.getCause() instanceof java.sql.SQLException)) {
            return failure;
        }
        for (StepRunRecord stepRun : stepRuns) {
            Optional<String> status;
            try {
                status = database.read("find the run of step run " + stepRun.id(), session -> runs.statusOfStepRun(session, stepRun.id(), ""));
            } catch (CairnException e) {
                failure.addSuppressed(e);
                return failure;
            }
            if (status.isPresent() && !status.get().equals(RunStatus.RUNNING.name())) {
                CairnException explained = notRunning(stepRun, status.get());
                explained.addSuppressed(failure);
                return explained;
            }
        }
        return failure;
    }

    @Override
    public Optional<PipelineRunRecord> findRun(UUID runId) {
        requireNonNull(runId, "runId is null");
        return database.read("find run " + runId, session -> runs.find(session, runId));
    }

    @Override
    public List<PipelineRunRecord> findRunsByIdPrefix(String prefix) {
        requireNonNull(prefix, "prefix is null");
        String lower = prefix.toLowerCase(Locale.ROOT);
        if (!lower.matches("[0-9a-f-]*")) {
            return List.of();
        }
        return database.read("find runs whose id starts with '" + prefix + "'", session -> runs.findByIdPrefix(session, lower));
    }

    @Override
    public List<PipelineRunRecord> listRuns(Optional<String> pipelineName) {
        requireNonNull(pipelineName, "pipelineName is null");
        if (pipelineName.isEmpty()) {
            return database.read("list runs", runs::list);
        }
        return database.read("list runs of pipeline '" + pipelineName.get() + "'", session -> runs.list(session, pipelineName.get()));
    }

    @Override
    public dev.cairn.api.run.RunPage listRuns(dev.cairn.api.run.RunQuery query) {
        requireNonNull(query, "query is null");
        return dev.cairn.api.run.RunPage.of(database.read("list a page of runs", session -> runs.page(session, query)), query.limit());
    }

    @Override
    public List<StepRunRecord> listStepRuns(UUID runId) {
        requireNonNull(runId, "runId is null");
        return database.read("list step runs of run " + runId, session -> stepRuns.listOfRun(session, runId));
    }

    @Override
    public Optional<StepRunRecord> findStepRun(UUID stepRunId) {
        requireNonNull(stepRunId, "stepRunId is null");
        return database.read("find step run " + stepRunId, session -> stepRuns.find(session, stepRunId));
    }

    // --- artifact versions ---

    @Override
    public ArtifactVersionRecord reserveArtifactVersion(NewArtifactVersion request) {
        requireNonNull(request, "request is null");
        String name = request.name();
        if (request.explicitVersion().isPresent() && request.explicitVersion().get().isBlank()) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "The explicit version of artifact '" + name
                    + "' is blank; give a non-blank version, or omit it to get the next number");
        }
        String metadata = codec.json(request.metadata(), "metadata of artifact", name);
        long createdAt = epochNanos(request.createdAt(), "creation time of artifact", name);
        // read once the write has ended: a version numbered by the server comes back with the commit
        String version = database.write("reserve a version of artifact '" + name + "'",
                session -> artifacts.reserve(session, request, metadata, createdAt)).get();
        return request.reserved(version);
    }

    @Override
    public void commitArtifactVersion(CommittedArtifact committed) {
        requireNonNull(committed, "committed is null");
        database.write("commit artifact version " + committed.artifactId(), session -> {
            artifacts.commit(session, committed);
            return null;
        });
    }

    @Override
    public void abandonArtifactVersion(UUID artifactId) {
        requireNonNull(artifactId, "artifactId is null");
        database.write("abandon artifact version " + artifactId, session -> {
            artifacts.abandon(session, artifactId);
            return null;
        });
    }

    @Override
    public Optional<ArtifactVersionRecord> findArtifactVersion(UUID artifactId) {
        requireNonNull(artifactId, "artifactId is null");
        return database.read("find artifact version " + artifactId, session -> artifacts.findReady(session, artifactId));
    }

    @Override
    public java.util.Map<UUID, ArtifactVersionRecord> findArtifactVersions(java.util.Collection<UUID> artifactIds) {
        requireNonNull(artifactIds, "artifactIds is null");
        List<UUID> ids = new java.util.ArrayList<>(new java.util.LinkedHashSet<>(artifactIds));
        ids.forEach(id -> requireNonNull(id, "artifactIds contains null"));
        java.util.Map<UUID, ArtifactVersionRecord> found = new java.util.HashMap<>();
        for (ArtifactVersionRecord record : database.read("find " + ids.size() + " artifact versions", session -> artifacts.findAllReady(session, ids))) {
            found.put(record.id(), record);
        }
        return found;
    }

    @Override
    public Optional<ArtifactVersionRecord> findArtifactVersion(String name, String version) {
        requireNonNull(name, "name is null");
        requireNonNull(version, "version is null");
        return database.read("find version '" + version + "' of artifact '" + name + "'", session -> artifacts.findReady(session, name, version));
    }

    @Override
    public Optional<ArtifactVersionRecord> findLatestArtifactVersion(String name) {
        requireNonNull(name, "name is null");
        return database.read("find the latest version of artifact '" + name + "'", session -> artifacts.findLatestReady(session, name));
    }

    @Override
    public List<ArtifactVersionRecord> listArtifactVersions(String name) {
        requireNonNull(name, "name is null");
        return database.read("list versions of artifact '" + name + "'", session -> artifacts.listReady(session, name));
    }

    @Override
    public List<ArtifactVersionRecord> listArtifactVersions() {
        return database.read("list artifact versions", artifacts::listReady);
    }

    @Override
    public List<String> listArtifactNames() {
        return database.read("list artifact names", artifacts::listNames);
    }

    @Override
    public List<Visualization> listVisualizations(UUID artifactId) {
        requireNonNull(artifactId, "artifactId is null");
        return database.read("list visualizations of artifact version " + artifactId, session -> artifacts.listVisualizations(session, artifactId));
    }

    @Override
    public Optional<ArtifactVersionRecord> findArtifactVersionByUri(URI uri) {
        requireNonNull(uri, "uri is null");
        return database.read("find the registered artifact version at " + uri, session -> artifacts.findRegisteredByUri(session, uri));
    }

    // --- tags and aliases ---

    @Override
    public void tagArtifact(String name, List<String> tags) {
        requireNonNull(name, "name is null");
        List<String> checked = checkTags(tags);
        database.write("tag artifact '" + name + "' with " + checked, session -> {
            this.tags.tagArtifact(session, name, checked);
            return null;
        });
    }

    @Override
    public void untagArtifact(String name, List<String> tags) {
        requireNonNull(name, "name is null");
        List<String> checked = checkTags(tags);
        database.write("untag artifact '" + name + "'", session -> {
            this.tags.untagArtifact(session, name, checked);
            return null;
        });
    }

    @Override
    public List<String> listArtifactTags(String name) {
        requireNonNull(name, "name is null");
        return database.read("list tags of artifact '" + name + "'", session -> tags.listArtifactTags(session, name));
    }

    @Override
    public void tagArtifactVersion(UUID artifactId, List<String> tags, boolean exclusive) {
        requireNonNull(artifactId, "artifactId is null");
        List<String> checked = checkTags(tags);
        database.write("tag artifact version " + artifactId + " with " + checked, session -> {
            ArtifactVersionRecord version = artifacts.findReady(session, artifactId).orElseThrow(() -> versionNotFound(artifactId));
            if (exclusive) {
                database.dialect().lockArtifactName(session, version.name());
            }
            this.tags.tagVersion(session, version, checked, exclusive);
            return null;
        });
    }

    @Override
    public void untagArtifactVersion(UUID artifactId, List<String> tags) {
        requireNonNull(artifactId, "artifactId is null");
        List<String> checked = checkTags(tags);
        database.write("untag artifact version " + artifactId, session -> {
            this.tags.untagVersion(session, artifactId, checked);
            return null;
        });
    }

    @Override
    public List<String> listVersionTags(UUID artifactId) {
        requireNonNull(artifactId, "artifactId is null");
        return database.read("list tags of artifact version " + artifactId, session -> tags.listVersionTags(session, artifactId));
    }

    @Override
    public List<ArtifactVersionRecord> listArtifactVersionsWithTag(String tag) {
        requireNonNull(tag, "tag is null");
        return database.read("list artifact versions tagged '" + tag + "'", session -> tags.listWithTag(session, tag));
    }

    @Override
    public dev.cairn.api.artifact.AliasMove moveAlias(String name, String alias, Optional<UUID> artifactId, Instant at) {
        requireNonNull(name, "name is null");
        requireNonNull(alias, "alias is null");
        requireNonNull(artifactId, "artifactId is null");
        long when = epochNanos(requireNonNull(at, "at is null"), "time of alias move", name + "@" + alias);
        return database.write("move alias '" + name + "@" + alias + "'", session -> {
            Optional<ArtifactVersionRecord> target = Optional.empty();
            if (artifactId.isPresent()) {
                ArtifactVersionRecord version = artifacts.findReady(session, artifactId.get()).orElseThrow(() -> versionNotFound(artifactId.get()));
                if (!version.name().equals(name)) {
                    throw new CairnException(ErrorCode.ARTIFACT_NOT_FOUND, "Artifact version " + artifactId.get() + " is '" + version.name() + "' version "
                            + version.version() + ", not a version of '" + name + "': an alias of '" + name + "' can only point to one of its versions");
                }
                target = Optional.of(version);
            } else if (aliases.current(session, name, alias).isEmpty()) {
                throw new CairnException(ErrorCode.ARTIFACT_NOT_FOUND, "Artifact '" + name + "' has no alias '" + alias + "' to remove");
            }
            return aliases.move(session, name, alias, target, when);
        });
    }

    @Override
    public Optional<ArtifactVersionRecord> findArtifactVersionByAlias(String name, String alias) {
        requireNonNull(name, "name is null");
        requireNonNull(alias, "alias is null");
        return database.read("find '" + name + "@" + alias + "'", session -> aliases.find(session, name, alias));
    }

    @Override
    public List<String> listAliases(UUID artifactId) {
        requireNonNull(artifactId, "artifactId is null");
        return database.read("list aliases of artifact version " + artifactId, session -> aliases.aliasesOf(session, artifactId));
    }

    @Override
    public List<dev.cairn.api.artifact.AliasMove> listAliasMoves(String name, String alias) {
        requireNonNull(name, "name is null");
        requireNonNull(alias, "alias is null");
        return database.read("list moves of '" + name + "@" + alias + "'", session -> aliases.moves(session, name, alias));
    }

    @Override
    public void logMetadata(dev.cairn.api.metadata.MetadataTarget target, UUID id, Map<String, dev.cairn.api.artifact.MetadataValue> values,
            Instant at) {
        requireNonNull(target, "target is null");
        requireNonNull(id, "id is null");
        Map<String, dev.cairn.api.artifact.MetadataValue> checked = new java.util.LinkedHashMap<>();
        requireNonNull(values, "values is null").forEach((key, value) -> {
            requireNonNull(key, "metadata key is null");
            if (key.isBlank()) {
                throw new CairnException(ErrorCode.INVALID_ARGUMENT, "A metadata key is blank: give keys with at least one visible character");
            }
            checked.put(key, requireNonNull(value, "metadata '" + key + "' is null"));
        });
        long when = epochNanos(requireNonNull(at, "at is null"), "time of metadata", id);
        database.write("log metadata " + checked.keySet() + " onto " + target + " " + id, session -> {
            boolean exists = target == dev.cairn.api.metadata.MetadataTarget.PIPELINE_RUN ? runs.find(session, id).isPresent()
                    : artifacts.findReady(session, id).isPresent();
            if (!exists) {
                throw target == dev.cairn.api.metadata.MetadataTarget.PIPELINE_RUN
                        ? new CairnException(ErrorCode.RUN_NOT_FOUND, "No pipeline run with id " + id + ": list runs with 'cairn runs list'")
                        : versionNotFound(id);
            }
            logged.log(session, target, id, checked, when);
            return null;
        });
    }

    @Override
    public Map<String, dev.cairn.api.artifact.MetadataValue> listLoggedMetadata(dev.cairn.api.metadata.MetadataTarget target, UUID id) {
        requireNonNull(target, "target is null");
        requireNonNull(id, "id is null");
        return database.read("list metadata of " + target + " " + id, session -> logged.list(session, target, id));
    }

    @Override
    public VersionPage queryArtifactVersions(List<dev.cairn.api.artifact.ArtifactFilter> filters) {
        List<dev.cairn.api.artifact.ArtifactFilter> checked = List.copyOf(requireNonNull(filters, "filters is null"));
        return database.read("query artifact versions", session -> queries.run(session, checked));
    }

    private static List<String> checkTags(List<String> tags) {
        requireNonNull(tags, "tags is null");
        for (String tag : tags) {
            requireNonNull(tag, "tags contains null");
            if (tag.isBlank()) {
                throw new CairnException(ErrorCode.INVALID_ARGUMENT, "A tag is blank: give tags with at least one visible character");
            }
        }
        return List.copyOf(new java.util.LinkedHashSet<>(tags));
    }

    private static CairnException versionNotFound(UUID artifactId) {
        return new CairnException(ErrorCode.ARTIFACT_NOT_FOUND, "No artifact version with id " + artifactId + ": list artifacts with 'cairn artifacts list'");
    }

    // --- prune ---

    @Override
    public List<ArtifactVersionRecord> listUnusedArtifactVersions(boolean includeRegistered) {
        if (!database.dialect().indexProbeSettings().isEmpty()) {
            // the settings hold for a transaction (PostgreSQL: SET LOCAL), so the read runs in one; it writes nothing
            return database.write("list unused artifact versions", session -> deletions.listUnused(session, includeRegistered));
        }
        return database.read("list unused artifact versions", session -> deletions.listUnused(session, includeRegistered));
    }

    @Override
    public List<ArtifactVersionRecord> listPendingArtifactVersions(Instant createdBefore) {
        long before = epochNanos(requireNonNull(createdBefore, "createdBefore is null"), "cut-off time", "pending versions");
        return database.read("list pending artifact versions", session -> artifacts.listPending(session, before));
    }

    @Override
    public List<ArtifactDeletion> deleteArtifactVersions(List<UUID> artifactIds, boolean includeRegistered, Instant pendingCreatedBefore,
            boolean tombstones) {
        requireNonNull(artifactIds, "artifactIds is null");
        long before = epochNanos(requireNonNull(pendingCreatedBefore, "pendingCreatedBefore is null"), "cut-off time", "pending versions");
        if (artifactIds.isEmpty()) {
            return List.of();
        }
        List<UUID> ids = List.copyOf(artifactIds);
        return database.write("delete " + ids.size() + " unused artifact versions", session -> {
            List<ArtifactVersionRecord> candidates = deletions.listDeletable(session, ids, includeRegistered, before);
            List<ArtifactDeletion> deleted = candidates.stream().map(ArtifactDeletion::of).toList();
            if (deleted.isEmpty()) {
                return deleted;
            }
            if (tombstones) {
                deletions.insertTombstones(session, deleted);
            }
            List<UUID> deletedIds = deleted.stream().map(ArtifactDeletion::id).toList();
            deletions.retire(session, candidates);
            runs.deleteLeasesOf(session, deletedIds);
            lineage.deleteOutputsNaming(session, deletedIds);
            tags.deleteOfVersions(session, deletedIds);
            aliases.deleteOfVersions(session, deletedIds);
            artifacts.deleteAll(session, deletedIds);
            return deleted;
        });
    }

    @Override
    public List<ArtifactDeletion> listArtifactDeletions() {
        return database.read("list artifact deletions", deletions::listTombstones);
    }

    @Override
    public void clearArtifactDeletions(List<UUID> artifactIds) {
        requireNonNull(artifactIds, "artifactIds is null");
        if (artifactIds.isEmpty()) {
            return;
        }
        List<UUID> ids = List.copyOf(artifactIds);
        database.write("clear " + ids.size() + " artifact deletions", session -> {
            deletions.clearTombstones(session, ids);
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
        database.write("record inputs of step run " + inputs.get(0).stepRunId(), session -> {
            lineage.insertInputs(session, inputs);
            return null;
        });
    }

    @Override
    public List<StepInputRecord> listStepInputs(UUID stepRunId) {
        requireNonNull(stepRunId, "stepRunId is null");
        return database.read("list inputs of step run " + stepRunId, session -> lineage.listInputs(session, stepRunId));
    }

    @Override
    public List<StepOutputRecord> listStepOutputs(UUID stepRunId) {
        requireNonNull(stepRunId, "stepRunId is null");
        return database.read("list outputs of step run " + stepRunId, session -> lineage.listOutputs(session, stepRunId));
    }

    @Override
    public List<StepInputRecord> listStepInputsOfRun(UUID runId) {
        requireNonNull(runId, "runId is null");
        return database.read("list inputs of run " + runId, session -> lineage.listInputsOfRun(session, runId));
    }

    @Override
    public List<StepOutputRecord> listStepOutputsOfRun(UUID runId) {
        requireNonNull(runId, "runId is null");
        return database.read("list outputs of run " + runId, session -> lineage.listOutputsOfRun(session, runId));
    }

    @Override
    public List<StepInputRecord> listConsumers(UUID artifactId) {
        requireNonNull(artifactId, "artifactId is null");
        return database.read("list consumers of artifact version " + artifactId, session -> lineage.listConsumers(session, artifactId));
    }

    @Override
    public List<dev.cairn.api.metadata.UpstreamLineageRecord> listUpstreamLineage(UUID artifactId) {
        requireNonNull(artifactId, "artifactId is null");
        return database.read("read the upstream lineage of artifact version " + artifactId, session -> lineage.listUpstream(session, artifactId));
    }

    // --- cache ---

    @Override
    public List<StepRunRecord> findCompletedStepRunsByCacheKey(String cacheKey, int limit) {
        requireNonNull(cacheKey, "cacheKey is null");
        return database.read("find step runs with cache key " + cacheKey, session -> stepRuns.findCompletedByCacheKey(session, cacheKey, limit));
    }

    @Override
    public List<CacheCandidate> findCacheCandidates(String cacheKey, int limit) {
        requireNonNull(cacheKey, "cacheKey is null");
        return database.read("find cached results for cache key " + cacheKey, session -> cache.findCandidates(session, cacheKey, limit));
    }

    @Override
    public Map<String, List<CacheCandidate>> findCacheCandidates(java.util.Collection<String> cacheKeys, int limit) {
        requireNonNull(cacheKeys, "cacheKeys is null");
        List<String> keys = List.copyOf(cacheKeys);
        if (keys.isEmpty()) {
            return Map.of();
        }
        return database.read("find cached results for " + keys.size() + " cache keys (the first " + keys.get(0) + ")",
                session -> cache.findCandidates(session, keys, limit));
    }

    @Override
    public Map<String, Map<String, String>> cacheKeysOfRun(UUID runId, int from, int to) {
        requireNonNull(runId, "runId is null");
        return database.read("read the cache keys of run " + runId + " at positions " + from + " to " + to,
                session -> cache.keysOfRun(session, runId, from, to));
    }

    @Override
    public boolean tryAcquireCacheLease(String cacheKey, String holder, Instant expiresAt) {
        requireNonNull(cacheKey, "cacheKey is null");
        requireNonNull(holder, "holder is null");
        long expires = epochNanos(requireNonNull(expiresAt, "expiresAt is null"), "expiry of cache lease", cacheKey);
        return database.writeStatement("take the cache lease on " + cacheKey, session -> cache.tryAcquireLease(session, cacheKey, holder, expires));
    }

    @Override
    public boolean renewCacheLease(String cacheKey, String holder, Instant expiresAt) {
        requireNonNull(cacheKey, "cacheKey is null");
        requireNonNull(holder, "holder is null");
        long expires = epochNanos(requireNonNull(expiresAt, "expiresAt is null"), "expiry of cache lease", cacheKey);
        return database.writeStatement("renew the cache lease on " + cacheKey, session -> cache.renewLease(session, cacheKey, holder, expires));
    }

    /** The lease expires {@code ttl} after the database's clock, never the caller's: skewed clients cannot steal it. */
    @Override
    public boolean tryAcquireCacheLease(String cacheKey, String holder, java.time.Duration ttl) {
        requireNonNull(cacheKey, "cacheKey is null");
        requireNonNull(holder, "holder is null");
        long ttlNanos = ttlNanos(ttl, cacheKey);
        return database.writeStatement("take the cache lease on " + cacheKey, session -> cache.tryAcquireLeaseFor(session, cacheKey, holder, ttlNanos));
    }

    /**
     * The lease upsert and the lookup after it as one statement sequence in auto-commit: on PostgreSQL one round trip
     * (the upsert first, so the lookup sees every completion committed before the lease was taken).
     */
    @Override
    public Optional<List<CacheCandidate>> tryAcquireCacheLeaseAndFind(String cacheKey, String holder, java.time.Duration ttl, int limit) {
        requireNonNull(cacheKey, "cacheKey is null");
        requireNonNull(holder, "holder is null");
        long ttlNanos = ttlNanos(ttl, cacheKey);
        return database.writeStatement("take the cache lease on " + cacheKey + " and look up its cached results",
                session -> cache.tryAcquireLeaseForAndFind(session, cacheKey, holder, ttlNanos, limit));
    }

    /**
     * On a database that sends statements together ({@link SqlDialect#takesLeaseWithFirstLookup}), the conditional lease
     * upsert and the lookup as one statement sequence in auto-commit (one round trip); elsewhere only the lookup.
     */
    @Override
    public CandidatesOrLease findCacheCandidatesOrLease(String cacheKey, String holder, java.time.Duration ttl, int limit) {
        requireNonNull(cacheKey, "cacheKey is null");
        requireNonNull(holder, "holder is null");
        long ttlNanos = ttlNanos(ttl, cacheKey);
        if (!database.dialect().takesLeaseWithFirstLookup()) {
            return new CandidatesOrLease(findCacheCandidates(cacheKey, limit), false);
        }
        return database.writeStatement("look up cached results for cache key " + cacheKey + ", or take its lease",
                session -> cache.findCandidatesOrAcquireLeaseFor(session, cacheKey, holder, ttlNanos, limit));
    }

    /** Extends the lease to {@code ttl} after the database's clock. */
    @Override
    public boolean renewCacheLease(String cacheKey, String holder, java.time.Duration ttl) {
        requireNonNull(cacheKey, "cacheKey is null");
        requireNonNull(holder, "holder is null");
        long ttlNanos = ttlNanos(ttl, cacheKey);
        return database.writeStatement("renew the cache lease on " + cacheKey, session -> cache.renewLeaseFor(session, cacheKey, holder, ttlNanos));
    }

    private static long ttlNanos(java.time.Duration ttl, String cacheKey) {
        requireNonNull(ttl, "ttl is null");
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(java.time.Duration.ofDays(365)) > 0) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "The lease time of cache key " + cacheKey + " must be positive and at most"
                    + " a year, got " + ttl);
        }
        return ttl.toNanos();
    }

    @Override
    public void releaseCacheLease(String cacheKey, String holder) {
        requireNonNull(cacheKey, "cacheKey is null");
        requireNonNull(holder, "holder is null");
        database.writeStatement("release the cache lease on " + cacheKey, session -> {
            cache.releaseLease(session, cacheKey, holder);
            return null;
        });
    }

    /** Closes the database; calls after this fail with {@code METADATA_FAILURE}. Idempotent. */
    @Override
    public void close() {
        database.close();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + database.location() + "]";
    }
}
