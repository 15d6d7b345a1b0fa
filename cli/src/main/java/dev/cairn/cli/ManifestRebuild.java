package dev.cairn.cli;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.api.artifact.ArtifactType;
import dev.cairn.api.artifact.Visualization;
import dev.cairn.api.artifact.VisualizationType;
import dev.cairn.api.metadata.ArtifactVersionRecord;
import dev.cairn.api.metadata.InputKind;
import dev.cairn.api.metadata.MetadataStore;
import dev.cairn.api.metadata.NewArtifactVersion;
import dev.cairn.api.metadata.PipelineRunRecord;
import dev.cairn.api.metadata.StepInputRecord;
import dev.cairn.api.metadata.StepOutputRecord;
import dev.cairn.api.metadata.StepRunRecord;
import dev.cairn.api.run.RunStatus;
import dev.cairn.api.run.StepStatus;
import dev.cairn.engine.artifacts.Manifest;

/**
 * Records, in an empty metadata store, what the manifests under a local store's {@code artifacts/} describe: every version,
 * its visualizations, and where a manifest names its producer, the producing step run (in its run and pipeline) with its
 * output and its inputs. What cannot be recorded (a manifest that does not parse, an input whose version is gone) is
 * added to the caller's list of skipped items; everything else is still recorded. Not thread-safe; used once.
 */
final class ManifestRebuild {
    static final String REBUILT_RUN_ERROR = "Status unknown: this run was rebuilt by 'cairn doctor --rebuild' from the manifests of"
            + " the versions its steps wrote; its real status, its parameters and its steps that left no output are not recorded there";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A manifest as read: the version directory and its content. */
    record Found(Path directory, JsonNode manifest, UUID id, Instant createdAt) {}

    /** How much was recorded. */
    record Result(int versions, int runs, int stepRuns) {}

    private final MetadataStore metadata;
    private final URI storeRoot;
    private final List<String> skipped;

    ManifestRebuild(MetadataStore metadata, URI storeRoot, List<String> skipped) {
        this.metadata = requireNonNull(metadata, "metadata is null");
        this.storeRoot = requireNonNull(storeRoot, "storeRoot is null");
        this.skipped = requireNonNull(skipped, "skipped is null");
    }

