package dev.cairn.engine.materializers;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.cairn.api.spi.ArtifactWriter;

/** An {@link ArtifactWriter} over a real directory, checking paths the way an artifact store does. */
final class TestingArtifactWriter implements ArtifactWriter {
    private final Path directory;
    private final String artifactName;
    private final Type type;
    private final Map<String, String> options;
    private final List<String> created = new ArrayList<>();

    TestingArtifactWriter(Path directory, String artifactName, Type type) {
        this(directory, artifactName, type, Map.of());
    }

    TestingArtifactWriter(Path directory, String artifactName, Type type, Map<String, String> options) {
        this.directory = requireNonNull(directory, "directory is null");
        this.artifactName = requireNonNull(artifactName, "artifactName is null");
        this.type = requireNonNull(type, "type is null");
        this.options = Map.copyOf(options);
    }

    @Override
    public OutputStream create(String relativePath) throws IOException {
        requireNonNull(relativePath, "relativePath is null");
        if (relativePath.isEmpty() || relativePath.startsWith("/") || relativePath.contains("\\")
                || List.of(relativePath.split("/")).contains("..") || relativePath.startsWith(".cairn/")) {
            throw new IllegalArgumentException("invalid artifact file path: " + relativePath);
        }
        if (created.contains(relativePath)) {
            throw new IllegalStateException("file created twice: " + relativePath);
        }
        created.add(relativePath);
        Path file = directory.resolve(relativePath);
        Files.createDirectories(file.getParent());
        return Files.newOutputStream(file);
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

    /** The relative paths created, in order. */
    List<String> created() {
        return List.copyOf(created);
    }
}
