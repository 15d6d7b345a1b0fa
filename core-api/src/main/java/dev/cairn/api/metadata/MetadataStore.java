package dev.cairn.api.metadata;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import dev.cairn.api.artifact.Visualization;
import dev.cairn.api.run.RunStatus;
import org.apiguardian.api.API;

/**
 * Where Cairn records pipelines, runs, step runs, artifact versions and lineage.
 *
 * <p>Implementations are thread-safe and safe to share between processes on one database: version
 * assignment is atomic (two writers never get the same version of a name). Failures are reported as
 * {@code CairnException}s with {@code METADATA_FAILURE}. Lists are never {@code null}.
 */
@API(status = API.Status.STABLE, since = "0.1")
public interface MetadataStore extends AutoCloseable {
    // --- runs ---

    /** Records a new run and, in the same transaction, its step runs (usually {@code PENDING}). */
    void insertRun(PipelineRunRecord run, List<StepRunRecord> stepRuns);

    /**
     * {@link #insertRun(PipelineRunRecord, List)}, and in the same transaction: the process that owns the run, and a
     * lease on each of {@code inputLeases}, the existing artifact versions the run will read ({@code p.artifact(...)}).
     * While the run is {@code RUNNING}, a prune keeps every leased version; the leases end when the run finishes. A
     * leased version that no longer exists ({@code READY}) fails the call with {@code ARTIFACT_NOT_FOUND} naming its id,
     * and nothing is recorded. The default ignores the owner and the leases (a store without them protects nothing).
     */
    default void insertRun(PipelineRunRecord run, List<StepRunRecord> stepRuns, Optional<RunOwner> owner, java.util.Collection<UUID> inputLeases) {
        insertRun(run, stepRuns);
    }

    /**
     * Marks a {@code RUNNING} run finished and ends its input leases. Stores that record abandoned runs refuse
     * ({@code METADATA_FAILURE}) to change a run that is already finished, so a process resumed after its run was
     * recorded as abandoned cannot record success over it.
     */
    void finishRun(UUID runId, RunStatus status, Instant endedAt, Optional<String> error);

    /** Replaces the mutable fields (status, times, error, cache fields) of a step run. */
    void updateStepRun(StepRunRecord stepRun);

    /**
     * Records a finished step in one transaction: updates the step run, marks its new artifact versions
     * {@code READY} at their URIs, records its inputs and outputs, and releases the cache lease on the step run's
     * cache key if the step run itself holds it (holder = the step run id as text).
     */
    void completeStep(StepRunRecord stepRun, List<CommittedArtifact> committed, List<StepInputRecord> inputs, List<StepOutputRecord> outputs);

    /**
     * Records several finished steps; the default calls {@link #completeStep} for each, and a store may do it in
     * one transaction (the engine batches steps whose outputs were reused from cache).
     */
    default void completeSteps(List<StepCompletion> completions) {
        for (StepCompletion completion : completions) {
            completeStep(completion.stepRun(), completion.committed(), completion.inputs(), completion.outputs());
        }
    }

    /** The arguments of one {@link #completeStep} call. */
    record StepCompletion(StepRunRecord stepRun, List<CommittedArtifact> committed, List<StepInputRecord> inputs, List<StepOutputRecord> outputs) {
        public StepCompletion {
            java.util.Objects.requireNonNull(stepRun, "stepRun is null");
            committed = List.copyOf(committed);
            inputs = List.copyOf(inputs);
            outputs = List.copyOf(outputs);
        }
    }

    Optional<PipelineRunRecord> findRun(UUID runId);

    /** Runs whose id starts with {@code prefix} (for abbreviated ids on the command line). */
    List<PipelineRunRecord> findRunsByIdPrefix(String prefix);

    /** Runs newest first, of one pipeline when {@code pipelineName} is present. */
    List<PipelineRunRecord> listRuns(Optional<String> pipelineName);

