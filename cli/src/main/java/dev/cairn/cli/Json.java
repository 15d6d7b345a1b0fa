package dev.cairn.cli;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.StepRun;

/** The machine-readable forms the CLI prints with {@code --json}. */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {}

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, Object> run(PipelineRun run, boolean withSteps) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", run.id().toString());
        out.put("pipeline", run.pipelineName());
        out.put("status", run.status().name());
        out.put("startedAt", run.startedAt().toString());
        out.put("endedAt", run.endedAt().map(Object::toString).orElse(null));
        if (withSteps) {
            out.put("parameters", run.parameters());
            out.put("error", run.error().orElse(null));
        }
        out.put("steps", run.steps().stream().map(step -> step(step, withSteps)).toList());
        return out;
    }

    static Map<String, Object> step(StepRun step, boolean detailed) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", step.name());
        out.put("status", step.status().name());
        if (detailed) {
            out.put("id", step.id().toString());
            out.put("durationMillis", step.duration().map(Duration::toMillis).orElse(null));
            out.put("parameters", step.parameters());
            Map<String, Object> inputs = new LinkedHashMap<>();
            step.inputs().forEach((name, artifact) -> inputs.put(name, reference(artifact)));
            out.put("inputs", inputs);
            Map<String, Object> outputs = new LinkedHashMap<>();
            step.outputs().forEach((name, artifact) -> outputs.put(name, reference(artifact)));
            out.put("outputs", outputs);
            out.put("cachedFrom", step.cachedFrom().map(Object::toString).orElse(null));
            out.put("error", step.error().orElse(null));
            out.put("logUri", step.logUri().map(Object::toString).orElse(null));
            out.put("logSize", step.logSize().orElse(null));
        }
        return out;
    }

    static Map<String, Object> reference(ArtifactVersion artifact) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", artifact.name());
        out.put("version", artifact.version());
        out.put("id", artifact.id().toString());
        return out;
    }

    static Map<String, Object> artifact(ArtifactVersion artifact, boolean detailed) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", artifact.name());
        out.put("version", artifact.version());
        out.put("id", artifact.id().toString());
        out.put("uri", artifact.uri().toString());
        out.put("type", artifact.dataType());
        out.put("artifactType", artifact.artifactType().name());
        out.put("materializer", artifact.materializerId());
        out.put("materializerVersion", artifact.materializerVersion());
        out.put("contentHash", artifact.contentHash());
        out.put("size", artifact.size());
        out.put("createdAt", artifact.createdAt().toString());
        out.put("producerStepRunId", artifact.producerStepRunId().map(Object::toString).orElse(null));
        if (detailed) {
            out.put("metadata", artifact.metadata());
            out.put("tags", artifact.tags());
            out.put("aliases", artifact.aliases());
            out.put("visualizations", artifact.visualizations().stream().map(v -> Map.of("name", v.name(), "type", v.type().name())).toList());
        }
        return out;
    }

    static List<Map<String, Object>> artifacts(List<ArtifactVersion> artifacts) {
        return artifacts.stream().map(a -> artifact(a, false)).toList();
    }
}
