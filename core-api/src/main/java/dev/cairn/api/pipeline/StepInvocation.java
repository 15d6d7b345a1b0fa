package dev.cairn.api.pipeline;

import static java.util.Objects.requireNonNull;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Optional;

import org.apiguardian.api.API;

/** One call of a step in a pipeline definition. Immutable. */
@API(status = API.Status.STABLE, since = "0.1")
public final class StepInvocation {
    private final int index;
    private final String name;
    private final Method method;
    private final Optional<Object> target;
    private final List<StepArgument> arguments;
    private final List<OutputSpec> outputs;
    private final boolean multipleOutputs;
    private final StepOptions options;

    StepInvocation(int index, String name, Method method, Optional<Object> target, List<StepArgument> arguments,
            List<OutputSpec> outputs, boolean multipleOutputs, StepOptions options) {
        this.index = index;
        this.name = requireNonNull(name, "name is null");
        this.method = requireNonNull(method, "method is null");
        this.target = requireNonNull(target, "target is null");
        this.arguments = List.copyOf(arguments);
        this.outputs = List.copyOf(outputs);
        this.multipleOutputs = multipleOutputs;
        this.options = requireNonNull(options, "options is null");
    }

    /** Position in definition order. */
    public int index() {
        return index;
    }

    /** Unique within the pipeline: the step name, with {@code _2}, {@code _3}… for repeated calls. */
    public String name() {
        return name;
    }

    public Method method() {
        return method;
    }

    /** The bound receiver for an instance method; empty for a static one. */
    public Optional<Object> target() {
        return target;
    }

    public List<StepArgument> arguments() {
        return arguments;
    }

    public List<OutputSpec> outputs() {
        return outputs;
    }

    /** True when the return type is a {@link MultipleOutputs} record. */
    public boolean hasMultipleOutputs() {
        return multipleOutputs;
    }

    public StepOptions options() {
        return options;
    }

    /** {@code com.acme.Steps#train}, for messages. */
    public String methodDescription() {
        return method.getDeclaringClass().getName() + "#" + method.getName();
    }

    @Override
    public String toString() {
        return "StepInvocation[" + name + " = " + methodDescription() + "]";
    }
}
