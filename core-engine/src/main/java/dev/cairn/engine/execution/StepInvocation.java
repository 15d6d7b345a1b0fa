package dev.cairn.engine.execution;

import static java.util.Objects.requireNonNull;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.StepContextHolder;
import dev.cairn.api.artifact.LoadOptions;
import dev.cairn.api.metadata.ArtifactVersionRecord;
import dev.cairn.api.metadata.InputKind;
import dev.cairn.api.metadata.MetadataStore;
import dev.cairn.api.metadata.StepInputRecord;
import dev.cairn.api.metadata.StepRunRecord;
import dev.cairn.api.pipeline.GenericTypes;
import dev.cairn.engine.artifacts.ArtifactService;
import dev.cairn.engine.client.EngineClient;
import dev.cairn.engine.files.TemporaryFiles;
import dev.cairn.engine.compile.CompiledPipeline.CompiledArgument;
import dev.cairn.engine.compile.CompiledPipeline.CompiledOutput;
import dev.cairn.engine.compile.CompiledPipeline.CompiledStep;
import dev.cairn.engine.compile.CompiledPipeline.ExternalArgument;
import dev.cairn.engine.compile.CompiledPipeline.ParameterArgument;
import dev.cairn.engine.compile.CompiledPipeline.StepOutputArgument;

/**
 * Calls a step's method: loads its artifact arguments, binds the step context (recording the artifacts the step loads
 * through the client as its inputs), invokes the method, and takes each output's value from the result; and says what
 * went wrong when any of that fails. Thread-safe.
 */
final class StepInvocation {
    private final MetadataStore metadata;
    private final ArtifactService artifacts;
    private final EngineClient client;

    StepInvocation(MetadataStore metadata, ArtifactService artifacts, EngineClient client) {
        this.metadata = requireNonNull(metadata, "metadata is null");
        this.artifacts = requireNonNull(artifacts, "artifacts is null");
        this.client = requireNonNull(client, "client is null");
    }

