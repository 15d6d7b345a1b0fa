package dev.cairn.engine.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.cairn.api.metadata.PipelineRunRecord;
import dev.cairn.api.metadata.RunOwner;
import dev.cairn.api.run.RunStatus;
import dev.cairn.engine.metadata.sqlite.SqliteMetadataStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 5 of issue #12: a run is recorded as abandoned only on evidence that its process is gone. Judged over a
 * real SQLite store with real processes: this JVM (alive however late its renewal), a process that has exited (gone),
 * a pid reused by another process (gone), and owners on another host (only after the longer timeout).
 */
class AbandonedRunsTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration OTHER_HOST = Duration.ofHours(1);

    @TempDir
    Path directory;
    SqliteMetadataStore store;

    @BeforeEach
    void open() {
        store = SqliteMetadataStore.open(directory.resolve("metadata.db"));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private UUID runOwnedBy(Optional<RunOwner> owner, Instant aliveUntil) {
        PipelineRunRecord run = new PipelineRunRecord(UUID.randomUUID(), "p", RunStatus.RUNNING, T0, Optional.empty(), Map.of(), Optional.empty());
        store.insertRun(run, List.of(), owner, List.of());
        store.renewRun(run.id(), aliveUntil);
        return run.id();
    }

    private AbandonedRuns judgeAt(Instant now, ProcessLiveness liveness) {
        return new AbandonedRuns(store, Clock.fixed(now, ZoneOffset.UTC), liveness, OTHER_HOST);
    }

    private RunStatus status(UUID runId) {
        return store.findRun(runId).orElseThrow().status();
    }

    @Test
    void aLivePausedProcessOnThisHostKeepsItsRunHoweverLateItsRenewal() {
        ProcessLiveness here = ProcessLiveness.local();
        UUID run = runOwnedBy(Optional.of(here.currentProcess()), T0.plusSeconds(60));

        assertThat(judgeAt(T0.plus(Duration.ofDays(30)), here).failExpired()).isEmpty();
        assertThat(status(run)).isEqualTo(RunStatus.RUNNING);
    }

    @Test
    void aProcessOnThisHostThatHasExitedIsGoneAndItsRunFailsWithThePid() throws Exception {
        Process child = new ProcessBuilder("true").start();
        RunOwner owner = new RunOwner(ProcessLiveness.local().hostIdentity(), child.pid(), child.info().startInstant());
        assertThat(child.waitFor()).isZero();
        UUID run = runOwnedBy(Optional.of(owner), T0.plusSeconds(60));

        assertThat(judgeAt(T0.plusSeconds(59), ProcessLiveness.local()).failExpired()).as("not expired yet").isEmpty();
        assertThat(judgeAt(T0.plusSeconds(61), ProcessLiveness.local()).failExpired()).containsExactly(run);

        assertThat(store.findRun(run).orElseThrow()).satisfies(recorded -> {
            assertThat(recorded.status()).isEqualTo(RunStatus.FAILED);
            assertThat(recorded.error()).hasValueSatisfying(error -> assertThat(error)
                    .contains("Abandoned").contains("pid " + child.pid()).contains("is gone").contains("killed or crashed"));
        });
    }

    @Test
    void aPidNowHeldByAProcessStartedAtAnotherTimeIsGone() {
        RunOwner reused = new RunOwner(ProcessLiveness.local().hostIdentity(), ProcessHandle.current().pid(), Optional.of(Instant.parse("2001-01-01T00:00:00Z")));
        UUID run = runOwnedBy(Optional.of(reused), T0.plusSeconds(60));

        assertThat(ProcessLiveness.local().judge(reused)).isEqualTo(ProcessLiveness.Verdict.GONE);
        assertThat(judgeAt(T0.plusSeconds(61), ProcessLiveness.local()).failExpired()).containsExactly(run);
    }

    @Test
    void aRunOfAnotherHostOrWithoutOwnerFailsOnlyAfterTheOtherHostTimeout() {
        ProcessLiveness elsewhere = new ProcessLiveness("another-machine boot 1234 pid:[1]");
        UUID ownedHere = runOwnedBy(Optional.of(ProcessLiveness.local().currentProcess()), T0.plusSeconds(60));
        UUID unowned = runOwnedBy(Optional.empty(), T0.plusSeconds(60));

        assertThat(elsewhere.judge(ProcessLiveness.local().currentProcess())).isEqualTo(ProcessLiveness.Verdict.UNKNOWN);
        assertThat(judgeAt(T0.plusSeconds(60).plus(OTHER_HOST).minusSeconds(1), elsewhere).failExpired()).as("within the longer timeout").isEmpty();
        assertThat(judgeAt(T0.plus(Duration.ofDays(1)), ProcessLiveness.local()).failExpired()).as("an owner-less run, judged here")
                .containsExactly(unowned);
        assertThat(judgeAt(T0.plusSeconds(61).plus(OTHER_HOST), elsewhere).failExpired()).containsExactly(ownedHere);

        assertThat(store.findRun(ownedHere).orElseThrow().error()).hasValueSatisfying(error -> assertThat(error)
                .contains("otherHostRunTimeout").contains("pid " + ProcessHandle.current().pid()));
    }

    @Test
    void theHostIdentityNamesTheHostAndOnLinuxItsBootAndPidNamespace() {
        String identity = ProcessLiveness.local().hostIdentity();

        assertThat(identity).isNotBlank();
        if (java.nio.file.Files.exists(Path.of("/proc/self/ns/pid"))) {
            assertThat(identity).contains(" boot ").contains("pid:[");
        }
    }
}
