package dev.cairn.api.metadata;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.Optional;
import java.util.UUID;

import org.apiguardian.api.API;

/**
 * A deletion tombstone: an artifact version whose metadata row was deleted by a prune and whose files may still
 * exist until the prune clears the tombstone. {@code uri} is empty for a version that was never committed
 * ({@code PENDING}); its directory is derived from name, version and id. {@code contentHash} binds the tombstone to the
 * files it was made for (empty for tombstones recorded before it was kept): a prune that replays the tombstone deletes
 * only files whose manifest carries this artifact id and content hash.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2")
public record ArtifactDeletion(UUID id, String name, String version, Optional<URI> uri, URI storeUri, long size, boolean registered,
        Optional<String> contentHash) {
    public ArtifactDeletion {
        requireNonNull(id, "id is null");
        requireNonNull(name, "name is null");
        requireNonNull(version, "version is null");
        requireNonNull(uri, "uri is null");
        requireNonNull(storeUri, "storeUri is null");
        requireNonNull(contentHash, "contentHash is null");
    }

    /** A tombstone without a content hash (as recorded before schema V9). */
    public ArtifactDeletion(UUID id, String name, String version, Optional<URI> uri, URI storeUri, long size, boolean registered) {
        this(id, name, version, uri, storeUri, size, registered, Optional.empty());
    }

    public static ArtifactDeletion of(ArtifactVersionRecord record) {
        return new ArtifactDeletion(record.id(), record.name(), record.version(), record.uri(), record.storeUri(), record.size(), record.registered(),
                Optional.of(record.contentHash()));
    }
}
