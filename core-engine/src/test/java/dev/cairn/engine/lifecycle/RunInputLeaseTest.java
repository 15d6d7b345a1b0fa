package dev.cairn.engine.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.cairn.api.Cairn;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.lifecycle.PruneOptions;
import dev.cairn.api.lifecycle.PruneReport;
import dev.cairn.api.metadata.ArtifactVersionRecord;
import dev.cairn.api.metadata.PipelineRunRecord;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Ref;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.pipeline.StepOptions;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunStatus;
import dev.cairn.api.run.StepStatus;
import dev.cairn.engine.metadata.sqlite.SqliteMetadataStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenarios 4 and 5 of issue #12 inside one JVM: a running pipeline that consumes {@code p.artifact("x")} leases x when
 * the run is recorded, so a concurrent prune (from another engine on the same home) keeps it and the step completes
 * with its input recorded; and a run that another process recorded as abandoned while this one was cut off never
 * records success afterwards, even though the step finishes.
 */
class RunInputLeaseTest {
    @TempDir
    Path home;

    static CountDownLatch started;
    static CountDownLatch release;

    public static final class Steps {
        @Step
        public static String consume(String x) throws InterruptedException {
            started.countDown();
            release.await(60, TimeUnit.SECONDS);
            return "consumed " + x;
        }
    }

    @BeforeEach
    void latches() {
        started = new CountDownLatch(1);
        release = new CountDownLatch(1);
    }

    private static Pipeline consumer() {
        return Pipeline.define("consumer", p -> {
            Ref<String> x = p.artifact("x");
            p.with(StepOptions.builder().enableCache(false).build()).call(Steps::consume, x);
        });
    }

    @Test
    void aConcurrentPruneKeepsTheInputsOfARunningRunAndTheStepRecordsThem() throws Exception {
        try (Cairn running = Cairn.open(home)) {
            ArtifactVersion x = running.client().save("the input", "x");
            CompletableFuture<PipelineRun> run = CompletableFuture.supplyAsync(() -> running.run(consumer()));
            assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();

            try (Cairn other = Cairn.open(home)) {
                PruneReport report = other.client().prune(PruneOptions.defaults());
                assertThat(report.versions()).extracting(PruneReport.PrunedVersion::name).doesNotContain("x");
                assertThat(other.client().<String>load("x")).isEqualTo("the input");
            }
            release.countDown();
            PipelineRun finished = run.get(60, TimeUnit.SECONDS);

            assertThat(finished.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(finished.step("consume").status()).isEqualTo(StepStatus.COMPLETED);
            assertThat(running.client().getPipelineRun(finished.id()).step("consume").status()).isEqualTo(StepStatus.COMPLETED);
            String output = finished.step("consume").output("output").load();
            assertThat(output).isEqualTo("consumed the input");
            assertThat(running.client().prune(PruneOptions.defaults()).versions()).as("x is consumed now: a recorded input")
                    .extracting(PruneReport.PrunedVersion::id).doesNotContain(x.id());
        }
    }

    @Test
    void aRunRecordedAsAbandonedWhileItsProcessWasCutOffNeverRecordsSuccessOverPrunedData() throws Exception {
        try (Cairn running = Cairn.open(home)) {
            ArtifactVersion x = running.client().save("the input", "x");
            CompletableFuture<PipelineRun> run = CompletableFuture.supplyAsync(() -> running.run(consumer()));
            assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();

            // Another host's engine, after its long timeout, records the run as abandoned; then a prune deletes x.
            try (SqliteMetadataStore metadata = SqliteMetadataStore.open(home.resolve("metadata.db"))) {
                PipelineRunRecord record = metadata.listRuns(java.util.Optional.of("consumer")).get(0);
                Instant now = Instant.now();
                assertThat(metadata.failAbandonedRun(record.id(), now, now.plusSeconds(3600), "Abandoned: recorded by another host")).isTrue();
            }
            try (Cairn other = Cairn.open(home)) {
                assertThat(other.client().prune(PruneOptions.defaults()).versions()).extracting(PruneReport.PrunedVersion::id).contains(x.id());
            }
            release.countDown();
            PipelineRun finished = run.get(60, TimeUnit.SECONDS);

            assertThat(finished.status()).isEqualTo(RunStatus.FAILED);
            assertThat(finished.error()).hasValueSatisfying(error -> assertThat(error).contains("abandoned").contains("run the pipeline again"));
            PipelineRun recorded = running.client().getPipelineRun(finished.id());
            assertThat(recorded.status()).isEqualTo(RunStatus.FAILED);
            assertThat(recorded.error()).hasValueSatisfying(error -> assertThat(error).contains("recorded by another host"));
            assertThat(recorded.step("consume").status()).as("never COMPLETED").isNotEqualTo(StepStatus.COMPLETED);
        }
        try (SqliteMetadataStore metadata = SqliteMetadataStore.open(home.resolve("metadata.db"))) {
            List<ArtifactVersionRecord> outputs = metadata.listArtifactVersions("consumer::consume::output");
            assertThat(outputs).as("no output of the resumed step became READY").isEmpty();
        }
    }
}
