package dev.cairn.stores.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.spi.ArtifactDraft;
import dev.cairn.api.spi.MetricsReporter;
import dev.cairn.api.spi.StoreContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The optional durable mode of {@link LocalArtifactStore} (files and directories forced to disk on commit). */
class DurableModeTest {
    @TempDir
    Path temp;

    private LocalArtifactStore store;

    @BeforeEach
    void openStore() {
        store = new LocalArtifactStore(temp.resolve("store"));
    }

    @Test
    void durableModeCommitsLikeTheDefaultAndIsChosenByTheProviderSetting() throws IOException {
        LocalArtifactStore durable = (LocalArtifactStore) new LocalArtifactStoreProvider()
                .create(temp.resolve("durable").toUri(), StoreContext.of(Map.of(LocalArtifactStore.DURABLE_SETTING, "true")));
        assertThat(durable.durable()).isTrue();
        assertThat(store.durable()).isFalse();
        URI committed;
        try (ArtifactDraft draft = durable.createDraft()) {
            try (OutputStream out = draft.create("nested/data.bin")) {
                out.write(new byte[] {1, 2, 3});
            }
            committed = draft.commit("artifacts/a/1");
        }
        assertThat(Path.of(committed).resolve("nested/data.bin")).hasBinaryContent(new byte[] {1, 2, 3});
        try (var drafts = Files.list(Path.of(durable.rootUri()).resolve(".staging"))) {
            assertThat(drafts).isEmpty();
        }

        LocalArtifactStoreProvider everyStoreDurable = new LocalArtifactStoreProvider(Map.of(LocalArtifactStore.DURABLE_SETTING, "true"));
        assertThat(((LocalArtifactStore) everyStoreDurable.create(temp.resolve("d2").toUri(), StoreContext.of(Map.of()))).durable()).isTrue();
        assertThat(((LocalArtifactStore) everyStoreDurable.create(temp.resolve("d3").toUri(),
                StoreContext.of(Map.of(LocalArtifactStore.DURABLE_SETTING, "false")))).durable()).isFalse();
        assertThatThrownBy(() -> new LocalArtifactStoreProvider().create(temp.toUri(), StoreContext.of(Map.of(LocalArtifactStore.DURABLE_SETTING, "yes"))))
                .isInstanceOfSatisfying(CairnException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFIGURATION);
                    assertThat(e.getMessage()).contains("write true or false");
                });
    }

    /**
     * What the store reported, in order, each with what the store's directory showed at that moment: whether the
     * commit target existed yet and how many drafts were in the staging area.
     */
    private static final class RecordingMetrics implements MetricsReporter {
        record Event(String name, boolean targetExists, long drafts) {}

        private final Path target;
        private final Path staging;
        final List<Event> events = new ArrayList<>();

        RecordingMetrics(Path root, String target) {
            this.target = root.resolve(target);
            this.staging = root.resolve(".staging");
        }

        @Override
        public synchronized void count(String name, long amount) {
            try (var drafts = Files.list(staging)) {
                long inStaging = drafts.count();
                for (long i = 0; i < amount; i++) {
                    events.add(new Event(name, Files.exists(target), inStaging));
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public void time(String name, Duration duration) {}

        long count(String name, boolean targetExists) {
            return events.stream().filter(event -> event.name().equals(name) && event.targetExists() == targetExists).count();
        }
    }

    private static URI commitTwoFilesInANestedDirectory(LocalArtifactStore store) throws IOException {
        try (ArtifactDraft draft = store.createDraft()) {
            try (OutputStream out = draft.create("nested/data.bin")) {
                out.write(new byte[] {1, 2, 3});
            }
            try (OutputStream out = draft.create("manifest.json")) {
                out.write('{');
            }
            return draft.commit("artifacts/a/1");
        }
    }

    @Test
    void aDurableCommitForcesEveryFileAndDirectoryOfTheDraftBeforeTheRenameAndTheParentsAfterIt() throws IOException {
        Path root = temp.resolve("durable");
        RecordingMetrics metrics = new RecordingMetrics(root, "artifacts/a/1");
        LocalArtifactStore durable = new LocalArtifactStore(root, StoreContext.builder().metrics(metrics).build(), true);

        URI committed = commitTwoFilesInANestedDirectory(durable);

        assertThat(Path.of(committed).resolve("nested/data.bin")).hasBinaryContent(new byte[] {1, 2, 3});
        assertThat(metrics.count(LocalArtifactStore.FILE_FSYNCS, false)).as("both files, while the draft was still in staging").isEqualTo(2);
        assertThat(metrics.count(LocalArtifactStore.FILE_FSYNCS, true)).isZero();
        assertThat(metrics.count(LocalArtifactStore.DIRECTORY_FSYNCS, false)).as("the draft directory and nested/, before the rename").isEqualTo(2);
        assertThat(metrics.count(LocalArtifactStore.DIRECTORY_FSYNCS, true)).as("the target's parent and the staging area, after it").isEqualTo(2);
        assertThat(metrics.events).filteredOn(event -> !event.targetExists())
                .allSatisfy(event -> assertThat(event.drafts()).as("the draft not yet renamed").isEqualTo(1));
        assertThat(metrics.events).hasSize(7);
        assertThat(metrics.events.get(6).name()).as("forced, then counted as committed").isEqualTo("cairn.store.local.commits");
    }

    @Test
    void theDefaultModeForcesNothing() throws IOException {
        Path root = temp.resolve("default");
        RecordingMetrics metrics = new RecordingMetrics(root, "artifacts/a/1");
        LocalArtifactStore store = new LocalArtifactStore(root, StoreContext.builder().metrics(metrics).build());

        commitTwoFilesInANestedDirectory(store);

        assertThat(metrics.events).extracting(RecordingMetrics.Event::name).containsExactly("cairn.store.local.commits");
    }
}
