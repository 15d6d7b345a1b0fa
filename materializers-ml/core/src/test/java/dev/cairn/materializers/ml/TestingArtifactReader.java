package dev.cairn.materializers.ml;

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

/** An {@link ArtifactReader} over a real directory (files listed recursively, as the engine lists them). */
public final class TestingArtifactReader implements ArtifactReader {
    private final Path directory;

    public TestingArtifactReader(Path directory) {
        this.directory = directory;
    }

    @Override
    public InputStream open(String relativePath) throws IOException {
        return Files.newInputStream(directory.resolve(relativePath));
    }

    @Override
    public SeekableByteChannel openRandomAccess(String relativePath) throws IOException {
        return Files.newByteChannel(directory.resolve(relativePath));
    }

    @Override
    public List<String> files() {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).map(path -> directory.relativize(path).toString().replace('\\', '/'))
                    .filter(path -> !path.startsWith(".cairn/")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public long size(String relativePath) throws IOException {
        return Files.size(directory.resolve(relativePath));
    }

    @Override
    public URI uri() {
        return directory.toUri();
    }

    @Override
    public String artifactName() {
        return "test_model:1";
    }

    @Override
    public LoadOptions options() {
        return LoadOptions.DEFAULT;
    }
}
