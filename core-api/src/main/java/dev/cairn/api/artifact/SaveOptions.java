package dev.cairn.api.artifact;

import static java.util.Objects.requireNonNull;

import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import org.apiguardian.api.API;

/**
 * How {@link dev.cairn.api.Client#save(Object, SaveOptions)} stores a value outside a pipeline: the artifact name, and
 * optionally an explicit version, extra metadata, an artifact type, the value's full generic type and an explicit
 * materializer. Immutable; build with {@link #named(String)} and the {@code with…} methods.
 *
 * @param name the artifact name
 * @param version an explicit version; empty means the next number after the highest numeric version
 * @param metadata typed metadata logged onto the new version (read with {@link ArtifactVersion#loggedMetadata()})
 * @param artifactType overrides the materializer's {@link ArtifactType}
 * @param type the value's full generic type (e.g. {@code List<Row>}); empty means the value's class
 * @param materializer the id of a registered materializer to use instead of the one resolved for the type
 * @param tags tags of the new version
 */
@API(status = API.Status.STABLE, since = "0.1")
public record SaveOptions(
        String name,
        Optional<String> version,
        Map<String, MetadataValue> metadata,
        Optional<ArtifactType> artifactType,
        Optional<Type> type,
        Optional<String> materializer,
        List<String> tags) {

    /** @throws CairnException {@code INVALID_ARGUMENT} for a blank version */
    public SaveOptions {
        requireNonNull(name, "name is null");
        requireNonNull(version, "version is null");
        requireNonNull(metadata, "metadata is null");
        requireNonNull(artifactType, "artifactType is null");
        requireNonNull(type, "type is null");
        requireNonNull(materializer, "materializer is null");
        tags = List.copyOf(requireNonNull(tags, "tags is null"));
        if (version.isPresent() && version.get().isBlank()) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "The explicit version of artifact '" + name
                    + "' is blank; give a non-blank version, or omit it to get the next number");
        }
        metadata = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** Options that save under {@code name} with the next version number. */
    public static SaveOptions named(String name) {
        return new SaveOptions(name, Optional.empty(), Map.of(), Optional.empty(), Optional.empty(), Optional.empty(), List.of());
    }

    /** These options with more tags on the new version. */
    public SaveOptions withTags(String... tags) {
        List<String> more = new ArrayList<>(this.tags);
        more.addAll(List.of(requireNonNull(tags, "tags is null")));
        return new SaveOptions(name, version, metadata, artifactType, type, materializer, more);
    }

    /** These options with an explicit version; saving fails with {@code DUPLICATE_VERSION} if it exists. */
    public SaveOptions withVersion(String version) {
        return new SaveOptions(name, Optional.of(requireNonNull(version, "version is null")), metadata, artifactType, type, materializer, tags);
    }

    /**
     * These options with one more typed metadata entry ({@link MetadataValue#of(Object)}).
     *
     * @throws CairnException {@code INVALID_ARGUMENT} for an unsupported value
     */
    public SaveOptions withMetadata(String key, Object value) {
        requireNonNull(key, "key is null");
        requireNonNull(value, "value is null");
        Map<String, MetadataValue> more = new LinkedHashMap<>(metadata);
        more.put(key, MetadataValue.of(value));
        return new SaveOptions(name, version, more, artifactType, type, materializer, tags);
    }

    /** These options with an artifact type that overrides the materializer's. */
    public SaveOptions withArtifactType(ArtifactType artifactType) {
        return new SaveOptions(name, version, metadata, Optional.of(requireNonNull(artifactType, "artifactType is null")), type, materializer, tags);
    }

    /** These options with the value's full generic type, used to pick the materializer and recorded as the data type. */
    public SaveOptions withType(Type type) {
        return new SaveOptions(name, version, metadata, artifactType, Optional.of(requireNonNull(type, "type is null")), materializer, tags);
    }

    /** {@link #withType(Type)} from a captured type. */
    public SaveOptions withType(TypeRef<?> type) {
        return withType(requireNonNull(type, "type is null").type());
    }

    /**
     * These options with an explicit materializer by its {@link dev.cairn.api.spi.Materializer#id()}; it must be registered
     * (so the version can be loaded again) and able to save the value's type.
     */
    public SaveOptions withMaterializer(String materializer) {
        return new SaveOptions(name, version, metadata, artifactType, type, Optional.of(requireNonNull(materializer, "materializer is null")), tags);
    }
}
