package dev.cairn.api.artifact;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import org.apiguardian.api.API;

/**
 * One move of an alias of an artifact name ({@code model@champion}): where it pointed before and where it points after.
 *
 * @param name the artifact name
 * @param alias the alias
 * @param artifactId the version it points to after the move; empty when the move removed the alias
 * @param version that version's version string; empty when the move removed the alias
 * @param previousArtifactId the version it pointed to before; empty when the alias was new
 * @param movedAt when it moved
 */
@API(status = API.Status.STABLE, since = "0.1")
public record AliasMove(String name, String alias, Optional<UUID> artifactId, Optional<String> version, Optional<UUID> previousArtifactId,
        Instant movedAt) {
    public AliasMove {
        requireNonNull(name, "name is null");
        requireNonNull(alias, "alias is null");
        requireNonNull(artifactId, "artifactId is null");
        requireNonNull(version, "version is null");
        requireNonNull(previousArtifactId, "previousArtifactId is null");
        requireNonNull(movedAt, "movedAt is null");
    }
}
