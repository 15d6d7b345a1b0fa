package dev.cairn.api;

import java.util.List;
import java.util.UUID;

import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.run.PipelineRun;
import org.apiguardian.api.API;

/** Reads what the engine recorded: runs, steps and artifact versions. Thread-safe. */
@API(status = API.Status.STABLE, since = "0.1")
public interface Client {
    /** @throws CairnException {@code RUN_NOT_FOUND} */
    PipelineRun getPipelineRun(UUID runId);

    /** Accepts a full UUID or a unique prefix of one. @throws CairnException {@code RUN_NOT_FOUND} */
    PipelineRun getPipelineRun(String runId);

    /** Runs of a pipeline, newest first. */
    List<PipelineRun> listRuns(String pipelineName);

    /** All runs, newest first. */
    List<PipelineRun> listRuns();

    /**
     * A page of runs, newest first, of one pipeline and status when the query says so; pass {@link
     * dev.cairn.api.run.RunPage#next()} back in the next query for the following page. Runs come as records (no
     * step runs), so a page costs one query however large the runs are. The default filters {@link #listRuns()}.
     */
    default dev.cairn.api.run.RunPage listRuns(dev.cairn.api.run.RunQuery query) {
        java.util.Objects.requireNonNull(query, "query is null");
        List<dev.cairn.api.metadata.PipelineRunRecord> matching = listRuns().stream()
                .map(Client::record)
                .filter(run -> query.matches(run.pipelineName(), run.status(), run.startedAt(), run.id()))
                .sorted(java.util.Comparator.comparing(dev.cairn.api.metadata.PipelineRunRecord::startedAt)
                        .thenComparing(run -> run.id().toString()).reversed())
                .limit(query.limit() + 1L)
                .toList();
        return dev.cairn.api.run.RunPage.of(matching, query.limit());
    }

    /**
     * The run's own record, without its step runs (cheap to poll for a run's status). The default reads the whole run.
     *
     * @throws CairnException {@code RUN_NOT_FOUND}
     */
    default dev.cairn.api.metadata.PipelineRunRecord getRunRecord(UUID runId) {
        return record(getPipelineRun(java.util.Objects.requireNonNull(runId, "runId is null")));
    }

    /**
     * The step runs of a run in topological order, as records: status, times, parameters, cache fields and the names
     * of the steps each one depends on (the run's DAG), without their artifacts. Empty for an unknown run.
     *
     * @throws CairnException {@code CONFIGURATION} when this client cannot list step runs (the engine's client can)
     */
    default List<dev.cairn.api.metadata.StepRunRecord> listStepRuns(UUID runId) {
        throw new CairnException(ErrorCode.CONFIGURATION, "This client (" + getClass().getName() + ") cannot list the step runs of a run");
    }

    /**
     * One step run of a run, with its input and output artifacts. The default reads the whole run.
     *
     * @throws CairnException {@code RUN_NOT_FOUND}, or {@code STEP_NOT_FOUND} when the run has no step run with that id
     */
    default dev.cairn.api.run.StepRun getStepRun(UUID runId, UUID stepRunId) {
        java.util.Objects.requireNonNull(stepRunId, "stepRunId is null");
        PipelineRun run = getPipelineRun(java.util.Objects.requireNonNull(runId, "runId is null"));
        return run.steps().stream().filter(step -> step.id().equals(stepRunId)).findFirst()
                .orElseThrow(() -> new CairnException(ErrorCode.STEP_NOT_FOUND,
                        "Run " + runId + " of pipeline '" + run.pipelineName() + "' has no step run " + stepRunId + ": list its steps with 'cairn runs show " + runId + "'"));
    }

    private static dev.cairn.api.metadata.PipelineRunRecord record(PipelineRun run) {
        return new dev.cairn.api.metadata.PipelineRunRecord(run.id(), run.pipelineName(), run.status(), run.startedAt(), run.endedAt(),
                run.parameters(), run.error());
    }

