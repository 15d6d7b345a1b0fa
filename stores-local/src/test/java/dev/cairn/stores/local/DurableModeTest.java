package dev.cairn.stores.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.spi.ArtifactDraft;
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
}
