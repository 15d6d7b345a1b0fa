package dev.cairn.engine.metadata.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import dev.cairn.api.Cairn;
import dev.cairn.api.metadata.MetadataStore;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Ref;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.StepStatus;
import dev.cairn.api.spi.CairnPlugin;
import dev.cairn.api.spi.MetadataStoreProvider;
import dev.cairn.api.spi.StoreContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The round trips to PostgreSQL that a computed step of a chain costs, counted on the store's connections
 * ({@link RoundTripCounter}): the difference between a long and a short chain, divided by the steps between them, so
 * what a run costs once (recording the run, finishing it) drops out. A change that adds a round trip to the step path
 * fails this test.
 */
class RoundTripsPerStepTest {
    /**
     * Lookup with the lease (taken by the server because the key has no result); reservation (name lock, insert numbered
     * by the server, COMMIT: one round trip); completion (status check, writes and their checks run by the server, COMMIT:
     * one round trip).
     */
    static final long ROUND_TRIPS_PER_COMPUTED_STEP = 3;

    public static final class Steps {
        @Step
        public static int source(int seed) {
            return seed;
        }

        @Step
        public static int next(int value) {
            return value + 1;
        }
    }

    static Pipeline chain(String name, int steps, int seed) {
        return Pipeline.define(name, p -> {
            Ref<Integer> value = p.call(Steps::source, Param.of(seed));
            for (int i = 1; i < steps; i++) {
                value = p.call(Steps::next, value);
            }
        });
    }

    /** Opens a counting PostgreSQL store for {@code counting:} metadata URIs, on the database given. */
    record CountingProvider(URI database, AtomicReference<PostgresMetadataStore> opened) implements MetadataStoreProvider {
        @Override
        public Set<String> schemes() {
            return Set.of("counting");
        }

        @Override
        public MetadataStore open(URI uri, StoreContext context) {
            PostgresMetadataStore store = PostgresMetadataStore.openCountingRoundTrips(PostgresLocation.parse(database, System::getenv));
            opened.set(store);
            return store;
        }
    }

    record Plugin(MetadataStoreProvider provider) implements CairnPlugin {
        @Override
        public String name() {
            return "counting-postgresql";
        }

        @Override
        public List<MetadataStoreProvider> metadataStoreProviders() {
            return List.of(provider);
        }
    }

    @Test
    void aComputedStepOfAChainCostsThreeRoundTrips(@TempDir Path home) {
        AtomicReference<PostgresMetadataStore> store = new AtomicReference<>();
        URI database = TestingPostgres.server().newDatabase();
        try (Cairn cairn = Cairn.builder().home(home).metadata(URI.create("counting:db"))
                .plugin(new Plugin(new CountingProvider(database, store))).build()) {
            cairn.run(chain("warm-up", 5, 1)); // statements prepared, pool connections open
            long[] perRun = new long[2];
            int[] lengths = {10, 40};
            for (int i = 0; i < lengths.length; i++) {
                long before = store.get().roundTrips();
                PipelineRun run = cairn.run(chain("chain-" + lengths[i], lengths[i], 100 + i));
                perRun[i] = store.get().roundTrips() - before;
                assertThat(run.steps()).hasSize(lengths[i]).allSatisfy(step -> assertThat(step.status()).isEqualTo(StepStatus.COMPLETED));
            }
            double perStep = (double) (perRun[1] - perRun[0]) / (lengths[1] - lengths[0]);
            // whole round trips: the lease renewals of a slow step add a fraction, a round trip more per step adds one
            assertThat(Math.floor(perStep)).as("round trips per computed step (runs of %d and %d steps took %d and %d)", lengths[0], lengths[1],
                    perRun[0], perRun[1]).isEqualTo((double) ROUND_TRIPS_PER_COMPUTED_STEP);
        }
    }
}
