package dev.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Stream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.PipelineOptions;
import dev.cairn.api.pipeline.Ref;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunHandle;
import dev.cairn.api.run.RunListener;
import dev.cairn.api.run.RunOptions;
import dev.cairn.api.run.RunStatus;
import dev.cairn.api.run.StepStatus;
import dev.cairn.api.spi.ArtifactReader;
import dev.cairn.api.spi.ArtifactWriter;
import dev.cairn.api.spi.CairnPlugin;
import dev.cairn.api.spi.Materializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Stopping runs: RunHandle.cancel, the run timeout, and what the engine's close does to a run in progress. */
class CancellationTest {
    @TempDir
    Path home;

    private Cairn cairn;

    static volatile CountDownLatch started;
    static volatile CountDownLatch release;
    static volatile CountDownLatch externalJobCancelled;
    static volatile CountDownLatch writing;

    @BeforeEach
    void open() {
        started = new CountDownLatch(1);
        release = new CountDownLatch(1);
        externalJobCancelled = new CountDownLatch(1);
        writing = new CountDownLatch(1);
        cairn = Cairn.builder().home(home).parallelism(2).cancelGracePeriod(Duration.ofMillis(300)).build();
    }

    @AfterEach
    void close() {
        release.countDown();
        cairn.close();
    }

    public static final class Steps {
        @Step
        public static String sleeper(long millis) throws InterruptedException {
            started.countDown();
            Thread.sleep(millis);
            return "slept";
        }

        /** Ignores interruption until the test releases it. */
        @Step
        public static String stubborn() {
            started.countDown();
            while (true) {
                try {
                    if (release.await(10, TimeUnit.SECONDS)) {
                        return "late";
                    }
                } catch (InterruptedException ignored) {
                    // carries on regardless
                }
            }
        }

        /** Waits for an "external job" that interrupting this thread does not stop; only its own cancellation ends it. */
        @Step
        public static String awaitsExternalJob() {
            started.countDown();
            while (true) {
                try {
                    if (externalJobCancelled.await(10, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the external job was cancelled");
                    }
                } catch (InterruptedException ignored) {
                    // like a driver waiting on a cluster job: the interruption alone does not stop the job
                }
            }
        }

        @Step
        public static String after(String input) {
            return input + "!";
        }

        @Step
        public static String quick() {
            return "quick";
        }

        @Step
        public static HalfWritten halfWritten(boolean interruptible) {
            return new HalfWritten(interruptible);
        }
    }

    /** A step output whose materializer writes part of it, then blocks: interruptibly or not. */
    public record HalfWritten(boolean interruptible) {}

    /** Writes 64 KiB of {@code part-0.bin}, says so, and blocks until the test releases it (or interrupts it, if it may). */
    static final class BlockingMaterializer implements Materializer<HalfWritten> {
        @Override
        public String id() {
            return "test.blocking";
        }

        @Override
        public String version() {
            return "1";
        }

        @Override
        public List<Class<?>> handledTypes() {
            return List.of(HalfWritten.class);
        }

        @Override
        public void save(HalfWritten value, ArtifactWriter writer) throws IOException {
            try (OutputStream out = writer.create("part-0.bin")) {
                out.write(new byte[64 * 1024]);
                out.flush();
                writing.countDown();
                boolean released = false;
                while (!released) {
                    try {
                        released = release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        if (value.interruptible()) {
                            Thread.currentThread().interrupt();
                            throw new InterruptedIOException("interrupted while writing part-0.bin");
                        }
                    }
                }
                out.write(new byte[64 * 1024]);
            }
        }

        @Override
        public HalfWritten load(Type type, ArtifactReader reader) {
            throw new UnsupportedOperationException("this test never loads");
        }
    }

    private static Pipeline sleepy(long millis) {
        return Pipeline.define("sleepy", p -> {
            Ref<String> slept = p.call(Steps::sleeper, Param.of(millis));
            p.call(Steps::after, slept);
        });
    }

