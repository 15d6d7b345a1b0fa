package dev.cairn.materializers.arrow;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.cairn.api.spi.ArtifactWriter;

/** An {@link ArtifactWriter} into a real directory; records which files were created and whether they were closed. */
final class TestingArtifactWriter implements ArtifactWriter {
    private final Path directory;
    private final Type type;
    private final Map<String, String> options;
    private final List<String> created = new ArrayList<>();
    private final List<String> open = new ArrayList<>();

    TestingArtifactWriter(Path directory, Type type) {
        this(directory, type, Map.of());
    }

    TestingArtifactWriter(Path directory, Type type, Map<String, String> options) {
        this.directory = directory;
        this.type = type;
        this.options = Map.copyOf(options);
    }

    @Override
    public OutputStream create(String relativePath) throws IOException {
        Path file = directory.resolve(relativePath);
        Files.createDirectories(file.getParent());
        created.add(relativePath);
        open.add(relativePath);
        OutputStream out = Files.newOutputStream(file);
        return new OutputStream() {
            private boolean closed;

            @Override
            public void write(int b) throws IOException {
                out.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
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
        return "test_table";
    }

    @Override
    public Type type() {
        return type;
    }

    @Override
    public Map<String, String> options() {
        return options;
    }

    List<String> created() {
        return List.copyOf(created);
    }

    /** Files whose stream was never closed. */
    List<String> open() {
        return List.copyOf(open);
    }
}
