package dev.cairn.materializers.ml;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.SeekableByteChannel;
import java.util.List;

import dev.cairn.api.artifact.LoadOptions;
import dev.cairn.api.spi.ArtifactReader;

/** A reader that streams from a local directory but reports a non-local URI, as a remote store's reader does. */
public final class TestingRemoteReader implements ArtifactReader {
    private final ArtifactReader local;

    public TestingRemoteReader(ArtifactReader local) {
        this.local = local;
    }

    @Override
    public InputStream open(String relativePath) throws IOException {
        return local.open(relativePath);
    }

    @Override
    public SeekableByteChannel openRandomAccess(String relativePath) throws IOException {
        return local.openRandomAccess(relativePath);
    }

    @Override
    public List<String> files() {
        return local.files();
    }

    @Override
    public long size(String relativePath) throws IOException {
        return local.size(relativePath);
    }

    @Override
    public URI uri() {
        return URI.create("hdfs://namenode:8020/store/artifacts/model/1/");
    }

    @Override
    public String artifactName() {
        return local.artifactName();
    }

    @Override
    public LoadOptions options() {
        return local.options();
    }
}
