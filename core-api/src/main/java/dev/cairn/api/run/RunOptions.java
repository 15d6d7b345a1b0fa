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
 * @param verifyInputs whether each artifact a step takes as input is checked against its content hash before the step
 *     uses it (the default); a mismatch fails the step with {@code INTEGRITY_VIOLATION} naming the artifact. The first
 *     use of a version in a process re-reads and re-hashes its files; later uses re-hash only files whose size or
 *     modification time changed since (local store), or none (other stores, whose committed files do not change)
 */
@API(status = API.Status.STABLE, since = "0.1")
public record RunOptions(List<RunListener> listeners, OptionalInt parallelism, boolean verifyInputs) {
    public static final RunOptions DEFAULT = new RunOptions(List.of(), OptionalInt.empty(), true);

    /** @throws CairnException {@code INVALID_ARGUMENT} if {@code parallelism} is less than 1 */
    public RunOptions {
        listeners = List.copyOf(requireNonNull(listeners, "listeners is null"));
        requireNonNull(parallelism, "parallelism is null");
        if (parallelism.isPresent() && parallelism.getAsInt() < 1) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "The parallelism of a run must be at least 1, got " + parallelism.getAsInt());
        }
    }

    /** Options with {@code listeners} and {@code parallelism}, verifying inputs (the form before {@code verifyInputs} existed). */
    public RunOptions(List<RunListener> listeners, OptionalInt parallelism) {
        this(listeners, parallelism, true);
    }

    public static RunOptions withListener(RunListener listener) {
        return new RunOptions(List.of(requireNonNull(listener, "listener is null")), OptionalInt.empty(), true);
    }

    public RunOptions withParallelism(int parallelism) {
        return new RunOptions(listeners, OptionalInt.of(parallelism), verifyInputs);
    }

    /**
     * These options with input verification on or off. Turn it off only when the inputs' files are known to be intact
     * (a benchmark, a store with its own checksums): a corrupted input then reaches the step and its outputs are cached.
     */
    public RunOptions withVerifyInputs(boolean verify) {
        return new RunOptions(listeners, parallelism, verify);
    }
}
