package dev.cairn.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.cairn.api.Cairn;
import dev.cairn.api.lifecycle.PruneOptions;
import dev.cairn.api.lifecycle.PruneReport;
import dev.cairn.api.metadata.MetadataStore;
import dev.cairn.api.spi.Materializer;
import dev.cairn.engine.artifacts.ArtifactService;
import dev.cairn.engine.json.JsonCodec;
import dev.cairn.engine.materializers.MaterializerRegistry;
import dev.cairn.engine.metadata.sqlite.SqliteMetadataStore;
import dev.cairn.engine.plugins.Plugins;
import dev.cairn.engine.stores.ArtifactStores;

/**
 * Prunes {@code count} unused small artifact versions (an {@code Integer} each, stored as JSON with its manifest) on
 * the local store, once with 1 deleting thread and once with 8, each on a fresh home.
 *
 * <p>The versions are created through the engine's own {@link ArtifactService} and SQLite metadata store (save, then
 * commit the reserved version), which is what a step's outputs go through, minus the pipeline machinery; nothing
 * consumes them and no step run produced them, so every one is unused. The timed part is
 * {@code client.prune(PruneOptions.builder().threads(n).build())} on an engine opened on that home: listing the
 * candidates, the metadata transactions (rows deleted, tombstones written and cleared, in batches of 1,000) and the
 * file deletions.
 *
 * <p>Usage: {@code java -cp ... dev.cairn.benchmarks.PruneBenchmark [count] [workDir]}
 */
public final class PruneBenchmark {
    private PruneBenchmark() {}

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        Path work = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("cairn-prune-bench");
        System.out.printf(Locale.ROOT, "prune benchmark: %,d unused versions per run, %d processors, Java %s%n", count,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        for (int threads : new int[] {1, 8}) {
            Path home = work.resolve("threads-" + threads);
            long createStart = System.nanoTime();
            create(home, count);
            double createSeconds = (System.nanoTime() - createStart) / 1e9;
            try (Cairn cairn = Cairn.open(home)) {
                long start = System.nanoTime();
                PruneReport report = cairn.client().prune(PruneOptions.builder().threads(threads).build());
                double seconds = (System.nanoTime() - start) / 1e9;
                long left;
                try (var entries = Files.list(home.resolve("store/artifacts"))) {
                    left = entries.count();
                }
                System.out.printf(Locale.ROOT, "threads %d: created %,d versions in %.1f s; pruned %,d versions (%,d bytes) in %.2f s"
                        + " (%.0f versions/s); artifact name directories left: %d, versions left: %d%n",
                        threads, count, createSeconds, report.versions().size(), report.bytes(), seconds, report.versions().size() / seconds,
                        left, cairn.client().listArtifactVersions().size());
            }
        }
    }

    /** Saves {@code count} small unused versions through the engine's artifact service, with several writers. */
    static void create(Path home, int count) throws Exception {
        Files.createDirectories(home);
        ClassLoader loader = PruneBenchmark.class.getClassLoader();
        Plugins plugins = Plugins.discover(loader, List.of());
        try (MetadataStore metadata = SqliteMetadataStore.open(home.resolve("metadata.db"));
                ArtifactStores stores = new ArtifactStores(plugins.all(), home.resolve("store").toUri())) {
            MaterializerRegistry registry = MaterializerRegistry.of(plugins.all());
            ArtifactService service = new ArtifactService(stores, metadata, registry, JsonCodec.newCanonicalMapper(), Clock.systemUTC());
            Materializer<?> json = registry.forLoad("cairn.json");
            ExecutorService writers = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> futures = new ArrayList<>();
                int names = 100;
                for (int w = 0; w < 4; w++) {
                    int writer = w;
                    futures.add(writers.submit(() -> {
                        for (int i = writer; i < count; i += 4) {
                            ArtifactService.SavedArtifact saved = service.save(new ArtifactService.SaveRequest(i, Integer.class, json,
                                    "unused_" + (i % names), Optional.empty(), Map.of(), Optional.empty(), "benchmark value " + i));
                            metadata.commitArtifactVersion(new MetadataStore.CommittedArtifact(saved.record().id(), saved.uri(), saved.visualizations()));
                        }
                        return null;
                    }));
                }
                for (Future<?> future : futures) {
                    future.get();
                }
            } finally {
                writers.shutdownNow();
            }
        }
    }

}
