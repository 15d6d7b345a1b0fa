package dev.cairn.api.metadata;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.cairn.api.artifact.ArtifactType;
import org.apiguardian.api.API;

/**
 * A request to reserve a version of {@code name}: with {@code explicitVersion} empty the store assigns the
 * next number ({@code 1, 2, 3, …}); otherwise that exact string, which must not exist yet.
 */
@API(status = API.Status.STABLE, since = "0.1")
public record NewArtifactVersion(
        UUID id,
        String name,
        Optional<String> explicitVersion,
        URI storeUri,
        String dataType,
        String materializerId,
        String materializerVersion,
        ArtifactType artifactType,
        String contentHash,
        long size,
        Map<String, Object> metadata,
        Optional<UUID> producerStepRunId,
        Instant createdAt,
        boolean registered) {
    public NewArtifactVersion {
        requireNonNull(id, "id is null");
        requireNonNull(name, "name is null");
        requireNonNull(explicitVersion, "explicitVersion is null");
        requireNonNull(storeUri, "storeUri is null");
        requireNonNull(dataType, "dataType is null");
        requireNonNull(materializerId, "materializerId is null");
        requireNonNull(materializerVersion, "materializerVersion is null");
        requireNonNull(artifactType, "artifactType is null");
        requireNonNull(contentHash, "contentHash is null");
        metadata = Map.copyOf(requireNonNull(metadata, "metadata is null"));
        requireNonNull(producerStepRunId, "producerStepRunId is null");
        requireNonNull(createdAt, "createdAt is null");
    }
}
