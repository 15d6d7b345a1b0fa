package dev.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnException;
import dev.cairn.api.Client;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.lineage.Lineage;
import dev.cairn.api.metadata.PipelineRunRecord;
import dev.cairn.api.metadata.StepRunRecord;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunPage;
import dev.cairn.api.run.RunQuery;
import dev.cairn.api.run.RunStatus;
import dev.cairn.api.run.StepRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client queries the dashboard reads through: run pages with a cursor, step runs of a run, one step run, MIME bundles. */
class DashboardQueriesTest {
    @TempDir
    Path home;

    private Cairn cairn;
    private final List<PipelineRun> runs = new ArrayList<>();

    public static final class Steps {
        @Step
        public static int source(int seed) {
            return seed;
        }

        @Step
        public static int fail(int value) {
            throw new IllegalStateException("no " + value);
        }

        @Step
        public static String text(int value) {
            return "<script>alert(" + value + ")</script>\u001b[31m";
        }
    }

    @BeforeEach
    void open() {
        cairn = Cairn.builder().home(home).build();
        for (int i = 0; i < 5; i++) {
            int seed = i;
            runs.add(cairn.run(Pipeline.define(i % 2 == 0 ? "even" : "odd", p -> p.call(Steps::text, p.call(Steps::source, Param.of(seed))))));
        }
        runs.add(cairn.run(Pipeline.define("broken", p -> p.call(Steps::fail, p.call(Steps::source, Param.of(1))))));
    }

    @AfterEach
    void close() {
        cairn.close();
    }

    private static List<UUID> allPages(Client client, RunQuery first) {
        List<UUID> ids = new ArrayList<>();
        RunQuery query = first;
        for (int guard = 0; guard < 20; guard++) {
            RunPage page = client.listRuns(query);
            assertThat(page.runs().size()).isLessThanOrEqualTo(query.limit());
            page.runs().forEach(run -> ids.add(run.id()));
            if (page.next().isEmpty()) {
                return ids;
            }
            query = new RunQuery(query.pipelineName(), query.status(), page.next(), query.limit());
        }
        throw new AssertionError("pages never ended");
    }

    @Test
    void runPagesFollowTheCursorNewestFirstAndFilter() {
        Client client = cairn.client();
        List<UUID> newestFirst = client.listRuns().stream().map(PipelineRun::id).toList();
        assertThat(allPages(client, RunQuery.firstPage(2))).containsExactlyElementsOf(newestFirst);
        assertThat(allPages(client, RunQuery.firstPage(1000))).containsExactlyElementsOf(newestFirst);
        assertThat(allPages(client, new RunQuery(Optional.of("even"), Optional.empty(), Optional.empty(), 1)))
                .containsExactlyElementsOf(client.listRuns("even").stream().map(PipelineRun::id).toList()).hasSize(3);
        assertThat(allPages(client, new RunQuery(Optional.empty(), Optional.of(RunStatus.FAILED), Optional.empty(), 2)))
                .containsExactly(runs.get(5).id());
        assertThat(client.listRuns(new RunQuery(Optional.of("nothing"), Optional.empty(), Optional.empty(), 5)).runs()).isEmpty();
        RunPage firstPage = client.listRuns(RunQuery.firstPage(2));
        assertThat(RunQuery.Position.parse(firstPage.next().orElseThrow().token())).isEqualTo(firstPage.next().get());
    }

