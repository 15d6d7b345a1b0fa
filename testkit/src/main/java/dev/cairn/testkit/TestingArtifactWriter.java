package dev.cairn.testkit;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.spi.ArtifactWriter;
import dev.cairn.api.spi.RelativePaths;
import org.apiguardian.api.API;

/**
 * An {@link ArtifactWriter} into a real directory, for materializer tests: it refuses paths the way the engine does
 * ({@link RelativePaths}, nothing under {@code .cairn/}, no file twice) and records which files were created and which
 * streams were never closed. Not thread-safe.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class TestingArtifactWriter implements ArtifactWriter {
    private final Path directory;
    private final String artifactName;
    private final Type type;
    private final Map<String, String> options;
    private final List<String> created = new ArrayList<>();
    private final List<String> open = new ArrayList<>();
    private long bytesLeft = Long.MAX_VALUE;
    private long bytesWritten;

    /** A writer for an artifact named {@code artifact}, without options. */
    public TestingArtifactWriter(Path directory, Type type) {
        this(directory, "artifact", type, Map.of());
    }

    /** A writer for an artifact named {@code artifact}. */
    public TestingArtifactWriter(Path directory, Type type, Map<String, String> options) {
        this(directory, "artifact", type, options);
    }

    public TestingArtifactWriter(Path directory, String artifactName, Type type) {
        this(directory, artifactName, type, Map.of());
    }

    public TestingArtifactWriter(Path directory, String artifactName, Type type, Map<String, String> options) {
        this.directory = requireNonNull(directory, "directory is null");
        this.artifactName = requireNonNull(artifactName, "artifactName is null");
        this.type = requireNonNull(type, "type is null");
        this.options = Map.copyOf(requireNonNull(options, "options is null"));
    }

    @Override
    public OutputStream create(String relativePath) throws IOException {
        requireNonNull(relativePath, "relativePath is null");
        RelativePaths.problem(relativePath).ifPresent(problem -> {
            throw new CairnException(ErrorCode.PATH_OUTSIDE_STORE, "Invalid file path '" + RelativePaths.printable(relativePath)
                    + "' in artifact " + artifactName + ": " + problem + "; " + RelativePaths.RULE);
        });
        if (relativePath.startsWith(".cairn/")) {
            throw new CairnException(ErrorCode.PATH_OUTSIDE_STORE, "Invalid file path '" + relativePath + "' in artifact "
                    + artifactName + ": .cairn/ is Cairn's own");
        }
        if (created.contains(relativePath)) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "File '" + relativePath + "' of artifact " + artifactName + " created twice");
        }
        Path file = directory.resolve(relativePath);
        Files.createDirectories(requireNonNull(file.getParent(), "parent"));
        OutputStream out = Files.newOutputStream(file);
        created.add(relativePath);
        open.add(relativePath);
        return new OutputStream() {
            private boolean closed;

            @Override
            public void write(int b) throws IOException {
                use(1);
                out.write(b);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                use(length);
                out.write(bytes, offset, length);
            }

            @Override
            public void flush() throws IOException {
                out.flush();
            }

            @Override
            public void close() throws IOException {
                if (!closed) {
                    closed = true;
                    open.remove(relativePath);
                    out.close();
                }
            }
        };
    }

    @Override
    public String artifactName() {
        return artifactName;
    }

    @Override
    public Type type() {
        return type;
    }

    @Override
    public Map<String, String> options() {
        return options;
    }

    /**
     * Makes every write fail with an {@link IOException} ("No space left on device") once {@code bytes} more bytes
     * were written, across all files, as a full disk does. Returns this writer.
     */
    public TestingArtifactWriter failingAfter(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes is negative: " + bytes);
        }
        this.bytesLeft = bytes;
        return this;
    }

    /** Bytes written so far, across all files. */
    public long bytesWritten() {
        return bytesWritten;
    }

    private void use(int length) throws IOException {
        if (length > bytesLeft) {
            bytesLeft = 0;
            throw new IOException("No space left on device (simulated by TestingArtifactWriter after " + bytesWritten + " bytes)");
        }
        bytesLeft -= length;
        bytesWritten += length;
    }

    /** The directory the files are written to. */
    public Path directory() {
        return directory;
    }

    /** The relative paths created, in order. */
    public List<String> created() {
        return List.copyOf(created);
    }

    /** The relative paths whose stream was never closed. */
    public List<String> open() {
        return List.copyOf(open);
    }
}
