package dev.cairn.api.spi;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.Optional;

import org.apiguardian.api.API;

/**
 * Where a materializer writes an artifact's files. Every stream is hashed (SHA-256) while it is written;
 * nothing becomes visible until the engine commits the whole artifact. Not thread-safe.
 */
@API(status = API.Status.STABLE, since = "0.1")
public interface ArtifactWriter {
    /**
     * Creates a file at {@code relativePath} (forward slashes, no {@code ..}, not under {@code .cairn/}).
     * The caller closes the stream.
     */
    OutputStream create(String relativePath) throws IOException;

    /** The artifact name being written, for messages. */
    String artifactName();

    /** The declared type of the value. */
    Type type();

    /** Per-output options given by the user ({@code StepOptions.outputOption}), e.g. {@code format=ipc}. */
    Map<String, String> options();

    /**
     * Lets other processes write this artifact's files into the draft's staging directory and adopt them (see
     * {@link ExternalWrites}); adopted files enter the manifest and the content hash with the SHA-256s given to
     * {@link ExternalWrites#adopt}. Empty when the artifact store cannot offer it; the default offers none.
     */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    default Optional<ExternalWrites> externalWrites() {
        return Optional.empty();
    }
}
