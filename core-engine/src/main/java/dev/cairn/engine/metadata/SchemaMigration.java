package dev.cairn.engine.metadata;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One step of the metadata schema's history: the statements that take a database from {@code version - 1}
 * to {@code version}. Steps are applied in order, each at most once, inside the transaction that records it
 * in {@code schema_version}. A released step never changes; a schema change is a new step.
 */
record SchemaMigration(int version, String description, List<String> statements) {
    SchemaMigration {
        if (version < 1) {
            throw new IllegalArgumentException("version must be at least 1: " + version);
        }
        requireNonNull(description, "description is null");
        statements = List.copyOf(requireNonNull(statements, "statements is null"));
    }
}
