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
        String producerStepRunId,
        Producer producer) {
    public static final int FORMAT_VERSION = 1;

    /** A manifest without a {@link Producer} (data written outside a step run, or by a Cairn that did not record one). */
    public Manifest(int formatVersion, String artifactId, String name, String version, String dataType, String materializerId,
            String materializerVersion, String artifactType, String contentHash, long size, List<FileEntry> files,
            List<VisualizationEntry> visualizations, Map<String, Object> metadata, Instant createdAt, String producerStepRunId) {
        this(formatVersion, artifactId, name, version, dataType, materializerId, materializerVersion, artifactType, contentHash, size,
                files, visualizations, metadata, createdAt, producerStepRunId, null);
    }

    /**
     * The step run that wrote the artifact, as far as a rebuild of the metadata needs it ({@code cairn doctor --rebuild}):
     * its run, pipeline and step (with its position in the run and the steps it depends on), the output it is ({@code null}
     * when the step saved it through its client), and the step's inputs as they were recorded when it ran. Absent from
     * manifests written before it was recorded.
     */
    public record Producer(String stepRunId, String runId, String pipeline, String step, int position, List<String> upstreamSteps,
            String output, List<Input> inputs) {}

    /** An input of the producing step: the argument name, the artifact id and the {@code InputKind}'s name. */
    public record Input(String name, String artifactId, String kind) {}
    public static final String PATH = ".cairn/manifest.json";
    /** Visualization files are stored as {@code .cairn/visualization-<name>.<extension>} (one directory less per artifact). */
    public static final String VISUALIZATION_PREFIX = ".cairn/visualization-";

    /** A data file with its size and SHA-256 (hex). */
    public record FileEntry(String path, long size, String sha256) {}

    /** A stored visualization file. */
    public record VisualizationEntry(String name, String type, String path, String sha256) {}
}
