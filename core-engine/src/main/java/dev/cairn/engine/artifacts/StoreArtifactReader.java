package dev.cairn.engine.artifacts;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.SeekableByteChannel;
import java.util.List;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.LoadOptions;
import dev.cairn.api.spi.ArtifactReader;
import dev.cairn.api.spi.ArtifactStore;

/** An {@link ArtifactReader} over one artifact directory of a store; the file list is read lazily. */
final class StoreArtifactReader implements ArtifactReader {
    private final ArtifactStore store;
    private final URI directory;
    private final String artifactName;
    private final LoadOptions options;
    private final java.util.function.Supplier<List<dev.cairn.api.artifact.ArtifactFile>> recordedFiles;
    private List<String> files;

    StoreArtifactReader(ArtifactStore store, URI directory, String artifactName, LoadOptions options,
            java.util.function.Supplier<List<dev.cairn.api.artifact.ArtifactFile>> recordedFiles) {
        this.recordedFiles = recordedFiles;
        this.store = store;
        this.directory = directory.toString().endsWith("/") ? directory : URI.create(directory + "/");
        this.artifactName = artifactName;
        this.options = options;
    }

    private URI file(String relativePath) {
        dev.cairn.api.spi.RelativePaths.problem(relativePath).ifPresent(problem -> {
            throw new CairnException(ErrorCode.PATH_OUTSIDE_STORE, "Invalid path '" + relativePath + "' inside artifact " + artifactName
                    + ": " + problem + "; " + dev.cairn.api.spi.RelativePaths.RULE);
        });
        return directory.resolve(relativePath); // the store checks every URI it opens

    }

    @Override
    public InputStream open(String relativePath) throws IOException {
        return store.openRead(file(relativePath));
    }

    @Override
    public SeekableByteChannel openRandomAccess(String relativePath) throws IOException {
        return store.openRandomAccess(file(relativePath));
    }

    @Override
    public List<String> files() {
        if (files == null) {
            try {
                files = store.listFiles(directory).stream().filter(path -> !path.startsWith(".cairn/")).toList();
            } catch (IOException e) {
                throw new CairnException(ErrorCode.STORE_FAILURE, "Cannot list files of artifact " + artifactName + " at " + directory + ": " + e, e);
            }
        }
        return files;
    }

    @Override
    public long size(String relativePath) throws IOException {
        return store.size(file(relativePath));
    }

    @Override
    public URI uri() {
        return directory;
    }

    @Override
    public String artifactName() {
        return artifactName;
    }

    @Override
    public LoadOptions options() {
        return options;
    }

    @Override
    public java.util.Optional<List<dev.cairn.api.artifact.ArtifactFile>> recordedFiles() {
        return java.util.Optional.of(recordedFiles.get());
    }
}
