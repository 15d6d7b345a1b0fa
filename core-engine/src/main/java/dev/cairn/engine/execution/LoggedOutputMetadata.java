package dev.cairn.engine.execution;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.MetadataValue;

/** The metadata a running step logged onto its outputs, held until the outputs are stored. Thread-safe. */
final class LoggedOutputMetadata {
    private final String where;
    private final Set<String> outputs;
    private final Map<String, MetadataValue> all = new LinkedHashMap<>();
    private final Map<String, Map<String, MetadataValue>> byOutput = new LinkedHashMap<>();

    LoggedOutputMetadata(String where, Set<String> outputs) {
        this.where = where;
        this.outputs = Set.copyOf(outputs);
    }

    synchronized void logOntoAll(Map<String, MetadataValue> values) {
        all.putAll(values);
    }

    synchronized void logOnto(String output, Map<String, MetadataValue> values) {
        if (!outputs.contains(output)) {
            throw new CairnException(ErrorCode.STEP_NOT_FOUND, "StepContext.logMetadata named output '" + output + "', but " + where
                    + " has the outputs " + new java.util.TreeSet<>(outputs) + ": use one of those names");
        }
        byOutput.computeIfAbsent(output, k -> new LinkedHashMap<>()).putAll(values);
    }

    /** What was logged onto {@code output}: the entries for all outputs, then those for it (which win). */
    synchronized Map<String, MetadataValue> of(String output) {
        Map<String, MetadataValue> values = new LinkedHashMap<>(all);
        values.putAll(byOutput.getOrDefault(output, Map.of()));
        return values;
    }
}
