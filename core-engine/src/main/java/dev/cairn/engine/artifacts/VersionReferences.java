package dev.cairn.engine.artifacts;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.metadata.ArtifactVersionRecord;
import dev.cairn.api.metadata.MetadataStore;
import org.apiguardian.api.API;

/**
 * How the engine reads a reference to an artifact version, the one rule for the client, {@code p.artifact(...)} and
 * the CLI: {@code name} is the latest version; {@code name@alias} is the version the alias points to (when the name
 * before the last {@code @} has that alias; otherwise the whole text is a name); with an explicit version, a version
 * that starts with {@code @} is an alias ({@code getArtifactVersion("model", "@champion")}), any other is the version
 * string itself.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class VersionReferences {
    private VersionReferences() {}

    /** The {@code READY} version {@code name} (possibly {@code name@alias}) refers to. */
    public static Optional<ArtifactVersionRecord> find(MetadataStore metadata, String name) {
        requireNonNull(metadata, "metadata is null");
        requireNonNull(name, "name is null");
        int at = name.lastIndexOf('@');
        if (at > 0 && at < name.length() - 1) {
            Optional<ArtifactVersionRecord> aliased = metadata.findArtifactVersionByAlias(name.substring(0, at), name.substring(at + 1));
            if (aliased.isPresent()) {
                return aliased;
            }
        }
        return metadata.findLatestArtifactVersion(name);
    }

    /** The {@code READY} version {@code version} of {@code name}; {@code @alias} as the version names an alias. */
    public static Optional<ArtifactVersionRecord> find(MetadataStore metadata, String name, String version) {
        requireNonNull(metadata, "metadata is null");
        requireNonNull(name, "name is null");
        requireNonNull(version, "version is null");
        if (version.startsWith("@") && version.length() > 1) {
            return metadata.findArtifactVersionByAlias(name, version.substring(1));
        }
        return metadata.findArtifactVersion(name, version);
    }

    /**
     * Checks an alias: not blank, and none of {@code @ : / \} or control characters, so that {@code name@alias} and
     * {@code name:version} stay unambiguous.
     *
     * @throws CairnException {@code INVALID_ARGUMENT} naming the alias otherwise
     */
    public static String validateAlias(String alias) {
        requireNonNull(alias, "alias is null");
        boolean bad = alias.isBlank() || alias.chars().anyMatch(c -> c == '@' || c == ':' || c == '/' || c == '\\' || Character.isISOControl(c));
        if (bad || alias.length() > ArtifactNames.MAX_LENGTH) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "Alias '" + alias + "' is invalid: use a non-blank word without '@', ':', '/', '\\'"
                    + " or control characters, at most " + ArtifactNames.MAX_LENGTH + " characters (e.g. champion, production)");
        }
        return alias;
    }
}
