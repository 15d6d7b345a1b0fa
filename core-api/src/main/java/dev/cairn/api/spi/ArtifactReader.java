package dev.cairn.api.spi;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.SeekableByteChannel;
import java.util.List;

import dev.cairn.api.artifact.LoadOptions;
import org.apiguardian.api.API;

/** Where a materializer reads an artifact's files. Not thread-safe; streams are closed by the caller. */
@API(status = API.Status.STABLE, since = "0.1")
public interface ArtifactReader {
    /** Opens a data file for sequential reading. */
    InputStream open(String relativePath) throws IOException;

    /** Opens a data file for random access (columnar formats read footers and column chunks). */
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
}
