package dev.cairn.api.run;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.OptionalInt;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import org.apiguardian.api.API;

/**
 * Per-run options.
 *
 * @param listeners notified as steps start and finish
 * @param parallelism overrides the engine's parallelism for this run
 */
@API(status = API.Status.STABLE, since = "0.1")
public record RunOptions(List<RunListener> listeners, OptionalInt parallelism) {
    public static final RunOptions DEFAULT = new RunOptions(List.of(), OptionalInt.empty());

    /** @throws CairnException {@code INVALID_ARGUMENT} if {@code parallelism} is less than 1 */
    public RunOptions {
        listeners = List.copyOf(requireNonNull(listeners, "listeners is null"));
        requireNonNull(parallelism, "parallelism is null");
        if (parallelism.isPresent() && parallelism.getAsInt() < 1) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "The parallelism of a run must be at least 1, got " + parallelism.getAsInt());
        }
    }

    public static RunOptions withListener(RunListener listener) {
        return new RunOptions(List.of(requireNonNull(listener, "listener is null")), OptionalInt.empty());
    }

    public RunOptions withParallelism(int parallelism) {
        return new RunOptions(listeners, OptionalInt.of(parallelism));
    }
}
