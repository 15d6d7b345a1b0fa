package dev.cairn.dashboard.server;

/** A request the dashboard refuses with {@code 400}; the message is shown to the user (escaped). */
public final class BadRequest extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BadRequest(String message) {
        super(message);
    }
}
