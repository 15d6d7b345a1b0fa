package dev.cairn.engine.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.cairn.api.Cairn;
import dev.cairn.api.lifecycle.PruneOptions;
import dev.cairn.api.lifecycle.PruneReport;
import dev.cairn.api.metadata.ArtifactVersionRecord;
import dev.cairn.api.metadata.PipelineRunRecord;
import dev.cairn.api.pipeline.MultipleOutputs;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.pipeline.StepOptions;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunStatus;
import dev.cairn.api.run.StepStatus;
import dev.cairn.engine.artifacts.ArtifactNames;
import dev.cairn.engine.metadata.sqlite.SqliteMetadataStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #12, scenario 5: a step's outputs are committed in the store one by one but stay {@code PENDING} until the
 * step completes. A prune with the shortest age ({@code --older-than 0}) from another engine on the same home keeps the
 * committed first output of a step whose run is live, and the run completes with both outputs; once the run is
 * recorded as abandoned, the same prune deletes that output, and the resumed step records no success over it.
 */
class LiveStepOutputPruneTest {
    @TempDir
    Path home;

    static CountDownLatch firstSaved;
    static CountDownLatch release;

    /** Two outputs, saved in order; reading the second (just before it is saved) waits for the test. */
    public record Pair(String first, String second) implements MultipleOutputs {
        @Override
        public String second() {
            firstSaved.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return second;
        }
    }

    public static final class Steps {
        @Step
        public static Pair both() {
            return new Pair("the first output", "the second output");
        }
    }

    @BeforeEach
    void latches() {
        firstSaved = new CountDownLatch(1);
        release = new CountDownLatch(1);
    }

    private static Pipeline pipeline() {
        return Pipeline.define("multi", p -> p.with(StepOptions.builder().enableCache(false).build()).call(Steps::both));
    }

    private static PruneOptions olderThanZero() {
        return PruneOptions.builder().abandonedAge(Duration.ZERO).build();
    }

    @Test
    void aPruneOfEveryAgeKeepsTheCommittedFirstOutputOfALiveStepAndTheRunCompletes() throws Exception {
        try (Cairn running = Cairn.open(home)) {
            CompletableFuture<PipelineRun> run = CompletableFuture.supplyAsync(() -> running.run(pipeline()));
            assertThat(firstSaved.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(committedFiles("multi::both::first")).as("the first output is in the store").isNotEmpty();

            try (Cairn other = Cairn.open(home)) {
                PruneReport report = other.client().prune(olderThanZero());
                assertThat(report.pendingVersions()).as("the live step's PENDING output is not stale").isZero();
                assertThat(report.errors()).isEmpty();
            }
            assertThat(committedFiles("multi::both::first")).as("its files are kept").isNotEmpty();

            release.countDown();
            PipelineRun finished = run.get(60, TimeUnit.SECONDS);

            assertThat(finished.error()).isEmpty();
            assertThat(finished.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(finished.step("both").status()).isEqualTo(StepStatus.COMPLETED);
            String first = finished.step("both").output("first").load();
            String second = finished.step("both").output("second").load();
            assertThat(first).isEqualTo("the first output");
            assertThat(second).isEqualTo("the second output");
        }
        try (Cairn reopened = Cairn.open(home)) {
            assertThat(reopened.client().<String>load("multi::both::first")).isEqualTo("the first output");
        }
    }

    @Test
    void onceTheRunIsRecordedAsAbandonedItsPendingOutputIsPrunedAndTheResumedStepRecordsNoSuccess() throws Exception {
        try (Cairn running = Cairn.open(home)) {
            CompletableFuture<PipelineRun> run = CompletableFuture.supplyAsync(() -> running.run(pipeline()));
            assertThat(firstSaved.await(30, TimeUnit.SECONDS)).isTrue();

            // Another host's engine, after its long timeout, records the run as abandoned (its process looked gone).
            try (SqliteMetadataStore metadata = SqliteMetadataStore.open(home.resolve("metadata.db"))) {
                PipelineRunRecord record = metadata.listRuns(Optional.of("multi")).get(0);
                Instant now = Instant.now();
                assertThat(metadata.failAbandonedRun(record.id(), now, now.plusSeconds(3600), "Abandoned: recorded by another host")).isTrue();
            }
            try (Cairn other = Cairn.open(home)) {
                PruneReport report = other.client().prune(olderThanZero());
                assertThat(report.pendingVersions()).as("the output of a FAILED run is stale like any other").isEqualTo(1);
            }
            assertThat(committedFiles("multi::both::first")).as("its files are deleted").isEmpty();

            release.countDown();
            PipelineRun finished = run.get(60, TimeUnit.SECONDS);

            assertThat(finished.status()).isEqualTo(RunStatus.FAILED);
            PipelineRun recorded = running.client().getPipelineRun(finished.id());
            assertThat(recorded.status()).isEqualTo(RunStatus.FAILED);
            assertThat(recorded.error()).hasValueSatisfying(error -> assertThat(error).contains("recorded by another host"));
            assertThat(recorded.step("both").status()).as("never COMPLETED").isNotEqualTo(StepStatus.COMPLETED);
        }
        try (SqliteMetadataStore metadata = SqliteMetadataStore.open(home.resolve("metadata.db"))) {
            for (String name : List.of("multi::both::first", "multi::both::second")) {
                List<ArtifactVersionRecord> outputs = metadata.listArtifactVersions(name);
                assertThat(outputs).as("no output of the resumed step became READY: " + name).isEmpty();
            }
            assertThat(metadata.listPendingArtifactVersions(Instant.now().plusSeconds(1))).as("nothing left reserved").isEmpty();
        }
    }

    /** The files under the store's directory of artifact {@code name}. */
    private List<Path> committedFiles(String name) throws IOException {
        Path directory = home.resolve("store/artifacts").resolve(ArtifactNames.encodeForPath(name));
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }
}
