package dev.cairn.api.pipeline;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.ArtifactVersion;

/** Builds a pipeline definition, checking each step call as it is made. Not thread-safe. */
final class DefinitionBuilder implements PipelineBuilder {
    private final String pipelineName;
    private final List<StepInvocation> steps = new ArrayList<>();
    private final Map<String, Integer> nameCounts = new HashMap<>();
    private final Set<String> usedNames = new LinkedHashSet<>();
    private final Map<Class<?>, MethodReferences.Target> staticTargets = new HashMap<>();
    private final StepCaller defaultCaller;

    DefinitionBuilder(String pipelineName) {
        this.pipelineName = pipelineName;
        this.defaultCaller = new StepCaller(this, StepOptions.NONE);
    }

    List<StepInvocation> steps() {
        return List.copyOf(steps);
    }

    @Override
    public StepCalls with(StepOptions options) {
        return new StepCaller(this, requireNonNull(options, "options is null"));
    }

    @Override
    public <T> Ref<T> artifact(String name) {
        return new ArtifactRef<>(Optional.of(requireNonNull(name, "name is null")), Optional.empty(), Optional.empty());
    }

    @Override
    public <T> Ref<T> artifact(String name, String version) {
        return new ArtifactRef<>(Optional.of(requireNonNull(name, "name is null")), Optional.of(requireNonNull(version, "version is null")), Optional.empty());
    }

    @Override
    public <T> Ref<T> artifact(ArtifactVersion artifactVersion) {
        requireNonNull(artifactVersion, "artifactVersion is null");
        return new ArtifactRef<>(Optional.of(artifactVersion.name()), Optional.of(artifactVersion.version()), Optional.of(artifactVersion.id()));
    }

    @Override
    public <T> Ref<T> artifact(UUID artifactId) {
        return new ArtifactRef<>(Optional.empty(), Optional.empty(), Optional.of(requireNonNull(artifactId, "artifactId is null")));
    }

    // StepCalls: delegate to a caller without options.
    @Override public <R> Outputs<R> call(StepMethod0<R> step) { return defaultCaller.call(step); }
    @Override public <A, R> Outputs<R> call(StepMethod1<A, R> step, Input<? extends A> a) { return defaultCaller.call(step, a); }
    @Override public <A, B, R> Outputs<R> call(StepMethod2<A, B, R> step, Input<? extends A> a, Input<? extends B> b) { return defaultCaller.call(step, a, b); }
    @Override public <A, B, C, R> Outputs<R> call(StepMethod3<A, B, C, R> step, Input<? extends A> a, Input<? extends B> b, Input<? extends C> c) { return defaultCaller.call(step, a, b, c); }
    @Override public <A, B, C, D, R> Outputs<R> call(StepMethod4<A, B, C, D, R> step, Input<? extends A> a, Input<? extends B> b, Input<? extends C> c, Input<? extends D> d) { return defaultCaller.call(step, a, b, c, d); }
    @Override public <A, B, C, D, E, R> Outputs<R> call(StepMethod5<A, B, C, D, E, R> step, Input<? extends A> a, Input<? extends B> b, Input<? extends C> c, Input<? extends D> d, Input<? extends E> e) { return defaultCaller.call(step, a, b, c, d, e); }
    @Override public <A, B, C, D, E, F, R> Outputs<R> call(StepMethod6<A, B, C, D, E, F, R> step, Input<? extends A> a, Input<? extends B> b, Input<? extends C> c, Input<? extends D> d, Input<? extends E> e, Input<? extends F> f) { return defaultCaller.call(step, a, b, c, d, e, f); }
    @Override public <A, B, C, D, E, F, G, R> Outputs<R> call(StepMethod7<A, B, C, D, E, F, G, R> step, Input<? extends A> a, Input<? extends B> b, Input<? extends C> c, Input<? extends D> d, Input<? extends E> e, Input<? extends F> f, Input<? extends G> g) { return defaultCaller.call(step, a, b, c, d, e, f, g); }
    @Override public <A, B, C, D, E, F, G, H, R> Outputs<R> call(StepMethod8<A, B, C, D, E, F, G, H, R> step, Input<? extends A> a, Input<? extends B> b, Input<? extends C> c, Input<? extends D> d, Input<? extends E> e, Input<? extends F> f, Input<? extends G> g, Input<? extends H> h) { return defaultCaller.call(step, a, b, c, d, e, f, g, h); }

