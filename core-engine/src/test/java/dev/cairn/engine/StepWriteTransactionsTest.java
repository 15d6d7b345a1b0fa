package dev.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import dev.cairn.api.Cairn;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Ref;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunStatus;
import dev.cairn.api.run.StepRun;
import dev.cairn.api.run.StepStatus;
import dev.cairn.engine.metadata.sqlite.SqliteMetadataStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metadata writes of a step on the embedded SQLite store, counted as committed write transactions (issue #18: the
 * per-step overhead is mostly commits). A computed step with one output commits three: its cache lease, the reservation
 * of its output version ({@code PENDING}, before the data is renamed into place, so a crash never leaves data without a
 * row), and its completion (the output made {@code READY} with the step's record, lineage and the lease's release). A
 * cached step is written with others in batches. A cached step's SQL statements are counted too: its four rows (the
 * run's {@code PENDING} row, then its final row, its input and its output); its cache lookup goes with those of the
 * steps below it in one query, from keys predicted from the run that computed them, and the run's status is checked
 * once per batch of completions.
 */
class StepWriteTransactionsTest {
    private static final int STEPS = 60;

    @TempDir
    Path home;

    public static final class Steps {
        @Step
        public static int start(int value) {
            return value;
        }

        @Step
        public static int next(int value) {
            return value + 1;
        }
    }

    private static Pipeline chain() {
        return chain(STEPS);
    }

    private static Pipeline chain(int steps) {
        return Pipeline.define("write_transactions_chain_" + steps, p -> {
            Ref<Integer> value = p.call(Steps::start, Param.of(0));
            for (int i = 1; i < steps; i++) {
                value = p.call(Steps::next, value);
            }
        });
    }

    @Test
    void aComputedStepCommitsThreeWriteTransactionsAndCachedStepsAreBatched() {
        try (Cairn cairn = Cairn.builder().home(home).parallelism(1).build()) {
            long before = SqliteMetadataStore.committedWriteTransactions();
            PipelineRun computed = cairn.run(chain());
            long computedWrites = SqliteMetadataStore.committedWriteTransactions() - before;
            assertThat(computed.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(computed.steps()).extracting(StepRun::status).containsOnly(StepStatus.COMPLETED);
            // the run's own record and its end, a few more for its bookkeeping; three per step
            assertThat(computedWrites).as("write transactions of a %d-step run", STEPS).isBetween(3L * STEPS, 3L * STEPS + 6);

            before = SqliteMetadataStore.committedWriteTransactions();
            PipelineRun cached = cairn.run(chain());
            long cachedWrites = SqliteMetadataStore.committedWriteTransactions() - before;
            assertThat(cached.steps()).extracting(StepRun::status).containsOnly(StepStatus.CACHED);
            assertThat(cachedWrites).as("write transactions of a fully cached %d-step run", STEPS).isLessThanOrEqualTo(10);
        }
    }

    @Test
    void aCachedStepCostsItsFourRowWritesAndAFractionOfALookup() {
        int steps = 300; // more than a batch of cached completions (256), so one is written off the scheduler's path
        try (Cairn cairn = Cairn.builder().home(home).parallelism(1).build()) {
            PipelineRun computed = cairn.run(chain(steps));
            assertThat(computed.steps()).extracting(StepRun::status).containsOnly(StepStatus.COMPLETED);

            long before = SqliteMetadataStore.executedStatements();
            PipelineRun cached = cairn.run(chain(steps));
            long statements = SqliteMetadataStore.executedStatements() - before; // (before the read-back below)

            assertThat(cached.steps()).extracting(StepRun::status).containsOnly(StepStatus.CACHED);
            for (int i = 0; i < steps; i++) {
                assertThat(cached.steps().get(i).cachedFrom()).as("step %d", i).contains(computed.steps().get(i).id());
            }
            // the batches written off the scheduler's path are all in the store when the run returns
            assertThat(cairn.client().listStepRuns(cached.id())).hasSize(steps)
                    .allSatisfy(step -> assertThat(step.status()).isEqualTo(StepStatus.CACHED));
            // 4 rows per step, a lookup per 32 steps and a prediction per 256, a status check per batch of 256, and the
            // run's own few statements (record, heartbeat, end); a lookup and a status check per step would be 6 per step
            assertThat((double) statements / steps).as("statements per cached step (%d in all)", statements).isLessThan(4.3);
        }
    }
}