    /**
     * A page of runs, newest first (start time, then id, both descending), filtered and positioned by {@code query}.
     * The default filters and sorts {@link #listRuns(Optional)}; a store should answer with one indexed query.
     */
    default dev.cairn.api.run.RunPage listRuns(dev.cairn.api.run.RunQuery query) {
        java.util.Objects.requireNonNull(query, "query is null");
        List<PipelineRunRecord> matching = listRuns(query.pipelineName()).stream()
                .filter(run -> query.matches(run.pipelineName(), run.status(), run.startedAt(), run.id()))
                .sorted(java.util.Comparator.comparing(PipelineRunRecord::startedAt).thenComparing(run -> run.id().toString()).reversed())
                .limit(query.limit() + 1L)
                .toList();
        return dev.cairn.api.run.RunPage.of(matching, query.limit());
    }

    /** Step runs of a run, by position. */
    List<StepRunRecord> listStepRuns(UUID runId);

    Optional<StepRunRecord> findStepRun(UUID stepRunId);

    // --- artifact versions ---

    /**
     * Reserves a version: inserts a {@code PENDING} row and returns it with its version assigned.
     *
     * @throws dev.cairn.api.CairnException {@code DUPLICATE_VERSION} if an explicit version exists for the name
     */
    ArtifactVersionRecord reserveArtifactVersion(NewArtifactVersion request);

    /** Marks a reserved version {@code READY} at {@code uri}, with its visualizations, outside any step (registration). */
    void commitArtifactVersion(CommittedArtifact committed);

    /** Forgets a reserved version whose data could not be committed. */
    void abandonArtifactVersion(UUID artifactId);

    /** A {@code READY} version by id. */
    Optional<ArtifactVersionRecord> findArtifactVersion(UUID artifactId);

    /**
     * The {@code READY} versions with these ids, by id; ids of versions that are missing or not {@code READY} are absent
     * from the map. Reads a run's or a step's inputs and outputs at once; the default calls
     * {@link #findArtifactVersion(UUID)} per id, and a store should answer with one set-based query.
     */
    default java.util.Map<UUID, ArtifactVersionRecord> findArtifactVersions(java.util.Collection<UUID> artifactIds) {
        java.util.Objects.requireNonNull(artifactIds, "artifactIds is null");
        java.util.Map<UUID, ArtifactVersionRecord> found = new java.util.LinkedHashMap<>();
        for (UUID id : artifactIds) {
            java.util.Objects.requireNonNull(id, "artifactIds contains null");
            findArtifactVersion(id).ifPresent(record -> found.put(id, record));
        }
        return found;
    }

    /** A {@code READY} version by name and version string. */
    Optional<ArtifactVersionRecord> findArtifactVersion(String name, String version);

    /** The most recently created {@code READY} version of {@code name}. */
    Optional<ArtifactVersionRecord> findLatestArtifactVersion(String name);

    /** {@code READY} versions of {@code name}, oldest first. */
    List<ArtifactVersionRecord> listArtifactVersions(String name);

    /** All {@code READY} versions, newest first. */
    List<ArtifactVersionRecord> listArtifactVersions();

    /** Distinct names with at least one {@code READY} version, sorted. */
    List<String> listArtifactNames();

    List<Visualization> listVisualizations(UUID artifactId);

    /**
     * The {@code READY} registered version at exactly {@code uri}, if any (used to refuse registering the same data
     * twice). The default scans {@link #listArtifactVersions()}.
     */
    default Optional<ArtifactVersionRecord> findArtifactVersionByUri(URI uri) {
        java.util.Objects.requireNonNull(uri, "uri is null");
        return listArtifactVersions().stream().filter(record -> record.registered() && record.uri().filter(uri::equals).isPresent()).findFirst();
    }

    // --- tags and aliases ---

    /** Adds {@code tags} to the artifact {@code name} (they apply to all its versions); tags it already has are kept once. */
    default void tagArtifact(String name, List<String> tags) {
        throw unsupportedTags("tag artifacts");
    }

