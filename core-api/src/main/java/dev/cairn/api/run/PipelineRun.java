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

    /**
     * The step run of the step {@code stepMethod} names ({@code run.step(Steps::train)}): the one named as
     * {@link dev.cairn.api.pipeline.StepReferences#stepName} says, so a renamed method is a compile error here rather than a
     * {@code STEP_NOT_FOUND} at run time. A step renamed with {@code StepOptions.name} is found by {@link #step(String)} only.
     *
     * @throws dev.cairn.api.CairnException {@code STEP_NOT_FOUND} naming the steps that exist
     */
    default <R> StepRun step(dev.cairn.api.pipeline.StepMethod0<R> stepMethod) {
        return step(dev.cairn.api.pipeline.StepReferences.stepName(stepMethod));
    }

    /** See {@link #step(dev.cairn.api.pipeline.StepMethod0)}. */
    default <A, R> StepRun step(dev.cairn.api.pipeline.StepMethod1<A, R> stepMethod) {
        return step(dev.cairn.api.pipeline.StepReferences.stepName(stepMethod));
    }

    /** See {@link #step(dev.cairn.api.pipeline.StepMethod0)}. */
    default <A, B, R> StepRun step(dev.cairn.api.pipeline.StepMethod2<A, B, R> stepMethod) {
        return step(dev.cairn.api.pipeline.StepReferences.stepName(stepMethod));
    }

    /** See {@link #step(dev.cairn.api.pipeline.StepMethod0)}. */
    default <A, B, C, R> StepRun step(dev.cairn.api.pipeline.StepMethod3<A, B, C, R> stepMethod) {
        return step(dev.cairn.api.pipeline.StepReferences.stepName(stepMethod));
    }

    /** See {@link #step(dev.cairn.api.pipeline.StepMethod0)}. */
    default <A, B, C, D, R> StepRun step(dev.cairn.api.pipeline.StepMethod4<A, B, C, D, R> stepMethod) {
        return step(dev.cairn.api.pipeline.StepReferences.stepName(stepMethod));
    }

    /** See {@link #step(dev.cairn.api.pipeline.StepMethod0)}. */
    default <A, B, C, D, E, R> StepRun step(dev.cairn.api.pipeline.StepMethod5<A, B, C, D, E, R> stepMethod) {
        return step(dev.cairn.api.pipeline.StepReferences.stepName(stepMethod));
    }

    /** See {@link #step(dev.cairn.api.pipeline.StepMethod0)}. */
    default <A, B, C, D, E, F, R> StepRun step(dev.cairn.api.pipeline.StepMethod6<A, B, C, D, E, F, R> stepMethod) {
        return step(dev.cairn.api.pipeline.StepReferences.stepName(stepMethod));
    }

    /** See {@link #step(dev.cairn.api.pipeline.StepMethod0)}. */
    default <A, B, C, D, E, F, G, R> StepRun step(dev.cairn.api.pipeline.StepMethod7<A, B, C, D, E, F, G, R> stepMethod) {
        return step(dev.cairn.api.pipeline.StepReferences.stepName(stepMethod));
    }

    /** See {@link #step(dev.cairn.api.pipeline.StepMethod0)}. */
    default <A, B, C, D, E, F, G, H, R> StepRun step(dev.cairn.api.pipeline.StepMethod8<A, B, C, D, E, F, G, H, R> stepMethod) {
        return step(dev.cairn.api.pipeline.StepReferences.stepName(stepMethod));
    }

    /** For a failed run: which step failed and why. */
    Optional<String> error();

    /**
     * For a failed run: the structured {@link StepRun#failure()} of the first failed step (in topological order); empty
     * when the run did not fail in a step (e.g. it was given up as abandoned) or the failure predates schema V9.
     */
    default Optional<StepFailure> failure() {
        return steps().stream().filter(step -> step.status() == StepStatus.FAILED).map(StepRun::failure)
                .flatMap(Optional::stream).findFirst();
    }
}
