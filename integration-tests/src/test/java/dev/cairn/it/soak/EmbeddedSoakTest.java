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
 * and may start a {@code Common-Cleaner} or {@code Attach Listener}); descriptors, temp-root entries, Arrow bytes and
 * metadata connections may not grow at all.
 */
class EmbeddedSoakTest {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSoakTest.class);
    static final int THREAD_SLACK = 3;
    static final int RUNS = 500;

    @Test
    void fiveHundredRunsInOneEngineLeakNothing(@TempDir Path home, @TempDir Path firstHome) throws Exception {
        try (EmbeddedSoak first = EmbeddedSoak.open(firstHome)) {
            first.run(10);
        }
        long fdsBeforeOpen = EmbeddedSoak.descriptors();
        int threadsBeforeOpen = EmbeddedSoak.liveThreads();
        EmbeddedSoak.Sample before;
        EmbeddedSoak.Sample after;
        EmbeddedSoak soak = EmbeddedSoak.open(home);
        try {
            soak.run(25);
            before = soak.sample(false);
            soak.run(RUNS);
            after = soak.sample(false);
            LOG.info("soak before: {}", before);
            LOG.info("soak after:  {}", after);
            assertThat(soak.statuses()).containsEntry(RunStatus.CANCELLED, 105).containsEntry(RunStatus.FAILED, 105)
                    .containsEntry(RunStatus.COMPLETED, 315);
            assertThat(soak.prunedVersions()).as("prunes deleted something").isPositive();
        } finally {
            soak.close();
        }
        assertThat(after.descriptors()).as("open descriptors").isLessThanOrEqualTo(before.descriptors());
        assertThat(after.threads()).as("live threads").isLessThanOrEqualTo(before.threads() + THREAD_SLACK);
        assertThat(after.tempRootEntries()).as("entries under the temp root").isLessThanOrEqualTo(before.tempRootEntries());
        assertThat(after.arrowBytes()).as("Arrow bytes").isZero();
        assertThat(after.metadataConnections()).as("metadata connections").isLessThanOrEqualTo(before.metadataConnections());

        assertThat(EmbeddedSoak.entries(home.resolve("tmp"))).as("temp root after close").isZero();
        assertThat(EmbeddedSoak.descriptorsOn(home.resolve("metadata.db").toRealPath())).as("metadata connections after close").isZero();
        assertThat(EmbeddedSoak.descriptors()).as("descriptors after close vs before open").isLessThanOrEqualTo(fdsBeforeOpen);
        assertThat(EmbeddedSoak.liveThreads()).as("threads after close vs before open").isLessThanOrEqualTo(threadsBeforeOpen + THREAD_SLACK);
        assertThat(soak.arrow().allocator().getChildAllocators()).as("Arrow allocators after close").isEmpty();
    }
}