    /** Removes {@code tags} from the artifact {@code name}; absent tags are ignored. */
    default void untagArtifact(String name, List<String> tags) {
        throw unsupportedTags("untag artifacts");
    }

    /** The tags of the artifact {@code name} itself (not of its versions), sorted. */
    default List<String> listArtifactTags(String name) {
        throw unsupportedTags("list artifact tags");
    }

    /**
     * Adds {@code tags} to the {@code READY} version {@code artifactId}. When {@code exclusive}, the same transaction
     * first removes each tag from every other version of the same name, so that at any moment at most one version of
     * the name carries it.
     *
     * @throws dev.cairn.api.CairnException {@code ARTIFACT_NOT_FOUND} when no {@code READY} version has that id
     */
    default void tagArtifactVersion(UUID artifactId, List<String> tags, boolean exclusive) {
        throw unsupportedTags("tag artifact versions");
    }

    /** Removes {@code tags} from the version {@code artifactId}; absent tags are ignored. */
    default void untagArtifactVersion(UUID artifactId, List<String> tags) {
        throw unsupportedTags("untag artifact versions");
    }

    /** The tags of the version {@code artifactId} itself (without its artifact's tags), sorted. */
    default List<String> listVersionTags(UUID artifactId) {
        throw unsupportedTags("list version tags");
    }

    /** {@code READY} versions that carry {@code tag} themselves or through their artifact's tags, newest first. */
    default List<ArtifactVersionRecord> listArtifactVersionsWithTag(String tag) {
        throw unsupportedTags("list versions by tag");
    }

    /**
     * Points {@code alias} of {@code name} at the {@code READY} version {@code artifactId}, or removes it when empty, and
     * records the move in the alias's history, in one transaction. Returns the move.
     *
     * @throws dev.cairn.api.CairnException {@code ARTIFACT_NOT_FOUND} when the version does not exist or has another name,
     *     or when removing an alias that does not exist
     */
    default dev.cairn.api.artifact.AliasMove moveAlias(String name, String alias, Optional<UUID> artifactId, java.time.Instant at) {
        throw unsupportedTags("move aliases");
    }

    /** The version {@code alias} of {@code name} points to now, if any. */
    default Optional<ArtifactVersionRecord> findArtifactVersionByAlias(String name, String alias) {
        throw unsupportedTags("find versions by alias");
    }

    /** The aliases that point to the version {@code artifactId} now, sorted. */
    default List<String> listAliases(UUID artifactId) {
        throw unsupportedTags("list aliases");
    }

    /** Every move of {@code alias} of {@code name}, oldest first. */
    default List<dev.cairn.api.artifact.AliasMove> listAliasMoves(String name, String alias) {
        throw unsupportedTags("list alias moves");
    }

    /**
     * Appends typed metadata to an artifact version or a run, in one transaction; a key logged again reads back as its
     * latest value (earlier values stay in the log).
     *
     * @throws dev.cairn.api.CairnException {@code ARTIFACT_NOT_FOUND} / {@code RUN_NOT_FOUND} when the target does not exist
     */
    default void logMetadata(MetadataTarget target, UUID id, java.util.Map<String, dev.cairn.api.artifact.MetadataValue> values, Instant at) {
        throw unsupportedTags("log metadata");
    }

    /** The logged metadata of a target, each key at its latest value, in the order keys were first logged. */
    default java.util.Map<String, dev.cairn.api.artifact.MetadataValue> listLoggedMetadata(MetadataTarget target, UUID id) {
        throw unsupportedTags("list logged metadata");
    }

    /** One page of {@link #queryArtifactVersions}: the records, newest first, and the cursor after the last one. */
    record VersionPage(List<ArtifactVersionRecord> versions, Optional<String> nextCursor) {
        public VersionPage {
            versions = List.copyOf(versions);
            java.util.Objects.requireNonNull(nextCursor, "nextCursor is null");
        }
    }

