package dev.cairn.api;

import static java.util.Objects.requireNonNull;

import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * The one exception family of Cairn: every problem Cairn or a plugin reports carries a code and a message that names
 * the step, output, artifact, URI or type involved and says what to do next. The code is one of Cairn's
 * {@link ErrorCode}s or a plugin's own ({@link ErrorCodeSupplier}), which always falls under an {@link ErrorCode}.
 */
@API(status = API.Status.STABLE, since = "0.1")
public class CairnException extends RuntimeException {
    private final ErrorCodeValue code;

    public CairnException(ErrorCodeSupplier code, String message) {
        this(code, message, null);
    }

    public CairnException(ErrorCodeSupplier code, String message, @Nullable Throwable cause) {
        super(message, cause);
        requireNonNull(code, "code is null");
        this.code = requireNonNull(code.code(), "code.code() is null");
    }

    /**
     * The Cairn kind of problem; never {@code null}. For a plugin's own code this is the {@link ErrorCode} it falls
     * under ({@link ErrorCodeValue#category()}).
     */
    public ErrorCode errorCode() {
        return code.category();
    }

    /** The full code, a plugin's own or one of Cairn's; never {@code null}. */
    public ErrorCodeValue code() {
        return code;
    }

    @Override
    public String toString() {
        return "CairnException[" + code + "]: " + getMessage();
    }
}