    /**
     * The latest version of {@code name}, or, for {@code name@alias}, the version the alias points to (when the name
     * before the last {@code @} has that alias; otherwise the whole text is read as a name).
     *
     * @throws CairnException {@code ARTIFACT_NOT_FOUND}
     */
    ArtifactVersion getArtifactVersion(String name);

    /**
     * Version {@code version} of {@code name}; a version that starts with {@code @} names an alias
     * ({@code getArtifactVersion("model", "@champion")}).
     *
     * @throws CairnException {@code ARTIFACT_NOT_FOUND}
     */
    ArtifactVersion getArtifactVersion(String name, String version);

    /** The artifact version with this id. @throws CairnException {@code ARTIFACT_NOT_FOUND} */
    ArtifactVersion getArtifactVersion(UUID id);

    /** All versions of {@code name}, oldest first; empty if none. */
    List<ArtifactVersion> listArtifactVersions(String name);

    /** Every artifact version, newest first. */
    List<ArtifactVersion> listArtifactVersions();

    /**
     * One page of the {@code READY} versions that match every filter, newest first:
     * {@code listArtifactVersions(ArtifactFilter.tag("production"), ArtifactFilter.metadata("accuracy").gt(0.85), ArtifactFilter.limit(20))};
     * pass the page's {@link dev.cairn.api.artifact.ArtifactPage#nextCursor()} to {@link dev.cairn.api.artifact.ArtifactFilter#after(String)}
     * for the next one. Answered from indexes, so it stays fast on large stores.
     *
     * @throws CairnException {@code INVALID_ARGUMENT} for a malformed cursor
     */
    default dev.cairn.api.artifact.ArtifactPage listArtifactVersions(dev.cairn.api.artifact.ArtifactFilter filter,
            dev.cairn.api.artifact.ArtifactFilter... more) {
        throw new CairnException(ErrorCode.CONFIGURATION, "This client (" + getClass().getName() + ") cannot query artifact versions");
    }

    /** Distinct artifact names, sorted. */
    List<String> listArtifactNames();

    /**
     * The lineage of an artifact version: the step run and pipeline run that produced it, the artifacts it was
     * derived from (transitively) with their producers, and the step runs that consumed it and what they derived
     * from it (transitively), including loads made through the client inside steps.
     */
    dev.cairn.api.lineage.Lineage lineage(ArtifactVersion artifactVersion);

    /** The DAG of a run's step runs (edges between steps, statuses on the nodes). */
    dev.cairn.api.lineage.Lineage runGraph(UUID runId);

    /**
     * Stores {@code value} as the next version of {@code name}, outside any pipeline: the materializer is the one a
     * step output of the value's class would get. Numbering continues from the highest numeric version of the name
     * and is safe across threads and processes sharing the metadata store. Saved through the client of a running step
     * ({@link StepContext#client()}), the version is recorded as produced by that step run (a "manual save" in its
     * lineage); through any other client it has no producer.
     *
     * @throws CairnException {@code NO_MATERIALIZER} when no materializer can store the value's type,
     *     {@code INVALID_ARTIFACT_NAME} for a bad name
     */
    default ArtifactVersion save(Object value, String name) {
        return save(value, dev.cairn.api.artifact.SaveOptions.named(name));
    }

    /**
     * Stores {@code value} as a new version, as {@code options} say (explicit version, metadata, artifact type, type,
     * materializer); see {@link #save(Object, String)}.
     *
     * @throws CairnException {@code DUPLICATE_VERSION} when the explicit version exists, {@code NO_MATERIALIZER},
     *     {@code TYPE_MISMATCH} when the explicit materializer cannot store the type, {@code INVALID_ARTIFACT_NAME}
     */
    default ArtifactVersion save(Object value, dev.cairn.api.artifact.SaveOptions options) {
        throw new CairnException(ErrorCode.CONFIGURATION, "This client (" + getClass().getName() + ") cannot save artifacts");
    }

