package dev.cairn.dashboard.server;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import com.sun.net.httpserver.HttpExchange;

/** What a route answers: a complete body, or a body streamed to the client. */
public interface Response {
    /** Sends the status, {@code headers} and (unless {@code head}) the body. */
    void send(HttpExchange exchange, boolean head) throws IOException;

    /** A page of HTML. */
    static Bytes html(String html) {
        return new Bytes(200, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
    }

    static Bytes json(byte[] json) {
        return new Bytes(200, "application/json", json);
    }

    static Bytes redirect(String location) {
        return new Bytes(303, "text/plain; charset=utf-8", new byte[0]).header("Location", location);
    }

    /** A body held in memory. */
    final class Bytes implements Response {
        private final int status;
        private final String contentType;
        private final byte[] body;
        private final Map<String, String> headers = new LinkedHashMap<>();

        public Bytes(int status, String contentType, byte[] body) {
            this.status = status;
            this.contentType = contentType;
            this.body = body;
        }

        /** Adds or replaces a header (replaces the default security headers of the same name). */
        public Bytes header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        public int status() {
            return status;
        }

        @Override
        public void send(HttpExchange exchange, boolean head) throws IOException {
            exchange.getResponseHeaders().set("Content-Type", contentType);
            headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
            if (head || body.length == 0) {
                exchange.sendResponseHeaders(status, -1);
                return;
            }
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** A body written by {@code writer} as it is produced (files, archives, event streams). */
    interface Streaming extends Response {}
}