    /** Wraps what a step's own code threw. */
    static final class StepCodeFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StepCodeFailure(Throwable cause) {
            super(cause);
        }
    }

    /** Loads the arguments and calls the method; what the step's code throws comes out as a {@link StepCodeFailure}. */
    Object call(RunState state, CompiledStep step, Map<String, ArtifactVersionRecord> inputArtifacts, String where, LoggedOutputMetadata outputMetadata,
            TemporaryFiles.Scope files) {
        Object[] arguments = arguments(step, inputArtifacts, files, state.verifyInputs());
        StepRunRecord record = state.stepRun(step.index());
        EngineClient recording = client.ofStep(record.id(), loaded -> {
            List<StepInputRecord> input = List.of(new StepInputRecord(record.id(), loaded.name() + ":" + loaded.version(), loaded.id(), InputKind.CLIENT_LOAD));
            metadata.recordStepInputs(input);
            state.consumed(input, List.of(loaded));
        }, files);
        EngineStepContext context = new EngineStepContext(state, step.index(), client, recording, outputMetadata);
        try (StepContextHolder.Scope ignored = StepContextHolder.bind(context)) {
            return step.method().invoke(step.invocation().target().orElse(null), arguments);
        } catch (InvocationTargetException e) {
            throw new StepCodeFailure(e.getCause());
        } catch (IllegalAccessException e) {
            throw new CairnException(ErrorCode.INVALID_STEP_METHOD, "Cannot call " + step.invocation().methodDescription() + " for " + where + ": " + e, e);
        }
    }

    private Object[] arguments(CompiledStep step, Map<String, ArtifactVersionRecord> inputArtifacts, TemporaryFiles.Scope files, boolean verify) {
        Object[] values = new Object[step.arguments().size()];
        if (verify) {
            // every input before any is loaded: a step whose input is corrupted neither runs nor allocates for the others
            // (a materializer that verifies its own loads, e.g. Spark Datasets hashed on the executors, checks while loading)
            for (CompiledArgument argument : step.arguments()) {
                if (argument instanceof StepOutputArgument || argument instanceof ExternalArgument) {
                    ArtifactVersionRecord input = inputArtifacts.get(argument.name());
                    if (!artifacts.verifiesOnLoad(input, loadType(argument))) {
                        artifacts.verifyInput(input);
                    }
                }
            }
        }
        for (int i = 0; i < values.length; i++) {
            CompiledArgument argument = step.arguments().get(i);
            if (argument instanceof ParameterArgument parameter) {
                values[i] = parameter.value();
            } else if (argument instanceof StepOutputArgument output) {
                values[i] = artifacts.load(inputArtifacts.get(argument.name()), output.loadType(),
                        loadOptions(inputArtifacts.get(argument.name()), output.loadType(), verify), files);
            } else if (argument instanceof ExternalArgument external) {
                values[i] = artifacts.load(inputArtifacts.get(argument.name()), external.loadType(),
                        loadOptions(inputArtifacts.get(argument.name()), external.loadType(), verify), files);
            }
        }
        return values;
    }

    /**
     * Inputs verified before the step were checked already; one whose loading materializer (the writer, or another that
     * reads the writer's files as {@code type}) verifies its own loads is checked now.
     */
    private LoadOptions loadOptions(ArtifactVersionRecord input, java.lang.reflect.Type type, boolean verify) {
        return verify && artifacts.verifiesOnLoad(input, type) ? LoadOptions.DEFAULT.withVerify(true) : LoadOptions.DEFAULT;
    }

    private static java.lang.reflect.Type loadType(CompiledArgument argument) {
        return argument instanceof StepOutputArgument output ? output.loadType() : ((ExternalArgument) argument).loadType();
    }

    /** The value of {@code output} in the method's {@code result}. */
    static Object outputValue(CompiledStep step, CompiledOutput output, Object result, String where) {
        Object value = result;
        if (step.invocation().hasMultipleOutputs()) {
            if (result == null) {
                throw new CairnException(ErrorCode.NULL_OUTPUT, where + " returned null instead of a " + step.method().getReturnType().getName()
                        + " record: return the record with all its outputs");
            }
            try {
                java.lang.reflect.Method accessor = output.spec().accessor().orElseThrow();
                accessor.setAccessible(true);
                value = accessor.invoke(result);
            } catch (ReflectiveOperationException e) {
                throw new CairnException(ErrorCode.STEP_FAILED, "Cannot read output '" + output.name() + "' of " + where + ": " + e, e);
            }
        }
        if (value == null) {
            if (GenericTypes.rawClass(output.spec().type()) == Optional.class) {
                return Optional.empty();
            }
            throw new CairnException(ErrorCode.NULL_OUTPUT,
                    where + " returned null for output '" + output.name() + "' of type " + output.spec().type().getTypeName()
                            + ": return a value, or declare the output as Optional<" + output.spec().type().getTypeName() + "> if it may be absent");
        }
        return value;
    }

    /** One line saying why the step failed. */
    static String describeFailure(String where, Throwable e) {
        if (e instanceof StepCodeFailure failure) {
            Throwable cause = failure.getCause();
            String thrown = where + " failed: " + cause.getClass().getName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
            if (cause instanceof OutOfMemoryError) {
                return thrown + " (thrown by the step's code): the JVM ran out of memory. Give it more heap (-Xmx), or make the step"
                        + " hold less at once";
            }
            if (cause instanceof StackOverflowError) {
                return thrown + " (thrown by the step's code): its calls nested too deeply, probably an unbounded recursion. Fix the"
                        + " recursion, or give threads a larger stack (-Xss)";
            }
            return thrown;
        }
        if (e instanceof CairnException cairn) {
            return "[" + cairn.errorCode() + "] " + cairn.getMessage();
        }
        if (e instanceof OutOfMemoryError) {
            return where + " failed: " + e + " while loading its inputs or saving its outputs: the JVM ran out of memory."
                    + " Give it more heap (-Xmx), or load less at once (LoadOptions row limits and columns, smaller artifacts)";
        }
        return where + " failed: " + e;
    }

    /** The stack trace of the failure (of the step's own exception, not of its wrapper). */
    /**
     * The failure as data: the step code's own exception (unwrapped) with {@code STEP_FAILED}, or a {@link CairnException}
     * (thrown by Cairn around the step, or by a Cairn call inside it) with its code, or any other throwable (an
     * {@code Error} while loading or saving) with {@code STEP_FAILED}.
     */
    static dev.cairn.api.run.StepFailure failureOf(Throwable e) {
        Throwable shown = e instanceof StepCodeFailure ? e.getCause() : e;
        dev.cairn.api.ErrorCode code = shown instanceof CairnException cairn ? cairn.errorCode() : dev.cairn.api.ErrorCode.STEP_FAILED;
        return new dev.cairn.api.run.StepFailure(code, shown.getClass().getName(), shown.getMessage() == null ? "" : shown.getMessage());
    }

    static String stackTrace(Throwable e) {
        Throwable shown = e instanceof StepCodeFailure ? e.getCause() : e;
        StringWriter out = new StringWriter();
        shown.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