    /**
     * Copies the data files and the manifest ({@code .cairn/manifest.json}) of one artifact version into
     * {@code directory}, which must not exist or be empty, and returns it. Every file is checked against the
     * manifest's size and SHA-256 while it is copied; the copy is made in a hidden sibling directory and renamed into
     * place only when all matched, so a failed export leaves nothing behind. {@link #importVersion} reads the result.
     *
     * @throws CairnException {@code ARTIFACT_NOT_FOUND}, {@code INTEGRITY_VIOLATION} naming the damaged or missing file,
     *     {@code INVALID_ARGUMENT} when {@code directory} exists and is not empty
     */
    default java.nio.file.Path exportVersion(UUID artifactId, java.nio.file.Path directory) {
        throw new CairnException(ErrorCode.CONFIGURATION, "This client (" + getClass().getName() + ") cannot export artifacts");
    }

    /** Exports version {@code version} of {@code name} (a version, or {@code @alias}); see {@link #exportVersion(UUID, java.nio.file.Path)}. */
    default java.nio.file.Path exportVersion(String name, String version, java.nio.file.Path directory) {
        return exportVersion(getArtifactVersion(name, version).id(), directory);
    }

    /**
     * Stores the files of a local folder as a new version of {@code options.name()}, through the same draft,
     * numbering and commit path as {@link #save(Object, dev.cairn.api.artifact.SaveOptions)}; the options' version,
     * tags, metadata and artifact type apply (a type or materializer is refused: they come from the folder). A folder
     * written by {@link #exportVersion} must hold exactly the files its manifest lists, unchanged; the new version then
     * keeps the original's data type, materializer and extracted metadata, so it loads as the original did and has the
     * same content hash. Any other folder is stored as plain files, readable through {@link ArtifactVersion#files()}
     * and {@link ArtifactVersion#open(String)} (its {@code load()} fails with {@code NO_MATERIALIZER}).
     *
     * @throws CairnException {@code INTEGRITY_VIOLATION} when a file does not match the folder's manifest,
     *     {@code DUPLICATE_VERSION}, {@code INVALID_ARGUMENT} for a missing or empty folder or a symbolic link in it
     */
    default ArtifactVersion importVersion(java.nio.file.Path directory, dev.cairn.api.artifact.SaveOptions options) {
        throw new CairnException(ErrorCode.CONFIGURATION, "This client (" + getClass().getName() + ") cannot import artifacts");
    }

    /** Loads the latest version of {@code name} as its stored type. @throws CairnException {@code ARTIFACT_NOT_FOUND} */
    default <T> T load(String name) {
        return getArtifactVersion(name).load();
    }

    /** Loads version {@code version} of {@code name} as its stored type. @throws CairnException {@code ARTIFACT_NOT_FOUND} */
    default <T> T load(String name, String version) {
        return getArtifactVersion(name, version).load();
    }

    /**
     * Loads the latest version of {@code name} as {@code type}, checked.
     *
     * @throws CairnException {@code ARTIFACT_NOT_FOUND}, or {@code TYPE_MISMATCH} when the stored type is not assignable
     */
    default <T> T load(String name, Class<T> type) {
        return getArtifactVersion(name).load(type);
    }

    /**
     * Loads the latest version of {@code name} as the captured generic type, checked.
     *
     * @throws CairnException {@code ARTIFACT_NOT_FOUND}, or {@code TYPE_MISMATCH} when the stored type is not assignable
     */
    default <T> T load(String name, dev.cairn.api.artifact.TypeRef<T> type) {
        return getArtifactVersion(name).load(type);
    }

    /**
     * Adds {@code tags} to the artifact {@code name}: they apply to all its versions, present and future.
     *
     * @throws CairnException {@code ARTIFACT_NOT_FOUND} when the name has no version, {@code INVALID_ARGUMENT} for a blank tag
     */
    default void tagArtifact(String name, String... tags) {
        throw new CairnException(ErrorCode.CONFIGURATION, "This client (" + getClass().getName() + ") cannot tag artifacts");
    }

    /** Removes {@code tags} from the artifact {@code name} (not from its versions' own tags). */
    default void untagArtifact(String name, String... tags) {
        throw new CairnException(ErrorCode.CONFIGURATION, "This client (" + getClass().getName() + ") cannot untag artifacts");
    }