    /**
     * {@code READY} versions matching every filter, newest first (creation time, then id), one page: the filters'
     * {@code Limit} (default {@link dev.cairn.api.artifact.ArtifactFilter#DEFAULT_LIMIT}) and {@code After} cursor set
     * the page. Implementations answer from indexes, not by scanning every version.
     *
     * @throws dev.cairn.api.CairnException {@code INVALID_ARGUMENT} for a malformed cursor
     */
    default VersionPage queryArtifactVersions(List<dev.cairn.api.artifact.ArtifactFilter> filters) {
        throw unsupportedTags("query artifact versions");
    }

    private dev.cairn.api.CairnException unsupportedTags(String what) {
        return new dev.cairn.api.CairnException(dev.cairn.api.ErrorCode.CONFIGURATION,
                "The metadata store " + getClass().getName() + " cannot " + what + ": use a store that implements tags and aliases (the SQLite store does)");
    }

    // --- prune ---

    /**
     * {@code READY} versions that nothing uses, oldest first: no step input refers to them, they are not the output of
     * a {@code COMPLETED} step run with a cache key, nor of a step run whose pipeline run is {@code RUNNING}, no
     * {@code RUNNING} run holds a lease on them ({@link #insertRun(PipelineRunRecord, List, Optional, java.util.Collection)}),
     * no alias points to them and they carry no version tag, and they are not registered unless
     * {@code includeRegistered}. See {@code Client#prune}.
     */
    default List<ArtifactVersionRecord> listUnusedArtifactVersions(boolean includeRegistered) {
        throw unsupported("list unused artifact versions");
    }

    /**
     * {@code PENDING} (reserved, never committed) versions created before {@code createdBefore}, oldest first, except
     * those produced by a step run whose pipeline run is {@code RUNNING}: a live step's outputs stay {@code PENDING}
     * until the step completes, whatever their age.
     */
    default List<ArtifactVersionRecord> listPendingArtifactVersions(java.time.Instant createdBefore) {
        throw unsupported("list pending artifact versions");
    }

    /**
     * In one transaction: deletes those of {@code artifactIds} that are still unused by the rule of
     * {@link #listUnusedArtifactVersions} (or still {@code PENDING}, created before {@code pendingCreatedBefore} and
     * not produced by a step of a {@code RUNNING} run, as in {@link #listPendingArtifactVersions}),
     * with their visualizations and the step-output rows that name them, and, when {@code tombstones}, records an
     * {@link ArtifactDeletion} for each. Returns the deleted versions; ids that are now in use are skipped.
     */
    default List<ArtifactDeletion> deleteArtifactVersions(List<UUID> artifactIds, boolean includeRegistered,
            java.time.Instant pendingCreatedBefore, boolean tombstones) {
        throw unsupported("delete artifact versions");
    }

    /**
     * Takes this store's prune lock, held until the returned lock is closed, so that at most one prune runs at a time on
     * the store, across all processes that share it; throws instead of waiting when another prune holds it. The default
     * returns a lock that excludes nothing, for stores used by one process at a time or whose {@link #deleteArtifactVersions}
     * transactions are already exclusive; a shared server store overrides it (PostgreSQL: a session advisory lock).
     *
     * @throws dev.cairn.api.CairnException {@code METADATA_FAILURE} naming the store when another prune holds the lock
     */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    default PruneLock lockForPrune() {
        return () -> {};
    }

    /** The prune lock of a store; closing it releases the lock (idempotent, never throws). */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    @FunctionalInterface
    interface PruneLock extends AutoCloseable {
        @Override
        void close();
    }

    /** Deletion tombstones not yet cleared (their files may still exist). */
    default List<ArtifactDeletion> listArtifactDeletions() {
        throw unsupported("list artifact deletions");
    }

