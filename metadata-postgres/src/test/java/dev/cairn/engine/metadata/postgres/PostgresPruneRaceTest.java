package dev.cairn.engine.metadata.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.cairn.api.metadata.ArtifactDeletion;
import dev.cairn.api.metadata.ArtifactVersionRecord;
import dev.cairn.api.metadata.MetadataStore.CommittedArtifact;
import org.junit.jupiter.api.Test;

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
}
