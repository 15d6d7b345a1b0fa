package dev.cairn.engine.metadata;

import static dev.cairn.engine.metadata.TestingMetadata.T0;
import static dev.cairn.engine.metadata.TestingMetadata.artifactUri;
import static dev.cairn.engine.metadata.TestingMetadata.newVersion;
import static dev.cairn.engine.metadata.TestingMetadata.run;
import static dev.cairn.engine.metadata.TestingMetadata.stepRun;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.ArtifactType;
import dev.cairn.api.artifact.Visualization;
import dev.cairn.api.artifact.VisualizationType;
import dev.cairn.api.metadata.ArtifactState;
import dev.cairn.api.metadata.ArtifactVersionRecord;
import dev.cairn.api.metadata.InputKind;
import dev.cairn.api.metadata.MetadataStore;
import dev.cairn.api.metadata.MetadataStore.CommittedArtifact;
import dev.cairn.api.metadata.NewArtifactVersion;
import dev.cairn.api.metadata.PipelineRunRecord;
import dev.cairn.api.metadata.StepInputRecord;
import dev.cairn.api.metadata.StepOutputRecord;
import dev.cairn.api.metadata.StepRunRecord;
import dev.cairn.api.run.RunStatus;
import dev.cairn.api.run.StepStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteMetadataStoreTest {
    @TempDir
    Path directory;

    private SqliteMetadataStore store;

    @BeforeEach
    void openStore() {
        store = SqliteMetadataStore.open(directory.resolve("nested/dir/metadata.db"));
    }

    @AfterEach
    void closeStore() {
        store.close();
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

    // --- runs and step runs ---

    @Test
    void runAndStepRunsRoundTripWithEveryFieldPresent() {
        PipelineRunRecord run = new PipelineRunRecord(UUID.randomUUID(), "training", RunStatus.FAILED, T0,
                Optional.of(T0.plusNanos(1)), nestedJson(), Optional.of("step 'fit' failed"));
        UUID unknown = UUID.randomUUID();
        StepRunRecord first = new StepRunRecord(UUID.randomUUID(), run.id(), "load", 0, List.of(), StepStatus.CACHED,
                Optional.of(T0.plusSeconds(1)), Optional.of(T0.plusSeconds(2)), nestedJson(), Optional.of("boom"),
                Optional.of("sha256:key"), Optional.empty(), Optional.of("cached output reused"));
        StepRunRecord second = new StepRunRecord(UUID.randomUUID(), run.id(), "fit", 1, List.of("load", "other"), StepStatus.PENDING,
                Optional.empty(), Optional.empty(), Map.of(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        store.insertRun(run, List.of(first, second));
        // cached_from refers to another step run, so it is set once that one exists
        StepRunRecord cached = first.withCache(first.cacheKey(), Optional.of(second.id()), first.cacheNote());
        store.updateStepRun(cached);

        assertThat(store.findRun(run.id())).contains(run);
        assertThat(store.listStepRuns(run.id())).containsExactly(cached, second);
        assertThat(store.findStepRun(second.id())).contains(second);
        assertThat(store.findStepRun(unknown)).isEmpty();
        assertThat(store.findRun(UUID.randomUUID())).isEmpty();
    }

    @Test
    void runWithEmptyOptionalsRoundTrips() {
        PipelineRunRecord run = run("p", Instant.ofEpochSecond(-5, 999_999_999));
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
    void instantsOutsideTheStorableRangeAreRejected() {
        PipelineRunRecord run = run("p", Instant.parse("2300-01-01T00:00:00Z"));

        assertThatThrownBy(() -> store.insertRun(run, List.of()))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                .hasMessageContaining("start time of run " + run.id())
                .hasMessageContaining("2262");
        assertThat(store.findRun(run.id())).isEmpty();
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
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.METADATA_FAILURE))
                .hasMessageContaining(unknown.toString())
                .hasMessageContaining("metadata.db");
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
    void updatingAnUnknownStepRunFails() {
        PipelineRunRecord run = run("p", T0);
        StepRunRecord never = stepRun(run, "ghost", 0);

        assertThatThrownBy(() -> store.updateStepRun(never))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.METADATA_FAILURE))
                .hasMessageContaining(never.id().toString())
                .hasMessageContaining("ghost");
    }

    @Test
    void insertRunIsAllOrNothing() {
        PipelineRunRecord run = run("p", T0);
        StepRunRecord step = stepRun(run, "a", 0);
        StepRunRecord sameId = new StepRunRecord(step.id(), run.id(), "b", 1, List.of(), StepStatus.PENDING, Optional.empty(),
                Optional.empty(), Map.of(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

        assertThatThrownBy(() -> store.insertRun(run, List.of(step, sameId)))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.METADATA_FAILURE))
                .hasMessageContaining(run.id().toString());
        assertThat(store.findRun(run.id())).isEmpty();
        assertThat(store.listRuns(Optional.empty())).isEmpty();
    }

    @Test
    void stepRunsOfAnotherRunAreRejected() {
        PipelineRunRecord run = run("p", T0);
        StepRunRecord foreign = stepRun(run("q", T0), "a", 0);

        assertThatThrownBy(() -> store.insertRun(run, List.of(foreign)))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                .hasMessageContaining(foreign.id().toString());
        assertThat(store.findRun(run.id())).isEmpty();
    }

    @Test
    void tenThousandStepRunsAreInsertedInOneBatch() {
        PipelineRunRecord run = run("wide", T0);
        List<StepRunRecord> steps = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            steps.add(stepRun(run, "step" + i, i, i == 0 ? new String[0] : new String[] {"step" + (i - 1)}));
        }
        // warm up the statements on a run of the same shape, so that the figure printed is the steady state
        PipelineRunRecord warmUp = run("wide", T0);
        store.insertRun(warmUp, List.of(stepRun(warmUp, "s", 0, "x")));

        long start = System.nanoTime();
        store.insertRun(run, steps);
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("insertRun with 10,000 step runs: %d ms%n", millis);

        List<StepRunRecord> stored = store.listStepRuns(run.id());
        assertThat(stored).hasSize(10_000);
        assertThat(stored.get(9_999)).isEqualTo(steps.get(9_999));
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

        assertThat(store.listRuns(Optional.empty())).containsExactly(sameTime, newest, other, old);
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

    // --- artifact versions ---

    @Test
    void automaticVersionsCountFromOne() {
        List<String> versions = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            versions.add(store.reserveArtifactVersion(newVersion("data")).version());
        }
        String otherName = store.reserveArtifactVersion(newVersion("other")).version();

        assertThat(versions).containsExactly("1", "2", "3");
        assertThat(otherName).isEqualTo("1");
    }

    @Test
    void reservedVersionRoundTripsOnceCommitted() {
        UUID producer = UUID.randomUUID();
        PipelineRunRecord run = run("p", T0);
        StepRunRecord step = new StepRunRecord(producer, run.id(), "train", 0, List.of(), StepStatus.RUNNING, Optional.of(T0),
                Optional.empty(), Map.of(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        store.insertRun(run, List.of(step));
        NewArtifactVersion request = new NewArtifactVersion(UUID.randomUUID(), "model", Optional.of("best"),
                URI.create("hdfs://namenode:8020/cairn"), "java.util.List<dev.example.Row>", "cairn.arrow", "2.1", ArtifactType.MODEL,
                "sha256:0123456789abcdef", 1_234_567_890_123L, nestedJson(), Optional.of(producer), T0, true);

        ArtifactVersionRecord reserved = store.reserveArtifactVersion(request);
        ArtifactVersionRecord expectedPending = new ArtifactVersionRecord(request.id(), "model", "best", Optional.empty(),
                request.storeUri(), request.dataType(), "cairn.arrow", "2.1", ArtifactType.MODEL, request.contentHash(),
                request.size(), nestedJson(), Optional.of(producer), T0, ArtifactState.PENDING, true);
        assertThat(reserved).isEqualTo(expectedPending);

        URI uri = URI.create("hdfs://namenode:8020/cairn/artifacts/model/best-0123");
        store.commitArtifactVersion(new CommittedArtifact(request.id(), uri, List.of()));

        ArtifactVersionRecord ready = new ArtifactVersionRecord(request.id(), "model", "best", Optional.of(uri),
                request.storeUri(), request.dataType(), "cairn.arrow", "2.1", ArtifactType.MODEL, request.contentHash(),
                request.size(), nestedJson(), Optional.of(producer), T0, ArtifactState.READY, true);
        assertThat(store.findArtifactVersion(request.id())).contains(ready);
        assertThat(store.findArtifactVersion("model", "best")).contains(ready);
        assertThat(store.findLatestArtifactVersion("model")).contains(ready);
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
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.DUPLICATE_VERSION))
                .hasMessageContaining("'dataset'")
                .hasMessageContaining("'golden'")
                .hasMessageContaining("Pick another version")
                .hasMessageContaining("omit the version to get the next number (2)");
        assertThatThrownBy(() -> store.reserveArtifactVersion(newVersion("dataset", "1")))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.DUPLICATE_VERSION));
        assertThat(store.reserveArtifactVersion(newVersion("dataset")).version()).isEqualTo("2");
    }

    @Test
    void blankExplicitVersionIsRejected() {
        assertThatThrownBy(() -> store.reserveArtifactVersion(newVersion("dataset", " ")))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
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
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.METADATA_FAILURE))
                .hasMessageContaining(pending.id().toString());
    }

    @Test
    void committedVersionCannotBeAbandonedOrCommittedAgain() {
        ArtifactVersionRecord ready = reserveAndCommit("data");

        assertThatThrownBy(() -> store.abandonArtifactVersion(ready.id()))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.METADATA_FAILURE))
                .hasMessageContaining("'data'")
                .hasMessageContaining("READY");
        assertThatThrownBy(() -> store.commitArtifactVersion(new CommittedArtifact(ready.id(), artifactUri("data", "x"), List.of())))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.METADATA_FAILURE));
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
        assertThat(store.findLatestArtifactVersion("model")).map(ArtifactVersionRecord::version).contains("2");

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

        List<MetadataStore.CacheCandidate> all = store.findCacheCandidates("key-1", 5);
        assertThat(all).extracting(MetadataStore.CacheCandidate::stepRun).containsExactly(c, b, a);
        assertThat(all.get(0).outputs()).containsOnlyKeys("output");
        assertThat(all.get(0).outputs().get("output")).isEqualTo(store.findArtifactVersion(z.id()).orElseThrow());
        assertThat(all.get(1).outputs()).isEmpty();
        assertThat(all.get(2).outputs()).containsOnlyKeys("left", "right");
        assertThat(all.get(2).outputs().get("right")).isEqualTo(store.findArtifactVersion(y.id()).orElseThrow());
        assertThat(store.findCacheCandidates("key-1", 2)).extracting(MetadataStore.CacheCandidate::stepRun).containsExactly(c, b);
        assertThat(store.findCacheCandidates("key-3", 5)).isEmpty();
        assertThat(store.findCacheCandidates("key-1", 5)).isEqualTo(all);
    }

    private StepRunRecord complete(StepRunRecord step, String key, StepStatus status, int endSecond, Map<String, ArtifactVersionRecord> outputs) {
        StepRunRecord done = step.started(T0.plusSeconds(endSecond - 1)).finished(status, T0.plusSeconds(endSecond), Optional.empty())
                .withCache(Optional.of(key), Optional.empty(), Optional.of("note"));
        List<CommittedArtifact> committed = new java.util.ArrayList<>();
        List<StepOutputRecord> outputRecords = new java.util.ArrayList<>();
        outputs.forEach((name, artifact) -> {
            committed.add(new CommittedArtifact(artifact.id(), artifactUri(artifact.name(), artifact.version()), List.of()));
            outputRecords.add(new StepOutputRecord(step.id(), name, artifact.id()));
        });
        store.completeStep(done, committed, List.of(), outputRecords);
        return done;
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
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.METADATA_FAILURE))
                .hasMessageContaining(neverReserved.toString())
                .hasMessageContaining(step.id().toString());

        assertThat(store.findStepRun(step.id())).contains(step);
        assertThat(store.findArtifactVersion(good.id())).isEmpty();
        assertThat(store.listStepOutputs(step.id())).isEmpty();
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
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.METADATA_FAILURE))
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

        assertThatThrownBy(() -> store.recordStepInputs(List.of(
                new StepInputRecord(step.id(), "x", UUID.randomUUID(), InputKind.CLIENT_LOAD))))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.METADATA_FAILURE))
                .hasMessageContaining("FOREIGN KEY");
    }

    @Test
    void closedStoreFailsClearly() {
        Path file = store.databaseFile();
        store.close();
        store.close();

        assertThatThrownBy(() -> store.listArtifactNames())
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.METADATA_FAILURE))
                .hasMessageContaining(file.toString())
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> store.reserveArtifactVersion(newVersion("x")))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.METADATA_FAILURE))
                .hasMessageContaining("closed");
    }

    @Test
    void dataSurvivesReopening() {
        ArtifactVersionRecord ready = reserveAndCommit("data");
        PipelineRunRecord run = run("p", T0);
        store.insertRun(run, List.of(stepRun(run, "a", 0)));
        Path file = store.databaseFile();
        store.close();

        store = SqliteMetadataStore.open(file);
        assertThat(store.findArtifactVersion(ready.id())).contains(ready);
        assertThat(store.findRun(run.id())).contains(run);
        assertThat(store.reserveArtifactVersion(newVersion("data")).version()).isEqualTo("2");
        assertThat(file.getParent()).isEqualTo(directory.resolve("nested/dir"));
    }
}
