package dev.cairn.engine.metadata.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Ref;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.pipeline.StepOptions;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunStatus;

import dev.cairn.api.metadata.ArtifactDeletion;
import dev.cairn.api.metadata.ArtifactVersionRecord;
import dev.cairn.api.metadata.MetadataStore.CommittedArtifact;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A prune racing a run on PostgreSQL skips versions the run's open transaction holds, instead of waiting or deleting them. */
class PostgresPruneRaceTest {
    @Test
    void aPruneSkipsAVersionARunIsRecordingAsItsInput() throws Exception {
        URI uri = TestingPostgres.server().newDatabase();
        try (PostgresMetadataStore store = PostgresMetadataStore.open(uri)) {
            ArtifactVersionRecord used = store.reserveArtifactVersion(ReservePostgresVersionsMain.version("data"));
            store.commitArtifactVersion(new CommittedArtifact(used.id(), URI.create("file:///tmp/store/data/1"), List.of()));
            ArtifactVersionRecord unused = store.reserveArtifactVersion(ReservePostgresVersionsMain.version("data"));
            store.commitArtifactVersion(new CommittedArtifact(unused.id(), URI.create("file:///tmp/store/data/2"), List.of()));
            try (Connection run = TestingPostgres.server().connect(uri.getPath().substring(1))) {
                run.setAutoCommit(false);
                // the lock a run's INSERT INTO step_inputs takes on the version it references (foreign key check)
                try (PreparedStatement lock = run.prepareStatement("SELECT id FROM artifact_versions WHERE id = ? FOR KEY SHARE")) {
                    lock.setString(1, used.id().toString());
                    lock.executeQuery().close();
                }
                CompletableFuture<List<ArtifactDeletion>> prune = CompletableFuture.supplyAsync(
                        () -> store.deleteArtifactVersions(List.of(used.id(), unused.id()), false, Instant.EPOCH, true));
                List<ArtifactDeletion> deleted = prune.get(60, TimeUnit.SECONDS);
                assertThat(deleted).extracting(ArtifactDeletion::id).containsExactly(unused.id());
                run.commit();
            }
            assertThat(store.findArtifactVersion(used.id())).as("the run's input survives").isPresent();
            assertThat(store.findArtifactVersion(unused.id())).isEmpty();
        }
    }

    public static final class RaceSteps {
        @Step
        public static String produce(int round) {
            return "produced " + round;
        }

        @Step
        public static String consume(String produced, String data) {
            return produced + " + " + data;
        }
    }

    /**
     * {@code produce} runs uncached, so while the run lasts only the rule "output of a running run" keeps its result; the
     * external input {@code data} is kept by the run's lease from the moment the run is recorded; {@code consume} is
     * cached, so its result is a cache entry prune keeps.
     */
    static Pipeline racedPipeline(int round) {
        StepOptions uncached = StepOptions.builder().enableCache(false).build();
        return Pipeline.define("raced", p -> {
            Ref<String> produced = p.with(uncached).call(RaceSteps::produce, Param.of(round));
            p.call(RaceSteps::consume, produced, p.<String>artifact("data"));
        });
    }

    /**
     * A prune loop in another process races pipeline runs on one PostgreSQL and one store: each round saves a new
     * unused version of {@code data} (and of {@code scratch}) and runs a pipeline that reads the latest {@code data}.
     * Every run either completes, having read a version the prune then keeps, or is refused because the version it
     * resolved was pruned first ({@code ARTIFACT_NOT_FOUND} naming it); never does a step read a half-deleted version,
     * nor does a prune delete what a recorded run used (every input and output of every recorded run still loads).
     */
    @Test
    void aPruneLoopInAnotherProcessNeverDeletesWhatRunsUse(@TempDir Path dir) throws Exception {
        URI metadata = TestingPostgres.server().newDatabase();
        URI store = dir.resolve("store").toUri();
        Path stop = dir.resolve("stop");
        Path log = dir.resolve("pruner.log");
        List<UUID> scratch = new ArrayList<>();
        int completed = 0;
        int refused = 0;
        try (Cairn cairn = Cairn.builder().home(dir.resolve("home")).metadata(metadata).artifactStore(store).build()) {
            cairn.client().save("data 0", "data"); // the schema exists before the pruner starts
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process pruner = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                    PruneLoopMain.class.getName(), metadata.toString(), store.toString(), dir.resolve("pruner-home").toString(), stop.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (!Files.readString(log).contains("started") && pruner.isAlive() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertThat(Files.readString(log)).as("the pruner started").contains("started");
                for (int round = 1; round <= 25; round++) {
                    try {
                        scratch.add(cairn.client().save("scratch " + round, "scratch").id());
                    } catch (CairnException e) {
                        // the save commits the version, then reads it back: the pruner may delete it in between (unused)
                        assertThat(e.errorCode()).as("round %d: %s", round, e.getMessage()).isEqualTo(ErrorCode.ARTIFACT_NOT_FOUND);
                    }
                    try {
                        cairn.client().save("data " + round, "data");
                        PipelineRun run = cairn.run(racedPipeline(round));
                        assertThat(run.status()).as("round %d: %s", round, run.error().orElse("")).isEqualTo(RunStatus.COMPLETED);
                        String consumed = run.step("consume").output("output").load();
                        assertThat(consumed).startsWith("produced " + round + " + data ");
                        completed++;
                    } catch (CairnException e) {
                        assertThat(e.errorCode()).as("round %d: %s", round, e.getMessage()).isEqualTo(ErrorCode.ARTIFACT_NOT_FOUND);
                        assertThat(e.getMessage()).contains("data");
                        refused++;
                    }
                }
            } finally {
                Files.writeString(stop, "stop");
                assertThat(pruner.waitFor(120, TimeUnit.SECONDS)).isTrue();
                pruner.destroyForcibly();
            }
            String prunerLog = Files.readString(log);
            assertThat(pruner.exitValue()).as("the pruner's exit code; its log:%n%s", prunerLog).isZero();
            Set<UUID> pruned = prunerLog.lines().filter(line -> line.startsWith("pruned ")).map(line -> UUID.fromString(line.substring(7)))
                    .collect(Collectors.toSet());
            assertThat(pruned).as("the pruner pruned meanwhile (unused scratch versions)").containsAnyElementsOf(scratch.subList(0, scratch.size() - 1));
            assertThat(completed).as("runs completed despite the pruner").isPositive();

            for (PipelineRun run : cairn.client().listRuns("raced")) {
                if (run.status() != RunStatus.COMPLETED) {
                    continue;
                }
                for (String step : List.of("produce", "consume")) {
                    for (ArtifactVersion input : run.step(step).inputs().values()) {
                        assertThat(pruned).as("an input of a completed run").doesNotContain(input.id());
                        assertThat((String) input.load()).as("input of %s in run %s", step, run.id()).isNotEmpty();
                    }
                }
                ArtifactVersion output = run.step("consume").output("output");
                assertThat(pruned).as("a cache entry").doesNotContain(output.id());
                assertThat((String) output.load()).contains(" + data ");
            }
        }
        System.out.printf("prune race: %d runs completed, %d refused because their input was pruned first%n", completed, refused);
    }
}