    /** Clears the tombstones of versions whose files are now deleted. */
    default void clearArtifactDeletions(List<UUID> artifactIds) {
        throw unsupported("clear artifact deletions");
    }

    private dev.cairn.api.CairnException unsupported(String what) {
        return new dev.cairn.api.CairnException(dev.cairn.api.ErrorCode.CONFIGURATION,
                "The metadata store " + getClass().getName() + " cannot " + what + ": prune needs a store that implements it (the SQLite store does)");
    }

    // --- lineage ---

    /** Records artifacts a step run consumed after it started (client loads inside the step). */
    void recordStepInputs(List<StepInputRecord> inputs);

    List<StepInputRecord> listStepInputs(UUID stepRunId);

    List<StepOutputRecord> listStepOutputs(UUID stepRunId);

    /** Inputs of every step run of a run. */
    List<StepInputRecord> listStepInputsOfRun(UUID runId);

    /** Outputs of every step run of a run. */
    List<StepOutputRecord> listStepOutputsOfRun(UUID runId);

    /** Step runs that consumed an artifact version. */
    List<StepInputRecord> listConsumers(UUID artifactId);

    /**
     * The whole upstream lineage of the {@code READY} version {@code artifactId}, in any order: for every version reached
     * from it (itself, the {@code READY} inputs of its producer, theirs, …) the rows described on
     * {@link UpstreamLineageRecord}; empty when {@code artifactId} is not a {@code READY} version. The default reads it
     * step run by step run ({@link UpstreamLineageRecord#readStepByStep}); the SQL stores read it with one recursive query.
     */
    default List<UpstreamLineageRecord> listUpstreamLineage(UUID artifactId) {
        return UpstreamLineageRecord.readStepByStep(this, artifactId);
    }

    // --- liveness of runs ---

    /**
     * Records that the process running {@code runId} is alive and will renew this before {@code aliveUntil}; only a
     * {@code RUNNING} run is renewed. A store that does not support this ignores it (its runs are never recorded as
     * abandoned).
     */
    default void renewRun(UUID runId, Instant aliveUntil) {}

    /**
     * In one transaction per run: records each {@code RUNNING} run whose last renewal ({@link #renewRun}) expired
     * before {@code now} as {@code FAILED} with {@code error} and end time {@code now}; its {@code RUNNING} step runs as
     * {@code FAILED} and its {@code PENDING} ones as {@code SKIPPED}. Runs never renewed are left alone. Returns the
     * runs so recorded.
     */
    default List<UUID> failAbandonedRuns(Instant now, String error) {
        return List.of();
    }

    /** A {@code RUNNING} run whose last renewal has expired, with the process recorded as its owner (if any). */
    record ExpiredRun(UUID runId, Instant aliveUntil, Optional<RunOwner> owner) {
        public ExpiredRun {
            java.util.Objects.requireNonNull(runId, "runId is null");
            java.util.Objects.requireNonNull(aliveUntil, "aliveUntil is null");
            java.util.Objects.requireNonNull(owner, "owner is null");
        }
    }

    /**
     * The {@code RUNNING} runs whose last renewal ({@link #renewRun}) expired before {@code now}, oldest expiry first;
     * runs never renewed are not listed. Whether such a run is abandoned is the caller's judgement (its owner may be
     * paused); {@link #failAbandonedRun} records it. The default lists none.
     */
    default List<ExpiredRun> listExpiredRuns(Instant now) {
        return List.of();
    }

    /**
     * In one transaction: records run {@code runId} as {@code FAILED} with {@code error} and end time {@code now}, its
     * {@code RUNNING} step runs as {@code FAILED} and its {@code PENDING} ones as {@code SKIPPED}, and ends its input
     * leases, if it is still {@code RUNNING} and its renewal expired before {@code expiredBefore}; returns whether it
     * did (false when the run was renewed or finished meanwhile). The default records nothing.
     */
    default boolean failAbandonedRun(UUID runId, Instant now, Instant expiredBefore, String error) {
        return false;
    }