    @Test
    void cancellingInterruptsTheRunningStepSkipsThePendingOnesAndRecordsWhoAndWhy() throws InterruptedException {
        RunHandle handle = cairn.start(sleepy(60_000));
        assertThat(cairn.client().getPipelineRun(handle.runId()).status()).isEqualTo(RunStatus.RUNNING);
        assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();

        assertThat(handle.cancel("the operator asked")).isTrue();
        PipelineRun run = handle.await(Duration.ofSeconds(20)).orElseThrow();

        assertThat(run.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(run.error()).hasValueSatisfying(error -> assertThat(error)
                .contains("Cancelled by thread '" + Thread.currentThread().getName() + "'").contains("the operator asked"));
        assertThat(run.step("sleeper").status()).isEqualTo(StepStatus.FAILED);
        assertThat(run.step("sleeper").error()).hasValueSatisfying(error -> assertThat(error).contains("Interrupted because the run was cancelled"));
        assertThat(run.step("after").status()).isEqualTo(StepStatus.SKIPPED);
        assertThat(run.step("after").error()).hasValueSatisfying(error -> assertThat(error).contains("Not run: Cancelled by"));
        PipelineRun stored = cairn.client().getPipelineRun(handle.runId());
        assertThat(stored.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(stored.step("after").status()).isEqualTo(StepStatus.SKIPPED);
        assertThat(cairn.client().listArtifactVersions("sleepy::sleeper::output")).isEmpty();
        assertThat(handle.isDone()).isTrue();
        assertThat(handle.cancel("again")).isFalse();
    }

    @Test
    void aStepThatIgnoresInterruptionIsAbandonedAfterTheGracePeriodAndWhatItReturnsLaterIsDiscarded() throws Exception {
        RunHandle handle = cairn.start(Pipeline.define("stubborn", p -> p.call(Steps::after, p.call(Steps::stubborn))));
        assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();
        handle.cancel("shutting down");

        PipelineRun run = handle.await(Duration.ofSeconds(20)).orElseThrow();
        assertThat(run.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(run.step("stubborn").status()).isEqualTo(StepStatus.FAILED);
        assertThat(run.step("stubborn").error()).hasValueSatisfying(error -> assertThat(error).startsWith("Abandoned").contains("PT0.3S"));
        assertThat(run.step("after").status()).isEqualTo(StepStatus.SKIPPED);

        release.countDown(); // the step now returns "late"; its output must not appear
        cairn.close(); // waits for the worker threads, so the abandoned step has finished by now
        try (Cairn reopened = Cairn.open(home)) {
            assertThat(reopened.client().listArtifactVersions("stubborn::stubborn::output")).isEmpty();
            assertThat(reopened.client().getPipelineRun(handle.runId()).step("stubborn").status()).isEqualTo(StepStatus.FAILED);
            // nothing of the late output on disk either: no draft left in the staging area, no file of a committed version
            // (the name's directory, emptied, stays until a prune removes it)
            Path storeRoot = Path.of(reopened.storeRoot());
            try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(storeRoot)) {
                assertThat(files.filter(path -> !java.nio.file.Files.isDirectory(path) || path.getParent().endsWith(".staging"))
                        .map(storeRoot::relativize).map(Path::toString).toList()).as("files and drafts in the store").isEmpty();
            }
        }
    }

    /**
     * Cancelling while the materializer is in the middle of writing a local output (interruptible, or stubborn and
     * finishing after the grace period): the run is CANCELLED, the reserved version row is gone, and neither the draft
     * nor any file of the output is left in the store; all seen without reopening the home, which could sweep drafts.
     */
    @ParameterizedTest(name = "materializer interruptible: {0}")
    @ValueSource(booleans = {true, false})
    void cancellingWhileAnOutputIsBeingWrittenLeavesNoVersionRowAndNoDraft(boolean interruptible) throws Exception {
        cairn.close();
        CairnPlugin blocking = new CairnPlugin() {
            @Override
            public List<Materializer<?>> materializers() {
                return List.of(new BlockingMaterializer());
            }
        };
        cairn = Cairn.builder().home(home).plugin(blocking).parallelism(2).cancelGracePeriod(Duration.ofMillis(300)).build();
        Path store = Path.of(cairn.storeRoot());
        RunHandle handle = cairn.start(Pipeline.define("midwrite", p -> p.call(Steps::halfWritten, Param.of(interruptible))));
        assertThat(writing.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(filesIn(store)).as("the half-written draft, while the materializer blocks").anyMatch(file -> file.endsWith("part-0.bin"));

        handle.cancel("stop mid-write");
        PipelineRun run = handle.await(Duration.ofSeconds(20)).orElseThrow();

        assertThat(run.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(run.step("halfWritten").status()).isEqualTo(StepStatus.FAILED);
        assertThat(run.step("halfWritten").error()).hasValueSatisfying(error -> assertThat(error)
                .contains(interruptible ? "Interrupted because the run was cancelled" : "Abandoned"));
        release.countDown(); // the stubborn materializer now finishes its write; what it wrote must be discarded
        cairn.close(); // waits for the worker threads
        assertThat(versionRows(home, "midwrite::halfWritten::output")).as("version rows of the output").isZero();
        assertThat(filesIn(store)).as("files and drafts in the store").isEmpty();
    }

    /** Files in the store, and directories in its staging area (drafts), relative to its root. */
    private static List<String> filesIn(Path store) throws IOException {
        try (Stream<Path> files = Files.walk(store)) {
            return files.filter(path -> !Files.isDirectory(path) || path.getParent().endsWith(".staging")).map(store::relativize)
                    .map(Path::toString).toList();
        }
    }

    private static int versionRows(Path home, String name) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("metadata.db"));
                PreparedStatement count = connection.prepareStatement("SELECT count(*) FROM artifact_versions WHERE name = ?")) {
            count.setString(1, name);
            try (ResultSet rows = count.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    @Test
    void listenersHearOfTheCancellationAndCanStopWorkThatInterruptingDoesNotStop() throws InterruptedException {
        cairn.close();
        cairn = Cairn.builder().home(home).parallelism(2).cancelGracePeriod(Duration.ofSeconds(30)).build();
        java.util.List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        RunListener externalJobs = new RunListener() {
            @Override
            public void runCancelled(java.util.UUID runId, String reason) {
                heard.add(runId + " " + reason + " on " + Thread.currentThread().getName());
                externalJobCancelled.countDown();
            }
        };
        RunHandle handle = cairn.start(Pipeline.define("external", p -> p.call(Steps::after, p.call(Steps::awaitsExternalJob))),
                RunOptions.withListener(externalJobs));
        assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();

        handle.cancel("the scheduler stops the job");
        // the step ends because the listener stopped its "job", not because it is abandoned after the 30 s grace period
        PipelineRun run = handle.await(Duration.ofSeconds(25)).orElseThrow();

        assertThat(heard).singleElement().asString().startsWith(handle.runId() + " Cancelled by thread '" + Thread.currentThread().getName() + "'")
                .endsWith(": the scheduler stops the job on " + Thread.currentThread().getName());
        assertThat(run.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(run.step("awaitsExternalJob").status()).isEqualTo(StepStatus.FAILED);
        assertThat(run.step("awaitsExternalJob").error()).hasValueSatisfying(error -> assertThat(error)
                .contains("Interrupted because the run was cancelled").contains("the external job was cancelled").doesNotContain("Abandoned"));
        assertThat(run.step("after").status()).isEqualTo(StepStatus.SKIPPED);
        assertThat(cairn.client().listArtifactVersions("external::awaitsExternalJob::output")).isEmpty();

        PipelineRun completed = cairn.run(Pipeline.define("fast", p -> p.call(Steps::quick)), RunOptions.withListener(externalJobs));
        assertThat(completed.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(heard).as("a run that is not cancelled is not reported").hasSize(1);
    }

    @Test
    void aRunTimeoutCancelsTheRunThroughTheSamePath() {
        Pipeline slow = Pipeline.define("slow", p -> p.call(Steps::after, p.call(Steps::sleeper, Param.of(60_000L))))
                .withOptions(PipelineOptions.builder().timeout(Duration.ofMillis(200)).build());

        PipelineRun run = cairn.run(slow);

        assertThat(run.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(run.error()).hasValueSatisfying(error -> assertThat(error).contains("Cancelled by the run timeout").contains("PT0.2S"));
        assertThat(run.step("after").status()).isEqualTo(StepStatus.SKIPPED);
    }

    @Test
    void aStartedRunThatFinishesIsAwaited() {
        RunHandle handle = cairn.start(Pipeline.define("fast", p -> p.call(Steps::after, p.call(Steps::quick))));
        PipelineRun run = handle.await();
        assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(run.step("after").output("output").<String>load()).isEqualTo("quick!");
        assertThat(handle.cancel()).isFalse();
    }

    @Test
    void closeWaitsForARunThatFinishesInTime() {
        RunHandle handle = cairn.start(sleepy(300));
        cairn.close();
        assertThat(handle.await(Duration.ZERO)).hasValueSatisfying(run -> assertThat(run.status()).isEqualTo(RunStatus.COMPLETED));
    }

    @Test
    void closeCancelsARunThatOutlastsTheCloseTimeoutAndRecordsWhy() throws InterruptedException {
        cairn.close();
        cairn = Cairn.builder().home(home).closeTimeout(Duration.ofMillis(100)).cancelGracePeriod(Duration.ofMillis(300)).build();
        RunHandle handle = cairn.start(sleepy(60_000));
        assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();

        cairn.close();

        PipelineRun run = handle.await(Duration.ZERO).orElseThrow();
        assertThat(run.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(run.error()).hasValueSatisfying(error -> assertThat(error).contains("Cancelled by Cairn.close()").contains("PT0.1S"));
        try (Cairn reopened = Cairn.open(home)) {
            assertThat(reopened.client().getPipelineRun(handle.runId()).status()).isEqualTo(RunStatus.CANCELLED);
        }
    }

    @Test
    void aClosedEngineRefusesNewWorkAndCloseIsIdempotent() {
        cairn.close();
        cairn.close();
        for (org.assertj.core.api.ThrowableAssert.ThrowingCallable call : java.util.List.<org.assertj.core.api.ThrowableAssert.ThrowingCallable>of(
                () -> cairn.run(sleepy(1)), () -> cairn.start(sleepy(1)), cairn::client, () -> cairn.validate(sleepy(1)))) {
            assertThatThrownBy(call).isInstanceOf(CairnException.class).hasMessageContaining("closed")
                    .extracting(e -> ((CairnException) e).errorCode()).isEqualTo(ErrorCode.ENGINE_CLOSED);
        }
    }
}
