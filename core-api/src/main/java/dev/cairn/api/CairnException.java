package dev.cairn.api;

import static java.util.Objects.requireNonNull;

import org.apiguardian.api.API;

/**
 * The one exception family of Cairn: every problem Cairn reports carries an {@link ErrorCode} and a
 * message that names the step, output, artifact, URI or type involved and says what to do next.
 */
@API(status = API.Status.STABLE, since = "0.1")
public class CairnException extends RuntimeException {
    private final ErrorCode errorCode;

    public CairnException(ErrorCode errorCode, String message) {
        super(message);
        this.errorCode = requireNonNull(errorCode, "errorCode is null");
    }

    public CairnException(ErrorCode errorCode, String message, Throwable cause) {
        super(message, cause);
        this.errorCode = requireNonNull(errorCode, "errorCode is null");
    }

    /** The kind of problem; never {@code null}. */
    public ErrorCode errorCode() {
        return errorCode;
    }

    @Override
    public String toString() {
        return "CairnException[" + errorCode + "]: " + getMessage();
    }
}
