package dev.cairn.api.run;

import static java.util.Objects.requireNonNull;

import dev.cairn.api.ErrorCode;
import org.apiguardian.api.API;

/**
 * Why a step run failed, as data: the error code, the class of the exception, and its message.
 *
 * @param code {@link ErrorCode#STEP_FAILED} when the step's own code threw; the exception's code when Cairn failed the
 *     step (e.g. {@code INTEGRITY_VIOLATION} loading an input, {@code MATERIALIZER_FAILED} saving an output)
 * @param exceptionClass the fully qualified class of the exception that failed the step (the step code's own exception,
 *     not Cairn's wrapper), e.g. {@code java.lang.IllegalStateException}
 * @param message the exception's message, or empty when it had none
 */
@API(status = API.Status.STABLE, since = "0.1")
public record StepFailure(ErrorCode code, String exceptionClass, String message) {
    public StepFailure {
        requireNonNull(code, "code is null");
        requireNonNull(exceptionClass, "exceptionClass is null");
        requireNonNull(message, "message is null");
    }
}
