package dev.cairn.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.ArtifactType;
import dev.cairn.api.artifact.Visualization;
import dev.cairn.api.artifact.VisualizationType;
import dev.cairn.api.metadata.ArtifactDeletion;
import dev.cairn.api.metadata.ArtifactState;
import dev.cairn.api.metadata.ArtifactVersionRecord;
import dev.cairn.api.metadata.InputKind;
import dev.cairn.api.metadata.MetadataStore;
import dev.cairn.api.metadata.MetadataStore.CacheCandidate;
import dev.cairn.api.metadata.MetadataStore.CommittedArtifact;
import dev.cairn.api.metadata.MetadataStore.VersionPage;
import dev.cairn.api.metadata.NewArtifactVersion;
import dev.cairn.api.metadata.PipelineRunRecord;
import dev.cairn.api.metadata.StepInputRecord;
import dev.cairn.api.metadata.StepOutputRecord;
import dev.cairn.api.metadata.StepRunRecord;
import dev.cairn.api.metadata.UpstreamLineageRecord;
import dev.cairn.api.run.RunStatus;
import dev.cairn.api.run.StepStatus;
import org.apiguardian.api.API;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link MetadataStore} contract as JUnit 5 tests: extend this class in a test, implement {@link #openStore}, and
 * every behaviour the engine relies on is checked against a fresh, empty store per test — version numbering (also
 * with concurrent reservations from several threads), explicit and duplicate versions, runs and step runs with their
 * status transitions, atomic step completion, lineage, cache candidates and leases, liveness of runs, prune
 * (unused and pending versions, deletions and tombstones), and failures reported as {@code CairnException}s.
 *
 * <p>Instants used here carry nanoseconds and lie between 2000 and 2100; a store must give back what it was given.
 * Lease expiry is judged by the store's clock (the database's, for a server database), which must be within a few
 * seconds of this JVM's.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public abstract class MetadataStoreContract {
    /** A store URI recorded with test versions; a metadata store does not open it. */
    protected static final URI STORE_URI = URI.create("file:///tmp/cairn-store");
    /** An instant with nanoseconds, to show that times are stored exactly. */
    protected static final Instant T0 = Instant.parse("2025-03-04T05:06:07.123456789Z");

    @TempDir
    Path storeDirectory;

    /** The store under test, opened by {@link #openStore} before each test and closed after it. */
    protected MetadataStore store;

    /**
     * A new, empty store for one test. {@code directory} is an empty temporary directory the store may use (an
     * embedded store puts its files there; a server store may ignore it).
     */
    protected abstract MetadataStore openStore(Path directory) throws Exception;

    @BeforeEach
    void openTheStore() throws Exception {
        store = openStore(storeDirectory);
    }

    @AfterEach
    void closeTheStore() {
        if (store != null) {
            store.close();
        }
    }

    // --- records for the tests ---

    protected static PipelineRunRecord run(String pipeline, Instant startedAt) {
        return new PipelineRunRecord(UUID.randomUUID(), pipeline, RunStatus.RUNNING, startedAt, Optional.empty(), Map.of(), Optional.empty());
    }

    protected static StepRunRecord stepRun(PipelineRunRecord run, String stepName, int position, String... upstream) {
        return StepRunRecord.builder().id(UUID.randomUUID()).runId(run.id()).stepName(stepName).position(position)
                .upstreamSteps(List.of(upstream)).status(StepStatus.PENDING).build();
    }

    protected static NewArtifactVersion newVersion(String name) {
        return newVersion(name, Optional.empty());
    }

    protected static NewArtifactVersion newVersion(String name, String explicitVersion) {
        return newVersion(name, Optional.of(explicitVersion));
    }

    protected static NewArtifactVersion newVersion(String name, Optional<String> explicitVersion) {
        return NewArtifactVersion.builder().id(UUID.randomUUID()).name(name).explicitVersion(explicitVersion).storeUri(STORE_URI)
                .dataType("java.lang.String").materializerId("cairn.string").materializerVersion("1").artifactType(ArtifactType.DATA)
                .contentHash("sha256:abc").size(3).createdAt(T0).build();
    }

    protected static URI artifactUri(String name, String version) {
        return URI.create(STORE_URI + "/artifacts/" + name + "/" + version);
    }

    private static Map<String, Object> nestedJson() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("rate", 0.01);
        inner.put("layers", List.of(1, 2, 3));
        inner.put("nothing", null);
        return Map.of("name", "résumé ✓", "count", 42, "big", 12_345_678_901L, "flag", true,
                "nested", inner, "list", List.of("a", Map.of("b", false)));
    }

    private ArtifactVersionRecord reserveAndCommit(String name) {
        ArtifactVersionRecord reserved = store.reserveArtifactVersion(newVersion(name));
        store.commitArtifactVersion(new CommittedArtifact(reserved.id(), artifactUri(name, reserved.version()), List.of()));
        return store.findArtifactVersion(reserved.id()).orElseThrow();
    }

    private static void assertCode(Throwable e, ErrorCode code) {
        assertThat(e).isInstanceOf(CairnException.class);
        assertThat(((CairnException) e).errorCode()).isEqualTo(code);
    }

    // --- runs and step runs ---

    @Test
    void runAndStepRunsRoundTripWithEveryFieldPresent() {
        PipelineRunRecord run = new PipelineRunRecord(UUID.randomUUID(), "training", RunStatus.FAILED, T0,
                Optional.of(T0.plusNanos(1)), nestedJson(), Optional.of("step 'fit' failed"));
        StepRunRecord first = StepRunRecord.builder().id(UUID.randomUUID()).runId(run.id()).stepName("load").position(0)
                .status(StepStatus.CACHED).startedAt(T0.plusSeconds(1)).endedAt(T0.plusSeconds(2)).parameters(nestedJson())
                .error("boom").cacheKey("sha256:key").cacheNote("cached output reused").build();
        StepRunRecord second = StepRunRecord.builder().id(UUID.randomUUID()).runId(run.id()).stepName("fit").position(1)
                .upstreamSteps(List.of("load", "other")).status(StepStatus.PENDING).build();
        store.insertRun(run, List.of(first, second));
        // cached_from refers to another step run, so it is set once that one exists
        StepRunRecord cached = first.withCache(first.cacheKey(), Optional.of(second.id()), first.cacheNote());
        store.updateStepRun(cached);

        assertThat(store.findRun(run.id())).contains(run);
        assertThat(store.listStepRuns(run.id())).containsExactly(cached, second);
        assertThat(store.findStepRun(second.id())).contains(second);
        assertThat(store.findStepRun(UUID.randomUUID())).isEmpty();
        assertThat(store.findRun(UUID.randomUUID())).isEmpty();
    }

    @Test
    void runWithEmptyOptionalsRoundTrips() {
        PipelineRunRecord run = run("p", Instant.ofEpochSecond(946_684_800, 999_999_999));
        store.insertRun(run, List.of());

        assertThat(store.findRun(run.id())).contains(run);
        assertThat(store.listStepRuns(run.id())).isEmpty();
    }

    @Test
    void jsonValuesComeBackAsJsonTypes() {
        PipelineRunRecord run = new PipelineRunRecord(UUID.randomUUID(), "p", RunStatus.RUNNING, T0, Optional.empty(),
                nestedJson(), Optional.empty());
        store.insertRun(run, List.of());

        Map<String, Object> parameters = store.findRun(run.id()).orElseThrow().parameters();
        assertThat(parameters.get("count")).isEqualTo(42);
        assertThat(parameters.get("big")).isEqualTo(12_345_678_901L);
        assertThat(parameters.get("flag")).isEqualTo(true);
        assertThat(parameters.get("nested")).isEqualTo(nestedJson().get("nested"));
        assertThat(parameters.get("nested")).isInstanceOfSatisfying(Map.class, nested -> assertThat(nested.get("nothing")).isNull());
    }

    @Test
    void finishRunRecordsStatusEndAndError() {
        PipelineRunRecord run = run("p", T0);
        store.insertRun(run, List.of());

        store.finishRun(run.id(), RunStatus.FAILED, T0.plusMillis(5), Optional.of("out of memory"));

        PipelineRunRecord finished = store.findRun(run.id()).orElseThrow();
        assertThat(finished.status()).isEqualTo(RunStatus.FAILED);
        assertThat(finished.endedAt()).contains(T0.plusMillis(5));
        assertThat(finished.error()).contains("out of memory");
    }

    @Test
    void finishingAnUnknownRunFails() {
        UUID unknown = UUID.randomUUID();
        assertThatThrownBy(() -> store.finishRun(unknown, RunStatus.COMPLETED, T0, Optional.empty()))
                .satisfies(e -> assertCode(e, ErrorCode.METADATA_FAILURE))
                .hasMessageContaining(unknown.toString());
    }

    @Test
    void updateStepRunReplacesTheMutableFields() {
        PipelineRunRecord run = run("p", T0);
        StepRunRecord step = stepRun(run, "load", 0);
        store.insertRun(run, List.of(step));

        StepRunRecord running = step.started(T0.plusSeconds(1));
        store.updateStepRun(running);
        assertThat(store.findStepRun(step.id())).contains(running);

        StepRunRecord failed = running.withCache(Optional.of("key"), Optional.empty(), Optional.of("no earlier run"))
                .finished(StepStatus.FAILED, T0.plusSeconds(2), Optional.of("IllegalStateException: bad"));
        store.updateStepRun(failed);
        assertThat(store.findStepRun(step.id())).contains(failed);
    }

    @Test
    void aFailedStepRunKeepsItsStructuredFailure() {
        PipelineRunRecord run = run("p", T0);
        StepRunRecord step = stepRun(run, "fit", 0);
        dev.cairn.api.run.StepFailure atInsert = new dev.cairn.api.run.StepFailure(ErrorCode.INTEGRITY_VIOLATION, "dev.cairn.api.CairnException",
                "file 'data.json' of 'rows' version 3 was changed");
        StepRunRecord insertedFailed = stepRun(run, "load", 1).failed(T0.plusSeconds(1), "load failed\n\tat Steps.load", atInsert);
        store.insertRun(run, List.of(step, insertedFailed));
        assertThat(store.findStepRun(insertedFailed.id()).orElseThrow().failure()).contains(atInsert);
        assertThat(store.findStepRun(step.id()).orElseThrow().failure()).isEmpty();

        dev.cairn.api.run.StepFailure failure = new dev.cairn.api.run.StepFailure(ErrorCode.STEP_FAILED, "java.lang.IllegalStateException", "");
        StepRunRecord failed = step.started(T0.plusSeconds(1)).failed(T0.plusSeconds(2), "fit failed\n\tat Steps.fit", failure);
        store.updateStepRun(failed);

        StepRunRecord read = store.findStepRun(step.id()).orElseThrow();
        assertThat(read).isEqualTo(failed);
        assertThat(read.failure()).contains(failure);
        assertThat(read.status()).isEqualTo(StepStatus.FAILED);
        assertThat(store.listStepRuns(run.id())).containsExactly(failed, insertedFailed);
    }

    @Test
    void aStepRunKeepsItsLogUriAndSizeThroughUpdateAndCompletion() {
        PipelineRunRecord run = run("p", T0);
        StepRunRecord step = stepRun(run, "chatty", 0);
        StepRunRecord quiet = stepRun(run, "quiet", 1);
        store.insertRun(run, List.of(step, quiet));
        assertThat(store.findStepRun(step.id()).orElseThrow().logUri()).isEmpty();

        java.net.URI log = java.net.URI.create("file:///store/.cairn-logs/" + run.id() + "/" + step.id() + "/chatty%20step.log");
        StepRunRecord failed = step.started(T0.plusSeconds(1)).finished(StepStatus.FAILED, T0.plusSeconds(2), Optional.of("boom"))
                .toBuilder().logUri(log).logSize(5_000_000_000L).build();
        store.updateStepRun(failed);
        StepRunRecord read = store.findStepRun(step.id()).orElseThrow();
        assertThat(read).isEqualTo(failed);
        assertThat(read.logUri()).contains(log);
        assertThat(read.logSize()).contains(5_000_000_000L);

        StepRunRecord completed = quiet.started(T0.plusSeconds(1)).finished(StepStatus.COMPLETED, T0.plusSeconds(3), Optional.empty())
                .toBuilder().logUri(log.resolve("quiet.log")).logSize(12).build();
        store.completeStep(completed, List.of(), List.of(), List.of());
        assertThat(store.listStepRuns(run.id())).containsExactly(read, completed);
    }

    @Test
    void updatingAnUnknownStepRunFails() {
        PipelineRunRecord run = run("p", T0);
        StepRunRecord never = stepRun(run, "ghost", 0);

        assertThatThrownBy(() -> store.updateStepRun(never))
                .satisfies(e -> assertCode(e, ErrorCode.METADATA_FAILURE))
                .hasMessageContaining(never.id().toString())
                .hasMessageContaining("ghost");
    }

    @Test
    void insertRunIsAllOrNothing() {
        PipelineRunRecord run = run("p", T0);
        StepRunRecord step = stepRun(run, "a", 0);
        StepRunRecord sameId = step.toBuilder().stepName("b").position(1).build();

        assertThatThrownBy(() -> store.insertRun(run, List.of(step, sameId)))
                .satisfies(e -> assertCode(e, ErrorCode.METADATA_FAILURE))
                .hasMessageContaining(run.id().toString());
        assertThat(store.findRun(run.id())).isEmpty();
        assertThat(store.listRuns(Optional.empty())).isEmpty();
    }

    @Test
    void stepRunsOfAnotherRunAreRejected() {
        PipelineRunRecord run = run("p", T0);
        StepRunRecord foreign = stepRun(run("q", T0), "a", 0);

        assertThatThrownBy(() -> store.insertRun(run, List.of(foreign)))
                .satisfies(e -> assertCode(e, ErrorCode.INVALID_ARGUMENT))
                .hasMessageContaining(foreign.id().toString());
        assertThat(store.findRun(run.id())).isEmpty();
    }

    @Test
    void runsAreListedNewestFirstAndFilteredByPipeline() {
        PipelineRunRecord old = run("training", T0);
        PipelineRunRecord other = run("inference", T0.plusSeconds(1));
        PipelineRunRecord newest = run("training", T0.plusSeconds(2));
        PipelineRunRecord sameTime = run("training", T0.plusSeconds(2));
        for (PipelineRunRecord run : List.of(old, other, newest, sameTime)) {
            store.insertRun(run, List.of());
        }

        assertThat(store.listRuns(Optional.empty())).as("same start time: the later recorded first").containsExactly(sameTime, newest, other, old);
        assertThat(store.listRuns(Optional.of("training"))).containsExactly(sameTime, newest, old);
        assertThat(store.listRuns(Optional.of("inference"))).containsExactly(other);
        assertThat(store.listRuns(Optional.of("missing"))).isEmpty();
    }

    @Test
    void runsAreFoundByIdPrefix() {
        PipelineRunRecord a = new PipelineRunRecord(UUID.fromString("abcd1234-0000-4000-8000-000000000001"), "p", RunStatus.RUNNING,
                T0, Optional.empty(), Map.of(), Optional.empty());
        PipelineRunRecord b = new PipelineRunRecord(UUID.fromString("abcd9999-0000-4000-8000-000000000002"), "p", RunStatus.RUNNING,
                T0.plusSeconds(1), Optional.empty(), Map.of(), Optional.empty());
        PipelineRunRecord c = new PipelineRunRecord(UUID.fromString("abce0000-0000-4000-8000-000000000003"), "p", RunStatus.RUNNING,
                T0, Optional.empty(), Map.of(), Optional.empty());
        for (PipelineRunRecord run : List.of(a, b, c)) {
            store.insertRun(run, List.of());
        }

        assertThat(store.findRunsByIdPrefix("abcd")).containsExactly(b, a);
        assertThat(store.findRunsByIdPrefix("ABCD1")).containsExactly(a);
        assertThat(store.findRunsByIdPrefix("abcd1234-0000-4000-8000-000000000001")).containsExactly(a);
        assertThat(store.findRunsByIdPrefix("abc")).containsExactly(b, c, a);
        assertThat(store.findRunsByIdPrefix("abcf")).isEmpty();
        assertThat(store.findRunsByIdPrefix("zz%")).isEmpty();
    }

    @Test
    void runsWhoseRenewalExpiredAreRecordedAsFailedWithTheirUnfinishedSteps() {
        PipelineRunRecord live = run("live", T0);
        PipelineRunRecord dead = run("dead", T0);
        PipelineRunRecord unrenewed = run("old", T0);
        StepRunRecord done = stepRun(dead, "done", 0);
        StepRunRecord running = stepRun(dead, "running", 1, "done");
        StepRunRecord pending = stepRun(dead, "pending", 2, "running");
        store.insertRun(live, List.of(stepRun(live, "a", 0)));
        store.insertRun(dead, List.of(done, running, pending));
        store.insertRun(unrenewed, List.of());
        StepRunRecord doneFinished = done.started(T0).finished(StepStatus.COMPLETED, T0.plusSeconds(1), Optional.empty());
        store.completeStep(doneFinished, List.of(), List.of(), List.of());
        store.updateStepRun(running.started(T0.plusSeconds(1)));
        store.renewRun(live.id(), T0.plusSeconds(100));
        store.renewRun(dead.id(), T0.plusSeconds(10));

        assertThat(store.failAbandonedRuns(T0.plusSeconds(9), "gone")).as("not expired yet").isEmpty();
        assertThat(store.failAbandonedRuns(T0.plusSeconds(11), "gone")).containsExactly(dead.id());

        assertThat(store.findRun(dead.id())).get().satisfies(r -> {
            assertThat(r.status()).isEqualTo(RunStatus.FAILED);
            assertThat(r.endedAt()).contains(T0.plusSeconds(11));
            assertThat(r.error()).contains("gone");
        });
        assertThat(store.listStepRuns(dead.id())).extracting(StepRunRecord::status)
                .containsExactly(StepStatus.COMPLETED, StepStatus.FAILED, StepStatus.SKIPPED);
        assertThat(store.listStepRuns(dead.id()).get(0)).isEqualTo(doneFinished);
        assertThat(store.listStepRuns(dead.id()).get(2).error()).contains("gone");
        assertThat(store.findRun(live.id())).get().extracting(PipelineRunRecord::status).isEqualTo(RunStatus.RUNNING);
        assertThat(store.findRun(unrenewed.id())).get().as("never renewed: left alone").extracting(PipelineRunRecord::status)
                .isEqualTo(RunStatus.RUNNING);
        assertThat(store.failAbandonedRuns(T0.plusSeconds(50), "gone")).as("each run once").isEmpty();

        store.finishRun(live.id(), RunStatus.COMPLETED, T0.plusSeconds(60), Optional.empty());
        store.renewRun(live.id(), T0.plusSeconds(70));
        assertThat(store.failAbandonedRuns(T0.plusSeconds(500), "gone")).as("a finished run is not renewed or failed").isEmpty();
        assertThat(store.findRun(live.id())).get().extracting(PipelineRunRecord::status).isEqualTo(RunStatus.COMPLETED);
    }

    // --- artifact versions ---

    @Test
    void automaticVersionsCountFromOnePerName() {
        List<String> versions = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            versions.add(store.reserveArtifactVersion(newVersion("data")).version());
        }
        String otherName = store.reserveArtifactVersion(newVersion("other")).version();

        assertThat(versions).containsExactly("1", "2", "3");
        assertThat(otherName).isEqualTo("1");
    }

    @Test
    void concurrentReservationsFromSeveralThreadsGetDistinctVersionsWithoutGaps() throws Exception {
        int threads = 8;
        int perThread = 40;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<String>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Callable<List<String>> work = () -> {
                    start.await();
                    List<String> mine = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        mine.add(store.reserveArtifactVersion(newVersion("shared")).version());
                    }
                    return mine;
                };
                results.add(pool.submit(work));
            }
            start.countDown();
            Set<String> all = new HashSet<>();
            for (Future<List<String>> result : results) {
                all.addAll(result.get(120, TimeUnit.SECONDS));
            }
            Set<String> expected = new HashSet<>();
            for (int i = 1; i <= threads * perThread; i++) {
                expected.add(Integer.toString(i));
            }
            assertThat(all).as("no duplicates and no gaps").isEqualTo(expected);
            assertThat(store.reserveArtifactVersion(newVersion("shared")).version()).isEqualTo(Integer.toString(threads * perThread + 1));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentReservationsOfOneExplicitVersionLetExactlyOneWin() throws Exception {
        int threads = 6;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<ErrorCode>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    start.await();
                    try {
                        store.reserveArtifactVersion(newVersion("model", "champion"));
                        return null;
                    } catch (CairnException e) {
                        return e.errorCode();
                    }
                }));
            }
            start.countDown();
            List<ErrorCode> outcomes = new ArrayList<>();
            for (Future<ErrorCode> result : results) {
                outcomes.add(result.get(60, TimeUnit.SECONDS));
            }
            assertThat(outcomes).filteredOn(code -> code == null).hasSize(1);
            assertThat(outcomes).filteredOn(code -> code != null).hasSize(threads - 1).containsOnly(ErrorCode.DUPLICATE_VERSION);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void reservedVersionRoundTripsOnceCommitted() {
        UUID producer = UUID.randomUUID();
        PipelineRunRecord run = run("p", T0);
        store.insertRun(run, List.of(StepRunRecord.builder().id(producer).runId(run.id()).stepName("train").status(StepStatus.RUNNING)
                .startedAt(T0).build()));
        NewArtifactVersion request = NewArtifactVersion.builder().id(UUID.randomUUID()).name("model").explicitVersion("best")
                .storeUri(URI.create("hdfs://namenode:8020/cairn")).dataType("java.util.List<dev.example.Row>").materializerId("cairn.arrow")
                .materializerVersion("2.1").artifactType(ArtifactType.MODEL).contentHash("sha256:0123456789abcdef").size(1_234_567_890_123L)
                .metadata(nestedJson()).producerStepRunId(producer).createdAt(T0).registered(true).build();

        ArtifactVersionRecord reserved = store.reserveArtifactVersion(request);
        ArtifactVersionRecord expectedPending = ArtifactVersionRecord.builder().id(request.id()).name("model").version("best")
                .storeUri(request.storeUri()).dataType(request.dataType()).materializerId("cairn.arrow").materializerVersion("2.1")
                .artifactType(ArtifactType.MODEL).contentHash(request.contentHash()).size(request.size()).metadata(nestedJson())
                .producerStepRunId(producer).createdAt(T0).state(ArtifactState.PENDING).registered(true).build();
        assertThat(reserved).isEqualTo(expectedPending);

        URI uri = URI.create("hdfs://namenode:8020/cairn/artifacts/model/best-0123");
        store.commitArtifactVersion(new CommittedArtifact(request.id(), uri, List.of()));

        ArtifactVersionRecord ready = expectedPending.toBuilder().uri(uri).state(ArtifactState.READY).build();
        assertThat(store.findArtifactVersion(request.id())).contains(ready);
        assertThat(store.findArtifactVersion("model", "best")).contains(ready);
        assertThat(store.findLatestArtifactVersion("model")).contains(ready);
        assertThat(store.findArtifactVersionByUri(uri)).as("registered at that URI").contains(ready);
        assertThat(store.findArtifactVersionByUri(URI.create("hdfs://namenode:8020/elsewhere"))).isEmpty();
    }

    @Test
    void explicitVersionsAreKeptAsGiven() {
        ArtifactVersionRecord named = store.reserveArtifactVersion(newVersion("data", "2024-q1"));
        ArtifactVersionRecord auto = store.reserveArtifactVersion(newVersion("data"));

        assertThat(named.version()).isEqualTo("2024-q1");
        assertThat(auto.version()).isEqualTo("1");
    }

    @Test
    void duplicateExplicitVersionIsRejectedWithAHint() {
        store.reserveArtifactVersion(newVersion("dataset", "1"));
        store.reserveArtifactVersion(newVersion("dataset", "golden"));

        assertThatThrownBy(() -> store.reserveArtifactVersion(newVersion("dataset", "golden")))
                .satisfies(e -> assertCode(e, ErrorCode.DUPLICATE_VERSION))
                .hasMessageContaining("'dataset'")
                .hasMessageContaining("'golden'")
                .hasMessageContaining("Pick another version");
        assertThatThrownBy(() -> store.reserveArtifactVersion(newVersion("dataset", "1")))
                .satisfies(e -> assertCode(e, ErrorCode.DUPLICATE_VERSION));
        assertThat(store.reserveArtifactVersion(newVersion("dataset")).version()).isEqualTo("2");
    }

    @Test
    void blankExplicitVersionIsRejected() {
        assertThatThrownBy(() -> store.reserveArtifactVersion(newVersion("dataset", " ")))
                .satisfies(e -> assertCode(e, ErrorCode.INVALID_ARGUMENT))
                .hasMessageContaining("'dataset'");
    }

    @Test
    void numericExplicitVersionMovesTheAutomaticNumbering() {
        store.reserveArtifactVersion(newVersion("data"));
        store.reserveArtifactVersion(newVersion("data", "7"));
        store.reserveArtifactVersion(newVersion("data", "v9"));
        store.reserveArtifactVersion(newVersion("data", "0"));

        assertThat(store.reserveArtifactVersion(newVersion("data")).version()).isEqualTo("8");
        assertThat(store.reserveArtifactVersion(newVersion("data")).version()).isEqualTo("9");
    }

    @Test
    void pendingVersionsAreInvisibleButTakeTheirNumber() {
        ArtifactVersionRecord pending = store.reserveArtifactVersion(newVersion("data"));

        assertThat(pending.state()).isEqualTo(ArtifactState.PENDING);
        assertThat(pending.uri()).isEmpty();
        assertThat(store.findArtifactVersion(pending.id())).isEmpty();
        assertThat(store.findArtifactVersion("data", "1")).isEmpty();
        assertThat(store.findLatestArtifactVersion("data")).isEmpty();
        assertThat(store.listArtifactVersions("data")).isEmpty();
        assertThat(store.listArtifactVersions()).isEmpty();
        assertThat(store.listArtifactNames()).isEmpty();
        assertThat(store.reserveArtifactVersion(newVersion("data")).version()).isEqualTo("2");
    }

    @Test
    void abandonedVersionIsForgotten() {
        ArtifactVersionRecord pending = store.reserveArtifactVersion(newVersion("data", "golden"));

        store.abandonArtifactVersion(pending.id());
        store.abandonArtifactVersion(pending.id());

        ArtifactVersionRecord again = store.reserveArtifactVersion(newVersion("data", "golden"));
        store.commitArtifactVersion(new CommittedArtifact(again.id(), artifactUri("data", "golden"), List.of()));
        assertThat(store.findArtifactVersion("data", "golden")).map(ArtifactVersionRecord::id).contains(again.id());
        assertThatThrownBy(() -> store.commitArtifactVersion(new CommittedArtifact(pending.id(), artifactUri("data", "x"), List.of())))
                .satisfies(e -> assertCode(e, ErrorCode.METADATA_FAILURE))
                .hasMessageContaining(pending.id().toString());
    }

    @Test
    void committedVersionCannotBeAbandonedOrCommittedAgain() {
        ArtifactVersionRecord ready = reserveAndCommit("data");

        assertThatThrownBy(() -> store.abandonArtifactVersion(ready.id()))
                .satisfies(e -> assertCode(e, ErrorCode.METADATA_FAILURE))
                .hasMessageContaining("'data'")
                .hasMessageContaining("READY");
        assertThatThrownBy(() -> store.commitArtifactVersion(new CommittedArtifact(ready.id(), artifactUri("data", "x"), List.of())))
                .satisfies(e -> assertCode(e, ErrorCode.METADATA_FAILURE));
        assertThat(store.findArtifactVersion(ready.id())).contains(ready);
    }

    @Test
    void latestIsTheNewestCreatedReadyVersion() {
        ArtifactVersionRecord first = store.reserveArtifactVersion(newVersion("model"));
        ArtifactVersionRecord second = store.reserveArtifactVersion(newVersion("model"));
        ArtifactVersionRecord third = store.reserveArtifactVersion(newVersion("model"));

        store.commitArtifactVersion(new CommittedArtifact(second.id(), artifactUri("model", "2"), List.of()));
        assertThat(store.findLatestArtifactVersion("model")).map(ArtifactVersionRecord::version).contains("2");

        store.commitArtifactVersion(new CommittedArtifact(first.id(), artifactUri("model", "1"), List.of()));
        assertThat(store.findLatestArtifactVersion("model")).as("reserved earlier, so not the latest").map(ArtifactVersionRecord::version).contains("2");

        ArtifactVersionRecord named = store.reserveArtifactVersion(newVersion("model", "champion"));
        store.commitArtifactVersion(new CommittedArtifact(named.id(), artifactUri("model", "champion"), List.of()));
        assertThat(store.findLatestArtifactVersion("model")).map(ArtifactVersionRecord::version).contains("champion");

        store.abandonArtifactVersion(third.id());
        assertThat(store.findLatestArtifactVersion("model")).map(ArtifactVersionRecord::version).contains("champion");
        assertThat(store.findLatestArtifactVersion("missing")).isEmpty();
    }

    @Test
    void versionsAndNamesAreListedInOrder() {
        ArtifactVersionRecord b1 = reserveAndCommit("b");
        ArtifactVersionRecord a1 = reserveAndCommit("a");
        ArtifactVersionRecord b2 = reserveAndCommit("b");
        store.reserveArtifactVersion(newVersion("c"));

        assertThat(store.listArtifactVersions("b")).containsExactly(b1, b2);
        assertThat(store.listArtifactVersions()).containsExactly(b2, a1, b1);
        assertThat(store.listArtifactNames()).containsExactly("a", "b");
        assertThat(store.listArtifactVersions("missing")).isEmpty();
    }

    @Test
    void visualizationsRoundTripInOrder() {
        ArtifactVersionRecord reserved = store.reserveArtifactVersion(newVersion("report"));
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2, (byte) 0xff};
        List<Visualization> visualizations = List.of(
                Visualization.text("summary", VisualizationType.MARKDOWN, "# Rows\n10 ✓"),
                Visualization.binary("chart", VisualizationType.PNG, png),
                Visualization.text("table", VisualizationType.CSV, "a,b\n1,2\n"));

        store.commitArtifactVersion(new CommittedArtifact(reserved.id(), artifactUri("report", "1"), visualizations));

        List<Visualization> stored = store.listVisualizations(reserved.id());
        assertThat(stored).containsExactlyElementsOf(visualizations);
        assertThat(stored.get(1).content()).isEqualTo(png);
        assertThat(stored.get(0).text()).isEqualTo("# Rows\n10 ✓");
        assertThat(store.listVisualizations(UUID.randomUUID())).isEmpty();
    }

    // --- completing steps and lineage ---

    @Test
    void completeStepRecordsTheStepItsArtifactsAndLineage() {
        ArtifactVersionRecord external = reserveAndCommit("raw");
        PipelineRunRecord run = run("p", T0);
        StepRunRecord load = stepRun(run, "load", 0);
        StepRunRecord fit = stepRun(run, "fit", 1, "load");
        store.insertRun(run, List.of(load, fit));

        StepRunRecord loadRunning = load.started(T0.plusSeconds(1));
        store.updateStepRun(loadRunning);
        ArtifactVersionRecord rows = store.reserveArtifactVersion(newVersion("rows"));
        ArtifactVersionRecord stats = store.reserveArtifactVersion(newVersion("stats"));
        StepRunRecord loadDone = loadRunning.finished(StepStatus.COMPLETED, T0.plusSeconds(2), Optional.empty());
        StepInputRecord rawInput = new StepInputRecord(load.id(), "source", external.id(), InputKind.EXTERNAL_ARTIFACT);
        StepOutputRecord rowsOutput = new StepOutputRecord(load.id(), "output", rows.id());
        StepOutputRecord statsOutput = new StepOutputRecord(load.id(), "stats", stats.id());
        List<Visualization> visualizations = List.of(Visualization.text("head", VisualizationType.HTML, "<table></table>"));
        store.completeStep(loadDone,
                List.of(new CommittedArtifact(rows.id(), artifactUri("rows", "1"), visualizations),
                        new CommittedArtifact(stats.id(), artifactUri("stats", "1"), List.of())),
                List.of(rawInput), List.of(rowsOutput, statsOutput));

        StepRunRecord fitDone = fit.started(T0.plusSeconds(3)).finished(StepStatus.COMPLETED, T0.plusSeconds(4), Optional.empty());
        StepInputRecord fitInput = new StepInputRecord(fit.id(), "rows", rows.id(), InputKind.STEP_OUTPUT);
        store.completeStep(fitDone, List.of(), List.of(fitInput), List.of());
        StepInputRecord clientLoad = new StepInputRecord(fit.id(), "raw:1", external.id(), InputKind.CLIENT_LOAD);
        store.recordStepInputs(List.of(clientLoad));
        store.recordStepInputs(List.of(clientLoad));

        assertThat(store.listStepRuns(run.id())).containsExactly(loadDone, fitDone);
        assertThat(store.findArtifactVersion(rows.id())).get()
                .satisfies(r -> assertThat(r.state()).isEqualTo(ArtifactState.READY))
                .satisfies(r -> assertThat(r.uri()).contains(artifactUri("rows", "1")));
        assertThat(store.listVisualizations(rows.id())).isEqualTo(visualizations);
        assertThat(store.listStepInputs(load.id())).containsExactly(rawInput);
        assertThat(store.listStepInputs(fit.id())).containsExactly(clientLoad, fitInput);
        assertThat(store.listStepOutputs(load.id())).containsExactly(rowsOutput, statsOutput);
        assertThat(store.listStepOutputs(fit.id())).isEmpty();
        assertThat(store.listStepInputsOfRun(run.id())).containsExactly(rawInput, clientLoad, fitInput);
        assertThat(store.listStepOutputsOfRun(run.id())).containsExactly(rowsOutput, statsOutput);
        assertThat(store.listConsumers(external.id())).containsExactly(rawInput, clientLoad);
        assertThat(store.listConsumers(rows.id())).containsExactly(fitInput);
        assertThat(store.listConsumers(stats.id())).isEmpty();
    }

    /**
     * The upstream lineage read at once ({@link MetadataStore#listUpstreamLineage}, one recursive query in the SQL stores)
     * has the rows of the step-by-step reading ({@link UpstreamLineageRecord#readStepByStep}, the frontier-by-frontier
     * walk the engine used before): for a diamond (a version reached along two paths is read once; a producer's input
     * that is not {@code READY} is left out; a producer of two outputs reached through both) and for a long chain.
     */
    @Test
    void upstreamLineageOfADiamondAndOfALongChainIsReadAtOnceAsStepByStep() {
        ArtifactVersionRecord raw = reserveAndCommit("raw");
        ArtifactVersionRecord pending = store.reserveArtifactVersion(newVersion("pending"));
        PipelineRunRecord run = run("diamond", T0);
        StepRunRecord split = stepRun(run, "split", 0);
        StepRunRecord right = stepRun(run, "right", 1, "split");
        StepRunRecord join = stepRun(run, "join", 2, "split", "right");
        store.insertRun(run, List.of(split, right, join));
        List<ArtifactVersionRecord> halves = complete(split, List.of("first", "second"), Map.of("data", raw));
        ArtifactVersionRecord rightOut = complete(right, List.of("right"), Map.of("in", halves.get(1))).get(0);
        Map<String, ArtifactVersionRecord> joinInputs = new LinkedHashMap<>();
        joinInputs.put("a", halves.get(0));
        joinInputs.put("b", rightOut);
        joinInputs.put("c", halves.get(1));
        ArtifactVersionRecord top = complete(join, List.of("top"), joinInputs).get(0);
        store.recordStepInputs(List.of(new StepInputRecord(join.id(), "unfinished", pending.id(), InputKind.CLIENT_LOAD)));

        List<UpstreamLineageRecord> rows = store.listUpstreamLineage(top.id());
        assertThat(rows).containsExactlyInAnyOrderElementsOf(UpstreamLineageRecord.readStepByStep(store, top.id()));
        StepRunRecord joinDone = store.findStepRun(join.id()).orElseThrow();
        assertThat(rows).filteredOn(row -> row.artifactId().equals(top.id())).extracting(UpstreamLineageRecord::inputName)
                .containsExactlyInAnyOrder("a", "b", "c", null); // "unfinished" names a version that is not READY
        assertThat(rows).filteredOn(row -> row.artifactId().equals(top.id())).allSatisfy(row -> {
            assertThat(row.producerId()).isEqualTo(join.id());
            assertThat(row.stepName()).isEqualTo("join");
            assertThat(row.status()).isEqualTo(joinDone.status());
            assertThat(row.runId()).isEqualTo(run.id());
            assertThat(row.pipelineName()).isEqualTo("diamond");
            assertThat(row.outputName()).isEqualTo("top");
        });
        assertThat(rows).extracting(UpstreamLineageRecord::inputArtifactId).doesNotContain(pending.id());
        assertThat(rows).extracting(UpstreamLineageRecord::artifactId).doesNotContain(pending.id())
                .containsOnly(top.id(), halves.get(0).id(), halves.get(1).id(), rightOut.id(), raw.id());
        assertThat(rows).filteredOn(row -> row.artifactId().equals(halves.get(1).id())).singleElement()
                .satisfies(row -> assertThat(row.outputName()).isEqualTo("second"))
                .satisfies(row -> assertThat(row.inputArtifactId()).isEqualTo(raw.id()));
        assertThat(rows).filteredOn(row -> row.artifactId().equals(raw.id())).singleElement()
                .satisfies(row -> assertThat(row.producerId()).isNull())
                .satisfies(row -> assertThat(row.inputName()).isNull());
        assertThat(rows).hasSize(4 + 1 + 1 + 1 + 1);

        PipelineRunRecord chainRun = run("chain", T0);
        int length = 200;
        List<StepRunRecord> chain = new ArrayList<>();
        for (int i = 0; i < length; i++) {
            chain.add(i == 0 ? stepRun(chainRun, "s0", 0) : stepRun(chainRun, "s" + i, i, "s" + (i - 1)));
        }
        store.insertRun(chainRun, chain);
        ArtifactVersionRecord last = top;
        for (StepRunRecord step : chain) {
            last = complete(step, List.of("out"), Map.of("in", last)).get(0);
        }
        List<UpstreamLineageRecord> chainRows = store.listUpstreamLineage(last.id());
        assertThat(chainRows).hasSize(length + rows.size()).containsAll(rows)
                .containsExactlyInAnyOrderElementsOf(UpstreamLineageRecord.readStepByStep(store, last.id()));
        assertThat(chainRows).extracting(UpstreamLineageRecord::producerId).containsAll(chain.stream().map(StepRunRecord::id).toList());

        assertThat(store.listUpstreamLineage(pending.id())).isEmpty();
        assertThat(store.listUpstreamLineage(UUID.randomUUID())).isEmpty();
    }

    /**
     * Completes {@code step}: it consumed {@code inputs} (by input name) and produced one new version per name of
     * {@code outputs} (output names as given); returns the committed versions in that order.
     */
    private List<ArtifactVersionRecord> complete(StepRunRecord step, List<String> outputs, Map<String, ArtifactVersionRecord> inputs) {
        List<CommittedArtifact> committed = new ArrayList<>();
        List<StepOutputRecord> outputRows = new ArrayList<>();
        List<UUID> ids = new ArrayList<>();
        for (String output : outputs) {
            NewArtifactVersion version = NewArtifactVersion.builder().id(UUID.randomUUID()).name(step.stepName() + "." + output)
                    .explicitVersion(Optional.empty()).storeUri(STORE_URI).dataType("java.lang.String").materializerId("cairn.string")
                    .materializerVersion("1").artifactType(ArtifactType.DATA).contentHash("sha256:" + output).size(3).createdAt(T0)
                    .producerStepRunId(Optional.of(step.id())).build();
            ArtifactVersionRecord reserved = store.reserveArtifactVersion(version);
            committed.add(new CommittedArtifact(reserved.id(), artifactUri(reserved.name(), reserved.version()), List.of()));
            outputRows.add(new StepOutputRecord(step.id(), output, reserved.id()));
            ids.add(reserved.id());
        }
        List<StepInputRecord> inputRows = new ArrayList<>();
        inputs.forEach((name, version) -> inputRows.add(new StepInputRecord(step.id(), name, version.id(), InputKind.STEP_OUTPUT)));
        StepRunRecord done = step.started(T0).finished(StepStatus.COMPLETED, T0.plusSeconds(1), Optional.empty());
        store.completeStep(done, committed, inputRows, outputRows);
        return ids.stream().map(id -> store.findArtifactVersion(id).orElseThrow()).toList();
    }

    @Test
    void completeStepsRecordsEveryStep() {
        PipelineRunRecord run = run("p", T0);
        StepRunRecord a = stepRun(run, "a", 0);
        StepRunRecord b = stepRun(run, "b", 1);
        store.insertRun(run, List.of(a, b));
        ArtifactVersionRecord out = reserveAndCommit("out");
        StepRunRecord aDone = a.withStatus(StepStatus.CACHED);
        StepRunRecord bDone = b.withStatus(StepStatus.CACHED);
        StepOutputRecord aOutput = new StepOutputRecord(a.id(), "output", out.id());

        store.completeSteps(List.of(new MetadataStore.StepCompletion(aDone, List.of(), List.of(), List.of(aOutput)),
                new MetadataStore.StepCompletion(bDone, List.of(), List.of(), List.of())));

        assertThat(store.listStepRuns(run.id())).containsExactly(aDone, bDone);
        assertThat(store.listStepOutputs(a.id())).containsExactly(aOutput);
    }

    @Test
    void aBatchOfCompletionsIsRejectedWholeWhenOneOfItsRunsIsNoLongerRunning() {
        // the run's status is checked once per run of a batch: a second run in the same batch is still checked
        PipelineRunRecord live = run("live", T0);
        PipelineRunRecord dead = run("dead", T0);
        StepRunRecord a = stepRun(live, "a", 0);
        StepRunRecord b = stepRun(live, "b", 1);
        StepRunRecord c = stepRun(dead, "c", 0);
        StepRunRecord d = stepRun(dead, "d", 1);
        store.insertRun(live, List.of(a, b));
        store.insertRun(dead, List.of(c, d));
        store.renewRun(live.id(), T0.plusSeconds(100));
        store.renewRun(dead.id(), T0.plusSeconds(10));
        assertThat(store.failAbandonedRuns(T0.plusSeconds(11), "gone")).containsExactly(dead.id());

        List<MetadataStore.StepCompletion> batch = List.of(a, b, c, d).stream()
                .map(step -> new MetadataStore.StepCompletion(step.withStatus(StepStatus.CACHED), List.of(), List.of(), List.of())).toList();
        assertThatThrownBy(() -> store.completeSteps(batch)).isInstanceOf(CairnException.class).hasMessageContaining("FAILED");

        assertThat(store.listStepRuns(live.id())).as("nothing of the batch written").extracting(StepRunRecord::status)
                .containsExactly(StepStatus.PENDING, StepStatus.PENDING);
        assertThat(store.listStepRuns(dead.id())).as("what the abandoned run's end made of them").extracting(StepRunRecord::status)
                .containsExactly(StepStatus.SKIPPED, StepStatus.SKIPPED);
        store.completeSteps(batch.subList(0, 2));
        assertThat(store.listStepRuns(live.id())).extracting(StepRunRecord::status).containsExactly(StepStatus.CACHED, StepStatus.CACHED);
    }

    // --- the run page: a run's step runs with their inputs and outputs ---

    @Test
    void runPageReadsEveryStepRunWithItsInputsAndOutputs() {
        ArtifactVersionRecord external = reserveAndCommit("raw");
        ArtifactVersionRecord pending = store.reserveArtifactVersion(newVersion("pending"));
        PipelineRunRecord run = run("wide", T0);
        int count = 250;
        List<StepRunRecord> steps = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            steps.add(StepRunRecord.builder().id(UUID.randomUUID()).runId(run.id()).stepName(i == 7 ? "schritt-ü-🚀 \"q\"\n" : "step-" + i).position(i)
                    .upstreamSteps(i == 0 ? List.of() : List.of("step-" + (i - 1))).parameters(i % 2 == 0 ? Map.of() : Map.of("i", i, "name", "ü"))
                    .status(StepStatus.PENDING).build());
        }
        List<StepRunRecord> reversed = new ArrayList<>(steps);
        java.util.Collections.reverse(reversed);
        store.insertRun(run, reversed);
        List<StepRunRecord> done = new ArrayList<>();
        List<StepInputRecord> inputs = new ArrayList<>();
        List<StepOutputRecord> outputs = new ArrayList<>();
        List<MetadataStore.StepCompletion> completions = new ArrayList<>();
        UUID previous = external.id();
        for (int i = 0; i < count; i++) {
            StepRunRecord step = steps.get(i);
            StepRunRecord finished = step.started(T0.plusMillis(i)).finished(i == 3 ? StepStatus.FAILED : StepStatus.COMPLETED, T0.plusMillis(i + 1),
                    i == 3 ? Optional.of("") : i == 5 ? Optional.of("boom: ✗\n\tat x") : Optional.empty());
            if (i == 9) {
                finished = finished.toBuilder().cacheKey(Optional.of("key-9")).cacheNote(Optional.of("miss: inputs changed"))
                        .cachedFrom(Optional.of(steps.get(1).id())).build();
            }
            ArtifactVersionRecord output = store.reserveArtifactVersion(newVersion("out-" + i));
            StepInputRecord input = new StepInputRecord(step.id(), "input", previous, i == 0 ? InputKind.EXTERNAL_ARTIFACT : InputKind.STEP_OUTPUT);
            StepOutputRecord out = new StepOutputRecord(step.id(), "output", output.id());
            completions.add(new MetadataStore.StepCompletion(finished, List.of(new CommittedArtifact(output.id(), artifactUri("out-" + i, "1"), List.of())),
                    List.of(input), List.of(out)));
            done.add(finished);
            inputs.add(input);
            outputs.add(out);
            previous = output.id();
        }
        store.completeSteps(completions);
        PipelineRunRecord other = run("other", T0);
        store.insertRun(other, List.of(stepRun(other, "alone", 0)));

        assertThat(store.listStepRuns(run.id())).as("by position, every field as recorded").containsExactlyElementsOf(done);
        assertThat(store.listStepRuns(run.id()).get(3).error()).as("an empty error text stays empty, not absent").contains("");
        assertThat(store.listStepInputsOfRun(run.id())).containsExactlyInAnyOrderElementsOf(inputs);
        assertThat(store.listStepOutputsOfRun(run.id())).containsExactlyInAnyOrderElementsOf(outputs);

        List<UUID> wanted = new ArrayList<>();
        inputs.forEach(input -> wanted.add(input.artifactId()));
        outputs.forEach(output -> wanted.add(output.artifactId()));
        UUID missing = UUID.randomUUID();
        wanted.add(missing);
        wanted.add(pending.id());
        wanted.add(external.id());
        Map<UUID, ArtifactVersionRecord> found = store.findArtifactVersions(wanted);
        assertThat(found).hasSize(count + 1).doesNotContainKeys(missing, pending.id());
        found.forEach((id, record) -> {
            assertThat(record.id()).isEqualTo(id);
            assertThat(store.findArtifactVersion(id)).contains(record);
        });
        assertThat(found).hasEntrySatisfying(outputs.get(42).artifactId(), record -> assertThat(record.name()).isEqualTo("out-42"));
        assertThat(store.findArtifactVersions(List.of())).isEmpty();
        assertThat(store.findArtifactVersions(List.of(missing))).isEmpty();
    }

    @Test
    void runsArePagedNewestFirstByPipelineAndStatus() {
        List<PipelineRunRecord> runs = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            // three pairs share a start time, so the id decides their order
            PipelineRunRecord run = run(i % 3 == 0 ? "infer" : "train", T0.plusSeconds(i / 2));
            store.insertRun(run, List.of());
            if (i % 2 == 0) {
                store.finishRun(run.id(), RunStatus.COMPLETED, T0.plusSeconds(100), Optional.empty());
            }
            runs.add(run);
        }
        java.util.Comparator<PipelineRunRecord> newestFirst = java.util.Comparator.comparing(PipelineRunRecord::startedAt)
                .thenComparing(run -> run.id().toString()).reversed();
        List<UUID> expected = runs.stream().sorted(newestFirst).map(PipelineRunRecord::id).toList();
        assertThat(pageThrough(Optional.empty(), Optional.empty(), 2)).containsExactlyElementsOf(expected);
        assertThat(pageThrough(Optional.empty(), Optional.empty(), 1000)).containsExactlyElementsOf(expected);
        List<UUID> train = runs.stream().filter(run -> run.pipelineName().equals("train")).sorted(newestFirst).map(PipelineRunRecord::id).toList();
        assertThat(pageThrough(Optional.of("train"), Optional.empty(), 4)).containsExactlyElementsOf(train);
        List<UUID> completedTrain = new ArrayList<>();
        for (UUID id : train) {
            if (runs.indexOf(runs.stream().filter(run -> run.id().equals(id)).findFirst().orElseThrow()) % 2 == 0) {
                completedTrain.add(id);
            }
        }
        assertThat(pageThrough(Optional.of("train"), Optional.of(RunStatus.COMPLETED), 1)).containsExactlyElementsOf(completedTrain);
        assertThat(pageThrough(Optional.of("missing"), Optional.empty(), 5)).isEmpty();
        dev.cairn.api.run.RunPage first = store.listRuns(new dev.cairn.api.run.RunQuery(Optional.empty(), Optional.empty(), Optional.empty(), 3));
        assertThat(first.runs()).hasSize(3);
        assertThat(first.next()).isPresent();
        assertThat(first.runs().get(0).status()).isIn(RunStatus.RUNNING, RunStatus.COMPLETED);
    }

    private List<UUID> pageThrough(Optional<String> pipeline, Optional<RunStatus> status, int limit) {
        List<UUID> ids = new ArrayList<>();
        Optional<dev.cairn.api.run.RunQuery.Position> after = Optional.empty();
        for (int pages = 0; pages < 100; pages++) {
            dev.cairn.api.run.RunPage page = store.listRuns(new dev.cairn.api.run.RunQuery(pipeline, status, after, limit));
            assertThat(page.runs().size()).isLessThanOrEqualTo(limit);
            page.runs().forEach(run -> {
                assertThat(pipeline.map(run.pipelineName()::equals).orElse(true)).isTrue();
                assertThat(status.map(run.status()::equals).orElse(true)).isTrue();
                ids.add(run.id());
            });
            if (page.next().isEmpty()) {
                return ids;
            }
            assertThat(page.runs()).hasSize(limit);
            after = page.next();
        }
        throw new AssertionError("more than 100 pages");
    }

    @Test
    void completeStepIsAllOrNothing() {
        PipelineRunRecord run = run("p", T0);
        StepRunRecord step = stepRun(run, "load", 0);
        store.insertRun(run, List.of(step));
        ArtifactVersionRecord good = store.reserveArtifactVersion(newVersion("good"));
        UUID neverReserved = UUID.randomUUID();
        StepRunRecord done = step.started(T0).finished(StepStatus.COMPLETED, T0.plusSeconds(1), Optional.empty());

        assertThatThrownBy(() -> store.completeStep(done,
                List.of(new CommittedArtifact(good.id(), artifactUri("good", "1"), List.of()),
                        new CommittedArtifact(neverReserved, artifactUri("bad", "1"), List.of())),
                List.of(), List.of(new StepOutputRecord(step.id(), "output", good.id()))))
                .satisfies(e -> assertCode(e, ErrorCode.METADATA_FAILURE))
                .hasMessageContaining(neverReserved.toString())
                .hasMessageContaining(step.id().toString());

        assertThat(store.findStepRun(step.id())).contains(step);
        assertThat(store.findArtifactVersion(good.id())).isEmpty();
        assertThat(store.listStepOutputs(step.id())).isEmpty();
    }

    @Test
    void aCompletionRecordsOnlyItsOwnStepRunsOutputs() {
        // PostgreSQL checks no foreign key on an output's step run (schema V16): the completion's own update of its step
        // run is the check, so an output naming another step run, recorded or not, is refused before anything is written
        PipelineRunRecord run = run("p", T0);
        StepRunRecord step = stepRun(run, "load", 0);
        StepRunRecord other = stepRun(run, "other", 1);
        store.insertRun(run, List.of(step, other));
        ArtifactVersionRecord good = store.reserveArtifactVersion(newVersion("good"));
        StepRunRecord done = step.started(T0).finished(StepStatus.COMPLETED, T0.plusSeconds(1), Optional.empty());
        UUID neverRecorded = UUID.randomUUID();

        for (UUID owner : List.of(other.id(), neverRecorded)) {
            assertThatThrownBy(() -> store.completeStep(done, List.of(new CommittedArtifact(good.id(), artifactUri("good", "1"), List.of())),
                    List.of(), List.of(new StepOutputRecord(owner, "output", good.id()))))
                    .satisfies(e -> assertCode(e, ErrorCode.INVALID_ARGUMENT))
                    .hasMessageContaining("Output 'output'")
                    .hasMessageContaining(owner.toString())
                    .hasMessageContaining(step.id().toString());
            assertThatThrownBy(() -> store.completeSteps(List.of(new MetadataStore.StepCompletion(done,
                    List.of(new CommittedArtifact(good.id(), artifactUri("good", "1"), List.of())), List.of(),
                    List.of(new StepOutputRecord(owner, "output", good.id()))))))
                    .satisfies(e -> assertCode(e, ErrorCode.INVALID_ARGUMENT))
                    .hasMessageContaining(owner.toString());
        }

        assertThat(store.findStepRun(step.id())).contains(step);
        assertThat(store.findArtifactVersion(good.id())).isEmpty();
        assertThat(store.listStepOutputs(other.id())).isEmpty();
        assertThat(store.listStepOutputs(neverRecorded)).isEmpty();
        assertThat(store.listStepOutputs(step.id())).isEmpty();
    }

    @Test
    void visualizationsAreRecordedOnlyWithTheirVersionsCommit() {
        // PostgreSQL checks no foreign key on a visualization's version (schema V16): the commit's own update of the
        // reserved version is the check
        UUID neverReserved = UUID.randomUUID();
        List<Visualization> visualizations = List.of(Visualization.text("head", VisualizationType.HTML, "<p>x</p>"));
        assertThatThrownBy(() -> store.commitArtifactVersion(new CommittedArtifact(neverReserved, artifactUri("x", "1"), visualizations)))
                .satisfies(e -> assertCode(e, ErrorCode.METADATA_FAILURE))
                .hasMessageContaining(neverReserved.toString());
        assertThat(store.listVisualizations(neverReserved)).isEmpty();
    }

    @Test
    void outputOfAnUncommittedVersionIsRejected() {
        PipelineRunRecord run = run("p", T0);
        StepRunRecord step = stepRun(run, "load", 0);
        store.insertRun(run, List.of(step));
        ArtifactVersionRecord pending = store.reserveArtifactVersion(newVersion("rows"));
        StepRunRecord done = step.started(T0).finished(StepStatus.COMPLETED, T0.plusSeconds(1), Optional.empty());

        assertThatThrownBy(() -> store.completeStep(done, List.of(), List.of(),
                List.of(new StepOutputRecord(step.id(), "output", pending.id()))))
                .satisfies(e -> assertCode(e, ErrorCode.METADATA_FAILURE))
                .hasMessageContaining("output 'output'")
                .hasMessageContaining(pending.id().toString())
                .hasMessageContaining("not committed");
        assertThat(store.findStepRun(step.id())).contains(step);

        store.abandonArtifactVersion(pending.id());
        assertThat(store.listStepOutputs(step.id())).isEmpty();
    }

    @Test
    void inputOfAnUnknownArtifactIsRejected() {
        PipelineRunRecord run = run("p", T0);
        StepRunRecord step = stepRun(run, "load", 0);
        store.insertRun(run, List.of(step));

        assertThatThrownBy(() -> store.recordStepInputs(List.of(new StepInputRecord(step.id(), "x", UUID.randomUUID(), InputKind.CLIENT_LOAD))))
                .satisfies(e -> assertCode(e, ErrorCode.METADATA_FAILURE));
        assertThat(store.listStepInputs(step.id())).isEmpty();
    }

    // --- cache ---

    @Test
    void cacheCandidatesAreTheNewestCompletedStepRunsWithTheKeyEachWithItsOutputs() {
        PipelineRunRecord run = run("p", T0);
        List<StepRunRecord> steps = List.of(stepRun(run, "a", 0), stepRun(run, "b", 1), stepRun(run, "c", 2), stepRun(run, "d", 3),
                stepRun(run, "e", 4));
        store.insertRun(run, steps);
        ArtifactVersionRecord x = store.reserveArtifactVersion(newVersion("x"));
        ArtifactVersionRecord y = store.reserveArtifactVersion(newVersion("y"));
        ArtifactVersionRecord z = store.reserveArtifactVersion(newVersion("z"));
        // a: oldest, two outputs; b: newer, no outputs; c: newest, one output; d: failed; e: another key
        StepRunRecord a = complete(steps.get(0), "key-1", StepStatus.COMPLETED, 10, Map.of("left", x, "right", y));
        StepRunRecord b = complete(steps.get(1), "key-1", StepStatus.COMPLETED, 20, Map.of());
        StepRunRecord c = complete(steps.get(2), "key-1", StepStatus.COMPLETED, 30, Map.of("output", z));
        complete(steps.get(3), "key-1", StepStatus.FAILED, 40, Map.of());
        complete(steps.get(4), "key-2", StepStatus.COMPLETED, 50, Map.of());

        List<CacheCandidate> all = store.findCacheCandidates("key-1", 5);
        assertThat(all).extracting(CacheCandidate::stepRun).containsExactly(c, b, a);
        assertThat(all.get(0).outputs()).containsOnlyKeys("output");
        assertThat(all.get(0).outputs().get("output")).isEqualTo(store.findArtifactVersion(z.id()).orElseThrow());
        assertThat(all.get(1).outputs()).isEmpty();
        assertThat(all.get(2).outputs()).containsOnlyKeys("left", "right");
        assertThat(all.get(2).outputs().get("right")).isEqualTo(store.findArtifactVersion(y.id()).orElseThrow());
        assertThat(store.findCacheCandidates("key-1", 2)).extracting(CacheCandidate::stepRun).containsExactly(c, b);
        assertThat(store.findCacheCandidates("key-3", 5)).isEmpty();
        assertThat(store.findCompletedStepRunsByCacheKey("key-1", 5)).containsExactly(c, b, a);
        assertThat(store.findCompletedStepRunsByCacheKey("key-1", 1)).containsExactly(c);
    }

    @Test
    void cacheCandidatesOfManyKeysAreThoseOfEachKeyAndARunsKeysPredictTheNext() {
        PipelineRunRecord run = run("p", T0);
        List<StepRunRecord> steps = new ArrayList<>();
        for (int i = 0; i < 45; i++) {
            steps.add(stepRun(run, "s" + i, i));
        }
        store.insertRun(run, steps);
        ArtifactVersionRecord x = store.reserveArtifactVersion(newVersion("x"));
        ArtifactVersionRecord y = store.reserveArtifactVersion(newVersion("y"));
        ArtifactVersionRecord z = store.reserveArtifactVersion(newVersion("z"));
        // key-0 three times (newest last), key-1 once with outputs, a failed key-2, then 40 keys of one step each: more
        // keys than one query takes
        StepRunRecord a = complete(steps.get(0), "key-0", StepStatus.COMPLETED, 10, Map.of("left", x, "right", y));
        StepRunRecord b = complete(steps.get(1), "key-0", StepStatus.COMPLETED, 20, Map.of());
        StepRunRecord c = complete(steps.get(2), "key-0", StepStatus.COMPLETED, 30, Map.of());
        StepRunRecord d = complete(steps.get(3), "key-1", StepStatus.COMPLETED, 40, Map.of("output", z));
        complete(steps.get(4), "key-2", StepStatus.FAILED, 50, Map.of());
        List<String> keys = new ArrayList<>(List.of("key-1", "key-0", "key-2", "key-none", "key-0"));
        StepRunRecord last = null;
        for (int i = 5; i < 45; i++) {
            last = complete(steps.get(i), "many-" + i, StepStatus.COMPLETED, 60 + i, Map.of());
            keys.add("many-" + i);
        }

        Map<String, List<CacheCandidate>> found = store.findCacheCandidates(keys, 2);
        assertThat(found.keySet()).as("every key given, once").containsExactlyInAnyOrderElementsOf(new java.util.LinkedHashSet<>(keys));
        for (String key : found.keySet()) {
            assertThat(found.get(key)).as(key).isEqualTo(store.findCacheCandidates(key, 2));
        }
        assertThat(found.get("key-0")).extracting(CacheCandidate::stepRun).containsExactly(c, b);
        assertThat(store.findCacheCandidates(List.of("key-0"), 5).get("key-0")).extracting(CacheCandidate::stepRun).containsExactly(c, b, a);
        assertThat(found.get("key-1")).extracting(CacheCandidate::stepRun).containsExactly(d);
        assertThat(found.getOrDefault("key-1", List.of()).get(0).outputs().get("output")).isEqualTo(store.findArtifactVersion(z.id()).orElseThrow());
        assertThat(found.get("key-2")).as("failed").isEmpty();
        assertThat(found.get("key-none")).isEmpty();
        assertThat(found.get("many-44")).extracting(CacheCandidate::stepRun).containsExactly(last);

        // a key with more completed step runs than one many-key query reads: still its newest, as one by one
        PipelineRunRecord hot = run("hot", T0);
        List<StepRunRecord> hotSteps = new ArrayList<>();
        for (int i = 0; i < 1030; i++) {
            hotSteps.add(stepRun(hot, "h" + i, i));
        }
        store.insertRun(hot, hotSteps);
        store.completeSteps(hotSteps.stream().map(step -> new MetadataStore.StepCompletion(step.started(T0)
                .finished(StepStatus.COMPLETED, T0.plusSeconds(step.position()), Optional.empty())
                .withCache(Optional.of("hot"), Optional.empty(), Optional.empty()), List.of(), List.of(), List.of())).toList());
        Map<String, List<CacheCandidate>> withHot = store.findCacheCandidates(List.of("hot", "key-0"), 3);
        assertThat(withHot.get("hot")).isEqualTo(store.findCacheCandidates("hot", 3)).extracting(candidate -> candidate.stepRun().stepName())
                .containsExactly("h1029", "h1028", "h1027");
        assertThat(withHot.get("key-0")).extracting(CacheCandidate::stepRun).containsExactly(c, b, a);

        Map<String, Map<String, String>> predicted = store.cacheKeysOfRun(run.id(), 0, 6);
        assertThat(predicted).as("the completed steps at positions 0 to 5, by key").containsOnlyKeys("key-0", "key-1", "many-5");
        assertThat(predicted.get("key-1")).containsExactly(Map.entry("output", z.contentHash()));
        assertThat(predicted.get("key-0")).as("the outputs of one of a, b, c, not a mix")
                .satisfiesAnyOf(hashes -> assertThat(hashes).isEmpty(), hashes -> assertThat(hashes).containsOnlyKeys("left", "right"));
        assertThat(predicted.get("many-5")).isEmpty();
        assertThat(store.cacheKeysOfRun(run.id(), 44, 100)).containsOnlyKeys("many-44");
    }

    private StepRunRecord complete(StepRunRecord step, String key, StepStatus status, int endSecond, Map<String, ArtifactVersionRecord> outputs) {
        StepRunRecord done = step.started(T0.plusSeconds(endSecond - 1)).finished(status, T0.plusSeconds(endSecond), Optional.empty())
                .withCache(Optional.of(key), Optional.empty(), Optional.of("note"));
        List<CommittedArtifact> committed = new ArrayList<>();
        List<StepOutputRecord> outputRecords = new ArrayList<>();
        outputs.forEach((name, artifact) -> {
            committed.add(new CommittedArtifact(artifact.id(), artifactUri(artifact.name(), artifact.version()), List.of()));
            outputRecords.add(new StepOutputRecord(step.id(), name, artifact.id()));
        });
        store.completeStep(done, committed, List.of(), outputRecords);
        return done;
    }

    @Test
    void cacheLeaseIsExclusiveUntilReleasedOrExpired() throws InterruptedException {
        Instant later = Instant.now().plus(Duration.ofMinutes(1));
        assertThat(store.tryAcquireCacheLease("key", "a", later)).isTrue();
        assertThat(store.tryAcquireCacheLease("key", "b", later)).as("held by a").isFalse();
        assertThat(store.tryAcquireCacheLease("key", "a", later)).as("re-entrant for its holder").isTrue();
        assertThat(store.tryAcquireCacheLease("another key", "b", later)).as("leases are per key").isTrue();
        assertThat(store.renewCacheLease("key", "b", later)).as("b does not hold it").isFalse();
        assertThat(store.renewCacheLease("key", "a", later)).isTrue();
        store.releaseCacheLease("key", "b");
        assertThat(store.tryAcquireCacheLease("key", "b", later)).as("a release by a non-holder does nothing").isFalse();
        store.releaseCacheLease("key", "a");
        assertThat(store.renewCacheLease("key", "a", later)).as("released: nothing to renew").isFalse();
        assertThat(store.tryAcquireCacheLease("key", "b", later)).as("released").isTrue();

        assertThat(store.tryAcquireCacheLease("other", "crashed", Instant.now().plusMillis(100))).isTrue();
        assertThat(store.tryAcquireCacheLease("other", "b", later)).isFalse();
        Thread.sleep(300);
        assertThat(store.tryAcquireCacheLease("other", "b", later)).as("an expired lease is taken over").isTrue();
        assertThat(store.renewCacheLease("other", "crashed", later)).as("the old holder lost it").isFalse();
    }

    @Test
    void completingAComputedStepReleasesItsOwnLease() {
        PipelineRunRecord run = run("p", T0);
        StepRunRecord step = stepRun(run, "a", 0);
        store.insertRun(run, List.of(step));
        Instant later = Instant.now().plus(Duration.ofMinutes(1));
        assertThat(store.tryAcquireCacheLease("k", step.id().toString(), later)).isTrue();

        store.completeStep(step.started(T0).finished(StepStatus.COMPLETED, T0.plusSeconds(1), Optional.empty())
                .withCache(Optional.of("k"), Optional.empty(), Optional.empty()), List.of(), List.of(), List.of());

        assertThat(store.tryAcquireCacheLease("k", "someone else", later)).as("released by completeStep").isTrue();
    }

    // --- prune: unused and pending versions, deletions and tombstones ---

    @Test
    void unusedVersionsExcludeConsumedCachedRegisteredAndRunningOnes() {
        ArtifactVersionRecord free = reserveAndCommit("free");
        ArtifactVersionRecord consumed = reserveAndCommit("consumed");
        ArtifactVersionRecord registered = store.reserveArtifactVersion(newVersion("registered").toBuilder().registered(true).build());
        store.commitArtifactVersion(new CommittedArtifact(registered.id(), URI.create("file:///data/registered.csv"), List.of()));
        PipelineRunRecord finished = run("p", T0);
        StepRunRecord cachedProducer = stepRun(finished, "producer", 0);
        StepRunRecord consumer = stepRun(finished, "consumer", 1, "producer");
        store.insertRun(finished, List.of(cachedProducer, consumer));
        ArtifactVersionRecord cacheable = store.reserveArtifactVersion(newVersion("cacheable"));
        store.completeStep(cachedProducer.started(T0).finished(StepStatus.COMPLETED, T0.plusSeconds(1), Optional.empty())
                        .withCache(Optional.of("key"), Optional.empty(), Optional.empty()),
                List.of(new CommittedArtifact(cacheable.id(), artifactUri("cacheable", "1"), List.of())), List.of(),
                List.of(new StepOutputRecord(cachedProducer.id(), "output", cacheable.id())));
        store.completeStep(consumer.started(T0).finished(StepStatus.COMPLETED, T0.plusSeconds(2), Optional.empty()), List.of(),
                List.of(new StepInputRecord(consumer.id(), "rows", consumed.id(), InputKind.EXTERNAL_ARTIFACT)), List.of());
        store.finishRun(finished.id(), RunStatus.COMPLETED, T0.plusSeconds(3), Optional.empty());
        PipelineRunRecord running = run("q", T0);
        StepRunRecord uncached = stepRun(running, "s", 0);
        store.insertRun(running, List.of(uncached));
        ArtifactVersionRecord ofRunning = store.reserveArtifactVersion(newVersion("of-running"));
        store.completeStep(uncached.started(T0).finished(StepStatus.COMPLETED, T0.plusSeconds(1), Optional.empty()),
                List.of(new CommittedArtifact(ofRunning.id(), artifactUri("of-running", "1"), List.of())), List.of(),
                List.of(new StepOutputRecord(uncached.id(), "output", ofRunning.id())));
        store.reserveArtifactVersion(newVersion("pending"));

        assertThat(store.listUnusedArtifactVersions(false)).extracting(ArtifactVersionRecord::id).containsExactly(free.id());
        assertThat(store.listUnusedArtifactVersions(true)).extracting(ArtifactVersionRecord::id).containsExactly(free.id(), registered.id());

        store.finishRun(running.id(), RunStatus.COMPLETED, T0.plusSeconds(2), Optional.empty());
        assertThat(store.listUnusedArtifactVersions(false)).as("an uncached output once its run finished")
                .extracting(ArtifactVersionRecord::id).containsExactly(free.id(), ofRunning.id());
    }

    @Test
    void deletingVersionsRecordsTombstonesUntilCleared() {
        ArtifactVersionRecord free = reserveAndCommit("free");
        ArtifactVersionRecord consumed = reserveAndCommit("consumed");
        PipelineRunRecord run = run("p", T0);
        StepRunRecord step = stepRun(run, "s", 0);
        store.insertRun(run, List.of(step));
        store.recordStepInputs(List.of(new StepInputRecord(step.id(), "x", consumed.id(), InputKind.CLIENT_LOAD)));
        ArtifactVersionRecord stale = store.reserveArtifactVersion(newVersion("stale"));
        ArtifactVersionRecord fresh = store.reserveArtifactVersion(newVersion("fresh").toBuilder().createdAt(T0.plusSeconds(100)).build());

        assertThat(store.listPendingArtifactVersions(T0.plusSeconds(50))).extracting(ArtifactVersionRecord::id).containsExactly(stale.id());

        List<ArtifactDeletion> deleted = store.deleteArtifactVersions(List.of(free.id(), consumed.id(), stale.id(), fresh.id()), false,
                T0.plusSeconds(50), true);

        assertThat(deleted).extracting(ArtifactDeletion::id).as("a consumed version and a recent pending one are skipped")
                .containsExactly(free.id(), stale.id());
        assertThat(deleted.get(0)).isEqualTo(ArtifactDeletion.of(free));
        assertThat(deleted.get(1).uri()).as("never committed").isEmpty();
        assertThat(store.findArtifactVersion(free.id())).isEmpty();
        assertThat(store.findArtifactVersion(consumed.id())).isPresent();
        assertThat(store.listArtifactDeletions()).containsExactlyInAnyOrderElementsOf(deleted);

        store.clearArtifactDeletions(List.of(free.id()));
        assertThat(store.listArtifactDeletions()).extracting(ArtifactDeletion::id).containsExactly(stale.id());
        store.clearArtifactDeletions(List.of(stale.id()));
        assertThat(store.listArtifactDeletions()).isEmpty();

        ArtifactVersionRecord another = reserveAndCommit("another");
        assertThat(store.deleteArtifactVersions(List.of(another.id()), false, T0, false)).hasSize(1);
        assertThat(store.listArtifactDeletions()).as("no tombstone when not asked").isEmpty();
        assertThat(store.deleteArtifactVersions(List.of(), false, T0, true)).isEmpty();
    }

    @Test
    void aRunningStepsPendingOutputsAreNeverStaleUntilItsRunIsRecordedAsFailed() {
        PipelineRunRecord run = run("p", T0);
        StepRunRecord step = stepRun(run, "s", 0);
        store.insertRun(run, List.of(step));
        store.renewRun(run.id(), T0.plusSeconds(1));
        ArtifactVersionRecord ofLiveStep = store.reserveArtifactVersion(newVersion("first").toBuilder().producerStepRunId(step.id()).build());
        ArtifactVersionRecord anonymous = store.reserveArtifactVersion(newVersion("client"));
        Instant cutoff = T0.plusSeconds(50);

        assertThat(store.listPendingArtifactVersions(cutoff)).as("the output of a step of a RUNNING run, however old")
                .extracting(ArtifactVersionRecord::id).containsExactly(anonymous.id());
        assertThat(store.deleteArtifactVersions(List.of(ofLiveStep.id(), anonymous.id()), false, cutoff, true))
                .extracting(ArtifactDeletion::id).containsExactly(anonymous.id());

        assertThat(store.failAbandonedRun(run.id(), T0.plusSeconds(5), T0.plusSeconds(5), "process gone")).isTrue();
        assertThat(store.listPendingArtifactVersions(cutoff)).as("its run is FAILED now")
                .extracting(ArtifactVersionRecord::id).containsExactly(ofLiveStep.id());
        assertThat(store.deleteArtifactVersions(List.of(ofLiveStep.id()), false, cutoff, true))
                .extracting(ArtifactDeletion::id).containsExactly(ofLiveStep.id());
    }

    @Test
    void versionNumbersAreNeverGivenAgainAfterAPrune() {
        List<ArtifactVersionRecord> versions = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            versions.add(reserveAndCommit("m"));
        }
        ArtifactVersionRecord baseline = store.reserveArtifactVersion(newVersion("m", "baseline"));
        store.commitArtifactVersion(new CommittedArtifact(baseline.id(), artifactUri("m", "baseline"), List.of()));

        assertThat(store.deleteArtifactVersions(List.of(versions.get(1).id(), versions.get(2).id(), baseline.id()), false, T0, false)).hasSize(3);

        assertThat(store.reserveArtifactVersion(newVersion("m")).version()).as("above the pruned 3, not 2 again").isEqualTo("4");
        for (String pruned : List.of("2", "3", "baseline")) {
            assertThatThrownBy(() -> store.reserveArtifactVersion(newVersion("m", pruned))).as(pruned)
                    .isInstanceOfSatisfying(CairnException.class, e -> {
                        assertThat(e.errorCode()).isEqualTo(ErrorCode.DUPLICATE_VERSION);
                        assertThat(e.getMessage()).contains("'m'").contains("'" + pruned + "'").contains("prune");
                    });
        }
        assertThat(store.reserveArtifactVersion(newVersion("m", "9")).version()).as("a number never used is free").isEqualTo("9");
        assertThat(store.reserveArtifactVersion(newVersion("m")).version()).isEqualTo("10");
        ArtifactVersionRecord pending = store.reserveArtifactVersion(newVersion("other"));
        store.abandonArtifactVersion(pending.id());
        assertThat(store.reserveArtifactVersion(newVersion("other")).version()).as("an abandoned reservation was never visible").isEqualTo("1");
    }

    @Test
    void aRunningRunsInputLeasesKeepItsInputsFromPruneUntilItFinishes() {
        ArtifactVersionRecord input = reserveAndCommit("x");
        ArtifactVersionRecord gone = reserveAndCommit("y");
        store.deleteArtifactVersions(List.of(gone.id()), false, T0, false);
        PipelineRunRecord refused = run("consumer", T0);

        assertThatThrownBy(() -> store.insertRun(refused, List.of(stepRun(refused, "s", 0)), Optional.empty(), List.of(input.id(), gone.id())))
                .isInstanceOfSatisfying(CairnException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.ARTIFACT_NOT_FOUND);
                    assertThat(e.getMessage()).contains(gone.id().toString()).contains("run the pipeline again");
                });
        assertThat(store.findRun(refused.id())).as("nothing recorded").isEmpty();

        PipelineRunRecord running = run("consumer", T0);
        store.insertRun(running, List.of(stepRun(running, "s", 0)), Optional.of(new dev.cairn.api.metadata.RunOwner("host-a", 4242,
                Optional.of(T0))), List.of(input.id()));
        assertThat(store.listUnusedArtifactVersions(false)).as("leased by a running run").isEmpty();
        assertThat(store.deleteArtifactVersions(List.of(input.id()), false, T0, true)).isEmpty();

        store.finishRun(running.id(), RunStatus.COMPLETED, T0.plusSeconds(1), Optional.empty());
        assertThat(store.listUnusedArtifactVersions(false)).extracting(ArtifactVersionRecord::id).containsExactly(input.id());
    }

    @Test
    void expiredRunsAreListedWithTheirOwnersAndFailedOnlyWhenAskedOneByOne() {
        dev.cairn.api.metadata.RunOwner owner = new dev.cairn.api.metadata.RunOwner("host-a", 4242, Optional.of(T0.minusSeconds(5)));
        PipelineRunRecord owned = run("p", T0);
        PipelineRunRecord anonymous = run("p", T0);
        PipelineRunRecord live = run("p", T0);
        StepRunRecord step = stepRun(owned, "s", 0);
        ArtifactVersionRecord input = reserveAndCommit("x");
        store.insertRun(owned, List.of(step), Optional.of(owner), List.of(input.id()));
        store.insertRun(anonymous, List.of());
        store.insertRun(live, List.of());
        store.renewRun(owned.id(), T0.plusSeconds(10));
        store.renewRun(anonymous.id(), T0.plusSeconds(20));
        store.renewRun(live.id(), T0.plusSeconds(100));

        assertThat(store.listExpiredRuns(T0.plusSeconds(30))).containsExactly(
                new MetadataStore.ExpiredRun(owned.id(), T0.plusSeconds(10), Optional.of(owner)),
                new MetadataStore.ExpiredRun(anonymous.id(), T0.plusSeconds(20), Optional.empty()));
        assertThat(store.failAbandonedRun(owned.id(), T0.plusSeconds(30), T0.plusSeconds(5), "gone")).as("expired after the cut-off").isFalse();
        assertThat(store.failAbandonedRun(live.id(), T0.plusSeconds(30), T0.plusSeconds(30), "gone")).as("not expired").isFalse();
        assertThat(store.findRun(owned.id())).get().extracting(PipelineRunRecord::status).isEqualTo(RunStatus.RUNNING);

        assertThat(store.failAbandonedRun(owned.id(), T0.plusSeconds(30), T0.plusSeconds(30), "process 4242 on host-a is gone")).isTrue();
        assertThat(store.failAbandonedRun(owned.id(), T0.plusSeconds(31), T0.plusSeconds(31), "again")).as("once").isFalse();
        assertThat(store.findRun(owned.id())).get().satisfies(r -> {
            assertThat(r.status()).isEqualTo(RunStatus.FAILED);
            assertThat(r.error()).contains("process 4242 on host-a is gone");
        });
        assertThat(store.listStepRuns(owned.id())).extracting(StepRunRecord::status).containsExactly(StepStatus.SKIPPED);
        assertThat(store.listUnusedArtifactVersions(false)).as("its lease ended").extracting(ArtifactVersionRecord::id).containsExactly(input.id());
        assertThat(store.listExpiredRuns(T0.plusSeconds(30))).extracting(MetadataStore.ExpiredRun::runId).containsExactly(anonymous.id());
    }

    @Test
    void aRunRecordedAsAbandonedRecordsNoStepAndIsNotFinishedAgain() {
        PipelineRunRecord run = run("p", T0);
        StepRunRecord step = stepRun(run, "s", 0);
        store.insertRun(run, List.of(step));
        store.renewRun(run.id(), T0.plusSeconds(1));
        ArtifactVersionRecord output = store.reserveArtifactVersion(newVersion("out"));
        assertThat(store.failAbandonedRun(run.id(), T0.plusSeconds(5), T0.plusSeconds(5), "abandoned")).isTrue();

        assertThatThrownBy(() -> store.completeStep(step.started(T0).finished(StepStatus.COMPLETED, T0.plusSeconds(6), Optional.empty()),
                List.of(new CommittedArtifact(output.id(), artifactUri("out", output.version()), List.of())), List.of(),
                List.of(new StepOutputRecord(step.id(), "output", output.id()))))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.getMessage()).contains("FAILED").contains("abandoned"));
        assertThatThrownBy(() -> store.finishRun(run.id(), RunStatus.COMPLETED, T0.plusSeconds(7), Optional.empty()))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.getMessage()).contains("no longer RUNNING"));

        assertThat(store.findRun(run.id())).get().extracting(PipelineRunRecord::status).isEqualTo(RunStatus.FAILED);
        assertThat(store.listStepRuns(run.id())).extracting(StepRunRecord::status).containsExactly(StepStatus.SKIPPED);
        assertThat(store.findArtifactVersion(output.id())).as("not committed").isEmpty();
        assertThat(store.listPendingArtifactVersions(T0.plusSeconds(1))).extracting(ArtifactVersionRecord::id).containsExactly(output.id());
        assertThat(store.listStepOutputs(step.id())).isEmpty();
    }

    // --- tags and aliases ---

    @Test
    void tagsOnArtifactsAndVersionsAreListedAndFoundByTag() {
        ArtifactVersionRecord v1 = reserveAndCommit("tagged");
        ArtifactVersionRecord v2 = reserveAndCommit("tagged");
        ArtifactVersionRecord other = reserveAndCommit("other");

        store.tagArtifact("tagged", List.of("team-a", "team-a"));
        store.tagArtifactVersion(v1.id(), List.of("validated", "reviewed"), false);
        store.tagArtifactVersion(other.id(), List.of("validated"), false);

        assertThat(store.listArtifactTags("tagged")).containsExactly("team-a");
        assertThat(store.listVersionTags(v1.id())).containsExactly("reviewed", "validated");
        assertThat(store.listVersionTags(v2.id())).isEmpty();
        assertThat(store.listArtifactVersionsWithTag("team-a")).extracting(ArtifactVersionRecord::id).containsExactlyInAnyOrder(v1.id(), v2.id());
        assertThat(store.listArtifactVersionsWithTag("validated")).extracting(ArtifactVersionRecord::id).containsExactlyInAnyOrder(v1.id(), other.id());
        assertThat(store.listArtifactVersionsWithTag("nobody")).isEmpty();

        store.untagArtifactVersion(v1.id(), List.of("validated", "absent"));
        store.untagArtifact("tagged", List.of("team-a"));
        assertThat(store.listVersionTags(v1.id())).containsExactly("reviewed");
        assertThat(store.listArtifactVersionsWithTag("team-a")).isEmpty();
        assertThatThrownBy(() -> store.tagArtifactVersion(UUID.randomUUID(), List.of("x"), false))
                .satisfies(e -> assertCode(e, ErrorCode.ARTIFACT_NOT_FOUND));
        assertThatThrownBy(() -> store.tagArtifact("tagged", List.of(" ")))
                .satisfies(e -> assertCode(e, ErrorCode.INVALID_ARGUMENT));
    }

    @Test
    void anExclusiveTagMovesToTheNewVersionAndStaysOnOtherNames() {
        ArtifactVersionRecord v1 = reserveAndCommit("model");
        ArtifactVersionRecord v2 = reserveAndCommit("model");
        ArtifactVersionRecord other = reserveAndCommit("other-model");
        store.tagArtifactVersion(v1.id(), List.of("production"), true);
        store.tagArtifactVersion(other.id(), List.of("production"), true);

        store.tagArtifactVersion(v2.id(), List.of("production"), true);

        assertThat(store.listVersionTags(v1.id())).isEmpty();
        assertThat(store.listVersionTags(v2.id())).containsExactly("production");
        assertThat(store.listVersionTags(other.id())).containsExactly("production");
    }

    @Test
    void aliasesMoveAtomicallyAndKeepTheirHistory() {
        ArtifactVersionRecord v1 = reserveAndCommit("model");
        ArtifactVersionRecord v2 = reserveAndCommit("model");
        ArtifactVersionRecord other = reserveAndCommit("other");

        dev.cairn.api.artifact.AliasMove first = store.moveAlias("model", "champion", Optional.of(v1.id()), T0);
        assertThat(first.previousArtifactId()).isEmpty();
        assertThat(store.findArtifactVersionByAlias("model", "champion")).map(ArtifactVersionRecord::id).contains(v1.id());
        store.moveAlias("model", "champion", Optional.of(v2.id()), T0.plusSeconds(1));
        assertThat(store.findArtifactVersionByAlias("model", "champion")).map(ArtifactVersionRecord::id).contains(v2.id());
        assertThat(store.listAliases(v2.id())).containsExactly("champion");
        assertThat(store.listAliases(v1.id())).isEmpty();
        assertThatThrownBy(() -> store.moveAlias("model", "champion", Optional.of(other.id()), T0))
                .satisfies(e -> assertCode(e, ErrorCode.ARTIFACT_NOT_FOUND)).hasMessageContaining("'other'");
        store.moveAlias("model", "champion", Optional.empty(), T0.plusSeconds(2));
        assertThat(store.findArtifactVersionByAlias("model", "champion")).isEmpty();
        assertThatThrownBy(() -> store.moveAlias("model", "champion", Optional.empty(), T0))
                .satisfies(e -> assertCode(e, ErrorCode.ARTIFACT_NOT_FOUND));

        List<dev.cairn.api.artifact.AliasMove> history = store.listAliasMoves("model", "champion");
        assertThat(history).extracting(dev.cairn.api.artifact.AliasMove::artifactId)
                .containsExactly(Optional.of(v1.id()), Optional.of(v2.id()), Optional.empty());
        assertThat(history).extracting(dev.cairn.api.artifact.AliasMove::previousArtifactId)
                .containsExactly(Optional.empty(), Optional.of(v1.id()), Optional.of(v2.id()));
        assertThat(history.get(1).version()).contains(v2.version());
        assertThat(history.get(1).movedAt()).isEqualTo(T0.plusSeconds(1));
    }

    @Test
    void concurrentAliasMovesFormOneConsistentHistory() throws Exception {
        List<ArtifactVersionRecord> versions = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            versions.add(reserveAndCommit("model"));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Void>> futures = new ArrayList<>();
            for (ArtifactVersionRecord version : versions) {
                Callable<Void> mover = () -> {
                    start.await();
                    for (int i = 0; i < 10; i++) {
                        store.moveAlias("model", "champion", Optional.of(version.id()), T0);
                    }
                    return null;
                };
                futures.add(pool.submit(mover));
            }
            start.countDown();
            for (Future<Void> future : futures) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        List<dev.cairn.api.artifact.AliasMove> history = store.listAliasMoves("model", "champion");
        assertThat(history).hasSize(40);
        for (int i = 1; i < history.size(); i++) {
            assertThat(history.get(i).previousArtifactId()).as("move " + i).isEqualTo(history.get(i - 1).artifactId());
        }
        assertThat(store.findArtifactVersionByAlias("model", "champion").map(ArtifactVersionRecord::id))
                .isEqualTo(history.get(history.size() - 1).artifactId());
    }

    @Test
    void aVersionWithAnAliasOrAVersionTagIsNeverPrunedAndDeletingItKeepsTheAliasHistory() {
        ArtifactVersionRecord tagged = reserveAndCommit("gone");
        ArtifactVersionRecord aliased = reserveAndCommit("gone");
        ArtifactVersionRecord nameTagged = reserveAndCommit("gone");
        store.tagArtifactVersion(tagged.id(), List.of("t"), false);
        store.moveAlias("gone", "best", Optional.of(aliased.id()), T0);
        store.tagArtifact("gone", List.of("team"));

        assertThat(store.listUnusedArtifactVersions(false)).extracting(ArtifactVersionRecord::id)
                .as("a version tag and an alias protect; a tag on the whole name does not").containsExactly(nameTagged.id());
        assertThat(store.deleteArtifactVersions(List.of(tagged.id(), aliased.id()), false, T0, false)).isEmpty();

        store.untagArtifactVersion(tagged.id(), List.of("t"));
        store.moveAlias("gone", "best", Optional.empty(), T0.plusSeconds(1));
        assertThat(store.deleteArtifactVersions(List.of(tagged.id(), aliased.id()), false, T0, false)).hasSize(2);

        assertThat(store.listArtifactVersionsWithTag("t")).isEmpty();
        assertThat(store.listVersionTags(tagged.id())).isEmpty();
        assertThat(store.findArtifactVersionByAlias("gone", "best")).isEmpty();
        assertThat(store.listAliasMoves("gone", "best")).hasSize(2);
    }

    // --- logged metadata ---

    @Test
    void loggedMetadataKeepsTypesAndTheLatestValuePerKey() {
        ArtifactVersionRecord version = reserveAndCommit("logged");
        PipelineRunRecord run = run("p", T0);
        store.insertRun(run, List.of());
        Map<String, dev.cairn.api.artifact.MetadataValue> first = new LinkedHashMap<>();
        first.put("accuracy", new dev.cairn.api.artifact.MetadataValue.NumberValue(0.5));
        first.put("size", new dev.cairn.api.artifact.MetadataValue.StorageSize(10));
        first.put("at", new dev.cairn.api.artifact.MetadataValue.TimestampValue(T0));

        store.logMetadata(dev.cairn.api.metadata.MetadataTarget.ARTIFACT_VERSION, version.id(), first, T0);
        store.logMetadata(dev.cairn.api.metadata.MetadataTarget.ARTIFACT_VERSION, version.id(),
                Map.of("accuracy", new dev.cairn.api.artifact.MetadataValue.NumberValue(0.75)), T0);
        store.logMetadata(dev.cairn.api.metadata.MetadataTarget.PIPELINE_RUN, run.id(),
                Map.of("who", new dev.cairn.api.artifact.MetadataValue.StringValue("ci")), T0);

        assertThat(store.listLoggedMetadata(dev.cairn.api.metadata.MetadataTarget.ARTIFACT_VERSION, version.id())).containsExactly(
                Map.entry("accuracy", new dev.cairn.api.artifact.MetadataValue.NumberValue(0.75)),
                Map.entry("size", new dev.cairn.api.artifact.MetadataValue.StorageSize(10)),
                Map.entry("at", new dev.cairn.api.artifact.MetadataValue.TimestampValue(T0)));
        assertThat(store.listLoggedMetadata(dev.cairn.api.metadata.MetadataTarget.PIPELINE_RUN, run.id()))
                .containsExactly(Map.entry("who", new dev.cairn.api.artifact.MetadataValue.StringValue("ci")));
        assertThat(store.listLoggedMetadata(dev.cairn.api.metadata.MetadataTarget.PIPELINE_RUN, version.id())).isEmpty();
        assertThatThrownBy(() -> store.logMetadata(dev.cairn.api.metadata.MetadataTarget.PIPELINE_RUN, UUID.randomUUID(),
                Map.of("x", new dev.cairn.api.artifact.MetadataValue.BooleanValue(true)), T0))
                .satisfies(e -> assertCode(e, ErrorCode.RUN_NOT_FOUND));
    }

    // --- filtered queries read in creation order ---

    private ArtifactVersionRecord committedAt(String name, Instant createdAt) {
        NewArtifactVersion request = NewArtifactVersion.builder().id(UUID.randomUUID()).name(name).storeUri(STORE_URI)
                .dataType("java.lang.String").materializerId("cairn.string").materializerVersion("1").artifactType(ArtifactType.DATA)
                .contentHash("sha256:abc").size(3).createdAt(createdAt).build();
        ArtifactVersionRecord reserved = store.reserveArtifactVersion(request);
        store.commitArtifactVersion(new CommittedArtifact(reserved.id(), artifactUri(name, reserved.version()), List.of()));
        return store.findArtifactVersion(reserved.id()).orElseThrow();
    }

    /** Every page of {@code filters} (limit 2), following the cursors, as "name:version" in the order read. */
    private List<String> allPages(List<dev.cairn.api.artifact.ArtifactFilter> filters) {
        List<String> seen = new ArrayList<>();
        Optional<String> cursor = Optional.empty();
        do {
            List<dev.cairn.api.artifact.ArtifactFilter> page = new ArrayList<>(filters);
            page.add(dev.cairn.api.artifact.ArtifactFilter.limit(2));
            cursor.ifPresent(c -> page.add(dev.cairn.api.artifact.ArtifactFilter.after(c)));
            VersionPage result = store.queryArtifactVersions(page);
            assertThat(result.versions()).hasSizeLessThanOrEqualTo(2);
            result.versions().forEach(v -> seen.add(v.name() + ":" + v.version()));
            cursor = result.nextCursor();
        } while (cursor.isPresent());
        return seen;
    }

    private static List<String> newestFirst(List<ArtifactVersionRecord> versions) {
        return versions.stream().sorted(java.util.Comparator.comparing(ArtifactVersionRecord::createdAt)
                        .thenComparing(v -> v.id().toString()).reversed())
                .map(v -> v.name() + ":" + v.version()).toList();
    }

    @Test
    void tagAndMetadataQueriesPageNewestFirstOverVersionAndNameTagsAndLatestValues() {
        List<ArtifactVersionRecord> all = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            // interleaved names, two versions per instant for the id tie-break
            all.add(committedAt(List.of("a", "b", "c").get(i % 3), T0.plusSeconds(i / 2)));
        }
        List<ArtifactVersionRecord> a = all.stream().filter(v -> v.name().equals("a")).toList();
        List<ArtifactVersionRecord> c = all.stream().filter(v -> v.name().equals("c")).toList();
        List<ArtifactVersionRecord> b = all.stream().filter(v -> v.name().equals("b")).toList();
        store.tagArtifactVersion(a.get(0).id(), List.of("prod"), false);
        store.tagArtifactVersion(a.get(2).id(), List.of("prod"), false);
        store.tagArtifactVersion(c.get(1).id(), List.of("prod", "gold"), false);
        store.tagArtifactVersion(b.get(1).id(), List.of("prod"), false); // also tagged through its name: listed once
        store.tagArtifact("b", List.of("prod"));
        List<ArtifactVersionRecord> prod = new ArrayList<>(List.of(a.get(0), a.get(2), c.get(1)));
        prod.addAll(b);

        assertThat(allPages(List.of(dev.cairn.api.artifact.ArtifactFilter.tag("prod")))).containsExactlyElementsOf(newestFirst(prod));
        assertThat(allPages(List.of(dev.cairn.api.artifact.ArtifactFilter.tag("prod"), dev.cairn.api.artifact.ArtifactFilter.name("b"))))
                .containsExactlyElementsOf(newestFirst(b));
        assertThat(allPages(List.of(dev.cairn.api.artifact.ArtifactFilter.tag("prod"), dev.cairn.api.artifact.ArtifactFilter.tag("gold"))))
                .containsExactly("c:2");

        // the latest value of a key counts: a version logged 0.95 then 0.5 is not above 0.9, one logged 0.5 then 0.95 is
        Map<UUID, Double> latest = new LinkedHashMap<>();
        for (int i = 0; i < all.size(); i++) {
            double first = i % 2 == 0 ? 0.95 : 0.5;
            store.logMetadata(dev.cairn.api.metadata.MetadataTarget.ARTIFACT_VERSION, all.get(i).id(),
                    Map.of("accuracy", new dev.cairn.api.artifact.MetadataValue.NumberValue(first)), T0);
            latest.put(all.get(i).id(), first);
            if (i % 3 == 0) {
                double second = first > 0.9 ? 0.5 : 0.95;
                store.logMetadata(dev.cairn.api.metadata.MetadataTarget.ARTIFACT_VERSION, all.get(i).id(),
                        Map.of("accuracy", new dev.cairn.api.artifact.MetadataValue.NumberValue(second)), T0.plusSeconds(1));
                latest.put(all.get(i).id(), second);
            }
        }
        List<ArtifactVersionRecord> accurate = all.stream().filter(v -> latest.getOrDefault(v.id(), 0.0) > 0.9).toList();
        assertThat(accurate).isNotEmpty().hasSizeLessThan(all.size());
        assertThat(allPages(List.of(dev.cairn.api.artifact.ArtifactFilter.metadata("accuracy").gt(0.9))))
                .containsExactlyElementsOf(newestFirst(accurate));
        assertThat(allPages(List.of(dev.cairn.api.artifact.ArtifactFilter.metadata("accuracy").le(0.5))))
                .containsExactlyElementsOf(newestFirst(all.stream().filter(v -> latest.getOrDefault(v.id(), 1.0) <= 0.5).toList()));
        assertThat(allPages(List.of(dev.cairn.api.artifact.ArtifactFilter.metadata("accuracy").gt(0.9), dev.cairn.api.artifact.ArtifactFilter.tag("prod"))))
                .containsExactlyElementsOf(newestFirst(accurate.stream().filter(prod::contains).toList()));
        assertThat(allPages(List.of(dev.cairn.api.artifact.ArtifactFilter.metadata("accuracy").gt(0.9),
                dev.cairn.api.artifact.ArtifactFilter.metadata("accuracy").ge(0.95))))
                .containsExactlyElementsOf(newestFirst(accurate));
    }

    @Test
    void aRarePredicateOlderThanTheNewestRowsIsStillFoundPageByPage() {
        // 160 versions carry the key (more than the window of 3 × METADATA_WINDOW_PER_ROW); only the three oldest match, so a page of 2 finds none in
        // the newest rows an ordered read tests first and must still return them, newest first, then the last one
        List<ArtifactVersionRecord> all = new ArrayList<>();
        for (int i = 0; i < 160; i++) {
            ArtifactVersionRecord version = committedAt("many", T0.plusSeconds(i));
            store.logMetadata(dev.cairn.api.metadata.MetadataTarget.ARTIFACT_VERSION, version.id(),
                    Map.of("loss", new dev.cairn.api.artifact.MetadataValue.NumberValue(i < 3 ? 0.01 : 1.0 + i)), T0);
            all.add(version);
        }
        assertThat(allPages(List.of(dev.cairn.api.artifact.ArtifactFilter.metadata("loss").lt(0.5)))).containsExactly("many:3", "many:2", "many:1");
        assertThat(allPages(List.of(dev.cairn.api.artifact.ArtifactFilter.metadata("loss").ge(1.0)))).hasSize(157).startsWith("many:160", "many:159");
    }

    @Test
    void manyMatchesOlderThanTheNewestRowsAreReadInOrder() {
        // the 70 oldest of 130 versions match and the 60 newest (the window of a page of 2) do not: more matches than
        // the window, so the page reads on in creation order past the window instead of sorting every match
        for (int i = 0; i < 130; i++) {
            ArtifactVersionRecord version = committedAt("deep", T0.plusSeconds(i));
            store.logMetadata(dev.cairn.api.metadata.MetadataTarget.ARTIFACT_VERSION, version.id(),
                    Map.of("score", new dev.cairn.api.artifact.MetadataValue.NumberValue(i < 70 ? 0.1 : 0.9)), T0);
        }
        List<String> expected = new ArrayList<>();
        for (int i = 70; i >= 1; i--) {
            expected.add("deep:" + i);
        }
        assertThat(allPages(List.of(dev.cairn.api.artifact.ArtifactFilter.metadata("score").lt(0.5)))).containsExactlyElementsOf(expected);
        assertThat(allPages(List.of(dev.cairn.api.artifact.ArtifactFilter.metadata("score").eq(0.1)))).containsExactlyElementsOf(expected);
    }

    @Test
    void aTagOnManyNamesListsAllTheirVersionsNewestFirst() {
        // more tagged names than the query reads one by one (ArtifactQueryRepository.MAX_TAGGED_NAMES = 32): one read and a sort
        List<ArtifactVersionRecord> all = new ArrayList<>();
        for (int i = 0; i < 34; i++) {
            all.add(committedAt("named-" + i, T0.plusSeconds(i % 7)));
            store.tagArtifact("named-" + i, List.of("shared"));
        }
        all.add(committedAt("loose", T0.plusSeconds(3)));
        store.tagArtifactVersion(all.get(all.size() - 1).id(), List.of("shared"), false);
        committedAt("untagged", T0.plusSeconds(4));

        assertThat(allPages(List.of(dev.cairn.api.artifact.ArtifactFilter.tag("shared")))).containsExactlyElementsOf(newestFirst(all));
    }

    // --- closing ---

    @Test
    void closedStoreFailsClearly() {
        store.close();
        store.close();

        assertThatThrownBy(() -> store.listArtifactNames())
                .satisfies(e -> assertCode(e, ErrorCode.METADATA_FAILURE))
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> store.reserveArtifactVersion(newVersion("x")))
                .satisfies(e -> assertCode(e, ErrorCode.METADATA_FAILURE))
                .hasMessageContaining("closed");
    }
}
