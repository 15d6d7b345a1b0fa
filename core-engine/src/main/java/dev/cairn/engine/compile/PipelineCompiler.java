package dev.cairn.engine.compile;

import static java.util.Objects.requireNonNull;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.metadata.ArtifactVersionRecord;
import dev.cairn.api.metadata.MetadataStore;
import dev.cairn.api.pipeline.ArtifactRef;
import dev.cairn.api.pipeline.GenericTypes;
import dev.cairn.api.pipeline.OutputSpec;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.StepArgument;
import dev.cairn.api.pipeline.StepInvocation;
import dev.cairn.api.pipeline.StepOutputRef;
import dev.cairn.api.spi.Materializer;
import dev.cairn.engine.artifacts.ArtifactNames;
import dev.cairn.engine.compile.CompiledPipeline.CompiledArgument;
import dev.cairn.engine.compile.CompiledPipeline.CompiledOutput;
import dev.cairn.engine.compile.CompiledPipeline.CompiledStep;
import dev.cairn.engine.materializers.MaterializerRegistry;
import dev.cairn.engine.types.TypeNames;
import jakarta.inject.Inject;
import org.jgrapht.graph.DefaultEdge;
import org.jgrapht.graph.DirectedAcyclicGraph;
import org.apiguardian.api.API;

