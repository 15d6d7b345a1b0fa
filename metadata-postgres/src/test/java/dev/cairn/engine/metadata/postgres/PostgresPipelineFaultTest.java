package dev.cairn.engine.metadata.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunStatus;
import dev.cairn.api.run.StepStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A three-step pipeline whose middle step is running when Cairn's PostgreSQL connections are killed
 * ({@code pg_terminate_backend}) or the server is stopped ({@code pg_ctl stop}) and started again: the run either
 * completes or fails with a clear {@code METADATA_FAILURE}, the metadata is never half-recorded (checked in SQL
 * afterwards), and the same engine runs the pipeline to completion once the server is back.
 */
class PostgresPipelineFaultTest {
    @TempDir
    Path dir;

    static volatile CountDownLatch entered = new CountDownLatch(0);
    static volatile CountDownLatch release = new CountDownLatch(0);

    public static final class Steps {
        @Step
        public static int first(int seed) {
            return seed + 1;
        }

        @Step
        public static int middle(int value) throws InterruptedException {
            entered.countDown();
            if (!release.await(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never released the middle step");
            }
            return value * 2;
        }

        @Step
        public static int last(int value) {
            return value + 3;
        }
    }

    static final Pipeline PIPELINE = Pipeline.define("faulty", p -> p.call(Steps::last, p.call(Steps::middle, p.call(Steps::first, Param.of(1)))));

    /** What {@code cairn.run} gave: a run, or the exception it threw. */
    private record Outcome(Optional<PipelineRun> run, Optional<Throwable> failure) {}

    private interface Fault {
        void inject(TestingPostgres server, String database) throws Exception;
    }

    @Test
    void killingCairnsConnectionsMidRunNeverHalfRecordsAStep() throws Exception {
        runWithFault((server, database) -> server.sql("postgres", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"
                + database + "' AND pid <> pg_backend_pid()"), true);
    }

    @Test
    void restartingTheServerMidStepNeverHalfRecordsAStep() throws Exception {
        runWithFault((server, database) -> {
            server.stop();
            server.restart();
        }, true);
    }

    @Test
    void aServerDownWhileAStepFinishesFailsTheRunClearlyAndRecordsNothingHalfWay() throws Exception {
        runWithFault((server, database) -> server.stop(), false);
    }

    /**
     * The connection is killed while PostgreSQL executes the {@code COMMIT} of the middle step's completion: a deferred
     * constraint trigger on {@code step_outputs}, armed once the middle step runs, sleeps inside the commit, and the
     * backend asleep in it is terminated. The completion (step status, output version READY, lineage) is one transaction,
     * so none of it is recorded; the run fails clearly and the engine completes the pipeline once the trigger is disarmed.
     */
    @Test
    void aConnectionKilledDuringTheCommitOfAStepRecordsNoneOfTheStep() throws Exception {
        TestingPostgres server = TestingPostgres.server();
        URI uri = URI.create(server.newDatabase() + "&connect_timeout=2");
        String database = uri.getPath().substring(1);
        entered = new CountDownLatch(1);
        release = new CountDownLatch(1);
        try (Cairn cairn = Cairn.builder().home(dir.resolve("home")).metadata(uri).artifactStore(dir.resolve("store").toUri()).build()) {
            server.sql(database, "CREATE TABLE commit_fault (armed BOOLEAN NOT NULL)", "INSERT INTO commit_fault VALUES (false)",
                    "CREATE FUNCTION stall_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                            + " IF (SELECT armed FROM commit_fault) THEN PERFORM pg_sleep(120); END IF; RETURN NULL; END $$",
                    "CREATE CONSTRAINT TRIGGER stall_commit AFTER INSERT ON step_outputs DEFERRABLE INITIALLY DEFERRED"
                            + " FOR EACH ROW EXECUTE FUNCTION stall_commit()");
            CompletableFuture<PipelineRun> running = CompletableFuture.supplyAsync(() -> cairn.run(PIPELINE));
            assertThat(entered.await(120, TimeUnit.SECONDS)).as("the middle step started").isTrue();
            server.sql(database, "UPDATE commit_fault SET armed = true");
            release.countDown();
            int committing = backendInCommit(server, database);
            server.sql(database, "UPDATE commit_fault SET armed = false");
            server.sql("postgres", "SELECT pg_terminate_backend(" + committing + ")");

            Outcome outcome = outcome(running);
            boolean completed = outcome.run().map(PipelineRun::status).equals(Optional.of(RunStatus.COMPLETED));
            outcome.failure().ifPresent(failure -> assertThat(failure).isInstanceOfSatisfying(CairnException.class,
                    e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.METADATA_FAILURE)).hasMessageContaining(database));
            outcome.run().filter(run -> !completed).ifPresent(run -> assertThat(run.error()).as("a run that did not complete says why").isPresent());
            try (Connection connection = server.connect(database); Statement statement = connection.createStatement()) {
                // all or nothing: a retried completion is recorded once; a lost one not at all
                assertThat(count(statement, "SELECT count(*) FROM step_runs WHERE step_name = 'middle' AND status = 'COMPLETED'"))
                        .as("completions of the middle step").isEqualTo(completed ? 1 : 0);
                assertThat(count(statement, "SELECT count(*) FROM step_outputs o JOIN step_runs s ON s.id = o.step_run_id WHERE s.step_name = 'middle'"))
                        .as("outputs of the middle step").isEqualTo(completed ? 1 : 0);
                assertThat(count(statement, "SELECT count(*) FROM artifact_versions WHERE state = 'READY' AND name LIKE '%::middle::%'"))
                        .as("READY versions of the middle step").isEqualTo(completed ? 1 : 0);
            }
            assertNothingHalfRecorded(server, database);

            PipelineRun again = cairn.run(PIPELINE);
            assertThat(again.status()).as("the same engine works once the fault is gone").isEqualTo(RunStatus.COMPLETED);
            assertThat((Integer) again.step("last").output("output").load()).isEqualTo(7);
            assertNothingHalfRecorded(server, database);
        } finally {
            release.countDown();
        }
    }

