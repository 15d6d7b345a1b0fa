package dev.cairn.stores.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.spi.ArtifactDraft;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #12, scenario 1: reserved areas of the store replaced by symbolic links to folders outside it. Drafts are never
 * written, and nothing is pruned, through such a link; the refusal names the link.
 */
class ReservedAreaLinkTest {
    @TempDir
    Path temp;

    private Path root;
    private Path outside;
    private Path precious;
    private LocalArtifactStore store;

    @BeforeEach
    void openStore() throws IOException {
        store = new LocalArtifactStore(temp.resolve("store"));
        root = Path.of(store.rootUri());
        outside = Files.createDirectories(temp.resolve("home-of-the-user"));
        precious = Files.createDirectories(outside.resolve("thesis"));
        Files.writeString(precious.resolve("chapter1.tex"), "years of work");
        FileTime old = FileTime.from(Instant.now().minus(Duration.ofDays(3)));
        Files.setLastModifiedTime(precious.resolve("chapter1.tex"), old);
        Files.setLastModifiedTime(precious, old);
    }

    private void replaceWithLink(String area) throws IOException {
        Path path = root.resolve(area);
        if (Files.isDirectory(path)) {
            LocalArtifactStore.deleteTree(path);
        }
        Files.createSymbolicLink(path, outside);
    }

    @Test
    void pruningDraftsRefusesAStagingAreaThatIsALinkAndDeletesNothingOutside() throws IOException {
        replaceWithLink(".staging");

        assertThatThrownBy(() -> store.deleteAbandonedDrafts(Duration.ofHours(24)))
                .isInstanceOfSatisfying(CairnException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.PATH_OUTSIDE_STORE);
                    assertThat(e.getMessage()).contains(root.resolve(".staging").toString()).contains("symbolic link to " + outside)
                            .contains("remove the link");
                });
        assertThat(precious.resolve("chapter1.tex")).hasContent("years of work");
        assertThat(outside).isDirectoryContaining(path -> path.getFileName().toString().equals("thesis"));
    }

    @Test
    void draftsAreNeverWrittenThroughALinkedStagingArea() throws IOException {
        replaceWithLink(".staging");

        assertThatThrownBy(() -> store.createDraft())
                .isInstanceOfSatisfying(CairnException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.PATH_OUTSIDE_STORE);
                    assertThat(e.getMessage()).contains("create a draft").contains(root.resolve(".staging").toString());
                });
        try (var entries = Files.list(outside)) {
            assertThat(entries).containsExactly(precious);
        }
    }

    @Test
    void aMissingStagingAreaIsRecreatedAsADirectory() throws IOException {
        LocalArtifactStore.deleteTree(root.resolve(".staging"));
        try (ArtifactDraft draft = store.createDraft()) {
            try (OutputStream out = draft.create("data.bin")) {
                out.write(1);
            }
            draft.commit("artifacts/a/1");
        }
        assertThat(root.resolve(".staging")).isDirectory();
        assertThat(Files.isSymbolicLink(root.resolve(".staging"))).isFalse();
    }

    @Test
    void aStagingAreaThatIsAFileIsAStoreFailure() throws IOException {
        LocalArtifactStore.deleteTree(root.resolve(".staging"));
        Files.writeString(root.resolve(".staging"), "not a directory");
        assertThatThrownBy(() -> store.createDraft())
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.STORE_FAILURE));
        assertThatThrownBy(() -> store.deleteAbandonedDrafts(Duration.ZERO))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.getMessage()).contains("not a directory"));
    }

    @Test
    void anArtifactsAreaThatIsALinkOutsideRefusesCommitsAndDeletesNamingTheLink() throws IOException {
        replaceWithLink("artifacts");
        URI inOutside = URI.create(store.rootUri() + "artifacts/thesis");

        assertThatThrownBy(() -> store.delete(inOutside))
                .isInstanceOfSatisfying(CairnException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.PATH_OUTSIDE_STORE);
                    assertThat(e.getMessage()).contains("through the symbolic link " + root.resolve("artifacts") + " -> " + outside);
                });
        try (ArtifactDraft draft = store.createDraft()) {
            try (OutputStream out = draft.create("data.bin")) {
                out.write(1);
            }
            assertThatThrownBy(() -> draft.commit("artifacts/a/1"))
                    .isInstanceOfSatisfying(CairnException.class, e -> {
                        assertThat(e.errorCode()).isEqualTo(ErrorCode.PATH_OUTSIDE_STORE);
                        assertThat(e.getMessage()).contains("symbolic link " + root.resolve("artifacts"));
                    });
        }
        assertThat(precious.resolve("chapter1.tex")).hasContent("years of work");
        try (var entries = Files.list(outside)) {
            assertThat(entries).containsExactly(precious);
        }
    }
}