    @Test
    void theDefaultRunPagesOfAClientAgreeWithTheEngine() {
        Client engine = cairn.client();
        Client fallback = new DelegatingClient(engine);
        for (RunQuery query : List.of(RunQuery.firstPage(2), RunQuery.firstPage(4),
                new RunQuery(Optional.of("odd"), Optional.empty(), Optional.empty(), 1),
                new RunQuery(Optional.empty(), Optional.of(RunStatus.COMPLETED), Optional.empty(), 3))) {
            assertThat(allPages(fallback, query)).as(query.toString()).containsExactlyElementsOf(allPages(engine, query));
        }
        PipelineRun run = runs.get(0);
        assertThat(fallback.getRunRecord(run.id())).isEqualTo(engine.getRunRecord(run.id()));
        StepRun viaDefault = fallback.getStepRun(run.id(), run.step("text").id());
        StepRun viaEngine = engine.getStepRun(run.id(), run.step("text").id());
        assertThat(viaDefault.outputs().keySet()).isEqualTo(viaEngine.outputs().keySet());
        assertThat(viaDefault.inputs().get("value").id()).isEqualTo(viaEngine.inputs().get("value").id());
        assertThatThrownBy(() -> fallback.listStepRuns(run.id())).isInstanceOfSatisfying(CairnException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIGURATION));
    }

    @Test
    void badCursorIsAnInvalidArgument() {
        assertThatThrownBy(() -> RunQuery.Position.parse("12.x.y")).isInstanceOfSatisfying(CairnException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        assertThatThrownBy(() -> RunQuery.firstPage(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void stepRunsOfARunAndOneStepRun() {
        PipelineRun run = runs.get(5);
        List<StepRunRecord> steps = cairn.client().listStepRuns(run.id());
        assertThat(steps).extracting(StepRunRecord::stepName).containsExactly("source", "fail");
        assertThat(steps.get(1).upstreamSteps()).containsExactly("source");
        PipelineRunRecord record = cairn.client().getRunRecord(run.id());
        assertThat(record.status()).isEqualTo(RunStatus.FAILED);
        StepRun failed = cairn.client().getStepRun(run.id(), steps.get(1).id());
        assertThat(failed.error()).hasValueSatisfying(error -> assertThat(error).contains("no 1"));
        assertThat(failed.inputs()).containsKey("value");
        assertThatThrownBy(() -> cairn.client().getStepRun(runs.get(0).id(), steps.get(1).id())).isInstanceOfSatisfying(CairnException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.STEP_NOT_FOUND));
        assertThatThrownBy(() -> cairn.client().getRunRecord(UUID.randomUUID())).isInstanceOfSatisfying(CairnException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.RUN_NOT_FOUND));
        assertThat(cairn.client().listStepRuns(UUID.randomUUID())).isEmpty();
    }

    @Test
    void visualizeGivesAnEscapedMimeBundle() {
        ArtifactVersion text = runs.get(0).step("text").output("output");
        Map<String, String> bundle = text.visualize();
        assertThat(bundle).containsKeys("text/html", "text/plain");
        assertThat(bundle.get("text/plain")).contains(text.name() + ":" + text.version());
        assertThat(bundle.get("text/html")).contains("&lt;script&gt;alert(0)&lt;/script&gt;").doesNotContain("<script").doesNotContain("\u001b")
                .contains(text.contentHash());
        assertThatThrownBy(() -> bundle.put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    /** A client that implements only the abstract methods, so every default method of {@link Client} is used. */
    private record DelegatingClient(Client delegate) implements Client {
        @Override public PipelineRun getPipelineRun(UUID runId) { return delegate.getPipelineRun(runId); }
        @Override public PipelineRun getPipelineRun(String runId) { return delegate.getPipelineRun(runId); }
        @Override public List<PipelineRun> listRuns(String pipelineName) { return delegate.listRuns(pipelineName); }
        @Override public List<PipelineRun> listRuns() { return delegate.listRuns(); }
        @Override public ArtifactVersion getArtifactVersion(String name) { return delegate.getArtifactVersion(name); }
        @Override public ArtifactVersion getArtifactVersion(String name, String version) { return delegate.getArtifactVersion(name, version); }
        @Override public ArtifactVersion getArtifactVersion(UUID id) { return delegate.getArtifactVersion(id); }
        @Override public List<ArtifactVersion> listArtifactVersions(String name) { return delegate.listArtifactVersions(name); }
        @Override public List<ArtifactVersion> listArtifactVersions() { return delegate.listArtifactVersions(); }
        @Override public List<String> listArtifactNames() { return delegate.listArtifactNames(); }
        @Override public Lineage lineage(ArtifactVersion artifactVersion) { return delegate.lineage(artifactVersion); }
        @Override public Lineage runGraph(UUID runId) { return delegate.runGraph(runId); }
    }
}
