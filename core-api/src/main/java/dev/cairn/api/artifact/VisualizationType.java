package dev.cairn.api.artifact;

import org.apiguardian.api.API;

/** The format of a {@link Visualization}, with the file extension it is stored under. */
@API(status = API.Status.STABLE, since = "0.1")
public enum VisualizationType {
    HTML("html"), MARKDOWN("md"), CSV("csv"), JSON("json"), PNG("png"), SVG("svg");

    private final String extension;

    VisualizationType(String extension) {
        this.extension = extension;
    }

    public String extension() {
        return extension;
    }

    /** True for the binary formats ({@code PNG}); the others are UTF-8 text. */
    public boolean isBinary() {
        return this == PNG;
    }
}
