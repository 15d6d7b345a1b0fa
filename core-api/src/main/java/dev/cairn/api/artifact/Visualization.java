package dev.cairn.api.artifact;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/** A rendering of an artifact produced by its materializer: a table, a chart, a summary. Immutable. */
@API(status = API.Status.STABLE, since = "0.1")
public final class Visualization {
    private final String name;
    private final VisualizationType type;
    private final byte[] content;

    private Visualization(String name, VisualizationType type, byte[] content) {
        this.name = requireNonNull(name, "name is null");
        this.type = requireNonNull(type, "type is null");
        this.content = requireNonNull(content, "content is null").clone();
        if (!name.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw new IllegalArgumentException("visualization name must match [A-Za-z0-9_.-]{1,64}: " + name);
        }
    }

    /**
     * A text visualization (Markdown, CSV, JSON, HTML, SVG).
     *
     * @throws IllegalArgumentException if {@code name} does not match {@code [A-Za-z0-9_.-]{1,64}} (a materializer's
     *     programming error)
     */
    public static Visualization text(String name, VisualizationType type, String text) {
        return new Visualization(name, type, requireNonNull(text, "text is null").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A binary visualization (PNG).
     *
     * @throws IllegalArgumentException if {@code name} does not match {@code [A-Za-z0-9_.-]{1,64}} (a materializer's
     *     programming error)
     */
    public static Visualization binary(String name, VisualizationType type, byte[] content) {
        return new Visualization(name, type, content);
    }

    public String name() {
        return name;
    }

    public VisualizationType type() {
        return type;
    }

    /** A copy of the bytes. */
    public byte[] content() {
        return content.clone();
    }

    /** The content as UTF-8 text (meaningful for the text formats). */
    public String text() {
        return new String(content, StandardCharsets.UTF_8);
    }

    /** The file name it is stored under: {@code <name>.<extension>}. */
    public String fileName() {
        return name + "." + type.extension();
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof Visualization other && name.equals(other.name) && type == other.type && Arrays.equals(content, other.content);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * name.hashCode() + type.hashCode()) + Arrays.hashCode(content);
    }

    @Override
    public String toString() {
        return "Visualization[" + fileName() + ", " + content.length + " bytes]";
    }
}
