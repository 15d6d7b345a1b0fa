package dev.cairn.api.spi;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.SeekableByteChannel;
import java.util.List;
import java.util.Optional;

import dev.cairn.api.artifact.ArtifactFile;
import dev.cairn.api.artifact.LoadOptions;
import org.apiguardian.api.API;

/**
 * Where a materializer reads an artifact's files. A missing file is a {@link java.nio.file.NoSuchFileException} naming
 * it (the store's signal, which the engine reports as {@code INTEGRITY_VIOLATION}); a path that breaks
 * {@link RelativePaths} is a {@code CairnException} with {@code PATH_OUTSIDE_STORE}. Not thread-safe; streams are
 * closed by the caller.
 */
@API(status = API.Status.STABLE, since = "0.1")
public interface ArtifactReader {
    /** Opens a data file for sequential reading; the caller closes the stream. */
    InputStream open(String relativePath) throws IOException;

    /** Opens a data file for random access, read-only (columnar formats read footers and column chunks); the caller closes it. */
    SeekableByteChannel openRandomAccess(String relativePath) throws IOException;

    /** The data files of the artifact (relative paths, sorted), excluding Cairn's own {@code .cairn/} files. */
    List<String> files();

    /** The size in bytes of a data file. */
    long size(String relativePath) throws IOException;

    /** The artifact's directory URI, for messages. */
    URI uri();

    /** The artifact's name and version as {@code name:version}, for messages. */
    String artifactName();

    /** What part of the artifact the caller wants. */
    LoadOptions options();

    /**
     * The data files as the artifact's manifest records them (path, size, SHA-256), sorted by path, when the reader
     * knows them; a materializer that {@linkplain Materializer#verifiesOnLoad() verifies on load} checks the files
     * against them. The engine's reader always knows them (the manifest already matched the recorded content hash);
     * the default knows none.
     */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    default Optional<List<ArtifactFile>> recordedFiles() {
        return Optional.empty();
    }
}
