package dev.cairn.api.lineage;

import static java.util.Objects.requireNonNull;

import org.apiguardian.api.API;

/**
 * A directed edge: a step run produced an artifact ({@code PRODUCED}, step run → artifact), or consumed it
 * ({@code CONSUMED}, artifact → step run), under {@code name} (output or input name).
 */
@API(status = API.Status.STABLE, since = "0.1")
public record LineageEdge(LineageNode source, LineageNode target, Kind kind, String name) {
    public enum Kind { PRODUCED, CONSUMED, STEP_DEPENDENCY }

    public LineageEdge {
        requireNonNull(source, "source is null");
        requireNonNull(target, "target is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(name, "name is null");
    }
}
