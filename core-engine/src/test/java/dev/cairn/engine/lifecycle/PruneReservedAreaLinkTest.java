package dev.cairn.engine.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnException;
import dev.cairn.api.lifecycle.PruneOptions;
import dev.cairn.api.lifecycle.PruneReport;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.RunStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #12, scenario 1, through the engine: a home whose {@code store/.staging} was replaced by a symbolic link to a
 * folder of the user's: prune refuses to treat that folder's old entries as abandoned drafts, and a run refuses to write
 * drafts there; nothing outside the store is touched.
 */
class PruneReservedAreaLinkTest {
    @TempDir
    Path temp;

    public static final class Steps {
        @Step
        public static int one() {
            return 1;
        }
    }

    @Test
    void pruneAndRunsRefuseALinkedStagingAreaAndLeaveTheLinkedFolderAlone() throws IOException {
        Path home = temp.resolve("home");
        Path documents = Files.createDirectories(temp.resolve("documents/thesis"));
        Files.writeString(documents.resolve("chapter1.tex"), "years of work");
        FileTime old = FileTime.from(Instant.now().minus(Duration.ofDays(30)));
        Files.setLastModifiedTime(documents.resolve("chapter1.tex"), old);
        Files.setLastModifiedTime(documents, old);
        try (Cairn cairn = Cairn.open(home)) {
            Path staging = home.resolve("store/.staging");
            Files.delete(staging);
            Files.createSymbolicLink(staging, documents.getParent());

            assertThatThrownBy(() -> cairn.client().prune(PruneOptions.defaults()))
                    .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.getMessage())
                            .contains("staging area").contains("is a symbolic link to " + documents.getParent()));
            PruneReport report = cairn.client().prune(PruneOptions.builder().ignoreErrors(true).build());
            assertThat(report.abandonedDrafts()).isZero();
            assertThat(report.errors()).singleElement().asString().contains("symbolic link");

            var run = cairn.run(Pipeline.define("p", p -> p.call(Steps::one)));
            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            assertThat(run.step("one").error()).hasValueSatisfying(error -> assertThat(error).contains("PATH_OUTSIDE_STORE"));
        }
        assertThat(documents.resolve("chapter1.tex")).hasContent("years of work");
        try (var entries = Files.list(documents.getParent())) {
            assertThat(entries).containsExactly(documents);
        }
    }
}
