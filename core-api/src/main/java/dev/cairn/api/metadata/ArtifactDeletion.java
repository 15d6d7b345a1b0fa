package dev.cairn.api.metadata;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.Optional;
import java.util.UUID;

import org.apiguardian.api.API;

/**
 * A deletion tombstone: an artifact version whose metadata row was deleted by a prune and whose files may still
 * exist until the prune clears the tombstone. {@code uri} is empty for a version that was never committed
 * ({@code PENDING}); its directory is derived from name, version and id.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2")
public record ArtifactDeletion(UUID id, String name, String version, Optional<URI> uri, URI storeUri, long size, boolean registered) {
    public ArtifactDeletion {
        requireNonNull(id, "id is null");
        requireNonNull(name, "name is null");
        requireNonNull(version, "version is null");
        requireNonNull(uri, "uri is null");
        requireNonNull(storeUri, "storeUri is null");
    }

    public static ArtifactDeletion of(ArtifactVersionRecord record) {
        return new ArtifactDeletion(record.id(), record.name(), record.version(), record.uri(), record.storeUri(), record.size(), record.registered());
    }
}
