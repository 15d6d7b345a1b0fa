package dev.cairn.api.pipeline;

import static java.util.Objects.requireNonNull;

import java.lang.reflect.Type;
import java.util.Optional;
import java.util.UUID;

import org.apiguardian.api.API;

/**
 * A reference to an existing artifact version: by id, by name and version, or by name (latest at run start).
 */
@API(status = API.Status.STABLE, since = "0.1")
public record ArtifactRef<T>(Optional<String> name, Optional<String> version, Optional<UUID> id) implements Ref<T> {
    /**
     * @throws IllegalArgumentException if neither a name nor an id is given (a programming error: the
     *     {@code p.artifact(...)} methods always give one)
     */
    public ArtifactRef {
        requireNonNull(name, "name is null");
        requireNonNull(version, "version is null");
        requireNonNull(id, "id is null");
        if (name.isEmpty() && id.isEmpty()) {
            throw new IllegalArgumentException("an artifact reference needs a name or an id");
        }
    }

    @Override
    public Type type() {
        return Object.class;
    }

    @Override
    public String describe() {
        if (id.isPresent()) {
            return "artifact version " + id.get();
        }
        return "artifact '" + name.orElseThrow() + "'" + version.map(v -> " version " + v).orElse(" (latest)");
    }
}
