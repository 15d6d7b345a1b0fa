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
 * An artifact version as stored. {@code uri} is empty while {@code PENDING}. {@code metadata} holds JSON values;
 * {@code registered} is true when the data was registered from existing files rather than written by Cairn.
 *
 * <p>Immutable; built with {@link #builder()} (required: id, name, version, storeUri, dataType, materializerId,
 * materializerVersion, artifactType, contentHash, createdAt, state; {@code uri} and {@code producerStepRunId}
 * default to empty, {@code size} to 0, {@code metadata} to empty, {@code registered} to false). Equal when all
 * fields are equal.
 */
@API(status = API.Status.STABLE, since = "0.1")
public final class ArtifactVersionRecord {
    private final UUID id;
    private final String name;
    private final String version;
    private final Optional<URI> uri;
    private final URI storeUri;
    private final String dataType;
    private final String materializerId;
    private final String materializerVersion;
    private final ArtifactType artifactType;
    private final String contentHash;
    private final long size;
    private final Map<String, Object> metadata;
    private final Optional<UUID> producerStepRunId;
    private final Instant createdAt;
    private final ArtifactState state;
    private final boolean registered;

    private ArtifactVersionRecord(Builder builder) {
        this.id = requireNonNull(builder.id, "id is null");
        this.name = requireNonNull(builder.name, "name is null");
        this.version = requireNonNull(builder.version, "version is null");
        this.uri = requireNonNull(builder.uri, "uri is null");
        this.storeUri = requireNonNull(builder.storeUri, "storeUri is null");
        this.dataType = requireNonNull(builder.dataType, "dataType is null");
        this.materializerId = requireNonNull(builder.materializerId, "materializerId is null");
        this.materializerVersion = requireNonNull(builder.materializerVersion, "materializerVersion is null");
        this.artifactType = requireNonNull(builder.artifactType, "artifactType is null");
        this.contentHash = requireNonNull(builder.contentHash, "contentHash is null");
        this.size = builder.size;
        this.metadata = Map.copyOf(builder.metadata);
        this.producerStepRunId = requireNonNull(builder.producerStepRunId, "producerStepRunId is null");
        this.createdAt = requireNonNull(builder.createdAt, "createdAt is null");
        this.state = requireNonNull(builder.state, "state is null");
        this.registered = builder.registered;
    }

