package dev.cairn.engine.metadata.postgres;

import java.net.URI;
import java.time.Instant;
import java.util.UUID;

import dev.cairn.api.artifact.ArtifactType;
import dev.cairn.api.metadata.NewArtifactVersion;

/**
 * The version requests the PostgreSQL tests reserve ({@link #version}); run as a program, it reserves {@code count} versions
 * of {@code name} straight through the store, printing each number.
 */
public final class ReservePostgresVersionsMain {
    private ReservePostgresVersionsMain() {}

    public static void main(String[] args) {
        URI uri = URI.create(args[0]);
        String name = args[1];
        int count = Integer.parseInt(args[2]);
        StringBuilder out = new StringBuilder();
        try (PostgresMetadataStore store = PostgresMetadataStore.open(uri)) {
            for (int i = 0; i < count; i++) {
                out.append(store.reserveArtifactVersion(version(name)).version()).append('\n');
            }
        }
        System.out.print(out);
    }

    static NewArtifactVersion version(String name) {
        return version(name, java.util.Optional.empty());
    }

    static NewArtifactVersion version(String name, java.util.Optional<String> explicit) {
        return NewArtifactVersion.builder().id(UUID.randomUUID()).name(name).explicitVersion(explicit).storeUri(URI.create("file:///tmp/store/"))
                .dataType("java.lang.String").materializerId("cairn.string").materializerVersion("1").artifactType(ArtifactType.DATA)
                .contentHash("sha256:abc").size(3).createdAt(Instant.now()).build();
    }
}