    /**
     * Adds {@code tags} to one version; {@code version} is as in {@link #getArtifactVersion(String, String)} (an
     * {@code @alias} works). Returns that version.
     *
     * @throws CairnException {@code ARTIFACT_NOT_FOUND}, {@code INVALID_ARGUMENT} for a blank tag
     */
    default ArtifactVersion tagVersion(String name, String version, String... tags) {
        throw new CairnException(ErrorCode.CONFIGURATION, "This client (" + getClass().getName() + ") cannot tag artifact versions");
    }

    /**
     * Moves exclusive {@code tags} (such as {@code production}) to one version: in one transaction each tag is removed
     * from every other version of {@code name} and added to this one, so no reader sees two versions carrying it.
     */
    default ArtifactVersion tagVersionExclusively(String name, String version, String... tags) {
        throw new CairnException(ErrorCode.CONFIGURATION, "This client (" + getClass().getName() + ") cannot tag artifact versions");
    }

    /** Removes {@code tags} from one version. Returns that version. */
    default ArtifactVersion untagVersion(String name, String version, String... tags) {
        throw new CairnException(ErrorCode.CONFIGURATION, "This client (" + getClass().getName() + ") cannot untag artifact versions");
    }

    /** Versions that carry {@code tag}, on themselves or through their artifact, newest first. */
    default List<ArtifactVersion> listArtifactVersionsWithTag(String tag) {
        throw new CairnException(ErrorCode.CONFIGURATION, "This client (" + getClass().getName() + ") cannot list versions by tag");
    }

    /**
     * Points the alias {@code alias} of {@code name} at {@code version} (MLflow-style: {@code setAlias("model",
     * "champion", "7")}); from then on {@code "model@champion"} is accepted wherever a name with a version is:
     * {@link #getArtifactVersion(String)}, {@link #load(String)}, {@code p.artifact("model@champion")}, the CLI. The move
     * is atomic (a reader sees the old or the new target) and is kept in {@link #aliasHistory}. Returns the version.
     *
     * @throws CairnException {@code ARTIFACT_NOT_FOUND} when the version does not exist, {@code INVALID_ARGUMENT} for an
     *     alias that is blank or contains {@code @ : / \}
     */
    default ArtifactVersion setAlias(String name, String alias, String version) {
        throw new CairnException(ErrorCode.CONFIGURATION, "This client (" + getClass().getName() + ") cannot set aliases");
    }

    /** Removes the alias (its history is kept). @throws CairnException {@code ARTIFACT_NOT_FOUND} when it does not exist */
    default void removeAlias(String name, String alias) {
        throw new CairnException(ErrorCode.CONFIGURATION, "This client (" + getClass().getName() + ") cannot remove aliases");
    }

    /** Every move of an alias, oldest first; empty when it never existed. */
    default List<dev.cairn.api.artifact.AliasMove> aliasHistory(String name, String alias) {
        throw new CairnException(ErrorCode.CONFIGURATION, "This client (" + getClass().getName() + ") cannot list alias history");
    }

    /**
     * Logs typed metadata onto a version ({@code version} as in {@link #getArtifactVersion(String, String)}); each value
     * goes through {@link dev.cairn.api.artifact.MetadataValue#of(Object)} and is stored with its type. A key logged
     * again reads back at its latest value. Read it with {@link ArtifactVersion#loggedMetadata()}.
     *
     * @throws CairnException {@code ARTIFACT_NOT_FOUND}, {@code INVALID_ARGUMENT} for an unsupported value
     */
    default void logMetadata(String name, String version, java.util.Map<String, ?> values) {
        throw new CairnException(ErrorCode.CONFIGURATION, "This client (" + getClass().getName() + ") cannot log metadata");
    }

    /** {@link #logMetadata(String, String, java.util.Map)} onto the version with this id. */
    default void logMetadata(UUID artifactId, java.util.Map<String, ?> values) {
        throw new CairnException(ErrorCode.CONFIGURATION, "This client (" + getClass().getName() + ") cannot log metadata");
    }

