package dev.cairn.it.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import dev.cairn.api.run.RunStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One engine, 500 runs of {@link EmbeddedSoak}'s mix (Arrow and JSON outputs, registered-folder inputs, failing steps,
 * cancelled runs, cached re-runs, prunes): nothing it holds may grow.
 *
 * <p>Samples are taken after 25 warm-up runs (which start the engine's pools and load every class the mix uses) and
 * after the 500 runs; then after closing, against the process before the engine opened. That "before" is taken after
 * a first engine in another home has run the mix briefly and closed, because what the JVM opens for good on first use
 * (class-path jars the class loader keeps open, the SQLite native library) is not the engine's to release. Slack: live
 * threads may grow
 * by {@value #THREAD_SLACK} (the JVM adds JIT compiler threads on demand, {@code -XX:+UseDynamicNumberOfCompilerThreads},
 * and may start a {@code Common-Cleaner} or {@code Attach Listener}); SQLite's pooled read connections (and their
 * descriptors) follow the peak of concurrent reads, bounded by the threads that read; every other descriptor, temp-root
 * entries and Arrow bytes may not grow at all.
 */
class EmbeddedSoakTest {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSoakTest.class);
    static final int THREAD_SLACK = 3;
    static final int RUNS = 500;
    /** Threads that may read the metadata at once in this soak: 2 workers, the caller, the lease timer, the cache look-ahead. */
    static final int MAX_CONCURRENT_READERS = 5;

    @Test
    void fiveHundredRunsInOneEngineLeakNothing(@TempDir Path home, @TempDir Path firstHome) throws Exception {
        try (EmbeddedSoak first = EmbeddedSoak.open(firstHome)) {
            first.run(10);
        }
        long fdsBeforeOpen = EmbeddedSoak.descriptors();
        int threadsBeforeOpen = EmbeddedSoak.liveThreads();
        EmbeddedSoak.Sample before;
        EmbeddedSoak.Sample after;
        long databaseFdsBefore;
        long databaseFdsAfter;
        Path database = home.resolve("metadata.db");
        EmbeddedSoak soak = EmbeddedSoak.open(home);
        try {
            soak.run(25);
            before = soak.sample(false);
            databaseFdsBefore = EmbeddedSoak.descriptorsOfDatabase(database);
            soak.run(RUNS);
            after = soak.sample(false);
            databaseFdsAfter = EmbeddedSoak.descriptorsOfDatabase(database);
            LOG.info("soak before: {}", before);
            LOG.info("soak after:  {}", after);
            assertThat(soak.statuses()).containsEntry(RunStatus.CANCELLED, 105).containsEntry(RunStatus.FAILED, 105)
                    .containsEntry(RunStatus.COMPLETED, 315);
            assertThat(soak.prunedVersions()).as("prunes deleted something").isPositive();
        } finally {
            soak.close();
        }
        // SQLite's read connections are pooled and opened on demand, so their number follows the peak of concurrent reads
        // (at most one per thread that reads: 2 workers, the caller, the lease timer, the cache look-ahead), not the runs;
        // every other descriptor may not grow at all
        assertThat(after.descriptors() - databaseFdsAfter).as("open descriptors other than the metadata connections' (%d before, %d after)",
                databaseFdsBefore, databaseFdsAfter).isLessThanOrEqualTo(before.descriptors() - databaseFdsBefore);
        assertThat(after.threads()).as("live threads").isLessThanOrEqualTo(before.threads() + THREAD_SLACK);
        assertThat(after.tempRootEntries()).as("entries under the temp root").isLessThanOrEqualTo(before.tempRootEntries());
        assertThat(after.arrowBytes()).as("Arrow bytes").isZero();
        assertThat(after.metadataConnections()).as("metadata connections (one writer, pooled readers)")
                .isLessThanOrEqualTo(Math.max(before.metadataConnections(), 1 + MAX_CONCURRENT_READERS));

        assertThat(EmbeddedSoak.entries(home.resolve("tmp"))).as("temp root after close").isZero();
        assertThat(EmbeddedSoak.descriptorsOn(home.resolve("metadata.db").toRealPath())).as("metadata connections after close").isZero();
        assertThat(EmbeddedSoak.descriptors()).as("descriptors after close vs before open").isLessThanOrEqualTo(fdsBeforeOpen);
        assertThat(EmbeddedSoak.liveThreads()).as("threads after close vs before open").isLessThanOrEqualTo(threadsBeforeOpen + THREAD_SLACK);
        assertThat(soak.arrow().allocator().getChildAllocators()).as("Arrow allocators after close").isEmpty();
    }
}
