package dev.cairn.api.pipeline;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.function.Consumer;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import org.apiguardian.api.API;

/**
 * A pipeline definition: named step calls wired by artifacts. Immutable and reusable; run it with
 * {@code Cairn.run}. Wiring, types and parameter values are checked by {@link #define}.
 */
@API(status = API.Status.STABLE, since = "0.1")
public final class Pipeline {
    private final String name;
    private final List<StepInvocation> steps;
    private final PipelineOptions options;
    private final boolean cacheDisabled;

    private Pipeline(String name, List<StepInvocation> steps, PipelineOptions options) {
        this(name, steps, options, false);
    }

    private Pipeline(String name, List<StepInvocation> steps, PipelineOptions options, boolean cacheDisabled) {
        this.name = name;
        this.steps = List.copyOf(steps);
        this.options = options;
        this.cacheDisabled = cacheDisabled;
    }

    /**
     * Defines a pipeline by running {@code body}, which calls steps on the given builder.
     *
     * @throws CairnException when the name is invalid, a step method is unusable, a {@code Ref} does not fit the
     *     parameter it is passed to, or a parameter is not a JSON value
     */
    public static Pipeline define(String name, Consumer<PipelineBuilder> body) {
        requireNonNull(name, "name is null");
        requireNonNull(body, "body is null");
        if (!name.matches("[A-Za-z0-9_.-]{1,128}")) {
            throw new CairnException(ErrorCode.INVALID_DEFINITION,
                    "Pipeline name '" + name + "' is invalid: use 1 to 128 letters, digits, '_', '.' or '-'");
        }
        DefinitionBuilder builder = new DefinitionBuilder(name);
        body.accept(builder);
        List<StepInvocation> steps = builder.steps();
        if (steps.isEmpty()) {
            throw new CairnException(ErrorCode.INVALID_DEFINITION, "Pipeline '" + name + "' calls no step: call at least one @Step method in its body");
        }
        return new Pipeline(name, steps, PipelineOptions.NONE);
    }

    /** A copy of this pipeline with {@code options}. */
    public Pipeline withOptions(PipelineOptions options) {
        return new Pipeline(name, steps, requireNonNull(options, "options is null"), cacheDisabled);
    }

    /**
     * A copy of this pipeline in which every step runs: none reuses cached outputs, whatever the pipeline's and the
     * steps' own cache settings say ({@code cairn run --no-cache}). Its step runs are recorded without a cache key.
     */
    public Pipeline withCacheDisabled() {
        return new Pipeline(name, steps, options, true);
    }

    /** Whether {@link #withCacheDisabled()} turned caching off for every step. */
    public boolean cacheDisabled() {
        return cacheDisabled;
    }

    public String name() {
        return name;
    }

    /** The step calls in definition order (which is a topological order). */
    public List<StepInvocation> steps() {
        return steps;
    }

    public PipelineOptions options() {
        return options;
    }

    @Override
    public String toString() {
        return "Pipeline[" + name + ", " + steps.size() + " steps]";
    }
}
