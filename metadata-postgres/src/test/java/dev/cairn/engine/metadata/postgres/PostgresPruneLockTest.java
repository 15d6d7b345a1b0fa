package dev.cairn.engine.metadata.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.lifecycle.PruneOptions;
import dev.cairn.api.lifecycle.PruneReport;
import dev.cairn.api.metadata.MetadataStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One prune at a time per PostgreSQL store: a second prune, in another session or process, fails fast naming the holder. */
class PostgresPruneLockTest {
    @TempDir
    Path dir;

    @Test
    void aSecondPruneLockOnTheSameStoreFailsFastUntilTheFirstIsReleased() {
        URI uri = TestingPostgres.server().newDatabase();
        URI other = TestingPostgres.server().newDatabase();
        try (PostgresMetadataStore first = PostgresMetadataStore.open(uri); PostgresMetadataStore second = PostgresMetadataStore.open(uri);
                PostgresMetadataStore elsewhere = PostgresMetadataStore.open(other)) {
            MetadataStore.PruneLock held = first.lockForPrune();
            assertThatThrownBy(second::lockForPrune).isInstanceOfSatisfying(CairnException.class, e -> {
                assertThat(e.errorCode()).isEqualTo(ErrorCode.METADATA_FAILURE);
                assertThat(e.getMessage()).contains(second.location(), "another prune is running", "server process", "Wait for it to finish");
            });
            assertThatThrownBy(first::lockForPrune).as("the lock is per store, not per session").isInstanceOf(CairnException.class);
            elsewhere.lockForPrune().close(); // another database is another store

            held.close();
            held.close(); // idempotent
            try (MetadataStore.PruneLock again = second.lockForPrune()) {
                assertThatThrownBy(first::lockForPrune).isInstanceOf(CairnException.class);
            }
            first.lockForPrune().close();
        }
    }

    @Test
    void aPruneFailsWhileAnotherProcessPrunesAndRunsOnceThatProcessIsGone() throws Exception {
        URI metadata = TestingPostgres.server().newDatabase();
        URI store = dir.resolve("store").toUri();
        try (Cairn cairn = Cairn.builder().home(dir.resolve("home")).metadata(metadata).artifactStore(store).build()) {
            ArtifactVersion unused = cairn.client().save("value", "scratch");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                    PruneLockHolderMain.class.getName(), metadata.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try {
                BufferedReader output = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
                assertThat(output.readLine()).isEqualTo("locked");

                assertThatThrownBy(() -> cairn.client().prune(PruneOptions.defaults()))
                        .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.getMessage()).contains("another prune is running"));
                assertThat(cairn.client().getArtifactVersion("scratch", unused.version()).id()).as("nothing deleted").isEqualTo(unused.id());
                PruneReport dryRun = cairn.client().prune(PruneOptions.builder().dryRun(true).build());
                assertThat(dryRun.versions()).extracting(PruneReport.PrunedVersion::id).contains(unused.id());
            } finally {
                holder.destroyForcibly();
                assertThat(holder.waitFor(60, TimeUnit.SECONDS)).isTrue();
            }
            // the holder's session ends with its process; the server notices the closed socket at once
            PruneReport report = pruneWhenFree(cairn);
            assertThat(report.versions()).extracting(PruneReport.PrunedVersion::id).contains(unused.id());
            assertThat(cairn.client().listArtifactVersions("scratch")).isEmpty();
        }
    }

    private static PruneReport pruneWhenFree(Cairn cairn) throws InterruptedException {
        for (int attempt = 0; ; attempt++) {
            try {
                return cairn.client().prune(PruneOptions.defaults());
            } catch (CairnException e) {
                if (attempt >= 300 || !e.getMessage().contains("another prune is running")) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }
}
