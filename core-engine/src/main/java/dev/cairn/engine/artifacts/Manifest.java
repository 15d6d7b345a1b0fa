package dev.cairn.engine.artifacts;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * The self-description written to {@code .cairn/manifest.json} in every artifact directory: enough to verify
 * the data and to rebuild the metadata store from the artifact store.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public record Manifest(
        int formatVersion,
        String artifactId,
        String name,
        String version,
        String dataType,
        String materializerId,
        String materializerVersion,
        String artifactType,
        String contentHash,
        long size,
        List<FileEntry> files,
        List<VisualizationEntry> visualizations,
        Map<String, Object> metadata,
        Instant createdAt,
        String producerStepRunId) {
    public static final int FORMAT_VERSION = 1;
    public static final String PATH = ".cairn/manifest.json";
    /** Visualization files are stored as {@code .cairn/visualization-<name>.<extension>} (one directory less per artifact). */
    public static final String VISUALIZATION_PREFIX = ".cairn/visualization-";

    /** A data file with its size and SHA-256 (hex). */
    public record FileEntry(String path, long size, String sha256) {}

    /** A stored visualization file. */
    public record VisualizationEntry(String name, String type, String path, String sha256) {}
}
