package dev.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import dev.cairn.api.Cairn;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Ref;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.StepRun;
import dev.cairn.api.run.StepStatus;
import dev.cairn.engine.metadata.sqlite.SqliteMetadataStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQL statements of a cached step on the embedded SQLite store (issue #18: a fully cached re-run of a chain costs
 * its statements one after another). A cached step must write its record (the run's {@code PENDING} row, then its final
 * row, its input and its output: four rows); its cache lookup goes with those of the steps below it in one query, from
 * keys predicted from the run that computed them, and the run's status is checked once per batch of completions.
 */
class CachedStepStatementsTest {
    private static final int STEPS = 300;

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
        return Pipeline.define("cached_statements_chain", p -> {
            Ref<Integer> value = p.call(Steps::start, Param.of(0));
            for (int i = 1; i < STEPS; i++) {
                value = p.call(Steps::next, value);
            }
        });
    }

    @Test
    void aCachedStepCostsItsFourRowWritesAndAFractionOfALookup() {
        try (Cairn cairn = Cairn.builder().home(home).parallelism(1).build()) {
            PipelineRun computed = cairn.run(chain());
            assertThat(computed.steps()).extracting(StepRun::status).containsOnly(StepStatus.COMPLETED);

            long before = SqliteMetadataStore.executedStatements();
            PipelineRun cached = cairn.run(chain());
            long statements = SqliteMetadataStore.executedStatements() - before;
            // (counted before the read-back below)

            assertThat(cached.steps()).extracting(StepRun::status).containsOnly(StepStatus.CACHED);
            for (int i = 0; i < STEPS; i++) {
                assertThat(cached.steps().get(i).cachedFrom()).as("step %d", i).contains(computed.steps().get(i).id());
            }
            // 4 rows per step, a lookup per 32 steps and a prediction per 256, a status check per 256, and the run's own
            // few statements (record, heartbeat, end); one lookup and one status check per step would be 6 per step
            // the batches written off the scheduler's path are all in the store when the run returns
            assertThat(cairn.client().listStepRuns(cached.id())).hasSize(STEPS)
                    .allSatisfy(step -> assertThat(step.status()).isEqualTo(StepStatus.CACHED));
            assertThat((double) statements / STEPS).as("statements per cached step (%d in all)", statements).isLessThan(4.3);
        }
    }
}
