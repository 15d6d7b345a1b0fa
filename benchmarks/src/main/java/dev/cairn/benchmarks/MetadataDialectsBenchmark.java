package dev.cairn.benchmarks;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import dev.cairn.api.artifact.ArtifactType;
import dev.cairn.api.metadata.ArtifactVersionRecord;
import dev.cairn.api.metadata.MetadataStore;
import dev.cairn.api.metadata.MetadataStore.CommittedArtifact;
import dev.cairn.api.metadata.NewArtifactVersion;
import dev.cairn.engine.metadata.postgres.PostgresMetadataStore;
import dev.cairn.engine.metadata.sqlite.SqliteMetadataStore;

/**
 * The same metadata calls on the embedded SQLite store (the baseline, a file in a temp dir) and on a PostgreSQL store
 * (argument 1: its URI, an empty database; the server on this machine): creating {@code N} versions of one name
 * (reserve + commit, one thread; argument 2, default 2,000), then {@code N} lookups by name:version of random versions.
 * Prints medians and p99 per call and the PostgreSQL/SQLite ratio. The first half of each series warms up and is not
 * counted.
 */
public final class MetadataDialectsBenchmark {
    private MetadataDialectsBenchmark() {}

    public static void main(String[] args) throws Exception {
        URI postgres = URI.create(args[0]);
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        Path dir = Files.createTempDirectory("cairn-dialects-");
        double[] sqlite;
        try (SqliteMetadataStore store = SqliteMetadataStore.open(dir.resolve("metadata.db"))) {
            sqlite = measure(store, n);
        }
        double[] pg;
        try (PostgresMetadataStore store = PostgresMetadataStore.open(postgres)) {
            pg = measure(store, n);
        }
        System.out.printf("versions=%d%n", n);
        System.out.printf("%-34s %12s %12s %8s%n", "call", "sqlite", "postgresql", "ratio");
        String[] names = {"create version median (ms)", "create version p99 (ms)", "lookup name:version median (ms)", "lookup name:version p99 (ms)"};
        for (int i = 0; i < names.length; i++) {
            System.out.printf("%-34s %12.3f %12.3f %8.2f%n", names[i], sqlite[i], pg[i], pg[i] / sqlite[i]);
        }
    }

    private static double[] measure(MetadataStore store, int n) {
        String name = "bench-" + UUID.randomUUID();
        long[] create = new long[n];
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            ArtifactVersionRecord reserved = store.reserveArtifactVersion(NewArtifactVersion.builder().id(UUID.randomUUID()).name(name)
                    .storeUri(URI.create("file:///tmp/store/")).dataType("java.lang.String").materializerId("cairn.string").materializerVersion("1")
                    .artifactType(ArtifactType.DATA).contentHash("sha256:abc").size(3).createdAt(Instant.now()).build());
            store.commitArtifactVersion(new CommittedArtifact(reserved.id(), URI.create("file:///tmp/store/" + name + "/" + reserved.version()), List.of()));
            create[i] = System.nanoTime() - start;
        }
        long[] lookup = new long[n];
        for (int i = 0; i < n; i++) {
            String version = Integer.toString(ThreadLocalRandom.current().nextInt(1, n + 1));
            long start = System.nanoTime();
            Optional<ArtifactVersionRecord> found = store.findArtifactVersion(name, version);
            lookup[i] = System.nanoTime() - start;
            if (found.isEmpty()) {
                throw new IllegalStateException("version " + version + " of " + name + " not found");
            }
        }
        return new double[] {percentile(create, 0.5), percentile(create, 0.99), percentile(lookup, 0.5), percentile(lookup, 0.99)};
    }

    /** The percentile of the second half of {@code nanos}, in milliseconds. */
    private static double percentile(long[] nanos, double p) {
        long[] measured = Arrays.copyOfRange(nanos, nanos.length / 2, nanos.length);
        Arrays.sort(measured);
        return measured[Math.min(measured.length - 1, (int) (p * measured.length))] / 1e6;
    }
}