    /** A builder with no field set; id, name, version, storeUri, dataType, materializerId, materializerVersion, artifactType, contentHash, createdAt, state are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding every field of this one. */
    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.id = id;
        builder.name = name;
        builder.version = version;
        builder.uri = uri;
        builder.storeUri = storeUri;
        builder.dataType = dataType;
        builder.materializerId = materializerId;
        builder.materializerVersion = materializerVersion;
        builder.artifactType = artifactType;
        builder.contentHash = contentHash;
        builder.size = size;
        builder.metadata = metadata;
        builder.producerStepRunId = producerStepRunId;
        builder.createdAt = createdAt;
        builder.state = state;
        builder.registered = registered;
        return builder;
    }

    public UUID id() {
        return id;
    }

    public String name() {
        return name;
    }

    public String version() {
        return version;
    }

    public Optional<URI> uri() {
        return uri;
    }

    public URI storeUri() {
        return storeUri;
    }

    public String dataType() {
        return dataType;
    }

    public String materializerId() {
        return materializerId;
    }

    public String materializerVersion() {
        return materializerVersion;
    }

    public ArtifactType artifactType() {
        return artifactType;
    }

    public String contentHash() {
        return contentHash;
    }

    public long size() {
        return size;
    }

    public Map<String, Object> metadata() {
        return metadata;
    }

    public Optional<UUID> producerStepRunId() {
        return producerStepRunId;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public ArtifactState state() {
        return state;
    }

    public boolean registered() {
        return registered;
    }


    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof ArtifactVersionRecord that)) {
            return false;
        }
        return id.equals(that.id)
                && name.equals(that.name)
                && version.equals(that.version)
                && uri.equals(that.uri)
                && storeUri.equals(that.storeUri)
                && dataType.equals(that.dataType)
                && materializerId.equals(that.materializerId)
                && materializerVersion.equals(that.materializerVersion)
                && artifactType.equals(that.artifactType)
                && contentHash.equals(that.contentHash)
                && size == that.size
                && metadata.equals(that.metadata)
                && producerStepRunId.equals(that.producerStepRunId)
                && createdAt.equals(that.createdAt)
                && state.equals(that.state)
                && registered == that.registered;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(id, name, version, uri, storeUri, dataType, materializerId, materializerVersion, artifactType, contentHash, size, metadata, producerStepRunId, createdAt, state, registered);
    }

    @Override
    public String toString() {
        return "ArtifactVersionRecord[" + "id=" + id
                + ", name=" + name
                + ", version=" + version
                + ", uri=" + uri
                + ", storeUri=" + storeUri
                + ", dataType=" + dataType
                + ", materializerId=" + materializerId
                + ", materializerVersion=" + materializerVersion
                + ", artifactType=" + artifactType
                + ", contentHash=" + contentHash
                + ", size=" + size
                + ", metadata=" + metadata
                + ", producerStepRunId=" + producerStepRunId
                + ", createdAt=" + createdAt
                + ", state=" + state
                + ", registered=" + registered + "]";
    }

    /** Builds a {@link ArtifactVersionRecord}; not thread-safe. */
    @SuppressWarnings("NullAway.Init") // required fields are checked by build()
    public static final class Builder {
        private UUID id;
        private String name;
        private String version;
        private Optional<URI> uri = Optional.empty();
        private URI storeUri;
        private String dataType;
        private String materializerId;
        private String materializerVersion;
        private ArtifactType artifactType;
        private String contentHash;
        private long size;
        private Map<String, Object> metadata = Map.of();
        private Optional<UUID> producerStepRunId = Optional.empty();
        private Instant createdAt;
        private ArtifactState state;
        private boolean registered;

        private Builder() {}

        public Builder id(UUID id) {
            this.id = requireNonNull(id, "id is null");
            return this;
        }

        public Builder name(String name) {
            this.name = requireNonNull(name, "name is null");
            return this;
        }

        public Builder version(String version) {
            this.version = requireNonNull(version, "version is null");
            return this;
        }

        public Builder uri(Optional<URI> uri) {
            this.uri = requireNonNull(uri, "uri is null");
            return this;
        }

        public Builder uri(URI uri) {
            this.uri = Optional.of(uri);
            return this;
        }

        public Builder storeUri(URI storeUri) {
            this.storeUri = requireNonNull(storeUri, "storeUri is null");
            return this;
        }

        public Builder dataType(String dataType) {
            this.dataType = requireNonNull(dataType, "dataType is null");
            return this;
        }

        public Builder materializerId(String materializerId) {
            this.materializerId = requireNonNull(materializerId, "materializerId is null");
            return this;
        }

        public Builder materializerVersion(String materializerVersion) {
            this.materializerVersion = requireNonNull(materializerVersion, "materializerVersion is null");
            return this;
        }

        public Builder artifactType(ArtifactType artifactType) {
            this.artifactType = requireNonNull(artifactType, "artifactType is null");
            return this;
        }

        public Builder contentHash(String contentHash) {
            this.contentHash = requireNonNull(contentHash, "contentHash is null");
            return this;
        }

        public Builder size(long size) {
            this.size = size;
            return this;
        }

        public Builder metadata(Map<String, Object> metadata) {
            this.metadata = requireNonNull(metadata, "metadata is null");
            return this;
        }

        public Builder producerStepRunId(Optional<UUID> producerStepRunId) {
            this.producerStepRunId = requireNonNull(producerStepRunId, "producerStepRunId is null");
            return this;
        }

        public Builder producerStepRunId(UUID producerStepRunId) {
            this.producerStepRunId = Optional.of(producerStepRunId);
            return this;
        }

        public Builder createdAt(Instant createdAt) {
            this.createdAt = requireNonNull(createdAt, "createdAt is null");
            return this;
        }

        public Builder state(ArtifactState state) {
            this.state = requireNonNull(state, "state is null");
            return this;
        }

        public Builder registered(boolean registered) {
            this.registered = registered;
            return this;
        }


        /**
         * The ArtifactVersionRecord.
         *
         * @throws NullPointerException if a required field is not set
         */
        public ArtifactVersionRecord build() {
            return new ArtifactVersionRecord(this);
        }
    }
}
