package dev.cairn.engine.client;

import static java.util.Objects.requireNonNull;

import java.lang.reflect.Type;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;

import dev.cairn.api.CairnException;
import dev.cairn.api.Client;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.AliasMove;
import dev.cairn.api.artifact.ArtifactFilter;
import dev.cairn.api.artifact.ArtifactPage;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.artifact.MetadataValue;
import dev.cairn.api.artifact.SaveOptions;
import dev.cairn.api.lifecycle.ProgressListener;
import dev.cairn.api.lifecycle.PruneOptions;
import dev.cairn.api.lifecycle.PruneReport;
import dev.cairn.api.lineage.Lineage;
import dev.cairn.api.metadata.ArtifactVersionRecord;
import dev.cairn.api.metadata.MetadataStore;
import dev.cairn.api.metadata.MetadataTarget;
import dev.cairn.api.metadata.PipelineRunRecord;
import dev.cairn.api.metadata.StepInputRecord;
import dev.cairn.api.metadata.StepOutputRecord;
import dev.cairn.api.metadata.StepRunRecord;
import dev.cairn.api.pipeline.GenericTypes;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.StepRun;
import dev.cairn.api.spi.Materializer;
import dev.cairn.engine.artifacts.ArtifactNames;
import dev.cairn.engine.artifacts.ArtifactService;
import dev.cairn.engine.artifacts.VersionReferences;
import dev.cairn.engine.files.TemporaryFiles;
import dev.cairn.engine.lifecycle.Pruner;
import dev.cairn.engine.lineage.LineageBuilder;
import dev.cairn.engine.materializers.MaterializerRegistry;
import jakarta.inject.Inject;
import org.apiguardian.api.API;

/** The {@link Client} of an engine, reading the metadata store. Thread-safe. */
@API(status = API.Status.INTERNAL, since = "0.1")
public class EngineClient implements Client {
    private final MetadataStore metadata;
    private final ArtifactService artifacts;
    private final Consumer<ArtifactVersionRecord> onLoad;
    private final LineageBuilder lineage;
    private final Pruner pruner;
    private final MaterializerRegistry materializers;
    private final Optional<UUID> stepRunId;
    private final Clock clock;
    private final TemporaryFiles files;
    private final TemporaryFiles.Scope loads;
    private final dev.cairn.engine.logs.StepLogs stepLogs;

    @Inject
    public EngineClient(MetadataStore metadata, ArtifactService artifacts, LineageBuilder lineage, Pruner pruner, MaterializerRegistry materializers,
            Clock clock, TemporaryFiles files, dev.cairn.engine.logs.StepLogs stepLogs) {
        this(metadata, artifacts, lineage, pruner, materializers, clock, record -> {}, Optional.empty(), files, files.engineScope(), stepLogs);
    }

