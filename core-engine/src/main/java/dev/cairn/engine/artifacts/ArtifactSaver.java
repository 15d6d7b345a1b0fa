package dev.cairn.engine.artifacts;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.ArtifactType;
import dev.cairn.api.artifact.Visualization;
import dev.cairn.api.metadata.ArtifactVersionRecord;
import dev.cairn.api.metadata.MetadataStore;
import dev.cairn.api.metadata.NewArtifactVersion;
import dev.cairn.api.pipeline.JsonValues;
import dev.cairn.api.spi.ArtifactDraft;
import dev.cairn.api.spi.ArtifactStore;
import dev.cairn.api.spi.Materializer;
import dev.cairn.engine.stores.ArtifactStores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a value as an artifact: materializer → hashed files in a draft → reserved version → manifest and
 * visualizations → atomic commit; and removes a saved artifact whose step failed. Thread-safe.
 */
final class ArtifactSaver {
    private static final Logger LOG = LoggerFactory.getLogger(ArtifactSaver.class);

    private final ArtifactStores stores;
    private final MetadataStore metadata;
    private final ObjectMapper json;
    private final Clock clock;
    private final ArtifactVerifier verifier;
    private final com.fasterxml.jackson.databind.ObjectWriter manifestWriter;

    ArtifactSaver(ArtifactStores stores, MetadataStore metadata, ObjectMapper json, Clock clock, ArtifactVerifier verifier) {
        this.stores = requireNonNull(stores, "stores is null");
        this.metadata = requireNonNull(metadata, "metadata is null");
        this.json = requireNonNull(json, "json is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.verifier = requireNonNull(verifier, "verifier is null");
        this.manifestWriter = json.writerWithDefaultPrettyPrinter();
    }

    /**
     * Saves a value. On return the data is committed in the store and the version is reserved; the caller
     * marks it {@code READY} (with the step's completion, or {@link MetadataStore#commitArtifactVersion}).
     * On failure nothing is left visible.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    ArtifactService.SavedArtifact save(ArtifactService.SaveRequest request) {
        ArtifactStore store = stores.defaultStore();
        Materializer materializer = request.materializer();
        UUID id = dev.cairn.engine.ids.TimeOrderedIds.next();
        try (ArtifactDraft draft = store.createDraft()) {
            HashingArtifactWriter writer = new HashingArtifactWriter(draft, request.name(), request.type(), request.options());
            try {
                materializer.save(request.value(), writer);
            } catch (CairnException e) {
                if (e.getMessage() != null && e.getMessage().contains(request.where())) {
                    throw e;
                }
                throw new CairnException(e.errorCode(), "For " + request.where() + ": " + e.getMessage(), e);
            } catch (Exception | LinkageError e) {
                throw new CairnException(ErrorCode.MATERIALIZER_FAILED,
                        "Materializer " + materializer.id() + " failed to save " + request.where() + " (type " + request.type().getTypeName()
                                + ") as artifact '" + request.name() + "': " + e, e);
            }
            List<Manifest.FileEntry> files = writer.finish();
            Map<String, Object> extracted = metadataOf(materializer, request);
            ArtifactType artifactType = request.artifactType().orElse(materializer.artifactType());
            List<Visualization> visualizations = visualizationsOf(materializer, request);
            long size = files.stream().mapToLong(Manifest.FileEntry::size).sum();
            String contentHash = ContentHash.of(files);
            Instant now = clock.instant();
            ArtifactVersionRecord reserved = metadata.reserveArtifactVersion(NewArtifactVersion.builder()
                    .id(id)
                    .name(request.name())
                    .explicitVersion(request.explicitVersion())
                    .storeUri(store.rootUri())
                    .dataType(request.type().getTypeName())
                    .materializerId(materializer.id())
                    .materializerVersion(materializer.version())
                    .artifactType(artifactType)
                    .contentHash(contentHash)
                    .size(size)
                    .metadata(extracted)
                    .producerStepRunId(request.producerStepRunId())
                    .createdAt(now)
                    .build());
            try {
                List<Manifest.VisualizationEntry> visualizationEntries = writeVisualizations(draft, visualizations, files);
                Manifest manifest = new Manifest(Manifest.FORMAT_VERSION, id.toString(), request.name(), reserved.version(),
                        reserved.dataType(), materializer.id(), materializer.version(), artifactType.name(), contentHash, size,
                        files, visualizationEntries, extracted, now, request.producerStepRunId().map(UUID::toString).orElse(null),
                        producerOf(request).orElse(null));
                byte[] manifestBytes = manifestWriter.writeValueAsBytes(manifest);
                try (OutputStream out = draft.create(Manifest.PATH)) {
                    out.write(manifestBytes);
                }
                URI uri = draft.commit(ArtifactNames.directory(request.name(), reserved.version(), id));
                verifier.remember(id, files);
                verifier.rememberWritten(id, uri, files);
                return new ArtifactService.SavedArtifact(reserved, uri, visualizations);
            } catch (IOException | RuntimeException e) {
                metadata.abandonArtifactVersion(id);
                throw e;
            }
        } catch (IOException e) {
            throw new CairnException(ErrorCode.STORE_FAILURE,
                    "Writing artifact '" + request.name() + "' (" + request.where() + ") to " + store.rootUri() + " failed: " + e, e);
        }
    }

    /**
     * The producer written into the manifest: the request's, or for a value a step saved through its client, its step run
     * and run as recorded (no output name, no inputs). Empty for a value saved outside a step.
     */
    private Optional<Manifest.Producer> producerOf(ArtifactService.SaveRequest request) {
        if (request.producer().isPresent() || request.producerStepRunId().isEmpty()) {
            return request.producer();
        }
        UUID stepRunId = request.producerStepRunId().get();
        return metadata.findStepRun(stepRunId).flatMap(step -> metadata.findRun(step.runId()).map(run -> new Manifest.Producer(stepRunId.toString(),
                run.id().toString(), run.pipelineName(), step.stepName(), step.position(), step.upstreamSteps(), null, List.of())));
    }

    /**
     * Writes each visualization as {@code .cairn/visualization-<name>.<extension>}, unless a data file of the version
     * holds exactly its bytes (the JSON preview of a small value is its {@code data.json}): then its manifest entry names
     * that data file, and no second copy is written. The visualizations themselves are kept in the metadata store either
     * way; the files are what {@code cairn doctor --rebuild} restores them from.
     */
    private static List<Manifest.VisualizationEntry> writeVisualizations(ArtifactDraft draft, List<Visualization> visualizations,
            List<Manifest.FileEntry> files) throws IOException {
        List<Manifest.VisualizationEntry> entries = new ArrayList<>();
        for (Visualization visualization : visualizations) {
            byte[] content = visualization.content();
            String sha256 = HexFormat.of().formatHex(ContentHash.sha256().digest(content));
            String path = null;
            for (Manifest.FileEntry file : files) {
                if (file.size() == content.length && file.sha256().equals(sha256)) {
                    path = file.path();
                    break;
                }
            }
            if (path == null) {
                path = Manifest.VISUALIZATION_PREFIX + visualization.fileName();
                try (OutputStream out = draft.create(path)) {
                    out.write(content);
                }
            }
            entries.add(new Manifest.VisualizationEntry(visualization.name(), visualization.type().name(), path, sha256));
        }
        return entries;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Map<String, Object> metadataOf(Materializer materializer, ArtifactService.SaveRequest request) {
        Map<String, Object> extracted;
        try {
            extracted = materializer.extractMetadata(request.value());
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("Materializer {} failed to extract metadata of artifact '{}'; storing it without metadata", materializer.id(), request.name(), e);
            return Map.of();
        }
        Map<String, Object> clean = new LinkedHashMap<>();
        if (extracted != null) {
            extracted.forEach((key, value) -> {
                if (key != null && value != null && JsonValues.findProblem(value).isEmpty()) {
                    clean.put(key, value);
                } else {
                    LOG.warn("Dropping metadata entry '{}' of artifact '{}': not a JSON value", key, request.name());
                }
            });
        }
        return clean;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static List<Visualization> visualizationsOf(Materializer materializer, ArtifactService.SaveRequest request) {
        try {
            List<Visualization> visualizations = materializer.visualizations(request.value());
            return visualizations == null ? List.of() : List.copyOf(visualizations);
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("Materializer {} failed to render visualizations of artifact '{}'; storing it without them", materializer.id(), request.name(), e);
            return List.of();
        }
    }

    /** Removes a saved artifact whose step failed: deletes its directory and forgets its reserved version. */
    void delete(ArtifactService.SavedArtifact artifact) {
        try {
            stores.open(artifact.record().storeUri()).delete(artifact.uri());
        } catch (IOException e) {
            throw new CairnException(ErrorCode.STORE_FAILURE, "Cannot delete " + artifact.uri() + ": " + e, e);
        } finally {
            metadata.abandonArtifactVersion(artifact.record().id());
        }
    }
}