    // --- cache ---

    /**
     * Step runs recorded with {@code cacheKey} whose status is {@code COMPLETED} (the runs that computed their
     * outputs), newest first, at most {@code limit}.
     */
    List<StepRunRecord> findCompletedStepRunsByCacheKey(String cacheKey, int limit);

    /** A completed step run with a cache key, and its outputs by name ({@code READY} versions only). */
    record CacheCandidate(StepRunRecord stepRun, java.util.Map<String, ArtifactVersionRecord> outputs) {
        public CacheCandidate {
            java.util.Objects.requireNonNull(stepRun, "stepRun is null");
            outputs = java.util.Map.copyOf(outputs);
        }
    }

    /**
     * {@link #findCompletedStepRunsByCacheKey} with each step run's outputs; the default composes the single
     * lookups, a store may answer in one query.
     */
    default List<CacheCandidate> findCacheCandidates(String cacheKey, int limit) {
        List<CacheCandidate> candidates = new java.util.ArrayList<>();
        for (StepRunRecord stepRun : findCompletedStepRunsByCacheKey(cacheKey, limit)) {
            java.util.Map<String, ArtifactVersionRecord> outputs = new java.util.HashMap<>();
            for (StepOutputRecord output : listStepOutputs(stepRun.id())) {
                findArtifactVersion(output.artifactId()).ifPresent(artifact -> outputs.put(output.name(), artifact));
            }
            candidates.add(new CacheCandidate(stepRun, outputs));
        }
        return candidates;
    }

    /**
     * {@link #findCacheCandidates(String, int)} of several keys, by key (a key without candidates maps to an empty list):
     * what a run's cache lookahead asks for a stretch of steps whose keys it has predicted. The default asks key by key;
     * a store may answer in one query.
     */
    default java.util.Map<String, List<CacheCandidate>> findCacheCandidates(java.util.Collection<String> cacheKeys, int limit) {
        java.util.Map<String, List<CacheCandidate>> found = new java.util.LinkedHashMap<>();
        for (String cacheKey : cacheKeys) {
            found.computeIfAbsent(cacheKey, key -> findCacheCandidates(key, limit));
        }
        return found;
    }

    /**
     * The cache keys of the {@code COMPLETED} step runs of run {@code runId} at positions {@code from} (inclusive) to
     * {@code to} (exclusive), each with the content hashes of its {@code READY} outputs by output name: what a run's
     * cache lookahead uses to predict the next keys of a stretch of steps an earlier run computed (a prediction only;
     * what is reused is always found by key and verified). A key that several of those step runs had maps to the outputs
     * of one of them. The default reads the run's step runs one by one.
     */
    default java.util.Map<String, java.util.Map<String, String>> cacheKeysOfRun(UUID runId, int from, int to) {
        java.util.Map<String, java.util.Map<String, String>> keys = new java.util.LinkedHashMap<>();
        for (StepRunRecord stepRun : listStepRuns(runId)) {
            if (stepRun.position() < from || stepRun.position() >= to || stepRun.cacheKey().isEmpty()
                    || stepRun.status() != dev.cairn.api.run.StepStatus.COMPLETED) {
                continue;
            }
            java.util.Map<String, String> hashes = new java.util.TreeMap<>();
            for (StepOutputRecord output : listStepOutputs(stepRun.id())) {
                findArtifactVersion(output.artifactId()).filter(version -> version.state() == ArtifactState.READY)
                        .ifPresent(version -> hashes.put(output.name(), version.contentHash()));
            }
            keys.putIfAbsent(stepRun.cacheKey().get(), hashes);
        }
        return keys;
    }

    /**
     * Takes the lease on {@code cacheKey} for {@code holder} until {@code expiresAt}, if nobody else holds an
     * unexpired lease on it (an expired lease is taken over). Atomic across processes sharing the store.
     *
     * @return true when {@code holder} now holds the lease
     */
    boolean tryAcquireCacheLease(String cacheKey, String holder, Instant expiresAt);

