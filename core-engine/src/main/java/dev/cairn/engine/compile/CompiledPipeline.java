package dev.cairn.engine.compile;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.cairn.api.metadata.ArtifactVersionRecord;
import dev.cairn.api.pipeline.OutputSpec;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.StepInvocation;
import dev.cairn.api.spi.Materializer;
import org.jgrapht.graph.DefaultEdge;
import org.jgrapht.graph.DirectedAcyclicGraph;
import org.apiguardian.api.API;

/**
 * A pipeline checked against an engine and ready to run: materializers chosen, artifact names final, external
 * artifacts resolved, and the step DAG built. Steps are indexed by definition order, which is topological.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public record CompiledPipeline(Pipeline pipeline, Instant runStart, List<CompiledStep> steps, DirectedAcyclicGraph<Integer, DefaultEdge> graph) {

    public String name() {
        return pipeline.name();
    }

    /** One step ready to run. */
    public record CompiledStep(
            int index,
            StepInvocation invocation,
            Method method,
            List<CompiledArgument> arguments,
            List<CompiledOutput> outputs,
            Map<String, Object> parameters,
            List<Integer> upstream,
            boolean cacheEnabled,
            dev.cairn.api.pipeline.CachePolicy cachePolicy) {
        public String name() {
            return invocation.name();
        }
    }

    /** One argument: a parameter value, another step's output, or an existing artifact version. */
    public sealed interface CompiledArgument permits ParameterArgument, StepOutputArgument, ExternalArgument {
        String name();
    }

    public record ParameterArgument(String name, Object value) implements CompiledArgument {}

    public record StepOutputArgument(String name, int producerIndex, String outputName, Type loadType) implements CompiledArgument {}

    public record ExternalArgument(String name, ArtifactVersionRecord artifact, Type loadType) implements CompiledArgument {}

    /** One output: its materializer and final artifact name. */
    public record CompiledOutput(
            OutputSpec spec,
            Materializer<?> materializer,
            String artifactName,
            Optional<String> explicitVersion,
            Map<String, String> options) {
        public String name() {
            return spec.name();
        }
    }
}
