package dev.cairn.testkit;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.LoadOptions;
import dev.cairn.api.spi.ArtifactReader;
import dev.cairn.api.spi.RelativePaths;
import org.apiguardian.api.API;

/**
 * An {@link ArtifactReader} over a real directory, for materializer tests. A missing file is a
 * {@link NoSuchFileException} naming its URI, as from every artifact store. Counts the bytes read through
 * random-access channels (so a test can see that a projected load reads less) and the channels still open.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class TestingArtifactReader implements ArtifactReader {
    private final Path directory;
    private final String artifactName;
    private final LoadOptions options;
    private final AtomicInteger openChannels = new AtomicInteger();
    private final AtomicLong bytesRead = new AtomicLong();

    /** A reader of an artifact named {@code artifact:1}, loading everything. */
    public TestingArtifactReader(Path directory) {
        this(directory, "artifact:1", LoadOptions.DEFAULT);
    }

    /** A reader of an artifact named {@code artifact:1}. */
    public TestingArtifactReader(Path directory, LoadOptions options) {
        this(directory, "artifact:1", options);
    }

    public TestingArtifactReader(Path directory, String artifactName) {
        this(directory, artifactName, LoadOptions.DEFAULT);
    }

    public TestingArtifactReader(Path directory, String artifactName, LoadOptions options) {
        this.directory = requireNonNull(directory, "directory is null").toAbsolutePath().normalize();
        this.artifactName = requireNonNull(artifactName, "artifactName is null");
        this.options = requireNonNull(options, "options is null");
    }

    /** A new reader of the same files with other options. */
    public TestingArtifactReader with(LoadOptions newOptions) {
        return new TestingArtifactReader(directory, artifactName, newOptions);
    }

    @Override
    public InputStream open(String relativePath) throws IOException {
        Path file = resolve(relativePath);
        try {
            return Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw missing(file, e);
        }
    }

    @Override
    public SeekableByteChannel openRandomAccess(String relativePath) throws IOException {
        Path file = resolve(relativePath);
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw missing(file, e);
        }
        openChannels.incrementAndGet();
        return new SeekableByteChannel() {
            @Override
            public int read(ByteBuffer target) throws IOException {
                int n = channel.read(target);
                if (n > 0) {
                    bytesRead.addAndGet(n);
                }
                return n;
            }

            @Override
            public int write(ByteBuffer source) {
                throw new NonWritableChannelException();
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
                throw new NonWritableChannelException();
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
        Path file = resolve(relativePath);
        try {
            return Files.size(file);
        } catch (NoSuchFileException e) {
            throw missing(file, e);
        }
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

    /** Bytes read so far through the channels of {@link #openRandomAccess}. */
    public long bytesRead() {
        return bytesRead.get();
    }

    /** Channels of {@link #openRandomAccess} not yet closed. */
    public int openChannels() {
        return openChannels.get();
    }

    private Path resolve(String relativePath) {
        requireNonNull(relativePath, "relativePath is null");
        RelativePaths.problem(relativePath).ifPresent(problem -> {
            throw new CairnException(ErrorCode.PATH_OUTSIDE_STORE, "Invalid path '" + RelativePaths.printable(relativePath)
                    + "' inside artifact " + artifactName + ": " + problem + "; " + RelativePaths.RULE);
        });
        return directory.resolve(relativePath);
    }

    private static NoSuchFileException missing(Path file, NoSuchFileException cause) {
        NoSuchFileException missing = new NoSuchFileException(file.toUri().toString(), null, "no such file in the artifact");
        missing.initCause(cause);
        return missing;
    }
}