    /** Extends a lease {@code holder} holds; false if it no longer holds it. */
    boolean renewCacheLease(String cacheKey, String holder, Instant expiresAt);

    /**
     * Takes the lease on {@code cacheKey} for {@code holder} for {@code ttl} measured by the store's own clock, if
     * nobody else holds an unexpired lease on it; processes whose clocks disagree therefore agree on when a lease
     * expires. The default uses this process's clock ({@code Instant.now() + ttl}); stores with a server or database
     * clock override it to use that clock.
     *
     * @return true when {@code holder} now holds the lease
     */
    default boolean tryAcquireCacheLease(String cacheKey, String holder, java.time.Duration ttl) {
        return tryAcquireCacheLease(cacheKey, holder, Instant.now().plus(java.util.Objects.requireNonNull(ttl, "ttl is null")));
    }

    /**
     * {@link #tryAcquireCacheLease(String, String, java.time.Duration)}, then, when the lease was taken,
     * {@link #findCacheCandidates} of the key: a step that missed the cache looks again once it holds the lease, in case
     * another holder completed the step in between. A store may send both at once (the lease first); empty when the
     * lease was not taken (the candidates are then not looked at).
     */
    default java.util.Optional<List<CacheCandidate>> tryAcquireCacheLeaseAndFind(String cacheKey, String holder, java.time.Duration ttl,
            int limit) {
        if (!tryAcquireCacheLease(cacheKey, holder, ttl)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(findCacheCandidates(cacheKey, limit));
    }

    /**
     * What {@link #findCacheCandidatesOrLease} found: the candidates, and whether {@code holder} took the lease (then
     * the candidates were looked up after it was taken, as {@link #tryAcquireCacheLeaseAndFind} does).
     */
    record CandidatesOrLease(List<CacheCandidate> candidates, boolean leased) {
        public CandidatesOrLease {
            candidates = List.copyOf(java.util.Objects.requireNonNull(candidates, "candidates is null"));
        }
    }

    /**
     * A step's first cache lookup ({@link #findCacheCandidates}) that, on a store where it saves a round trip, also takes
     * the lease on {@code cacheKey} for {@code holder} (for {@code ttl} by the store's clock, as
     * {@link #tryAcquireCacheLeaseAndFind}) when the store has no completed step run with the key, so that a step that
     * misses the cache needs no second lookup. Then {@code leased} is true and {@code holder} must release the lease (or
     * complete the step) as after {@link #tryAcquireCacheLeaseAndFind}; the candidates were looked up after the lease
     * was taken. The default only looks and takes no lease.
     */
    default CandidatesOrLease findCacheCandidatesOrLease(String cacheKey, String holder, java.time.Duration ttl, int limit) {
        return new CandidatesOrLease(findCacheCandidates(cacheKey, limit), false);
    }

    /** Extends a lease {@code holder} holds to {@code ttl} from now by the store's clock; false if it no longer holds it. */
    default boolean renewCacheLease(String cacheKey, String holder, java.time.Duration ttl) {
        return renewCacheLease(cacheKey, holder, Instant.now().plus(java.util.Objects.requireNonNull(ttl, "ttl is null")));
    }

    /** Gives up a lease {@code holder} holds; no effect otherwise. */
    void releaseCacheLease(String cacheKey, String holder);

    @Override
    void close();

    /**
     * A reserved artifact version whose data is now committed at {@code uri}.
     */
    record CommittedArtifact(UUID artifactId, URI uri, List<Visualization> visualizations) {
        public CommittedArtifact {
            java.util.Objects.requireNonNull(artifactId, "artifactId is null");
            java.util.Objects.requireNonNull(uri, "uri is null");
            visualizations = List.copyOf(visualizations);
        }
    }
}
