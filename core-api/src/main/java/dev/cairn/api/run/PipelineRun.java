package dev.cairn.api.run;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.apiguardian.api.API;

/** One run of a pipeline, as recorded. An immutable snapshot; re-read it through the client to see changes. */
@API(status = API.Status.STABLE, since = "0.1")
public interface PipelineRun {
    UUID id();

    String pipelineName();

    RunStatus status();

    Instant startedAt();

    Optional<Instant> endedAt();

    /** Run parameters: each step's parameters, keyed {@code <step>.<argument>}, plus pipeline options. */
    Map<String, Object> parameters();

    /** Step runs in topological order. */
    List<StepRun> steps();

    /**
     * The step run of the given name.
     *
     * @throws dev.cairn.api.CairnException {@code STEP_NOT_FOUND} naming the steps that exist
     */
    StepRun step(String name);

    /** For a failed run: which step failed and why. */
    Optional<String> error();
}
