package dev.cairn.engine.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.ArtifactType;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.lifecycle.PruneOptions;
import dev.cairn.api.lifecycle.PruneReport;
import dev.cairn.api.metadata.NewArtifactVersion;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.PipelineOptions;
import dev.cairn.api.pipeline.Ref;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.engine.metadata.sqlite.SqliteMetadataStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PruneTest {
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

    public static final class Steps {
        @Step
        public static List<Integer> produce() {
            return List.of(1, 2, 3);
        }

        @Step
        public static int consume(List<Integer> values) {
            return values.size();
        }

        @Step
        public static int loadsInside() {
            List<Integer> values = dev.cairn.api.StepContext.current().client().getArtifactVersion("other::produce::output").load();
            return values.size();
        }
    }

    /** produce → consume, caching off: produce's output has a consumer, consume's output is unused. */
    private PipelineRun uncachedRun() {
        return cairn.run(Pipeline.define("uncached", p -> {
            Ref<List<Integer>> values = p.call(Steps::produce);
            p.call(Steps::consume, values);
        }).withOptions(PipelineOptions.builder().enableCache(false).build()));
    }

    /** The same steps with caching on: both outputs are cache entries. */
    private PipelineRun cachedRun() {
        return cairn.run(Pipeline.define("cached", p -> {
            Ref<List<Integer>> values = p.call(Steps::produce);
            p.call(Steps::consume, values);
        }));
    }

    private static PruneOptions.Builder options() {
        return PruneOptions.builder();
    }

    private static Path path(ArtifactVersion version) {
        return Path.of(version.uri());
    }

    @Test
    void deletesOnlyVersionsNoStepConsumedAndNoCacheEntryHolds() throws IOException {
        PipelineRun uncached = uncachedRun();
        PipelineRun cached = cachedRun();
        ArtifactVersion consumed = uncached.step("produce").output("output");
        ArtifactVersion unused = uncached.step("consume").output("output");
        ArtifactVersion cacheEntry = cached.step("consume").output("output");
        Path unusedFiles = path(unused);
        assertThat(unusedFiles).isDirectory();

        PruneReport report = cairn.client().prune(PruneOptions.defaults());

        assertThat(report.versions()).extracting(PruneReport.PrunedVersion::id).containsExactly(unused.id());
        assertThat(report.bytes()).isEqualTo(unused.size()).isPositive();
        assertThat(report.dryRun()).isFalse();
        assertThat(unusedFiles).doesNotExist();
        assertThatThrownBy(() -> cairn.client().getArtifactVersion(unused.id()))
                .extracting(e -> ((CairnException) e).errorCode()).isEqualTo(ErrorCode.ARTIFACT_NOT_FOUND);
        assertThat((List<Integer>) cairn.client().getArtifactVersion(consumed.id()).load()).containsExactly(1, 2, 3);
        assertThat((int) cairn.client().getArtifactVersion(cacheEntry.id()).load()).isEqualTo(3);
        // the run still reads; the pruned output is simply gone from it
        assertThat(cairn.client().getPipelineRun(uncached.id()).step("consume").outputs()).isEmpty();
        // a second prune finds nothing
        assertThat(cairn.client().prune(PruneOptions.defaults()).versions()).isEmpty();
        // and the cache entry still serves a hit
        assertThat(cachedRun().step("consume").status()).isEqualTo(dev.cairn.api.run.StepStatus.CACHED);
    }

    @Test
    void aVersionLoadedInsideAStepOrUsedAsAnExternalInputIsKept() {
        PipelineOptions noCache = PipelineOptions.builder().enableCache(false).build();
        ArtifactVersion unused = uncachedRun().step("consume").output("output");
        ArtifactVersion external = cairn.run(Pipeline.define("external_source", p -> p.call(Steps::produce)).withOptions(noCache))
                .step("produce").output("output");
        ArtifactVersion loadedInside = cairn.run(Pipeline.define("other", p -> p.call(Steps::produce)).withOptions(noCache))
                .step("produce").output("output");
        cairn.run(Pipeline.define("external", p -> p.call(Steps::consume, p.artifact(external.name(), external.version()))).withOptions(noCache));
        cairn.run(Pipeline.define("inside", p -> p.call(Steps::loadsInside)).withOptions(noCache));
        PruneReport report = cairn.client().prune(PruneOptions.builder().dryRun(true).build());
        assertThat(report.versions()).extracting(PruneReport.PrunedVersion::id).contains(unused.id())
                .doesNotContain(external.id(), loadedInside.id());
    }

    @Test
    void dryRunReportsWithoutDeleting() {
        ArtifactVersion unused = uncachedRun().step("consume").output("output");
        PruneReport report = cairn.client().prune(options().dryRun(true).build());
        assertThat(report.dryRun()).isTrue();
        assertThat(report.versions()).extracting(PruneReport.PrunedVersion::id).containsExactly(unused.id());
        assertThat(report.bytes()).isEqualTo(unused.size());
        assertThat(path(unused)).isDirectory();
        assertThat((int) cairn.client().getArtifactVersion(unused.id()).load()).isEqualTo(3);
    }

    @Test
    void onlyMetadataKeepsTheFiles() {
        ArtifactVersion unused = uncachedRun().step("consume").output("output");
        PruneReport report = cairn.client().prune(options().onlyMetadata(true).build());
        assertThat(report.versions()).hasSize(1);
        assertThat(path(unused)).isDirectory();
        assertThat(cairn.client().listArtifactVersions()).extracting(ArtifactVersion::id).doesNotContain(unused.id());
    }

    @Test
    void onlyArtifactKeepsTheMetadataAndARerunReportsNothingTwice() {
        ArtifactVersion unused = uncachedRun().step("consume").output("output");
        PruneReport report = cairn.client().prune(options().onlyArtifact(true).build());
        assertThat(report.versions()).extracting(PruneReport.PrunedVersion::id).containsExactly(unused.id());
        assertThat(path(unused)).doesNotExist();
        ArtifactVersion kept = cairn.client().getArtifactVersion(unused.id());
        assertThatThrownBy(kept::load).extracting(e -> ((CairnException) e).errorCode()).isEqualTo(ErrorCode.INTEGRITY_VIOLATION);
        assertThat(cairn.client().prune(options().onlyArtifact(true).build()).versions()).isEmpty();
    }

    @Test
    void bothOnlyFlagsOrNoThreadsAreRefused() {
        assertThatThrownBy(() -> options().onlyArtifact(true).onlyMetadata(true).build())
                .hasMessageContaining("exclude each other")
                .extracting(e -> ((CairnException) e).errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThatThrownBy(() -> options().threads(0).build())
                .extracting(e -> ((CairnException) e).errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThatThrownBy(() -> options().abandonedAge(Duration.ofSeconds(-1)).build())
                .extracting(e -> ((CairnException) e).errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    }

    @Test
    void registeredDataIsKeptUnlessIncluded() throws IOException {
        Path data = Files.createDirectories(store.resolve("external"));
        Files.writeString(data.resolve("a.bin"), "12345");
        ArtifactVersion registered = cairn.client().registerArtifact(data.toUri(), "external");
        Path sidecar = store.resolve(".cairn-registered/" + registered.id());

        assertThat(cairn.client().prune(PruneOptions.defaults()).versions()).isEmpty();
        assertThat(data.resolve("a.bin")).exists();

        PruneReport report = cairn.client().prune(options().includeRegistered(true).build());
        assertThat(report.versions()).singleElement().satisfies(v -> {
            assertThat(v.registered()).isTrue();
            assertThat(v.size()).isEqualTo(5);
        });
        assertThat(data).doesNotExist();
        assertThat(sidecar).doesNotExist();
    }

    @Test
    void registeredDataOverlappingAKeptRegisteredVersionIsKept() throws IOException {
        Path folder = Files.createDirectories(store.resolve("ckpts"));
        Files.writeString(folder.resolve("1.bin"), "1");
        ArtifactVersion whole = cairn.client().registerArtifact(folder.toUri(), "all_checkpoints");
        ArtifactVersion one = cairn.client().registerArtifact(folder.resolve("1.bin").toUri(), "checkpoint");
        cairn.run(Pipeline.define("reads_checkpoint", p -> p.call(RegisterArtifactTest.Steps::checkpointSize, p.artifact("checkpoint"))));

        PruneReport report = cairn.client().prune(options().includeRegistered(true).build());

        assertThat(report.versions()).extracting(PruneReport.PrunedVersion::id).doesNotContain(whole.id(), one.id());
        assertThat(folder.resolve("1.bin")).exists();
    }

    @Test
    void staleReservedVersionsAndAbandonedDraftsAreRemoved() throws IOException {
        UUID pendingId = UUID.randomUUID();
        try (SqliteMetadataStore second = SqliteMetadataStore.open(home.resolve("metadata.db"))) {
            second.reserveArtifactVersion(NewArtifactVersion.builder().id(pendingId).name("crashed").storeUri(store.toUri())
                    .dataType("java.lang.Integer").materializerId("cairn.json").materializerVersion("1").artifactType(ArtifactType.DATA)
                    .contentHash("0".repeat(64)).size(1).createdAt(Instant.now().minus(Duration.ofDays(2))).build());
            UUID freshId = UUID.randomUUID();
            second.reserveArtifactVersion(NewArtifactVersion.builder().id(freshId).name("writing").storeUri(store.toUri())
                    .dataType("java.lang.Integer").materializerId("cairn.json").materializerVersion("1").artifactType(ArtifactType.DATA)
                    .contentHash("0".repeat(64)).size(1).createdAt(Instant.now()).build());
            Path crashedDirectory = Files.createDirectories(store.resolve(dev.cairn.engine.artifacts.ArtifactNames.directory("crashed", "1", pendingId)));
            Files.writeString(crashedDirectory.resolve("data.json"), "1");
            Path oldDraft = Files.createDirectories(store.resolve(".staging/old-draft"));
            Files.setLastModifiedTime(oldDraft, FileTime.from(Instant.now().minus(Duration.ofDays(3))));
            Path newDraft = Files.createDirectories(store.resolve(".staging/new-draft"));

            PruneReport report = cairn.client().prune(PruneOptions.defaults());

            assertThat(report.pendingVersions()).isEqualTo(1);
            assertThat(report.abandonedDrafts()).isEqualTo(1);
            assertThat(crashedDirectory).doesNotExist();
            assertThat(oldDraft).doesNotExist();
            assertThat(newDraft).exists();
            assertThat(second.listPendingArtifactVersions(Instant.now().plusSeconds(1))).extracting(r -> r.id()).containsExactly(freshId);
        }
    }

    @Test
    void aPruneThatStoppedAfterDeletingMetadataIsFinishedByTheNextOne() {
        ArtifactVersion unused = uncachedRun().step("consume").output("output");
        try (SqliteMetadataStore second = SqliteMetadataStore.open(home.resolve("metadata.db"))) {
            // what a prune that crashed right after its metadata transaction leaves behind
            assertThat(second.deleteArtifactVersions(List.of(unused.id()), false, Instant.EPOCH, true)).hasSize(1);
            assertThat(path(unused)).isDirectory();
            assertThat(second.listArtifactDeletions()).hasSize(1);

            PruneReport report = cairn.client().prune(PruneOptions.defaults());

            assertThat(report.resumedDeletions()).isEqualTo(1);
            assertThat(path(unused)).doesNotExist();
            assertThat(second.listArtifactDeletions()).isEmpty();
        }
    }

    @Test
    void aFileThatCannotBeDeletedStopsThePruneOrIsReportedWithIgnoreErrors() throws IOException {
        PipelineRun first = uncachedRun();
        ArtifactVersion blocked = first.step("consume").output("output");
        ArtifactVersion other = cairn.run(Pipeline.define("other", p -> p.call(Steps::produce))
                .withOptions(PipelineOptions.builder().enableCache(false).build())).step("produce").output("output");
        // the blocked version's name directory becomes a link out of the store, which the store refuses to delete through
        Path nameDirectory = path(blocked).getParent();
        Path moved = home.resolve("moved");
        Files.move(nameDirectory, moved);
        Files.createSymbolicLink(nameDirectory, moved);

        assertThatThrownBy(() -> cairn.client().prune(PruneOptions.defaults()))
                .hasMessageContaining("could not be deleted").hasMessageContaining("prune again")
                .extracting(e -> ((CairnException) e).errorCode()).isEqualTo(ErrorCode.STORE_FAILURE);
        assertThat(path(other)).doesNotExist(); // the rest of the batch went

        PruneReport ignoring = cairn.client().prune(options().ignoreErrors(true).build());
        assertThat(ignoring.errors()).singleElement().asString().contains(blocked.name());
        assertThat(ignoring.resumedDeletions()).isZero();

        Files.delete(nameDirectory);
        Files.move(moved, nameDirectory);
        PruneReport finished = cairn.client().prune(PruneOptions.defaults());
        assertThat(finished.resumedDeletions()).isEqualTo(1);
        assertThat(finished.errors()).isEmpty();
        assertThat(path(blocked)).doesNotExist();
    }

    @Test
    void manyThreadsDeleteEverythingAndReportProgress() {
        for (int i = 0; i < 5; i++) {
            uncachedRun();
        }
        java.util.concurrent.atomic.AtomicLong lastDone = new java.util.concurrent.atomic.AtomicLong();
        PruneReport report = cairn.client().prune(options().threads(4)
                .progress((phase, done, total, bytes) -> lastDone.accumulateAndGet(done, Math::max)).build());
        assertThat(report.versions()).hasSize(5);
        assertThat(lastDone.get()).isEqualTo(5);
        assertThat(report.versions()).allSatisfy(v -> assertThat(Path.of(v.uri())).doesNotExist());
    }

    static URI uri(Path path) {
        return path.toUri();
    }
}