    <R> Outputs<R> addCall(Serializable reference, StepOptions options, Input<?>[] inputs) {
        requireNonNull(reference, "step is null");
        MethodReferences.Target target = resolve(reference);
        Method method = target.method();
        String where = method.getDeclaringClass().getName() + "#" + method.getName();
        Step annotation = method.getAnnotation(Step.class);
        if (annotation == null) {
            throw new CairnException(ErrorCode.INVALID_STEP_METHOD,
                    "Method " + where + " is not annotated with @Step: annotate it with @dev.cairn.api.pipeline.Step to use it in pipeline '" + pipelineName + "'");
        }
        for (String tag : annotation.tags()) {
            if (tag.isBlank()) {
                throw new CairnException(ErrorCode.INVALID_DEFINITION, "@Step(tags = ...) of " + where + " holds a blank tag: give tags with at least one"
                        + " visible character");
            }
        }
        String baseName = options.name().orElse(annotation.name().isEmpty() ? method.getName() : annotation.name());
        if (!baseName.matches("[A-Za-z0-9_.-]{1,128}")) {
            throw new CairnException(ErrorCode.INVALID_DEFINITION, "Step name '" + baseName + "' of " + where + " is invalid: use 1 to 128 letters, digits, '_', '.' or '-'");
        }
        String stepName = uniqueName(baseName);
        Parameter[] parameters = method.getParameters();
        if (parameters.length != inputs.length) {
            throw new CairnException(ErrorCode.INVALID_DEFINITION,
                    "Step '" + stepName + "' (" + where + ") takes " + parameters.length + " argument(s) but " + inputs.length + " were passed");
        }
        List<StepArgument> arguments = new ArrayList<>(parameters.length);
        for (int i = 0; i < parameters.length; i++) {
            Parameter parameter = parameters[i];
            if (!parameter.isNamePresent()) {
                throw new CairnException(ErrorCode.MISSING_PARAMETER_NAMES,
                        "Step '" + stepName + "' (" + where + ") has no parameter names in its class file: compile "
                                + method.getDeclaringClass().getName() + " with 'javac -parameters' (Maven: <parameters>true</parameters> in maven-compiler-plugin)");
            }
            arguments.add(argument(stepName, where, parameter, inputs[i]));
        }
        boolean multiple = isMultipleOutputs(method.getGenericReturnType());
        List<OutputSpec> outputs = outputs(stepName, where, method, multiple, options);
        checkOptionsNameOutputs(stepName, options, outputs);
        options.cacheParameters().forEach((key, value) -> JsonValues.findProblem(value).ifPresent(problem -> {
            throw new CairnException(ErrorCode.INVALID_PARAMETER,
                    "Cache parameter '" + key + "' of step '" + stepName + "' (" + where + ") is not JSON-serializable: " + problem);
        }));
        StepInvocation invocation = new StepInvocation(steps.size(), stepName, method, target.receiver(), arguments, outputs, multiple, options);
        steps.add(invocation);
        usedNames.add(stepName);
        return new StepOutputs<>(this, invocation);
    }

    private MethodReferences.Target resolve(Serializable reference) {
        MethodReferences.Target cached = staticTargets.get(reference.getClass());
        if (cached != null) {
            return cached;
        }
        MethodReferences.Target target = MethodReferences.resolve(reference);
        if (target.receiver().isEmpty()) {
            staticTargets.put(reference.getClass(), target);
        }
        return target;
    }

    private String uniqueName(String baseName) {
        if (!usedNames.contains(baseName)) {
            nameCounts.putIfAbsent(baseName, 1);
            return baseName;
        }
        int count = nameCounts.getOrDefault(baseName, 1);
        String candidate;
        do {
            count++;
            candidate = baseName + "_" + count;
        } while (usedNames.contains(candidate));
        nameCounts.put(baseName, count);
        return candidate;
    }