    /** The server process of {@code database} that sleeps inside a {@code COMMIT} (the armed trigger), once there is one. */
    private static int backendInCommit(TestingPostgres server, String database) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        try (Connection connection = server.connect("postgres"); Statement statement = connection.createStatement()) {
            while (System.nanoTime() < deadline) {
                try (ResultSet rows = statement.executeQuery("SELECT pid, query FROM pg_stat_activity WHERE datname = '" + database
                        + "' AND wait_event = 'PgSleep'")) {
                    if (rows.next()) {
                        assertThat(rows.getString(2)).as("the statement asleep in the trigger").containsIgnoringCase("COMMIT");
                        return rows.getInt(1);
                    }
                }
                Thread.sleep(20);
            }
        }
        throw new AssertionError("no backend of " + database + " reached the commit of the middle step");
    }

    private void runWithFault(Fault fault, boolean serverUpWhenStepEnds) throws Exception {
        TestingPostgres server = TestingPostgres.server();
        URI uri = URI.create(server.newDatabase() + "&connect_timeout=2");
        String database = uri.getPath().substring(1);
        entered = new CountDownLatch(1);
        release = new CountDownLatch(1);
        try (Cairn cairn = Cairn.builder().home(dir.resolve("home")).metadata(uri).artifactStore(dir.resolve("store").toUri()).build()) {
            CompletableFuture<PipelineRun> running = CompletableFuture.supplyAsync(() -> cairn.run(PIPELINE));
            assertThat(entered.await(120, TimeUnit.SECONDS)).as("the middle step started").isTrue();
            fault.inject(server, database);
            release.countDown();
            Outcome outcome = outcome(running);
            if (!serverUpWhenStepEnds) {
                assertThat(outcome.run().map(PipelineRun::status)).as("a run cannot complete without its metadata store")
                        .isNotEqualTo(Optional.of(RunStatus.COMPLETED));
                server.restart();
            }
            outcome.failure().ifPresent(failure -> assertThat(failure).isInstanceOfSatisfying(CairnException.class,
                    e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.METADATA_FAILURE)).hasMessageContaining(database));
            outcome.run().ifPresent(run -> {
                if (run.status() != RunStatus.COMPLETED) {
                    assertThat(run.error()).as("a run that did not complete says why").isPresent();
                }
            });
            assertNothingHalfRecorded(server, database);

            PipelineRun again = cairn.run(PIPELINE);
            assertThat(again.status()).as("the same engine works once the server is back").isEqualTo(RunStatus.COMPLETED);
            assertThat((Integer) again.step("last").output("output").load()).isEqualTo(7);
            assertThat(again.step("first").status()).isIn(StepStatus.COMPLETED, StepStatus.CACHED);
            assertNothingHalfRecorded(server, database);
        } finally {
            release.countDown();
        }
    }

    private static Outcome outcome(CompletableFuture<PipelineRun> running) throws Exception {
        try {
            return new Outcome(Optional.of(running.get(180, TimeUnit.SECONDS)), Optional.empty());
        } catch (ExecutionException e) {
            return new Outcome(Optional.empty(), Optional.of(e.getCause()));
        }
    }

    /** The invariants of the metadata that a lost connection must not break, checked in SQL on the server. */
    private static void assertNothingHalfRecorded(TestingPostgres server, String database) throws SQLException {
        try (Connection connection = server.connect(database); Statement statement = connection.createStatement()) {
            assertThat(count(statement, "SELECT count(*) FROM step_outputs o LEFT JOIN artifact_versions a ON a.id = o.artifact_id"
                    + " WHERE a.id IS NULL OR a.state <> 'READY'")).as("outputs name READY versions").isZero();
            assertThat(count(statement, "SELECT count(*) FROM step_runs s WHERE s.status IN ('COMPLETED', 'CACHED')"
                    + " AND NOT EXISTS (SELECT 1 FROM step_outputs o WHERE o.step_run_id = s.id)")).as("a finished step has its output").isZero();
            assertThat(count(statement, "SELECT count(*) FROM artifact_versions a JOIN step_runs s ON s.id = a.producer_step_run_id"
                    + " WHERE a.state = 'READY' AND s.status <> 'COMPLETED'")).as("a READY version's producer completed").isZero();
            assertThat(count(statement, "SELECT count(*) FROM step_runs WHERE status = 'FAILED' AND error IS NULL")).as("failures say why").isZero();
            assertThat(count(statement, "SELECT count(*) FROM pipeline_runs r WHERE r.status = 'COMPLETED' AND EXISTS (SELECT 1 FROM step_runs s"
                    + " WHERE s.run_id = r.id AND s.status NOT IN ('COMPLETED', 'CACHED'))")).as("a completed run's steps all finished").isZero();
            assertThat(count(statement, "SELECT count(*) FROM step_inputs i LEFT JOIN artifact_versions a ON a.id = i.artifact_id WHERE a.id IS NULL"))
                    .as("inputs name existing versions").isZero();
        }
    }

    private static long count(Statement statement, String sql) throws SQLException {
        try (ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
