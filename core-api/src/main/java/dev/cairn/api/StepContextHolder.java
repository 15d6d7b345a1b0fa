package dev.cairn.api;

import static java.util.Objects.requireNonNull;

import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/** Binds a {@link StepContext} to the thread that runs a step. For engines only. */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class StepContextHolder {
    private static final ThreadLocal<StepContext> CURRENT = new ThreadLocal<>();

    private StepContextHolder() {}

    static StepContext current() {
        @Nullable StepContext context = CURRENT.get();
        if (context == null) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT,
                    "StepContext.current() was called outside a running step: call it from inside a @Step method run by Cairn");
        }
        return context;
    }

    /** Binds {@code context} to this thread until the returned scope is closed. */
    public static Scope bind(StepContext context) {
        requireNonNull(context, "context is null");
        @Nullable StepContext previous = CURRENT.get();
        CURRENT.set(context);
        return () -> {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        };
    }

    /** Restores the previous binding when closed. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
