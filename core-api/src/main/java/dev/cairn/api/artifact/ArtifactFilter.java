package dev.cairn.api.artifact;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import org.apiguardian.api.API;

/**
 * One condition of {@link dev.cairn.api.Client#listArtifactVersions(ArtifactFilter, ArtifactFilter...)}; all given
 * conditions must hold. Results are {@code READY} versions, newest first (creation time, then id), a page at a time:
 * {@link #limit(int)} sets the page size and {@link #after(String)} continues from a page's
 * {@link ArtifactPage#nextCursor()}. Metadata predicates test the typed metadata logged onto a version (its latest
 * value per key).
 */
@API(status = API.Status.STABLE, since = "0.1")
public sealed interface ArtifactFilter {
    /** The most versions a page holds when no {@link #limit(int)} is given. */
    int DEFAULT_LIMIT = 100;

    /** Versions of exactly this name. */
    record Name(String name) implements ArtifactFilter {
        public Name { requireNonNull(name, "name is null"); }
    }

    /** Versions carrying the tag themselves or through their artifact. */
    record Tag(String tag) implements ArtifactFilter {
        public Tag { requireNonNull(tag, "tag is null"); }
    }

    /** Versions whose recorded data type is exactly this name ({@code java.util.List<com.acme.Row>}). */
    record DataType(String dataType) implements ArtifactFilter {
        public DataType { requireNonNull(dataType, "dataType is null"); }
    }

    /** Versions of this artifact type. */
    record OfArtifactType(ArtifactType artifactType) implements ArtifactFilter {
        public OfArtifactType { requireNonNull(artifactType, "artifactType is null"); }
    }

    /** Versions produced by a step run of this pipeline (and step, when given). */
    record ProducedBy(String pipeline, Optional<String> step) implements ArtifactFilter {
        public ProducedBy {
            requireNonNull(pipeline, "pipeline is null");
            requireNonNull(step, "step is null");
        }
    }

    /** Versions created strictly before this instant. */
    record CreatedBefore(Instant instant) implements ArtifactFilter {
        public CreatedBefore { requireNonNull(instant, "instant is null"); }
    }

    /** Versions created strictly after this instant. */
    record CreatedAfter(Instant instant) implements ArtifactFilter {
        public CreatedAfter { requireNonNull(instant, "instant is null"); }
    }

    /** How a metadata predicate compares. */
    enum Comparison { GT, GE, LT, LE, EQ, CONTAINS }

    /**
     * A predicate on logged metadata {@code key}: {@code GT}/{@code GE}/{@code LT}/{@code LE} compare numbers (and storage
     * sizes); {@code EQ} matches a value of the same type exactly; {@code CONTAINS} matches a string containing the text.
     */
    record MetadataPredicate(String key, Comparison comparison, MetadataValue value) implements ArtifactFilter {
        public MetadataPredicate {
            requireNonNull(key, "key is null");
            requireNonNull(comparison, "comparison is null");
            requireNonNull(value, "value is null");
            boolean numeric = value instanceof MetadataValue.NumberValue || value instanceof MetadataValue.StorageSize;
            if (comparison != Comparison.EQ && comparison != Comparison.CONTAINS && !numeric) {
                throw new CairnException(ErrorCode.INVALID_ARGUMENT, "Metadata '" + key + "' can be compared with " + comparison + " only to a number, not to a "
                        + value.type());
            }
            if (comparison == Comparison.CONTAINS && !(value instanceof MetadataValue.StringValue)) {
                throw new CairnException(ErrorCode.INVALID_ARGUMENT, "Metadata '" + key + "' CONTAINS needs a string, not a " + value.type());
            }
        }
    }

    /** The page size (1 to 10,000). */
    record Limit(int limit) implements ArtifactFilter {
        public Limit {
            if (limit < 1 || limit > 10_000) {
                throw new CairnException(ErrorCode.INVALID_ARGUMENT, "A page limit must be between 1 and 10000, got " + limit);
            }
        }
    }

    /** Continue after the cursor a previous page returned. */
    record After(String cursor) implements ArtifactFilter {
        public After { requireNonNull(cursor, "cursor is null"); }
    }

    static ArtifactFilter name(String name) { return new Name(name); }

    static ArtifactFilter tag(String tag) { return new Tag(tag); }

    static ArtifactFilter dataType(String dataType) { return new DataType(dataType); }

    static ArtifactFilter artifactType(ArtifactType artifactType) { return new OfArtifactType(artifactType); }

    static ArtifactFilter producedBy(String pipeline) { return new ProducedBy(pipeline, Optional.empty()); }

    static ArtifactFilter producedBy(String pipeline, String step) { return new ProducedBy(pipeline, Optional.of(requireNonNull(step, "step is null"))); }

    static ArtifactFilter createdBefore(Instant instant) { return new CreatedBefore(instant); }

    static ArtifactFilter createdAfter(Instant instant) { return new CreatedAfter(instant); }

    static ArtifactFilter limit(int limit) { return new Limit(limit); }

    static ArtifactFilter after(String cursor) { return new After(cursor); }

    /** Starts a metadata predicate: {@code ArtifactFilter.metadata("accuracy").gt(0.85)}. */
    static MetadataKey metadata(String key) {
        return new MetadataKey(requireNonNull(key, "key is null"));
    }

    /** The key of a metadata predicate being built. */
    record MetadataKey(String key) {
        public ArtifactFilter gt(Number value) { return new MetadataPredicate(key, Comparison.GT, MetadataValue.of(value)); }

        public ArtifactFilter ge(Number value) { return new MetadataPredicate(key, Comparison.GE, MetadataValue.of(value)); }

        public ArtifactFilter lt(Number value) { return new MetadataPredicate(key, Comparison.LT, MetadataValue.of(value)); }

        public ArtifactFilter le(Number value) { return new MetadataPredicate(key, Comparison.LE, MetadataValue.of(value)); }

        public ArtifactFilter eq(Object value) { return new MetadataPredicate(key, Comparison.EQ, MetadataValue.of(value)); }

        public ArtifactFilter contains(String text) { return new MetadataPredicate(key, Comparison.CONTAINS, new MetadataValue.StringValue(text)); }
    }
}
