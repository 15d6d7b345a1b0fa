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

import dev.cairn.api.artifact.ArtifactFile;
import dev.cairn.api.artifact.LoadOptions;
import dev.cairn.api.spi.ArtifactReader;

/** An {@link ArtifactReader} over a real directory (files listed recursively, as the engine lists them). */
public final class TestingArtifactReader implements ArtifactReader {
    private final Path directory;
    private final List<ArtifactFile> recorded;

    public TestingArtifactReader(Path directory) {
        this(directory, null);
    }

    private TestingArtifactReader(Path directory, List<ArtifactFile> recorded) {
        this.directory = directory;
        this.recorded = recorded;
    }

    /**
     * A reader for a verified load ({@code LoadOptions.verify()}) that knows the files as they are now (size and
     * SHA-256, as a manifest records them when the artifact is committed).
     */
    public static TestingArtifactReader verifying(Path directory) throws IOException {
        List<ArtifactFile> files = new java.util.ArrayList<>();
        for (String path : new TestingArtifactReader(directory).files()) {
            byte[] bytes = Files.readAllBytes(directory.resolve(path));
            try {
                files.add(new ArtifactFile(path, bytes.length, java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes))));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return new TestingArtifactReader(directory, List.copyOf(files));
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
        return LoadOptions.DEFAULT.withVerify(recorded != null);
    }

    @Override
    public java.util.Optional<List<ArtifactFile>> recordedFiles() {
        return java.util.Optional.ofNullable(recorded);
    }
}