    /** Logs typed metadata onto a pipeline run. @throws CairnException {@code RUN_NOT_FOUND} */
    default void logRunMetadata(UUID runId, java.util.Map<String, ?> values) {
        throw new CairnException(ErrorCode.CONFIGURATION, "This client (" + getClass().getName() + ") cannot log metadata");
    }

    /** The typed metadata logged onto a run, each key at its latest value. */
    default java.util.Map<String, dev.cairn.api.artifact.MetadataValue> getRunMetadata(UUID runId) {
        throw new CairnException(ErrorCode.CONFIGURATION, "This client (" + getClass().getName() + ") cannot read run metadata");
    }

    /**
     * Registers an existing file or folder as the next version of {@code name}, without copying it.
     *
     * <p>{@code uri} must lie inside an artifact store this engine knows (its default store, or a store an artifact
     * was recorded in); the check is on normalised paths with symbolic links resolved, so {@code /store_evil} is not
     * inside {@code /store}. The store's own areas (its {@code artifacts/} tree, staging and the registration
     * sidecars) are refused, and so is a URI already registered to another version. Every file is hashed (SHA-256)
     * and a manifest is written to a sidecar directory of the store, {@code .cairn-registered/<id>/}; the data
     * itself is not moved, copied or changed. The version is recorded with {@code registered = true}, materializer
     * {@code cairn.path} and data type {@code java.nio.file.Path}: {@link ArtifactVersion#load()} returns a
     * {@code Path} to a fresh temporary local copy (a file, or a directory tree), which the caller owns and deletes.
     * Change the files after registering and {@link ArtifactVersion#verify()} reports it.
     *
     * @throws CairnException {@code PATH_OUTSIDE_STORE} when {@code uri} is in no known store or in a reserved area,
     *     {@code INVALID_ARGUMENT} when it is already registered (the message names that version) or does not exist,
     *     {@code INVALID_ARTIFACT_NAME} for a bad name
     */
    default ArtifactVersion registerArtifact(java.net.URI uri, String name) {
        return registerArtifact(uri, name, dev.cairn.api.lifecycle.ProgressListener.NONE);
    }

    /** {@link #registerArtifact(java.net.URI, String)}, reporting hashing progress (files and bytes) to {@code progress}. */
    default ArtifactVersion registerArtifact(java.net.URI uri, String name, dev.cairn.api.lifecycle.ProgressListener progress) {
        throw new CairnException(ErrorCode.CONFIGURATION, "This client (" + getClass().getName() + ") cannot register existing data");
    }

    /**
     * Deletes unused artifact versions, stale reserved versions and abandoned staging drafts.
     *
     * <p>An artifact version is <b>unused</b>, and may be pruned, only when all of these hold: it is {@code READY};
     * no step run consumed it (no input of any kind: step output, external artifact or a client load inside a
     * step); it is not an output of a {@code COMPLETED} step run that has a cache key (that is a cache entry a later
     * run may reuse); it is not an output of a step run whose pipeline run is still {@code RUNNING}; it was not
     * registered from existing data, unless {@link dev.cairn.api.lifecycle.PruneOptions#includeRegistered()}; and, for
     * registered data, no kept registered version lies inside it or contains it. The rule is checked again inside
     * the transaction that deletes the rows, so a consumer recorded meanwhile keeps the version.
     *
     * <p>Rows are deleted first, in a transaction that also records a deletion tombstone per version; then the files
     * are deleted and the tombstones cleared. A prune that stops halfway therefore never leaves a row pointing at
     * deleted files, and the next prune finishes the queued deletions first.
     *
     * @throws CairnException {@code STORE_FAILURE} when a file cannot be deleted and errors are not ignored (what was
     *     deleted stays deleted; the rest is queued for the next prune)
     */
    default dev.cairn.api.lifecycle.PruneReport prune(dev.cairn.api.lifecycle.PruneOptions options) {
        throw new CairnException(ErrorCode.CONFIGURATION, "This client (" + getClass().getName() + ") cannot prune artifacts");
    }
}
