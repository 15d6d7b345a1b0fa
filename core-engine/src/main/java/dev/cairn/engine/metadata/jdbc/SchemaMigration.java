package dev.cairn.engine.metadata.jdbc;

import static java.util.Objects.requireNonNull;

import java.util.List;

import org.apiguardian.api.API;

/**
 * One step of the metadata schema's history: the statements that take a database from {@code version - 1}
 * to {@code version}. Steps are applied in order, each at most once, inside the transaction that records it
 * in {@code schema_version}. A released step never changes; a schema change is a new step.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public record SchemaMigration(int version, String description, List<String> statements) {
    public SchemaMigration {
        if (version < 1) {
            throw new IllegalArgumentException("version must be at least 1: " + version);
        }
        requireNonNull(description, "description is null");
        statements = List.copyOf(requireNonNull(statements, "statements is null"));
    }
}
