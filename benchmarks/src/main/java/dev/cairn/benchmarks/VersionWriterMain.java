package dev.cairn.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.cairn.api.artifact.ArtifactType;
import dev.cairn.api.metadata.ArtifactVersionRecord;
import dev.cairn.api.metadata.MetadataStore;
import dev.cairn.api.metadata.MetadataStore.CommittedArtifact;
import dev.cairn.api.metadata.NewArtifactVersion;
import dev.cairn.engine.metadata.postgres.PostgresMetadataStore;
import dev.cairn.engine.metadata.sqlite.SqliteMetadataStore;

/**
 * A child process of {@link PostgresStackBenchmark}: opens a metadata store ({@code sqlite:/path} or
 * {@code postgresql://…}), prints {@code ready}, waits for a line on standard input, creates {@code count} versions of
 * {@code name} (reserve + commit each) and prints the nanoseconds that took.
 */
public final class VersionWriterMain {
    private VersionWriterMain() {}

    /** Arguments: metadata URI, artifact name, count. */
    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        String name = args[1];
        int count = Integer.parseInt(args[2]);
        try (MetadataStore store = uri.getScheme().equals("sqlite") ? SqliteMetadataStore.open(Path.of(uri.getSchemeSpecificPart()))
                : PostgresMetadataStore.open(uri)) {
            create(store, name + "-warmup-" + UUID.randomUUID(), 20);
            System.out.println("ready");
            System.out.flush();
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            long start = System.nanoTime();
            create(store, name, count);
            System.out.println(System.nanoTime() - start);
        }
    }

    static void create(MetadataStore store, String name, int count) {
        for (int i = 0; i < count; i++) {
            ArtifactVersionRecord reserved = store.reserveArtifactVersion(NewArtifactVersion.builder().id(UUID.randomUUID()).name(name)
                    .storeUri(URI.create("file:///tmp/store/")).dataType("java.lang.String").materializerId("cairn.string").materializerVersion("1")
                    .artifactType(ArtifactType.DATA).contentHash("sha256:abc").size(3).createdAt(Instant.now()).build());
            store.commitArtifactVersion(new CommittedArtifact(reserved.id(), URI.create("file:///tmp/store/" + name + "/" + reserved.version()), List.of()));
        }
    }
}
