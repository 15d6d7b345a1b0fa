package dev.cairn.dashboard.pages;

import java.util.List;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.ArtifactFile;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.dashboard.server.BadRequest;

/**
 * The files of an artifact version, read-only, in any store the engine opens (local, HDFS, …): listed from the
 * version's manifest ({@link ArtifactVersion#files()}) and streamed through the store's read path
 * ({@link ArtifactVersion#open(String)}), so only files the manifest lists can be read. Paths from requests are
 * checked first: segments must be plain names (no {@code ..}, no separators, no NUL).
 */
public final class ArtifactFiles {
    static final int MAX_LISTED = 2000;

    private ArtifactFiles() {}

    /** The version's files as its manifest lists them, sorted by path, at most {@value #MAX_LISTED}. */
    public static List<ArtifactFile> list(ArtifactVersion version) {
        return version.files().stream().sorted(java.util.Comparator.comparing(ArtifactFile::path)).limit(MAX_LISTED).toList();
    }

    /** The listed file that {@code segments} name; a path the manifest does not list is {@code ARTIFACT_NOT_FOUND}. */
    public static ArtifactFile resolve(ArtifactVersion version, List<String> segments) {
        for (String segment : segments) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..") || segment.contains("/") || segment.contains("\\")
                    || segment.indexOf('\0') >= 0 || segment.length() > 255) {
                throw new BadRequest("'" + segment + "' is not a file name inside the artifact");
            }
        }
        String path = String.join("/", segments);
        return version.files().stream().filter(file -> file.path().equals(path)).findFirst()
                .orElseThrow(() -> new CairnException(ErrorCode.ARTIFACT_NOT_FOUND, "Artifact '" + version.name() + "' version " + version.version()
                        + " has no file '" + path + "': its files are listed on its page"));
    }

    /** A name safe for a Content-Disposition header. */
    public static String downloadName(String name) {
        String safe = name.replaceAll("[^A-Za-z0-9._-]", "_");
        return safe.isEmpty() ? "artifact" : safe.length() > 120 ? safe.substring(0, 120) : safe;
    }
}
