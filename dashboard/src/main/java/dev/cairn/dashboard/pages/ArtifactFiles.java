package dev.cairn.dashboard.pages;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.dashboard.server.BadRequest;

/**
 * The files of an artifact version in a local ({@code file:}) store, read-only. Paths from requests are checked as
 * paths: segments must be plain names (no {@code ..}, no separators, no NUL), and the resolved real path must lie
 * inside the artifact's real directory, so neither {@code ..} nor a symbolic link leads out of it.
 */
public final class ArtifactFiles {
    static final int MAX_LISTED = 2000;

    private ArtifactFiles() {}

    /** A file relative to the artifact directory, with its size. */
    public record Entry(String path, long size) {}

    /** The artifact's directory when its store is local; empty for other stores. */
    public static Optional<Path> directory(ArtifactVersion version) {
        if (!"file".equals(version.uri().getScheme())) {
            return Optional.empty();
        }
        Path directory = Path.of(version.uri());
        return Files.isDirectory(directory) ? Optional.of(directory) : Optional.empty();
    }

    /** Regular files under the directory (symbolic links not followed), sorted, at most {@value #MAX_LISTED}. */
    public static List<Entry> list(Path directory) {
        List<Entry> entries = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(directory)) {
            walk.filter(path -> Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)).sorted().limit(MAX_LISTED).forEach(path -> {
                try {
                    entries.add(new Entry(directory.relativize(path).toString().replace('\\', '/'), Files.size(path)));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries;
    }

    /** The file named by {@code segments} inside {@code directory}. */
    public static Path resolve(Path directory, List<String> segments) {
        Path path = directory;
        for (String segment : segments) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..") || segment.contains("/") || segment.contains("\\")
                    || segment.indexOf('\0') >= 0 || segment.length() > 255) {
                throw new BadRequest("'" + segment + "' is not a file name inside the artifact");
            }
            path = path.resolve(segment);
        }
        try {
            Path real = path.toRealPath();
            if (!real.startsWith(directory.toRealPath())) {
                throw new BadRequest("'" + String.join("/", segments) + "' leads outside the artifact's directory");
            }
            if (!Files.isRegularFile(real)) {
                throw missing(segments);
            }
            return real;
        } catch (IOException e) {
            throw missing(segments);
        }
    }

    private static dev.cairn.api.CairnException missing(List<String> segments) {
        return new dev.cairn.api.CairnException(dev.cairn.api.ErrorCode.ARTIFACT_NOT_FOUND,
                "The artifact has no file '" + String.join("/", segments) + "': its files are listed on its page");
    }

    /** A name safe for a Content-Disposition header. */
    public static String downloadName(String name) {
        String safe = name.replaceAll("[^A-Za-z0-9._-]", "_");
        return safe.isEmpty() ? "artifact" : safe.length() > 120 ? safe.substring(0, 120) : safe;
    }
}
