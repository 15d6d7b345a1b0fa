package dev.cairn.stores.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.cairn.api.spi.ArtifactDraft;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Prune removes emptied {@code artifacts/<name>/} directories with an atomic rmdir that never breaks a racing commit. */
class EmptyDirectoryRemovalTest {
    @TempDir
    Path temp;

    @Test
    void onlyAnEmptyDirectoryIsDeleted() throws Exception {
        LocalArtifactStore store = new LocalArtifactStore(temp.resolve("store"));
        Files.createDirectories(temp.resolve("store/artifacts/empty"));
        Files.createDirectories(temp.resolve("store/artifacts/full/1-abc"));
        Files.writeString(temp.resolve("store/artifacts/file.txt"), "x");

        assertThat(store.deleteEmptyDirectory(store.resolve("artifacts/empty"))).isTrue();
        assertThat(store.deleteEmptyDirectory(store.resolve("artifacts/full"))).isFalse();
        assertThat(store.deleteEmptyDirectory(store.resolve("artifacts/file.txt"))).as("not a directory").isFalse();
        assertThat(store.deleteEmptyDirectory(store.resolve("artifacts/missing"))).isFalse();
        assertThat(store.deleteEmptyDirectory(store.rootUri())).as("never the root").isFalse();

        assertThat(temp.resolve("store/artifacts/empty")).doesNotExist();
        assertThat(temp.resolve("store/artifacts/full/1-abc")).isDirectory();
        assertThat(temp.resolve("store/artifacts/file.txt")).exists();
    }

    @Test
    void commitsIntoADirectoryThatIsRemovedAtTheSameMomentAllSucceed() throws Exception {
        LocalArtifactStore store = new LocalArtifactStore(temp.resolve("store"));
        URI nameDirectory = store.resolve("artifacts/racing");
        int commits = 300;
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger removals = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> remover = pool.submit(() -> {
                while (writing.get()) {
                    if (store.deleteEmptyDirectory(nameDirectory)) {
                        removals.incrementAndGet();
                    }
                }
                return null;
            });
            Future<List<URI>> writer = pool.submit(() -> {
                List<URI> committed = new ArrayList<>();
                try {
                    for (int i = 0; i < commits; i++) {
                        try (ArtifactDraft draft = store.createDraft()) {
                            try (OutputStream out = draft.create("data.bin")) {
                                out.write(i);
                            }
                            URI uri = draft.commit("artifacts/racing/" + i + "-x");
                            committed.add(uri);
                            store.delete(uri); // empties the name directory again, so the remover keeps removing it
                        }
                    }
                } finally {
                    writing.set(false);
                }
                return committed;
            });

            assertThat(writer.get(120, TimeUnit.SECONDS)).as("every commit succeeded").hasSize(commits);
            remover.get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(removals.get()).as("the directory was removed between commits").isPositive();
    }
}
