package dev.cairn.engine.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.cairn.api.Cairn;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.lifecycle.PruneOptions;
import dev.cairn.api.lifecycle.PruneReport;
import dev.cairn.api.spi.MetricsReporter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A prune makes its deletions durable with one {@code fsync} per directory whose entries it removed, not one per file
 * or version, before it clears the tombstones: here five versions go from two names, and exactly two directories are
 * forced — {@code artifacts/kept/}, which loses two of its three versions, and {@code artifacts/}, which loses the
 * emptied {@code artifacts/gone/}. The {@code fsync}s are counted in the engine's metrics as
 * {@value Pruner#DIRECTORY_FSYNCS}, the counter users see.
 */
class PruneDirectorySyncTest {
    @TempDir
    Path home;

    @Test
    void eachDirectoryThePruneRemovedEntriesFromIsForcedOnce() throws Exception {
        Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
        MetricsReporter metrics = new MetricsReporter() {
            @Override
            public void count(String name, long amount) {
                counters.computeIfAbsent(name, key -> new AtomicLong()).addAndGet(amount);
            }

            @Override
            public void time(String name, Duration duration) {}
        };
        try (Cairn cairn = Cairn.builder().home(home).metrics(metrics).build()) {
            List<ArtifactVersion> gone = new ArrayList<>();
            List<ArtifactVersion> kept = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                gone.add(cairn.client().save("gone " + i, "gone"));
                kept.add(cairn.client().save("kept " + i, "kept"));
            }
            Path artifacts = home.resolve("store/artifacts").toRealPath();
            assertThat(artifacts.resolve("gone")).isDirectory();
            List<java.util.UUID> doomed = new ArrayList<>(gone.stream().map(ArtifactVersion::id).toList());
            doomed.add(kept.get(0).id());
            doomed.add(kept.get(2).id());

            PruneReport report = cairn.client().prune(PruneOptions.builder().onlyVersions(doomed).threads(3).build());

            assertThat(report.versions()).extracting(PruneReport.PrunedVersion::id).containsExactlyInAnyOrderElementsOf(doomed);
            assertThat(artifacts.resolve("gone")).doesNotExist();
            for (ArtifactVersion version : List.of(kept.get(0), kept.get(2))) {
                assertThat(Path.of(version.uri())).doesNotExist();
            }
            assertThat(Path.of(kept.get(1).uri())).isDirectory();
            assertThat((String) cairn.client().getArtifactVersion(kept.get(1).id()).load()).isEqualTo("kept 1");
            try (var left = Files.list(artifacts.resolve("kept"))) {
                assertThat(left.toList()).containsExactly(Path.of(kept.get(1).uri()));
            }
            assertThat(counters.get(Pruner.DIRECTORY_FSYNCS)).as(counters.toString()).hasValue(2);

            cairn.client().prune(PruneOptions.defaults()); // deletes the last version of "kept": its directory goes, artifacts/ is forced
            assertThat(artifacts.resolve("kept")).doesNotExist();
            assertThat(counters.get(Pruner.DIRECTORY_FSYNCS)).as(counters.toString()).hasValue(3);
        }
    }
}
