package dev.cairn.api.spi.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared draft life cycle, on a minimal store of real directories (the stores' contract suites cover the rest). */
class StagedArtifactDraftTest {
    @TempDir
    Path root;

    /** A draft in {@code root/staging}, committed by renaming it under {@code root}. */
    private final class DirectoryDraft extends StagedArtifactDraft {
        private final Path staging;
        int deletions;

        DirectoryDraft() throws IOException {
            this(Files.createDirectories(root.resolve("staging")));
        }

        private DirectoryDraft(Path staging) {
            super(staging.toString());
            this.staging = staging;
        }

        @Override
        public OutputStream create(String relativePath) throws IOException {
            checkUsable("create a file in");
            Path file = staging.resolve(relativePath);
            return track(Files.newOutputStream(file), relativePath, 16);
        }

        @Override
        protected URI commitStaging(String targetRelativeDirectory) throws IOException {
            Path target = root.resolve(targetRelativeDirectory);
            if (Files.exists(target)) {
                throw targetExists(target.toUri(), null);
            }
            if (!Files.isDirectory(staging)) {
                throw stagingGone(target.toUri(), null);
            }
            return Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE).toUri();
        }

        @Override
        protected void deleteStaging() {
            deletions++;
            try (Stream<Path> files = Files.walk(staging)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                throw cannotDelete(root.toUri(), e.toString(), e);
            }
        }
    }

    @Test
    void commitWaitsForEveryStreamAndThenTheDraftIsSpent() throws IOException {
        DirectoryDraft draft = new DirectoryDraft();
        OutputStream first = draft.create("a.txt");
        OutputStream second = draft.create("b.txt");
        first.write("more than sixteen bytes of buffered data".getBytes());
        first.close();
        assertThatThrownBy(() -> draft.commit("target"))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                .hasMessageContaining("1 of its files are open (b.txt)");
        second.close();
        second.close();

        URI committed = draft.commit("target");

        assertThat(Path.of(committed).resolve("a.txt")).hasContent("more than sixteen bytes of buffered data");
        assertThatThrownBy(() -> draft.create("c.txt")).hasMessageContaining("already committed to " + committed);
        draft.close();
        assertThat(draft.deletions).as("a committed draft is not deleted").isZero();
    }

    @Test
    void closeAbandonsOpenStreamsWithoutFlushingAndDeletesOnce() throws IOException {
        DirectoryDraft draft = new DirectoryDraft();
        OutputStream open = draft.create("a.txt");
        open.write(1);
        draft.close();
        draft.close();
        assertThat(draft.deletions).isEqualTo(1);
        assertThat(root.resolve("staging")).doesNotExist();
        assertThatThrownBy(() -> draft.commit("target")).hasMessageContaining("it was closed (and deleted)");
    }

    @Test
    void commitFailuresNameTheTargetAndLeaveTheDraftUsable() throws IOException {
        Files.createDirectories(root.resolve("taken"));
        DirectoryDraft draft = new DirectoryDraft();
        assertThatThrownBy(() -> draft.commit("taken"))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.STORE_FAILURE))
                .hasMessageContaining(root.resolve("taken").toUri().toString()).hasMessageContaining("already exists");
        assertThat(draft.commit("free")).isEqualTo(root.resolve("free").toUri());
    }
}
