package dev.cairn.api.artifact;

import static java.util.Objects.requireNonNull;

import org.apiguardian.api.API;

/**
 * One data file of an artifact version, as its manifest records it.
 *
 * @param path the path relative to the version's directory, with {@code /} separators
 * @param size its size in bytes
 * @param sha256 its SHA-256, lower-case hex
 */
@API(status = API.Status.STABLE, since = "0.1")
public record ArtifactFile(String path, long size, String sha256) {
    public ArtifactFile {
        requireNonNull(path, "path is null");
        requireNonNull(sha256, "sha256 is null");
    }
}
