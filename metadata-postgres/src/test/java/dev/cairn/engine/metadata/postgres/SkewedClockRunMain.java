package dev.cairn.engine.metadata.postgres;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import dev.cairn.api.Cairn;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.engine.CairnEngineProvider;

/**
 * A child process of {@link PostgresCacheLeaseTest}: an engine whose clock runs {@code args[4]} hours ahead runs
 * {@link PostgresCacheLeaseTest#countedPipeline}, then prints the status of its {@code counted} step.
 */
public final class SkewedClockRunMain {
    private SkewedClockRunMain() {}

    public static void main(String[] args) {
        URI metadata = URI.create(args[0]);
        Path home = Path.of(args[1]);
        Path counter = Path.of(args[2]);
        Path release = Path.of(args[3]);
        Clock skewed = Clock.offset(Clock.systemUTC(), Duration.ofHours(Long.parseLong(args[4])));
        try (Cairn cairn = new CairnEngineProvider().open(Cairn.builder().home(home).artifactStore(home.resolveSibling("store").toUri())
                .metadata(metadata).cacheLeaseTimeout(PostgresCacheLeaseTest.LEASE).configuration(), skewed)) {
            PipelineRun run = cairn.run(PostgresCacheLeaseTest.countedPipeline(counter, release));
            System.out.println(run.step("counted").status());
        }
    }
}
