package dev.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import dev.cairn.api.Cairn;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.StepStatus;
import dev.cairn.engine.metadata.sqlite.SqliteMetadataStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lease that keeps two processes from computing one step twice: exclusive, renewable, and expiring. */
class CacheLeaseTest {
    public static final class Steps {
        @Step
        public static String work(String input) {
            return input.toUpperCase(java.util.Locale.ROOT);
        }
    }

    @Test
    void leaseIsExclusiveUntilReleasedOrExpired(@TempDir Path dir) throws InterruptedException {
        try (SqliteMetadataStore first = SqliteMetadataStore.open(dir.resolve("metadata.db"));
                SqliteMetadataStore second = SqliteMetadataStore.open(dir.resolve("metadata.db"))) {
            Instant later = Instant.now().plusSeconds(60);
            assertThat(first.tryAcquireCacheLease("key", "a", later)).isTrue();
            assertThat(second.tryAcquireCacheLease("key", "b", later)).as("held by a").isFalse();
            assertThat(first.tryAcquireCacheLease("key", "a", later)).as("re-entrant for its holder").isTrue();
            assertThat(second.renewCacheLease("key", "b", later)).as("b does not hold it").isFalse();
            assertThat(first.renewCacheLease("key", "a", later)).isTrue();
            second.releaseCacheLease("key", "b");
            assertThat(second.tryAcquireCacheLease("key", "b", later)).as("a release by a non-holder does nothing").isFalse();
            first.releaseCacheLease("key", "a");
            assertThat(second.tryAcquireCacheLease("key", "b", later)).as("released").isTrue();

            assertThat(first.tryAcquireCacheLease("other", "crashed", Instant.now().plusMillis(100))).isTrue();
            assertThat(second.tryAcquireCacheLease("other", "b", later)).isFalse();
            Thread.sleep(200);
            assertThat(second.tryAcquireCacheLease("other", "b", later)).as("an expired lease is taken over").isTrue();
        }
    }

    @Test
    void stepWaitsForACrashedHoldersLeaseToExpireThenRuns(@TempDir Path home) {
        // Another process took the lease on this step's cache key and then died without releasing it.
        Pipeline changed = Pipeline.define("leased", p -> p.call(Steps::work, Param.of("y")));
        try (Cairn cairn = Cairn.builder().home(home).cacheLeaseTimeout(Duration.ofMillis(300)).build();
                SqliteMetadataStore other = SqliteMetadataStore.open(home.resolve("metadata.db"))) {
            String changedKey = keyOf(home, changed);
            assertThat(other.tryAcquireCacheLease(changedKey, "dead-process", Instant.now().plusMillis(700))).isTrue();
            long start = System.nanoTime();
            PipelineRun run = cairn.run(changed);
            long waitedMillis = (System.nanoTime() - start) / 1_000_000;
            assertThat(run.step("work").status()).isEqualTo(StepStatus.COMPLETED);
            assertThat(waitedMillis).as("waited for the dead holder's lease to expire").isGreaterThanOrEqualTo(400);
            assertThat((String) run.step("work").output("output").load()).isEqualTo("Y");
        }
    }

    private static String readKey(Path home, PipelineRun run) {
        try (SqliteMetadataStore store = SqliteMetadataStore.open(home.resolve("metadata.db"))) {
            return store.listStepRuns(run.id()).get(0).cacheKey().orElseThrow();
        }
    }

    /** The cache key the engine computes for a pipeline's only step, found by running it once in a scratch home. */
    private static String keyOf(Path home, Pipeline pipeline) {
        Path scratch = home.resolve("scratch");
        try (Cairn cairn = Cairn.builder().home(scratch).build()) {
            PipelineRun run = cairn.run(pipeline);
            return readKey(scratch, run);
        }
    }
}
