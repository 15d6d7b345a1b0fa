package dev.cairn.materializers.ml;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.cairn.api.spi.ArtifactWriter;
import dev.cairn.api.spi.RelativePaths;

/** An {@link ArtifactWriter} into a real directory, checking paths as the engine does; records the files created. */
public final class TestingArtifactWriter implements ArtifactWriter {
    private final Path directory;
    private final Type type;
    private final Map<String, String> options;
    private final List<String> created = new ArrayList<>();

    public TestingArtifactWriter(Path directory, Type type) {
        this(directory, type, Map.of());
    }

    public TestingArtifactWriter(Path directory, Type type, Map<String, String> options) {
        this.directory = directory;
        this.type = type;
        this.options = Map.copyOf(options);
    }

    @Override
    public OutputStream create(String relativePath) throws IOException {
        RelativePaths.problem(relativePath).ifPresent(problem -> {
            throw new IllegalArgumentException("bad path " + relativePath + ": " + problem);
        });
        if (created.contains(relativePath)) {
            throw new IllegalStateException("created twice: " + relativePath);
        }
        Path file = directory.resolve(relativePath);
        Files.createDirectories(file.getParent());
        created.add(relativePath);
        return Files.newOutputStream(file);
    }

    @Override
    public String artifactName() {
        return "test_model";
    }

    @Override
    public Type type() {
        return type;
    }

    @Override
    public Map<String, String> options() {
        return options;
    }

    public List<String> created() {
        return List.copyOf(created);
    }
}
