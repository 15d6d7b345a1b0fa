package dev.cairn.api.pipeline;

import static java.util.Objects.requireNonNull;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import java.io.Serializable;
import java.lang.reflect.Method;
import org.apiguardian.api.API;

/**
 * Names behind method references, so code that reads runs can say {@code run.step(Steps::train)} and
 * {@code .output(Split::trainData)} and have javac catch a rename. Only the reference's method name and class are read
 * (through its {@code SerializedLambda}); nothing is deserialized.
 */
@API(status = API.Status.STABLE, since = "0.1")
public final class StepReferences {
    private StepReferences() {}

    /**
     * The name a step gets in a pipeline when {@code stepMethod} is called without {@code StepOptions.name}: its
     * {@code @Step(name = ...)}, else the method's name (a second call of the same method in one pipeline is named
     * {@code <name>_2}, and so on).
     *
     * @throws CairnException {@code INVALID_STEP_METHOD} when it is a lambda, or the method is not a {@code @Step}
     */
    public static String stepName(Serializable stepMethod) {
        requireNonNull(stepMethod, "stepMethod is null");
        Method method = MethodReferences.resolve(stepMethod).method();
        Step annotation = method.getAnnotation(Step.class);
        if (annotation == null) {
            throw new CairnException(ErrorCode.INVALID_STEP_METHOD, "Method " + method.getDeclaringClass().getName() + "#" + method.getName()
                    + " is not annotated with @Step, so no step run is named after it: pass a method reference to a @Step method");
        }
        return annotation.name().isEmpty() ? method.getName() : annotation.name();
    }

    /**
     * The output name of a {@link MultipleOutputs} component: the record component the accessor reference names (e.g.
     * {@code trainData} for {@code Split::trainData}).
     *
     * @throws CairnException {@code INVALID_STEP_METHOD} when it is a lambda rather than an accessor reference
     */
    public static String outputName(OutputComponent<?, ?> component) {
        requireNonNull(component, "component is null");
        String name = MethodReferences.serializedForm(component).getImplMethodName();
        if (name.startsWith("lambda$")) {
            throw new CairnException(ErrorCode.INVALID_STEP_METHOD, "A lambda was passed as an output: pass a record accessor reference such as Split::trainData");
        }
        return name;
    }
}