    private StepArgument argument(String stepName, String where, Parameter parameter, Input<?> input) {
        Type expected = parameter.getParameterizedType();
        String argument = "argument '" + parameter.getName() + "' of step '" + stepName + "' (" + where + ")";
        if (input == null) {
            throw new CairnException(ErrorCode.INVALID_DEFINITION, "null was passed as " + argument + ": pass a Ref from another step or Param.of(value)");
        }
        if (input instanceof Param<?> param) {
            Object value = param.value();
            Optional<String> problem = JsonValues.findProblem(value);
            if (problem.isPresent()) {
                throw new CairnException(ErrorCode.INVALID_PARAMETER,
                        "Parameter " + argument + " is not JSON-serializable: " + problem.get()
                                + ". Parameters must be JSON values (numbers, strings, booleans, enums, and lists, maps or records of them); pass other objects as artifacts from a step");
            }
            Class<?> raw = GenericTypes.rawClass(expected);
            if (value != null && !GenericTypes.box(raw).isInstance(value)) {
                Optional<Object> widened = Param.widen(value, raw); // int → long → float → double, as Java widens a primitive
                if (widened.isPresent()) {
                    return new StepArgument(parameter.getName(), expected, Param.of(widened.get()));
                }
            }
            if (value == null ? raw.isPrimitive() : !GenericTypes.box(raw).isInstance(value)) {
                throw new CairnException(ErrorCode.TYPE_MISMATCH,
                        "Parameter " + argument + " expects " + expected.getTypeName() + " but got "
                                + (value == null ? "null" : value.getClass().getName() + " (" + value + ")")
                                + ": pass a value of that type (Java's widening int -> long -> float -> double is applied; narrowing is not)");
            }
            return new StepArgument(parameter.getName(), expected, param);
        }
        Ref<?> ref;
        if (input instanceof StepOutputs<?> outputs) {
            ref = outputs.asSingleOutput(argument);
        } else if (input instanceof Ref<?> r) {
            ref = r;
        } else {
            throw new CairnException(ErrorCode.INVALID_DEFINITION, "Unsupported input " + input.getClass().getName() + " for " + argument);
        }
        if (ref instanceof StepOutputRef<?> output) {
            StepInvocation producer = output.producer();
            if (producer.index() >= steps.size() || steps.get(producer.index()) != producer) {
                throw new CairnException(ErrorCode.INVALID_DEFINITION,
                        "The " + output.describe() + " passed as " + argument + " belongs to another pipeline definition: wire only outputs of steps called in pipeline '" + pipelineName + "'");
            }
            // an unrelated class (a Spark Dataset taken as an Arrow Table) may be loaded by another materializer that reads
            // the output's files (Materializer.canLoad): the engine decides when it compiles the pipeline
            boolean unrelated = !GenericTypes.box(GenericTypes.rawClass(expected)).isAssignableFrom(GenericTypes.box(GenericTypes.rawClass(output.type())));
            if (!unrelated && !GenericTypes.isAssignable(output.type(), expected)) {
                throw new CairnException(ErrorCode.TYPE_MISMATCH,
                        "Type mismatch: " + output.describe() + " is a " + output.type().getTypeName() + " but " + argument
                                + " expects " + expected.getTypeName() + ": pass an artifact of that type or change the parameter type");
            }
        } else if (!(ref instanceof ArtifactRef<?>)) {
            throw new CairnException(ErrorCode.INVALID_DEFINITION, "Unsupported reference " + ref.getClass().getName() + " for " + argument);
        }
        return new StepArgument(parameter.getName(), expected, ref);
    }

    static boolean isMultipleOutputs(Type returnType) {
        Class<?> raw = GenericTypes.rawClass(returnType);
        return raw.isRecord() && MultipleOutputs.class.isAssignableFrom(raw);
    }

