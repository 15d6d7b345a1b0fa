package dev.cairn.materializers.arrow;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import dev.cairn.api.artifact.LoadOptions;
import dev.cairn.api.spi.ArtifactReader;

/**
 * An {@link ArtifactReader} over a real directory. Counts the bytes read through random-access channels, so tests can
 * see that a projected load reads less, and the channels still open.
 */
final class TestingArtifactReader implements ArtifactReader {
    private final Path directory;
    private final LoadOptions options;
    private final AtomicInteger openChannels = new AtomicInteger();
    private long bytesRead;

    TestingArtifactReader(Path directory) {
        this(directory, LoadOptions.DEFAULT);
    }

    TestingArtifactReader(Path directory, LoadOptions options) {
        this.directory = directory;
        this.options = options;
    }

    TestingArtifactReader with(LoadOptions newOptions) {
        return new TestingArtifactReader(directory, newOptions);
    }

    @Override
    public InputStream open(String relativePath) throws IOException {
        return Files.newInputStream(directory.resolve(relativePath));
    }

    @Override
    public SeekableByteChannel openRandomAccess(String relativePath) throws IOException {
        FileChannel channel = FileChannel.open(directory.resolve(relativePath), StandardOpenOption.READ);
        openChannels.incrementAndGet();
        return new SeekableByteChannel() {
            @Override
            public int read(java.nio.ByteBuffer dst) throws IOException {
                int n = channel.read(dst);
                if (n > 0) {
                    bytesRead += n;
                }
                return n;
            }

            @Override
            public int write(java.nio.ByteBuffer src) {
                throw new UnsupportedOperationException("read only");
            }

            @Override
            public long position() throws IOException {
                return channel.position();
            }

            @Override
            public SeekableByteChannel position(long newPosition) throws IOException {
                channel.position(newPosition);
                return this;
            }

            @Override
            public long size() throws IOException {
                return channel.size();
            }

            @Override
            public SeekableByteChannel truncate(long size) {
                throw new UnsupportedOperationException("read only");
            }

            @Override
            public boolean isOpen() {
                return channel.isOpen();
            }

            @Override
            public void close() throws IOException {
                if (channel.isOpen()) {
                    openChannels.decrementAndGet();
                }
                channel.close();
            }
        };
    }

    @Override
    public List<String> files() {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(path -> path.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
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
        return "test_table:1";
    }

    @Override
    public LoadOptions options() {
        return options;
    }

    long bytesRead() {
        return bytesRead;
    }

    int openChannels() {
        return openChannels.get();
    }
}