    private EngineClient(MetadataStore metadata, ArtifactService artifacts, LineageBuilder lineage, Pruner pruner, MaterializerRegistry materializers,
            Clock clock, Consumer<ArtifactVersionRecord> onLoad, Optional<UUID> stepRunId, TemporaryFiles files, TemporaryFiles.Scope loads,
            dev.cairn.engine.logs.StepLogs stepLogs) {
        this.stepLogs = requireNonNull(stepLogs, "stepLogs is null");
        this.files = requireNonNull(files, "files is null");
        this.loads = requireNonNull(loads, "loads is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.metadata = requireNonNull(metadata, "metadata is null");
        this.artifacts = requireNonNull(artifacts, "artifacts is null");
        this.lineage = requireNonNull(lineage, "lineage is null");
        this.pruner = requireNonNull(pruner, "pruner is null");
        this.materializers = requireNonNull(materializers, "materializers is null");
        this.onLoad = onLoad;
        this.stepRunId = stepRunId;
    }

    /** A client whose artifact loads are reported to {@code onLoad} (used inside steps to record lineage). */
    public EngineClient recordingLoads(Consumer<ArtifactVersionRecord> onLoad) {
        return new EngineClient(metadata, artifacts, lineage, pruner, materializers, clock, requireNonNull(onLoad, "onLoad is null"), stepRunId,
                files, loads, stepLogs);
    }

    /**
     * The client of a running step: its loads go to {@code onLoad}, its saves are produced by {@code stepRunId}, and the
     * temporary files of its loads belong to {@code loads} (the step's scope, which ends with the step).
     */
    public EngineClient ofStep(UUID stepRunId, Consumer<ArtifactVersionRecord> onLoad, TemporaryFiles.Scope loads) {
        return new EngineClient(metadata, artifacts, lineage, pruner, materializers, clock, requireNonNull(onLoad, "onLoad is null"),
                Optional.of(requireNonNull(stepRunId, "stepRunId is null")), files, requireNonNull(loads, "loads is null"),
                stepLogs);
    }

    /** The engine's temporary files. */
    public TemporaryFiles temporaryFiles() {
        return files;
    }

    @Override
    public ArtifactVersion save(Object value, SaveOptions options) {
        requireNonNull(value, "value is null");
        requireNonNull(options, "options is null");
        String where = "a value saved through the client";
        String name = ArtifactNames.validateName(options.name(), where);
        options.version().ifPresent(version -> ArtifactNames.validateVersion(version, where + " as '" + name + "'"));
        Type type = options.type().orElse(value.getClass());
        if (!GenericTypes.box(GenericTypes.rawClass(type)).isInstance(value)) {
            throw new CairnException(ErrorCode.TYPE_MISMATCH, "The value saved as '" + name + "' is a " + value.getClass().getName()
                    + ", not a " + type.getTypeName() + ": pass its real type to SaveOptions.withType");
        }
        Materializer<?> materializer;
        if (options.materializer().isPresent()) {
            materializer = materializers.byId(options.materializer().get());
            if (!materializer.canSave(type)) {
                throw new CairnException(ErrorCode.TYPE_MISMATCH, "Materializer " + materializer.id() + " cannot save " + type.getTypeName()
                        + " (artifact '" + name + "'): pick a materializer for that type, or omit it to use the registered one");
            }
        } else {
            try {
                materializer = materializers.resolve(type);
            } catch (CairnException e) {
                if (e.errorCode() != ErrorCode.NO_MATERIALIZER || options.type().isPresent() || value.getClass().getTypeParameters().length == 0) {
                    throw e;
                }
                String generic = erasedInterfaceName(value);
                throw new CairnException(ErrorCode.NO_MATERIALIZER, "The value saved as '" + name + "' is a " + value.getClass().getName()
                        + ", a generic " + generic + " whose type arguments Java erases at run time, so no materializer can be chosen for it:"
                        + " name its full type, e.g. SaveOptions.named(\"" + name + "\").withType(new TypeRef<" + generic.substring(generic.lastIndexOf('.') + 1)
                        + "<...>>() {}). " + e.getMessage(), e);
            }
        }
        ArtifactService.SavedArtifact saved = artifacts.save(new ArtifactService.SaveRequest(value, type, materializer, name, options.version(),
                Map.of(), stepRunId, where, options.artifactType()));
        return commitSaved(saved, options);
    }

    /** The public generic type a value's class stands for ({@code java.util.List} for {@code ImmutableCollections$List12}). */
    private static String erasedInterfaceName(Object value) {
        for (Class<?> known : List.of(List.class, java.util.Set.class, Map.class, java.util.Collection.class, Optional.class, Iterable.class)) {
            if (known.isInstance(value)) {
                return known.getName();
            }
        }
        return value.getClass().getName();
    }

    @Override
    public java.nio.file.Path exportVersion(UUID artifactId, java.nio.file.Path directory) {
        requireNonNull(artifactId, "artifactId is null");
        requireNonNull(directory, "directory is null");
        ArtifactVersionRecord record = metadata.findArtifactVersion(artifactId)
                .orElseThrow(() -> notFound("No artifact version with id " + artifactId));
        if (record.uri().isEmpty()) {
            throw notFound("Artifact '" + record.name() + "' version " + record.version() + " has no committed data");
        }
        return artifacts.export(record, directory);
    }

    @Override
    public ArtifactVersion importVersion(java.nio.file.Path directory, SaveOptions options) {
        requireNonNull(directory, "directory is null");
        requireNonNull(options, "options is null");
        String where = "folder " + directory + " imported through the client";
        String name = ArtifactNames.validateName(options.name(), where);
        options.version().ifPresent(version -> ArtifactNames.validateVersion(version, where + " as '" + name + "'"));
        if (options.type().isPresent() || options.materializer().isPresent()) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "An import of " + directory + " as '" + name + "' takes its type and materializer from"
                    + " the folder's manifest: remove withType/withMaterializer from the SaveOptions");
        }
        ArtifactService.SavedArtifact saved = artifacts.importFolder(directory, name, options.version(), options.artifactType(), stepRunId);
        return commitSaved(saved, options);
    }

    private ArtifactVersion commitSaved(ArtifactService.SavedArtifact saved, SaveOptions options) {
        try {
            metadata.commitArtifactVersion(new MetadataStore.CommittedArtifact(saved.record().id(), saved.uri(), saved.visualizations()));
        } catch (RuntimeException e) {
            try {
                artifacts.delete(saved);
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        ArtifactVersion version = getArtifactVersion(saved.record().id());
        if (!options.metadata().isEmpty()) {
            metadata.logMetadata(MetadataTarget.ARTIFACT_VERSION, version.id(), options.metadata(), clock.instant());
        }
        if (!options.tags().isEmpty()) {
            metadata.tagArtifactVersion(version.id(), options.tags(), false);
        }
        return version;
    }

    @Override
    public void logMetadata(String name, String version, Map<String, ?> values) {
        logMetadata(getArtifactVersion(name, version).id(), values);
    }

    @Override
    public void logMetadata(UUID artifactId, Map<String, ?> values) {
        requireNonNull(artifactId, "artifactId is null");
        metadata.logMetadata(MetadataTarget.ARTIFACT_VERSION, artifactId, MetadataValue.ofAll(values), clock.instant());
    }

    @Override
    public void logRunMetadata(UUID runId, Map<String, ?> values) {
        requireNonNull(runId, "runId is null");
        metadata.logMetadata(MetadataTarget.PIPELINE_RUN, runId, MetadataValue.ofAll(values), clock.instant());
    }

    @Override
    public Map<String, MetadataValue> getRunMetadata(UUID runId) {
        return metadata.listLoggedMetadata(MetadataTarget.PIPELINE_RUN, requireNonNull(runId, "runId is null"));
    }

    @Override
    public ArtifactPage listArtifactVersions(ArtifactFilter filter, ArtifactFilter... more) {
        List<ArtifactFilter> filters = new ArrayList<>();
        filters.add(requireNonNull(filter, "filter is null"));
        filters.addAll(List.of(requireNonNull(more, "more is null")));
        MetadataStore.VersionPage page = metadata.queryArtifactVersions(filters);
        return new ArtifactPage(page.versions().stream().map(this::artifactVersion).toList(), page.nextCursor());
    }

    @Override
    public void tagArtifact(String name, String... tags) {
        requireNonNull(name, "name is null");
        latestVersionOf(name); // only an existing artifact is tagged
        metadata.tagArtifact(name, List.of(requireNonNull(tags, "tags is null")));
    }

    private String latestVersionOf(String name) {
        return metadata.findLatestArtifactVersion(name).map(ArtifactVersionRecord::version)
                .orElseThrow(() -> notFound("No artifact named '" + name + "'"));
    }

    @Override
    public void untagArtifact(String name, String... tags) {
        metadata.untagArtifact(requireNonNull(name, "name is null"), List.of(requireNonNull(tags, "tags is null")));
    }

    @Override
    public ArtifactVersion tagVersion(String name, String version, String... tags) {
        ArtifactVersion target = getArtifactVersion(name, version);
        metadata.tagArtifactVersion(target.id(), List.of(requireNonNull(tags, "tags is null")), false);
        return target;
    }

    @Override
    public ArtifactVersion tagVersionExclusively(String name, String version, String... tags) {
        ArtifactVersion target = getArtifactVersion(name, version);
        metadata.tagArtifactVersion(target.id(), List.of(requireNonNull(tags, "tags is null")), true);
        return target;
    }

    @Override
    public ArtifactVersion untagVersion(String name, String version, String... tags) {
        ArtifactVersion target = getArtifactVersion(name, version);
        metadata.untagArtifactVersion(target.id(), List.of(requireNonNull(tags, "tags is null")));
        return target;
    }

    @Override
    public List<ArtifactVersion> listArtifactVersionsWithTag(String tag) {
        return metadata.listArtifactVersionsWithTag(requireNonNull(tag, "tag is null")).stream().map(this::artifactVersion).toList();
    }

    @Override
    public ArtifactVersion setAlias(String name, String alias, String version) {
        requireNonNull(name, "name is null");
        VersionReferences.validateAlias(alias);
        ArtifactVersion target = getArtifactVersion(name, version);
        metadata.moveAlias(name, alias, Optional.of(target.id()), clock.instant());
        return target;
    }

    @Override
    public void removeAlias(String name, String alias) {
        requireNonNull(name, "name is null");
        VersionReferences.validateAlias(alias);
        metadata.moveAlias(name, alias, Optional.empty(), clock.instant());
    }

    @Override
    public List<AliasMove> aliasHistory(String name, String alias) {
        return metadata.listAliasMoves(requireNonNull(name, "name is null"), requireNonNull(alias, "alias is null"));
    }

    @Override
    public ArtifactVersion registerArtifact(java.net.URI uri, String name, ProgressListener progress) {
        requireNonNull(uri, "uri is null");
        requireNonNull(name, "name is null");
        requireNonNull(progress, "progress is null");
        return artifactVersion(artifacts.register(uri, name, progress));
    }

    @Override
    public PruneReport prune(PruneOptions options) {
        return pruner.prune(requireNonNull(options, "options is null"));
    }

    @Override
    public Lineage lineage(ArtifactVersion artifactVersion) {
        requireNonNull(artifactVersion, "artifactVersion is null");
        ArtifactVersionRecord record = metadata.findArtifactVersion(artifactVersion.id())
                .orElseThrow(() -> notFound("No artifact version with id " + artifactVersion.id()));
        return lineage.ofArtifact(record);
    }

    @Override
    public Lineage runGraph(UUID runId) {
        return lineage.ofRun(requireNonNull(runId, "runId is null"));
    }

    public ArtifactVersion artifactVersion(ArtifactVersionRecord record) {
        return new StoredArtifactVersion(record, artifacts, metadata, onLoad, files, loads);
    }

    @Override
    public PipelineRun getPipelineRun(UUID runId) {
        requireNonNull(runId, "runId is null");
        PipelineRunRecord run = metadata.findRun(runId).orElseThrow(() -> new CairnException(ErrorCode.RUN_NOT_FOUND,
                "No pipeline run with id " + runId + ": list runs with 'cairn runs list'"));
        return snapshot(run);
    }

    @Override
    public PipelineRun getPipelineRun(String runId) {
        requireNonNull(runId, "runId is null");
        try {
            return getPipelineRun(UUID.fromString(runId));
        } catch (IllegalArgumentException notAFullId) {
            List<PipelineRunRecord> matches = metadata.findRunsByIdPrefix(runId.toLowerCase(java.util.Locale.ROOT));
            if (matches.isEmpty()) {
                throw new CairnException(ErrorCode.RUN_NOT_FOUND, "No pipeline run with an id starting with '" + runId + "': list runs with 'cairn runs list'");
            }
            if (matches.size() > 1) {
                throw new CairnException(ErrorCode.INVALID_ARGUMENT,
                        "Run id prefix '" + runId + "' matches " + matches.size() + " runs: give more characters of the id");
            }
            return snapshot(matches.get(0));
        }
    }

    @Override
    public List<PipelineRun> listRuns(String pipelineName) {
        return metadata.listRuns(Optional.of(requireNonNull(pipelineName, "pipelineName is null"))).stream().map(this::snapshot).toList();
    }

    @Override
    public List<PipelineRun> listRuns() {
        return metadata.listRuns(Optional.empty()).stream().map(this::snapshot).toList();
    }

    @Override
    public dev.cairn.api.run.RunPage listRuns(dev.cairn.api.run.RunQuery query) {
        return metadata.listRuns(requireNonNull(query, "query is null"));
    }

    @Override
    public PipelineRunRecord getRunRecord(UUID runId) {
        requireNonNull(runId, "runId is null");
        return metadata.findRun(runId).orElseThrow(() -> new CairnException(ErrorCode.RUN_NOT_FOUND,
                "No pipeline run with id " + runId + ": list runs with 'cairn runs list'"));
    }

    @Override
    public List<StepRunRecord> listStepRuns(UUID runId) {
        return metadata.listStepRuns(requireNonNull(runId, "runId is null"));
    }

    @Override
    public StepRun getStepRun(UUID runId, UUID stepRunId) {
        requireNonNull(runId, "runId is null");
        requireNonNull(stepRunId, "stepRunId is null");
        PipelineRunRecord run = getRunRecord(runId);
        StepRunRecord step = metadata.findStepRun(stepRunId).filter(found -> found.runId().equals(runId))
                .orElseThrow(() -> new CairnException(ErrorCode.STEP_NOT_FOUND, "Run " + runId + " of pipeline '" + run.pipelineName()
                        + "' has no step run " + stepRunId + ": list its steps with 'cairn runs show " + runId + "'"));
        List<StepInputRecord> inputRecords = metadata.listStepInputs(stepRunId);
        List<StepOutputRecord> outputRecords = metadata.listStepOutputs(stepRunId);
        List<UUID> ids = new ArrayList<>();
        inputRecords.forEach(input -> ids.add(input.artifactId()));
        outputRecords.forEach(output -> ids.add(output.artifactId()));
        Map<UUID, ArtifactVersionRecord> versions = ids.isEmpty() ? Map.of() : metadata.findArtifactVersions(ids);
        Map<String, ArtifactVersion> inputs = new LinkedHashMap<>();
        for (StepInputRecord input : inputRecords) {
            Optional.ofNullable(versions.get(input.artifactId())).ifPresent(record -> inputs.put(input.name(), artifactVersion(record)));
        }
        Map<String, ArtifactVersion> outputs = new LinkedHashMap<>();
        for (StepOutputRecord output : outputRecords) {
            Optional.ofNullable(versions.get(output.artifactId())).ifPresent(record -> outputs.put(output.name(), artifactVersion(record)));
        }
        return new RecordedStepRun(step, inputs, outputs, stepLogs::read);
    }

    @Override
    public ArtifactVersion getArtifactVersion(String name) {
        requireNonNull(name, "name is null");
        return VersionReferences.find(metadata, name).map(this::artifactVersion).orElseThrow(() -> {
            int at = name.lastIndexOf('@');
            return notFound(at > 0 ? "No artifact named '" + name + "', and '" + name.substring(0, at) + "' has no alias '" + name.substring(at + 1) + "'"
                    : "No artifact named '" + name + "'");
        });
    }

    @Override
    public ArtifactVersion getArtifactVersion(String name, String version) {
        requireNonNull(name, "name is null");
        requireNonNull(version, "version is null");
        return VersionReferences.find(metadata, name, version).map(this::artifactVersion).orElseThrow(() -> {
            List<String> versions = metadata.listArtifactVersions(name).stream().map(ArtifactVersionRecord::version).toList();
            return notFound(versions.isEmpty() ? "No artifact named '" + name + "'"
                    : "Artifact '" + name + "' has no version '" + version + "'; its versions are " + versions);
        });
    }

    @Override
    public ArtifactVersion getArtifactVersion(UUID id) {
        requireNonNull(id, "id is null");
        return metadata.findArtifactVersion(id).map(this::artifactVersion).orElseThrow(() -> notFound("No artifact version with id " + id));
    }

    private static CairnException notFound(String message) {
        return new CairnException(ErrorCode.ARTIFACT_NOT_FOUND, message + ": list artifacts with 'cairn artifacts list'");
    }

    @Override
    public List<ArtifactVersion> listArtifactVersions(String name) {
        return metadata.listArtifactVersions(requireNonNull(name, "name is null")).stream().map(this::artifactVersion).toList();
    }

    @Override
    public List<ArtifactVersion> listArtifactVersions() {
        return metadata.listArtifactVersions().stream().map(this::artifactVersion).toList();
    }

    @Override
    public List<String> listArtifactNames() {
        return metadata.listArtifactNames();
    }

    /** A snapshot of a run read from the metadata store. */
    public PipelineRun snapshot(PipelineRunRecord run) {
        List<StepRunRecord> steps = metadata.listStepRuns(run.id());
        List<StepInputRecord> inputs = metadata.listStepInputsOfRun(run.id());
        List<StepOutputRecord> outputs = metadata.listStepOutputsOfRun(run.id());
        // every version the run read or wrote, in one query rather than one per input and output
        java.util.Set<UUID> ids = new java.util.LinkedHashSet<>();
        inputs.forEach(input -> ids.add(input.artifactId()));
        outputs.forEach(output -> ids.add(output.artifactId()));
        Map<UUID, ArtifactVersionRecord> artifactsById = ids.isEmpty() ? Map.of() : metadata.findArtifactVersions(ids);
        return snapshot(run, steps, inputs, outputs, id -> Optional.ofNullable(artifactsById.get(id)));
    }

    /** A snapshot of a run from records already in hand; {@code artifactLookup} finds artifact records by id. */
    public PipelineRun snapshot(PipelineRunRecord run, List<StepRunRecord> steps, List<StepInputRecord> inputs,
            List<StepOutputRecord> outputs, Function<UUID, Optional<ArtifactVersionRecord>> artifactLookup) {
        Map<UUID, Map<String, ArtifactVersion>> inputsByStep = new HashMap<>();
        for (StepInputRecord input : inputs) {
            artifactLookup.apply(input.artifactId()).ifPresent(record ->
                    inputsByStep.computeIfAbsent(input.stepRunId(), k -> new LinkedHashMap<>()).put(input.name(), artifactVersion(record)));
        }
        Map<UUID, Map<String, ArtifactVersion>> outputsByStep = new HashMap<>();
        for (StepOutputRecord output : outputs) {
            artifactLookup.apply(output.artifactId()).ifPresent(record ->
                    outputsByStep.computeIfAbsent(output.stepRunId(), k -> new LinkedHashMap<>()).put(output.name(), artifactVersion(record)));
        }
        List<StepRun> stepRuns = new ArrayList<>(steps.size());
        for (StepRunRecord step : steps) {
            stepRuns.add(new RecordedStepRun(step, inputsByStep.getOrDefault(step.id(), Map.of()), outputsByStep.getOrDefault(step.id(), Map.of()),
                    stepLogs::read));
        }
        return new RecordedPipelineRun(run, stepRuns);
    }
}
