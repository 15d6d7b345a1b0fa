package dev.cairn.engine.metadata.sqlite;

import static dev.cairn.engine.metadata.sqlite.TestingMetadata.T0;
import static dev.cairn.engine.metadata.sqlite.TestingMetadata.artifactUri;
import static dev.cairn.engine.metadata.sqlite.TestingMetadata.newVersion;
import static dev.cairn.engine.metadata.sqlite.TestingMetadata.run;
import static dev.cairn.engine.metadata.sqlite.TestingMetadata.stepRun;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.metadata.ArtifactVersionRecord;
import dev.cairn.api.metadata.InputKind;
import dev.cairn.api.metadata.MetadataStore;
import dev.cairn.api.metadata.MetadataStore.CommittedArtifact;
import dev.cairn.api.metadata.PipelineRunRecord;
import dev.cairn.api.metadata.StepInputRecord;
import dev.cairn.api.metadata.StepRunRecord;
import dev.cairn.api.run.RunStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the SQLite store does beyond the {@link dev.cairn.testkit.MetadataStoreContract} (which
 * {@link SqliteMetadataStoreContractTest} runs): its file, its messages, the range of instants it stores, batching.
 */
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

    private ArtifactVersionRecord reserveAndCommit(String name) {
        ArtifactVersionRecord reserved = store.reserveArtifactVersion(newVersion(name));
        store.commitArtifactVersion(new CommittedArtifact(reserved.id(), artifactUri(name, reserved.version()), List.of()));
        return store.findArtifactVersion(reserved.id()).orElseThrow();
    }

    @Test
    void aStepsFirstLookupOnlyLooksAndTakesNoLease() {
        // on SQLite a lease is a write transaction of its own; the lookup stays a read (PostgreSQL takes it with the lookup)
        MetadataStore.CandidatesOrLease found = store.findCacheCandidatesOrLease("key", "a", java.time.Duration.ofSeconds(60), 5);
        assertThat(found.leased()).isFalse();
        assertThat(found.candidates()).isEmpty();
        assertThat(store.tryAcquireCacheLease("key", "b", java.time.Duration.ofSeconds(60))).as("nobody took it").isTrue();
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
    void instantsBeforeTheEpochRoundTrip() {
        PipelineRunRecord run = run("p", Instant.ofEpochSecond(-5, 999_999_999));
        store.insertRun(run, List.of());

        assertThat(store.findRun(run.id())).contains(run);
    }

    @Test
    void failuresNameTheDatabaseFile() {
        UUID unknown = UUID.randomUUID();
        assertThatThrownBy(() -> store.finishRun(unknown, RunStatus.COMPLETED, T0, Optional.empty()))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.METADATA_FAILURE))
                .hasMessageContaining(unknown.toString())
                .hasMessageContaining(store.databaseFile().toString());
    }

    @Test
    void duplicateExplicitVersionNamesTheNextNumber() {
        store.reserveArtifactVersion(newVersion("dataset", "1"));
        store.reserveArtifactVersion(newVersion("dataset", "golden"));

        assertThatThrownBy(() -> store.reserveArtifactVersion(newVersion("dataset", "golden")))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.DUPLICATE_VERSION))
                .hasMessageContaining("omit the version to get the next number (2)");
    }

    @Test
    void tenThousandStepRunsAreInsertedInOneBatch() {
        PipelineRunRecord run = run("wide", T0);
        List<StepRunRecord> steps = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            steps.add(stepRun(run, "step" + i, i, i == 0 ? new String[0] : new String[] {"step" + (i - 1)}));
        }

        store.insertRun(run, steps);

        List<StepRunRecord> stored = store.listStepRuns(run.id());
        assertThat(stored).hasSize(10_000);
        assertThat(stored.get(9_999)).isEqualTo(steps.get(9_999));
    }

    @Test
    void inputOfAnUnknownArtifactIsRejectedByTheForeignKey() {
        PipelineRunRecord run = run("p", T0);
        StepRunRecord step = stepRun(run, "load", 0);
        store.insertRun(run, List.of(step));

        assertThatThrownBy(() -> store.recordStepInputs(List.of(
                new StepInputRecord(step.id(), "x", UUID.randomUUID(), InputKind.CLIENT_LOAD))))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.METADATA_FAILURE))
                .hasMessageContaining("FOREIGN KEY");
    }

    @Test
    void closedStoreNamesItsFile() {
        Path file = store.databaseFile();
        store.close();

        assertThatThrownBy(() -> store.listArtifactNames())
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.METADATA_FAILURE))
                .hasMessageContaining(file.toString())
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

    @Test
    void leaseExpiryIsJudgedByTheDatabaseClock() {
        // an expiry one minute in the past by this JVM's clock is expired for the database too
        assertThat(store.tryAcquireCacheLease("k", "a", Instant.now().minusSeconds(60))).isTrue();
        assertThat(store.tryAcquireCacheLease("k", "b", Instant.now().plusSeconds(60))).isTrue();
        assertThat(store.tryAcquireCacheLease("k", "a", Instant.now().plusSeconds(60))).isFalse();
    }
}
