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
 * An artifact version as stored. {@code uri} is empty while {@code PENDING}. {@code metadata} holds JSON values.
 *
 * @param registered true when the data was registered from existing files rather than written by Cairn
 */
@API(status = API.Status.STABLE, since = "0.1")
public record ArtifactVersionRecord(
        UUID id,
        String name,
        String version,
        Optional<URI> uri,
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
        ArtifactState state,
        boolean registered) {
    public ArtifactVersionRecord {
        requireNonNull(id, "id is null");
        requireNonNull(name, "name is null");
        requireNonNull(version, "version is null");
        requireNonNull(uri, "uri is null");
        requireNonNull(storeUri, "storeUri is null");
        requireNonNull(dataType, "dataType is null");
        requireNonNull(materializerId, "materializerId is null");
        requireNonNull(materializerVersion, "materializerVersion is null");
        requireNonNull(artifactType, "artifactType is null");
        requireNonNull(contentHash, "contentHash is null");
        metadata = Map.copyOf(requireNonNull(metadata, "metadata is null"));
        requireNonNull(producerStepRunId, "producerStepRunId is null");
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(state, "state is null");
    }
}
