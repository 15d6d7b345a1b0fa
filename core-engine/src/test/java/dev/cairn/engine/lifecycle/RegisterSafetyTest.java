package dev.cairn.engine.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.lifecycle.PruneOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #12, scenarios 3 and 14: registering existing data resolves real paths (one registration per real path),
 * and names, links and special files that Cairn cannot store faithfully each get a specific error.
 */
class RegisterSafetyTest {
    @TempDir
    Path home;

    private Cairn cairn;
    private Path store;

    @BeforeEach
    void open() throws IOException {
        cairn = Cairn.open(home);
        store = home.resolve("store").toRealPath();
    }

    @AfterEach
    void close() {
        cairn.close();
    }

    private Path folder(String relative) throws IOException {
        Path folder = Files.createDirectories(store.resolve(relative));
        Files.writeString(folder.resolve("weights.bin"), "0123456789");
        return folder;
    }

    private void assertRefused(Path path, ErrorCode code, String... messageParts) {
        assertThatThrownBy(() -> cairn.client().registerArtifact(path.toUri(), "refused"))
                .isInstanceOfSatisfying(CairnException.class, e -> {
                    assertThat(e.errorCode()).as(e.getMessage()).isEqualTo(code);
                    assertThat(e.getMessage()).contains(messageParts);
                });
        assertThat(cairn.client().listArtifactVersions()).isEmpty();
    }

    @Test
    void theSameFolderThroughASymbolicLinkIsRefusedAsAlreadyRegisteredAndPruneKeepsIt() throws IOException {
        Path data = folder("checkpoints/epoch-1");
        Path link = Files.createSymbolicLink(store.resolve("latest"), data);

        ArtifactVersion first = cairn.client().registerArtifact(link.toUri(), "checkpoint");
        assertThat(first.uri().getPath()).isEqualTo(data.toString()); // recorded by its real path
        assertThatThrownBy(() -> cairn.client().registerArtifact(data.toUri(), "again"))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.getMessage())
                        .contains("already registered as artifact 'checkpoint' version 1"));
        assertThatThrownBy(() -> cairn.client().registerArtifact(store.resolve("checkpoints/../latest/").toUri(), "again"))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.getMessage()).contains("already registered"));

        cairn.client().prune(PruneOptions.builder().includeRegistered(false).build());
        assertThat(data.resolve("weights.bin")).hasContent("0123456789");
    }

    @Test
    void fileNamesWithAColonAreRegisteredAndLoadBack() throws IOException {
        Path data = folder("times");
        Files.writeString(data.resolve("12:30.csv"), "a,b\n");
        Path single = Files.writeString(store.resolve("run:1.txt"), "one");

        ArtifactVersion folder = cairn.client().registerArtifact(data.toUri(), "times");
        ArtifactVersion file = cairn.client().registerArtifact(single.toUri(), "single");

        Path loaded = folder.load();
        assertThat(loaded.resolve("12:30.csv")).hasContent("a,b\n");
        assertThat((Path) file.load()).hasContent("one").hasFileName("run:1.txt");
        folder.verify();
    }

    @Test
    void backslashesAndNewlinesInNamesGetASpecificError() throws IOException {
        Path data = folder("odd");
        Files.writeString(data.resolve("a\\b.txt"), "x");
        assertRefused(data, ErrorCode.INVALID_ARGUMENT, "contains a backslash", "a\\b.txt", "rename");

        Path other = folder("odd2");
        Files.writeString(other.resolve("line\nbreak.txt"), "x");
        assertRefused(other, ErrorCode.INVALID_ARGUMENT, "control character U+000A", "rename");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aNamedPipeIsRefusedInsteadOfBlocking() throws IOException, InterruptedException {
        Path data = folder("pipes");
        Path fifo = data.resolve("stream");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertThat(mkfifo.waitFor()).isZero();

        assertRefused(data, ErrorCode.INVALID_ARGUMENT, fifo.toString(), "not a regular file");
        assertRefused(fifo, ErrorCode.INVALID_ARGUMENT, fifo.toString(), "not a regular file");
    }

    @Test
    void symbolicLinksInsideARegisteredFolderAreRefusedNotDropped() throws IOException {
        Path data = folder("linked");
        Path target = Files.writeString(Files.createDirectories(store.resolve("elsewhere")).resolve("big.bin"), "big");
        Files.createSymbolicLink(data.resolve("big.bin"), target);

        assertRefused(data, ErrorCode.INVALID_ARGUMENT, data.resolve("big.bin").toString(), "symbolic link", target.toString());
    }

    @Test
    void reservedAreasCannotBeRegisteredThroughALink() throws IOException {
        cairn.run(dev.cairn.api.pipeline.Pipeline.define("p", p -> p.call(Steps::one)));
        Path data = Files.createDirectories(store.resolve("data"));
        Path toArtifacts = Files.createSymbolicLink(data.resolve("all"), store.resolve("artifacts"));
        Path toStaging = Files.createSymbolicLink(data.resolve("drafts"), store.resolve(".staging"));
        int before = cairn.client().listArtifactVersions().size();

        assertThatThrownBy(() -> cairn.client().registerArtifact(toArtifacts.toUri(), "x"))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.getMessage()).contains("'artifacts/'", "which Cairn manages"));
        assertThatThrownBy(() -> cairn.client().registerArtifact(toStaging.toUri(), "x"))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.getMessage()).contains("'.staging/'"));
        assertThat(cairn.client().listArtifactVersions()).hasSize(before);
    }

    public static final class Steps {
        @dev.cairn.api.pipeline.Step
        public static int one() {
            return 1;
        }
    }
}