    /** The manifests of every {@code artifacts/<name>/<version>/} directory, oldest first; unreadable ones go to {@code skipped}. */
    static List<Found> read(Path artifacts, List<String> skipped) {
        List<Found> found = new ArrayList<>();
        if (!Files.isDirectory(artifacts, LinkOption.NOFOLLOW_LINKS)) {
            return found;
        }
        try (Stream<Path> manifests = Files.walk(artifacts, 4)) {
            for (Path manifest : (Iterable<Path>) manifests.filter(p -> p.endsWith(Manifest.PATH)
                    && p.getNameCount() == artifacts.getNameCount() + 4)::iterator) {
                Path directory = manifest.getParent().getParent();
                try {
                    JsonNode node = JSON.readTree(manifest.toFile());
                    found.add(new Found(directory, node, UUID.fromString(node.path("artifactId").asText()),
                            Instant.parse(node.path("createdAt").asText())));
                } catch (IOException | RuntimeException e) {
                    skipped.add(directory + ": " + e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        found.sort(Comparator.comparing(Found::createdAt).thenComparing(Found::id));
        return found;
    }

    /** A producing step run as the manifests of its outputs describe it. */
    private static final class StepRebuild {
        final UUID id;
        final UUID runId;
        final String step;
        int position = -1;
        List<String> upstream = List.of();
        final List<Found> outputs = new ArrayList<>();
        final Map<String, StepInputRecord> inputs = new LinkedHashMap<>();

        StepRebuild(UUID id, UUID runId, String step) {
            this.id = id;
            this.runId = runId;
            this.step = step;
        }
    }

    Result record(List<Found> found) {
        // producers first: a version's row refers to its step run
        Map<UUID, String> pipelines = new LinkedHashMap<>();
        Map<UUID, StepRebuild> steps = new LinkedHashMap<>();
        Map<UUID, UUID> producerOf = new LinkedHashMap<>();
        for (Found manifest : found) {
            producer(manifest).ifPresent(producer -> {
                UUID stepRunId = UUID.fromString(producer.path("stepRunId").asText());
                UUID runId = UUID.fromString(producer.path("runId").asText());
                String pipeline = producer.path("pipeline").asText();
                String step = producer.path("step").asText();
                String known = pipelines.putIfAbsent(runId, pipeline);
                StepRebuild rebuild = steps.computeIfAbsent(stepRunId, id -> new StepRebuild(id, runId, step));
                if ((known != null && !known.equals(pipeline)) || !rebuild.runId.equals(runId) || !rebuild.step.equals(step)) {
                    skipped.add(manifest.directory() + ": its producer contradicts another manifest's; recorded without it");
                    return;
                }
                rebuild.outputs.add(manifest);
                if (producer.path("position").isInt()) {
                    rebuild.position = producer.path("position").asInt();
                }
                if (producer.path("upstreamSteps").isArray()) {
                    List<String> upstream = new ArrayList<>();
                    producer.path("upstreamSteps").forEach(name -> upstream.add(name.asText()));
                    rebuild.upstream = List.copyOf(upstream);
                }
                for (JsonNode input : producer.path("inputs")) {
                    StepInputRecord record = new StepInputRecord(stepRunId, input.path("name").asText(),
                            UUID.fromString(input.path("artifactId").asText()), InputKind.valueOf(input.path("kind").asText()));
                    rebuild.inputs.putIfAbsent(record.name() + " " + record.artifactId(), record);
                }
                producerOf.put(manifest.id(), stepRunId);
            });
        }
        Map<UUID, List<StepRebuild>> runs = new LinkedHashMap<>();
        steps.values().forEach(step -> runs.computeIfAbsent(step.runId, id -> new ArrayList<>()).add(step));
        Set<UUID> recordedSteps = new HashSet<>();
        runs.forEach((runId, runSteps) -> {
            Map<UUID, String> stepOfOutput = new LinkedHashMap<>();
            runSteps.forEach(step -> step.outputs.forEach(output -> stepOfOutput.put(output.id(), step.step)));
            List<StepRunRecord> records = new ArrayList<>();
            for (int index = 0; index < runSteps.size(); index++) {
                StepRebuild step = runSteps.get(index);
                Set<String> upstream = new LinkedHashSet<>(step.upstream);
                step.inputs.values().stream().filter(input -> input.kind() == InputKind.STEP_OUTPUT)
                        .map(input -> stepOfOutput.get(input.artifactId())).filter(name -> name != null && !name.equals(step.step))
                        .forEach(upstream::add);
                records.add(StepRunRecord.builder().id(step.id).runId(runId).stepName(step.step).position(step.position >= 0 ? step.position : index)
                        .upstreamSteps(List.copyOf(upstream)).status(StepStatus.RUNNING).startedAt(first(step)).build());
            }
            Instant started = runSteps.stream().map(ManifestRebuild::first).min(Comparator.naturalOrder()).orElseThrow();
            try {
                metadata.insertRun(new PipelineRunRecord(runId, pipelines.get(runId), RunStatus.RUNNING, started, Optional.empty(), Map.of(),
                        Optional.empty()), records);
                runSteps.forEach(step -> recordedSteps.add(step.id));
            } catch (RuntimeException e) {
                skipped.add("run " + runId + " of pipeline '" + pipelines.get(runId) + "': " + e.getMessage()
                        + " (its versions are recorded without their producer)");
            }
        });

        Map<UUID, ArtifactVersionRecord> reserved = new LinkedHashMap<>();
        for (Found manifest : found) {
            Optional<UUID> producer = Optional.ofNullable(producerOf.get(manifest.id())).filter(recordedSteps::contains);
            try {
                JsonNode node = manifest.manifest();
                Map<String, Object> values = node.hasNonNull("metadata")
                        ? JSON.convertValue(node.get("metadata"), new TypeReference<Map<String, Object>>() {})
                        : Map.of();
                reserved.put(manifest.id(), metadata.reserveArtifactVersion(NewArtifactVersion.builder()
                        .id(manifest.id())
                        .name(node.path("name").asText())
                        .explicitVersion(node.path("version").asText())
                        .storeUri(storeRoot)
                        .dataType(node.path("dataType").asText())
                        .materializerId(node.path("materializerId").asText())
                        .materializerVersion(node.path("materializerVersion").asText())
                        .artifactType(ArtifactType.valueOf(node.path("artifactType").asText()))
                        .contentHash(node.path("contentHash").asText())
                        .size(node.path("size").asLong())
                        .metadata(values)
                        .producerStepRunId(producer)
                        .createdAt(manifest.createdAt())
                        .build()));
            } catch (RuntimeException e) {
                skipped.add(manifest.directory() + ": " + e.getMessage());
            }
        }

        int versions = 0;
        int stepRuns = 0;
        Set<UUID> committed = new HashSet<>();
        for (StepRebuild step : steps.values()) {
            if (!recordedSteps.contains(step.id)) {
                continue;
            }
            List<MetadataStore.CommittedArtifact> artifacts = new ArrayList<>();
            List<StepOutputRecord> outputs = new ArrayList<>();
            for (Found output : step.outputs) {
                if (!reserved.containsKey(output.id())) {
                    continue;
                }
                artifacts.add(committedArtifact(output));
                String name = producer(output).map(p -> p.path("output")).filter(JsonNode::isTextual).map(JsonNode::asText).orElse(null);
                if (name != null) {
                    outputs.add(new StepOutputRecord(step.id, name, output.id()));
                }
            }
            List<StepInputRecord> inputs = new ArrayList<>();
            for (StepInputRecord input : step.inputs.values()) {
                if (reserved.containsKey(input.artifactId())) {
                    inputs.add(input);
                } else {
                    skipped.add("input '" + input.name() + "' (version " + input.artifactId() + ") of step '" + step.step + "' in run "
                            + step.runId + ": no manifest of that version is in the store (a consumed version is never pruned, so it was deleted or"
                            + " damaged outside Cairn); this input is not recorded");
                }
            }
            StepRunRecord completed = StepRunRecord.builder().id(step.id).runId(step.runId).stepName(step.step)
                    .status(StepStatus.COMPLETED).startedAt(first(step)).endedAt(last(step)).build();
            try {
                metadata.completeStep(positioned(completed), artifacts, inputs, outputs);
                artifacts.forEach(artifact -> committed.add(artifact.artifactId()));
                versions += artifacts.size();
                stepRuns++;
            } catch (RuntimeException e) {
                skipped.add("step '" + step.step + "' of run " + step.runId + ": " + e.getMessage()
                        + " (its outputs are recorded without their lineage)");
            }
        }
        for (Found manifest : found) {
            if (!reserved.containsKey(manifest.id()) || committed.contains(manifest.id())) {
                continue;
            }
            try {
                metadata.commitArtifactVersion(committedArtifact(manifest));
                versions++;
            } catch (RuntimeException e) {
                skipped.add(manifest.directory() + ": " + e.getMessage());
            }
        }
        int finishedRuns = 0;
        for (Map.Entry<UUID, List<StepRebuild>> run : runs.entrySet()) {
            if (run.getValue().stream().noneMatch(step -> recordedSteps.contains(step.id))) {
                continue;
            }
            Instant ended = run.getValue().stream().map(ManifestRebuild::last).max(Comparator.naturalOrder()).orElseThrow();
            metadata.finishRun(run.getKey(), RunStatus.FAILED, ended, Optional.of(REBUILT_RUN_ERROR));
            finishedRuns++;
        }
        return new Result(versions, finishedRuns, stepRuns);
    }

    /** The step run record to complete: the one inserted, with its position and upstream steps kept. */
    private StepRunRecord positioned(StepRunRecord completed) {
        return metadata.findStepRun(completed.id())
                .map(inserted -> inserted.toBuilder().status(completed.status()).startedAt(completed.startedAt()).endedAt(completed.endedAt()).build())
                .orElse(completed);
    }

    private static Optional<JsonNode> producer(Found manifest) {
        JsonNode producer = manifest.manifest().path("producer");
        if (!producer.isObject()) {
            return Optional.empty();
        }
        try {
            UUID.fromString(producer.path("stepRunId").asText());
            UUID.fromString(producer.path("runId").asText());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return producer.path("pipeline").asText().isEmpty() || producer.path("step").asText().isEmpty() ? Optional.empty() : Optional.of(producer);
    }

    private static Instant first(StepRebuild step) {
        return step.outputs.stream().map(Found::createdAt).min(Comparator.naturalOrder()).orElseThrow();
    }

    private static Instant last(StepRebuild step) {
        return step.outputs.stream().map(Found::createdAt).max(Comparator.naturalOrder()).orElseThrow();
    }

    /**
     * The version committed at its directory, with the visualizations its manifest lists whose files are still there with
     * their SHA-256 (a missing or changed one is left out and reported).
     */
    private MetadataStore.CommittedArtifact committedArtifact(Found manifest) {
        List<Visualization> visualizations = new ArrayList<>();
        for (JsonNode entry : manifest.manifest().path("visualizations")) {
            String path = entry.path("path").asText();
            try {
                Path file = manifest.directory().resolve(path).normalize();
                if (!file.startsWith(manifest.directory())) {
                    throw new IOException("the path leaves the version directory");
                }
                byte[] content = Files.readAllBytes(file);
                if (!HexFormat.of().formatHex(sha256().digest(content)).equals(entry.path("sha256").asText())) {
                    throw new IOException("its SHA-256 differs from the manifest's");
                }
                visualizations.add(Visualization.binary(entry.path("name").asText(), VisualizationType.valueOf(entry.path("type").asText()), content));
            } catch (IOException | RuntimeException e) {
                skipped.add(manifest.directory() + ": visualization " + path + " not restored: " + e.getMessage());
            }
        }
        return new MetadataStore.CommittedArtifact(manifest.id(), manifest.directory().toUri(), visualizations);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
