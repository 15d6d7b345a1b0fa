package dev.cairn.api.artifact;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

import org.apiguardian.api.API;

/**
 * A local copy (or hard-linked view) of registered data that its holder owns: {@link #close()} deletes it.
 *
 * <p>Returned by {@link ArtifactVersion#loadPath()}. The engine deletes a copy that was never closed when the
 * {@code Cairn} instance closes, and a copy left by a process that died when the next engine opens the same temp
 * root; closing the handle releases it as soon as the caller is done, which a long-lived service should do. The
 * path may be a hard link to the registered files: read them, delete or rename them, add files beside them, but do
 * not write into them in place (see the README, "Registered data").
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public interface LoadedPath extends AutoCloseable {
    /** The local file or folder; valid until {@link #close()}. */
    Path path();

    /** Deletes the copy; idempotent. Reading {@link #path()} afterwards finds nothing. */
    @Override
    void close();

    /** A handle on {@code path} whose {@link #close()} does nothing: for data the holder does not own. */
    static LoadedPath unowned(Path path) {
        requireNonNull(path, "path is null");
        return new LoadedPath() {
            @Override
            public Path path() {
                return path;
            }

            @Override
            public void close() {}

            @Override
            public String toString() {
                return "LoadedPath[" + path + ", unowned]";
            }
        };
    }
}