    private List<OutputSpec> outputs(String stepName, String where, Method method, boolean multiple, StepOptions options) {
        Type returnType = method.getGenericReturnType();
        if (returnType == void.class || returnType == Void.class) {
            throw new CairnException(ErrorCode.INVALID_STEP_METHOD, "Step '" + stepName + "' (" + where + ") returns nothing: a step must return a value");
        }
        ArtifactName methodName = method.getAnnotation(ArtifactName.class);
        if (!multiple) {
            Optional<String> template = Optional.ofNullable(options.artifactNames().get("output"))
                    .or(() -> Optional.ofNullable(methodName).map(ArtifactName::value));
            return List.of(new OutputSpec("output", returnType, template, Optional.empty()));
        }
        if (methodName != null) {
            throw new CairnException(ErrorCode.INVALID_DEFINITION,
                    "Step '" + stepName + "' (" + where + ") has several outputs, so @ArtifactName belongs on the record components of "
                            + GenericTypes.rawClass(returnType).getName() + ", not on the method");
        }
        List<OutputSpec> outputs = new ArrayList<>();
        for (RecordComponent component : GenericTypes.rawClass(returnType).getRecordComponents()) {
            ArtifactName componentName = component.getAnnotation(ArtifactName.class);
            Optional<String> template = Optional.ofNullable(options.artifactNames().get(component.getName()))
                    .or(() -> Optional.ofNullable(componentName).map(ArtifactName::value));
            Method accessor = component.getAccessor();
            outputs.add(new OutputSpec(component.getName(), component.getGenericType(), template, Optional.of(accessor)));
        }
        if (outputs.isEmpty()) {
            throw new CairnException(ErrorCode.INVALID_STEP_METHOD, "Step '" + stepName + "' (" + where + ") returns a MultipleOutputs record with no components");
        }
        return outputs;
    }

    private static void checkOptionsNameOutputs(String stepName, StepOptions options, List<OutputSpec> outputs) {
        Set<String> names = new LinkedHashSet<>();
        outputs.forEach(o -> names.add(o.name()));
        List<Set<String>> keySets = List.of(options.artifactNames().keySet(), options.artifactVersions().keySet(),
                options.materializers().keySet(), options.outputOptions().keySet());
        for (Set<String> keys : keySets) {
            for (String key : keys) {
                if (!names.contains(key)) {
                    throw new CairnException(ErrorCode.INVALID_DEFINITION,
                            "Step options of '" + stepName + "' name output '" + key + "', which does not exist; its outputs are " + names);
                }
            }
        }
    }

    /** The outputs of one call, usable directly as a Ref when there is exactly one. */
    static final class StepOutputs<T> implements Outputs<T> {
        private final DefinitionBuilder definition;
        private final StepInvocation invocation;

        StepOutputs(DefinitionBuilder definition, StepInvocation invocation) {
            this.definition = definition;
            this.invocation = invocation;
        }

        Ref<?> asSingleOutput(String usedAs) {
            if (invocation.hasMultipleOutputs()) {
                throw new CairnException(ErrorCode.INVALID_DEFINITION,
                        "Step '" + invocation.name() + "' has several outputs " + outputNames() + ", passed whole as " + usedAs
                                + ": pick one, e.g. outputs.get(" + GenericTypes.rawClass(invocation.method().getGenericReturnType()).getSimpleName()
                                + "::" + invocation.outputs().get(0).name() + ")");
            }
            return new StepOutputRef<>(invocation, "output", invocation.outputs().get(0).type());
        }

        private List<String> outputNames() {
            return invocation.outputs().stream().map(OutputSpec::name).toList();
        }

        @Override
        public Type type() {
            return invocation.hasMultipleOutputs() ? invocation.method().getGenericReturnType() : invocation.outputs().get(0).type();
        }

        @Override
        public String describe() {
            return "outputs of step '" + invocation.name() + "'";
        }

        @Override
        public <X> Ref<X> get(OutputComponent<T, X> component) {
            requireNonNull(component, "component is null");
            String accessor = MethodReferences.serializedForm(component).getImplMethodName();
            return get(accessor);
        }

        @Override
        public <X> Ref<X> get(String outputName) {
            requireNonNull(outputName, "outputName is null");
            for (OutputSpec output : invocation.outputs()) {
                if (output.name().equals(outputName)) {
                    return new StepOutputRef<>(invocation, outputName, output.type());
                }
            }
            throw new CairnException(ErrorCode.INVALID_DEFINITION,
                    "Step '" + invocation.name() + "' has no output '" + outputName + "'; its outputs are " + outputNames());
        }
    }
}
