package dev.cairn.engine.materializers;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import dev.cairn.api.artifact.LoadOptions;
import dev.cairn.api.spi.ArtifactReader;

/** An {@link ArtifactReader} over a real directory. */
final class TestingArtifactReader implements ArtifactReader {
    private final Path directory;
    private final String artifactName;
    private final LoadOptions options;

    TestingArtifactReader(Path directory, String artifactName) {
        this(directory, artifactName, LoadOptions.DEFAULT);
    }

    TestingArtifactReader(Path directory, String artifactName, LoadOptions options) {
        this.directory = requireNonNull(directory, "directory is null");
        this.artifactName = requireNonNull(artifactName, "artifactName is null");
        this.options = requireNonNull(options, "options is null");
    }

    @Override
    public InputStream open(String relativePath) throws IOException {
        return Files.newInputStream(resolve(relativePath));
    }

    @Override
    public SeekableByteChannel openRandomAccess(String relativePath) throws IOException {
        return Files.newByteChannel(resolve(relativePath));
    }

    @Override
    public List<String> files() {
        try (Stream<Path> paths = Files.walk(directory)) {
            return paths.filter(Files::isRegularFile)
                    .map(path -> directory.relativize(path).toString().replace('\\', '/'))
                    .filter(path -> !path.startsWith(".cairn/"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public long size(String relativePath) throws IOException {
        return Files.size(resolve(relativePath));
    }

    @Override
    public URI uri() {
        return directory.toUri();
    }

    @Override
    public String artifactName() {
        return artifactName;
    }

    @Override
    public LoadOptions options() {
        return options;
    }

    private Path resolve(String relativePath) {
        Path file = directory.resolve(requireNonNull(relativePath, "relativePath is null")).normalize();
        if (!file.startsWith(directory)) {
            throw new IllegalArgumentException("path escapes the artifact: " + relativePath);
        }
        return file;
    }
}