/** Checks a pipeline definition against an engine and compiles it into a DAG; linear in steps and edges. */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class PipelineCompiler {
    private final MaterializerRegistry materializers;
    private final MetadataStore metadata;

    @Inject
    public PipelineCompiler(MaterializerRegistry materializers, MetadataStore metadata) {
        this.materializers = requireNonNull(materializers, "materializers is null");
        this.metadata = requireNonNull(metadata, "metadata is null");
    }

    public CompiledPipeline compile(Pipeline pipeline, Instant runStart) {
        requireNonNull(pipeline, "pipeline is null");
        Map<String, String> pipelineSubstitutions = new HashMap<>(ArtifactNames.builtInSubstitutions(runStart));
        pipelineSubstitutions.putAll(pipeline.options().substitutions());
        DirectedAcyclicGraph<Integer, DefaultEdge> graph = new DirectedAcyclicGraph<>(DefaultEdge.class);
        List<CompiledStep> steps = new ArrayList<>(pipeline.steps().size());
        for (StepInvocation invocation : pipeline.steps()) {
            steps.add(compileStep(pipeline, invocation, pipelineSubstitutions, steps));
            graph.addVertex(invocation.index());
        }
        for (CompiledStep step : steps) {
            for (int upstream : step.upstream()) {
                try {
                    graph.addEdge(upstream, step.index());
                } catch (IllegalArgumentException e) {
                    throw new CairnException(ErrorCode.INVALID_DEFINITION,
                            "Pipeline '" + pipeline.name() + "' has a cycle through step '" + step.name() + "'", e);
                }
            }
        }
        return new CompiledPipeline(pipeline, runStart, List.copyOf(steps), graph);
    }

    private CompiledStep compileStep(Pipeline pipeline, StepInvocation invocation, Map<String, String> pipelineSubstitutions,
            List<CompiledStep> compiled) {
        String stepWhere = "step '" + invocation.name() + "' of pipeline '" + pipeline.name() + "'";
        Method method = invocation.method();
        try {
            method.setAccessible(true);
        } catch (RuntimeException e) {
            throw new CairnException(ErrorCode.INVALID_STEP_METHOD, "Cannot call " + invocation.methodDescription() + " (" + stepWhere + "): " + e, e);
        }
        List<CompiledArgument> arguments = new ArrayList<>();
        Map<String, Object> parameters = new LinkedHashMap<>();
        List<Integer> upstream = new ArrayList<>();
        for (StepArgument argument : invocation.arguments()) {
            if (argument.input() instanceof Param<?> param) {
                arguments.add(new CompiledPipeline.ParameterArgument(argument.name(), param.value()));
                parameters.put(argument.name(), param.value());
            } else if (argument.input() instanceof StepOutputRef<?> ref) {
                arguments.add(new CompiledPipeline.StepOutputArgument(argument.name(), ref.producer().index(), ref.outputName(),
                        loadType(ref, argument, stepWhere, compiled)));
                if (!upstream.contains(ref.producer().index())) {
                    upstream.add(ref.producer().index());
                }
            } else if (argument.input() instanceof ArtifactRef<?> ref) {
                ArtifactVersionRecord artifact = resolve(ref, argument, stepWhere);
                checkStoredType(artifact, argument, stepWhere);
                arguments.add(new CompiledPipeline.ExternalArgument(argument.name(), artifact, argument.type()));
            } else {
                throw new CairnException(ErrorCode.INVALID_DEFINITION, "Unsupported input for argument '" + argument.name() + "' of " + stepWhere);
            }
        }
        Map<String, String> substitutions = new HashMap<>(pipelineSubstitutions);
        substitutions.putAll(invocation.options().substitutions());
        List<CompiledOutput> outputs = new ArrayList<>();
        for (OutputSpec output : invocation.outputs()) {
            String outputWhere = "output '" + output.name() + "' of " + stepWhere;
            Materializer<?> materializer = materializerFor(invocation, output, outputWhere);
            String template = output.artifactNameTemplate().orElse(pipeline.name() + "::" + invocation.name() + "::" + output.name());
            String artifactName = ArtifactNames.validateName(ArtifactNames.substitute(template, substitutions, outputWhere), outputWhere);
            Optional<String> version = Optional.ofNullable(invocation.options().artifactVersions().get(output.name()))
                    .map(v -> ArtifactNames.validateVersion(v, outputWhere));
            outputs.add(new CompiledOutput(output, materializer, artifactName, version, invocation.options().outputOptions(output.name())));
        }
        boolean cacheEnabled = !pipeline.cacheDisabled() && invocation.options().enableCache().or(() -> pipeline.options().enableCache()).orElse(true);
        dev.cairn.api.pipeline.CachePolicy cachePolicy = invocation.options().cachePolicy()
                .or(() -> pipeline.options().cachePolicy()).orElse(dev.cairn.api.pipeline.CachePolicy.DEFAULT);
        return new CompiledStep(invocation.index(), invocation, method, List.copyOf(arguments), List.copyOf(outputs),
                parameters, List.copyOf(upstream), cacheEnabled, cachePolicy);
    }

    private Materializer<?> materializerFor(StepInvocation invocation, OutputSpec output, String where) {
        String explicit = invocation.options().materializers().get(output.name());
        try {
            if (explicit != null) {
                Materializer<?> materializer = materializers.byId(explicit);
                if (!materializer.canSave(output.type())) {
                    throw new CairnException(ErrorCode.NO_MATERIALIZER,
                            "Materializer '" + explicit + "' chosen for " + where + " cannot save " + output.type().getTypeName());
                }
                return materializer;
            }
            return materializers.resolve(output.type());
        } catch (CairnException e) {
            if (e.getMessage().contains(where)) {
                throw e;
            }
            throw new CairnException(e.errorCode(), "For " + where + ": " + e.getMessage(), e);
        }
    }

    private ArtifactVersionRecord resolve(ArtifactRef<?> ref, StepArgument argument, String stepWhere) {
        Optional<ArtifactVersionRecord> found;
        if (ref.id().isPresent()) {
            found = metadata.findArtifactVersion(ref.id().get());
        } else if (ref.version().isPresent()) {
            found = dev.cairn.engine.artifacts.VersionReferences.find(metadata, ref.name().orElseThrow(), ref.version().get());
        } else {
            found = dev.cairn.engine.artifacts.VersionReferences.find(metadata, ref.name().orElseThrow());
        }
        return found.orElseThrow(() -> new CairnException(ErrorCode.ARTIFACT_NOT_FOUND,
                "The " + ref.describe() + " passed as argument '" + argument.name() + "' of " + stepWhere
                        + " does not exist: run the pipeline that produces it first, or check the name with 'cairn artifacts list'"));
    }

    private void checkStoredType(ArtifactVersionRecord artifact, StepArgument argument, String stepWhere) {
        Type stored;
        try {
            stored = TypeNames.parse(artifact.dataType(), Thread.currentThread().getContextClassLoader() != null
                    ? Thread.currentThread().getContextClassLoader() : PipelineCompiler.class.getClassLoader());
        } catch (RuntimeException e) {
            return; // the class is not loadable here; the materializer decides at load time
        }
        if (!GenericTypes.isAssignable(stored, argument.type()) && materializers.readerOf(artifact.materializerId(), argument.type()).isEmpty()) {
            throw new CairnException(ErrorCode.TYPE_MISMATCH,
                    "Type mismatch: artifact '" + artifact.name() + "' version " + artifact.version() + " is a " + artifact.dataType()
                            + " but argument '" + argument.name() + "' of " + stepWhere + " expects " + argument.type().getTypeName()
                            + ", and no registered materializer declares it loads artifacts of materializer " + artifact.materializerId()
                            + " as that type");
        }
    }

    /**
     * The type the step loads output {@code ref} as: its declared type, or the argument's type when a materializer other
     * than the output's declares it loads that output's files as the argument's type ({@link Materializer#canLoad}).
     */
    private Type loadType(StepOutputRef<?> ref, StepArgument argument, String stepWhere, List<CompiledStep> compiled) {
        if (GenericTypes.isAssignable(ref.type(), argument.type())) {
            return ref.type();
        }
        Materializer<?> writer = compiled.stream().filter(step -> step.index() == ref.producer().index()).findFirst()
                .flatMap(step -> step.outputs().stream().filter(output -> output.name().equals(ref.outputName())).findFirst())
                .map(CompiledOutput::materializer)
                .orElseThrow(() -> new CairnException(ErrorCode.INVALID_DEFINITION, "The " + ref.describe() + " passed as argument '"
                        + argument.name() + "' of " + stepWhere + " is not an output of an earlier step"));
        if (materializers.readerOf(writer.id(), argument.type()).isEmpty()) {
            throw new CairnException(ErrorCode.TYPE_MISMATCH, "Type mismatch: " + ref.describe() + " is a " + ref.type().getTypeName()
                    + " stored by materializer " + writer.id() + ", but argument '" + argument.name() + "' of " + stepWhere + " expects "
                    + argument.type().getTypeName() + ", and no registered materializer declares it loads " + writer.id()
                    + " artifacts as that type: pass an artifact of that type or change the parameter type");
        }
        return argument.type();
    }
}
