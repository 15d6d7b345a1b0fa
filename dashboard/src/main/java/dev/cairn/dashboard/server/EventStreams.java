package dev.cairn.dashboard.server;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Semaphore;

import com.sun.net.httpserver.HttpExchange;
import dev.cairn.api.CairnException;
import dev.cairn.api.Client;
import dev.cairn.api.metadata.PipelineRunRecord;
import dev.cairn.api.metadata.StepRunRecord;
import dev.cairn.dashboard.pages.RunPages;

/**
 * Server-sent events for live runs, in the form htmx's SSE extension swaps into the page: each event's data is one
 * line of escaped HTML. A stream re-reads the run every poll interval, sends what changed, and ends with a
 * {@code done} event when the run has finished (the page closes the stream on it). At most a fixed number of
 * streams are open at once (each holds a request thread); past that the server answers {@code 503}.
 */
final class EventStreams {
    static final int MAX_STEP_UPDATES_PER_EVENT = 500;

    private final Client client;
    private final Duration pollInterval;
    private final Semaphore slots;
    private volatile boolean closed;

    EventStreams(Client client, Duration pollInterval, int maxStreams) {
        this.client = client;
        this.pollInterval = pollInterval;
        this.slots = new Semaphore(maxStreams);
    }

    void close() {
        closed = true;
    }

    /** Live status of the runs listed in {@code ids} (at most 100): event {@code run-<id>} carries a status badge. */
    Response runList(Request request) {
        List<UUID> ids = request.params("ids").stream().limit(100).map(id -> Request.uuid(id, "run")).toList();
        return stream(out -> {
            Map<UUID, String> sent = new HashMap<>();
            while (!closed) {
                boolean running = false;
                for (UUID id : ids) {
                    PipelineRunRecord run;
                    try {
                        run = client.getRunRecord(id);
                    } catch (CairnException gone) {
                        continue;
                    }
                    running |= !run.status().isFinished();
                    if (!run.status().name().equals(sent.put(id, run.status().name()))) {
                        send(out, "run-" + id, RunPages.statusBadge(run.status().name()));
                    }
                }
                if (!running) {
                    send(out, "done", "");
                    return;
                }
                pause();
            }
        });
    }

    /**
     * Live status of one run: {@code run-status} (badge), {@code progress} (steps per status), {@code steps} (the
     * steps whose status changed, as elements with {@code data-step} and {@code data-status} that the page's script
     * uses to recolour the DAG), and {@code done}.
     */
    Response run(UUID runId) {
        client.getRunRecord(runId); // 404 before the stream starts
        return stream(out -> {
            String sentStatus = null;
            Map<UUID, String> sentSteps = new HashMap<>();
            while (!closed) {
                PipelineRunRecord run = client.getRunRecord(runId);
                List<StepRunRecord> steps = client.listStepRuns(runId);
                Map<UUID, StepRunRecord> changed = new LinkedHashMap<>();
                for (StepRunRecord step : steps) {
                    if (!step.status().name().equals(sentSteps.get(step.id()))) {
                        changed.put(step.id(), step);
                    }
                }
                if (!run.status().name().equals(sentStatus)) {
                    send(out, "run-status", RunPages.statusBadge(run.status().name()));
                    sentStatus = run.status().name();
                }
                if (!changed.isEmpty()) {
                    send(out, "progress", RunPages.progress(steps));
                    StringBuilder updates = new StringBuilder("<ul class=\"step-updates\">");
                    int count = 0;
                    for (StepRunRecord step : changed.values()) {
                        sentSteps.put(step.id(), step.status().name());
                        updates.append(RunPages.stepUpdate(step));
                        if (++count % MAX_STEP_UPDATES_PER_EVENT == 0 || count == changed.size()) {
                            send(out, "steps", updates.append("</ul>").toString());
                            updates.setLength(0);
                            updates.append("<ul class=\"step-updates\">");
                        }
                    }
                }
                if (run.status().isFinished() && changed.isEmpty()) {
                    send(out, "done", "");
                    return;
                }
                pause();
            }
        });
    }

    private interface Body {
        void write(OutputStream out) throws IOException;
    }

    private Response stream(Body body) {
        if (!slots.tryAcquire()) {
            return DashboardHandler.error(503, "Too many live streams", "Too many live pages are open; close some tabs and reload.")
                    .header("Retry-After", "5");
        }
        return (Response.Streaming) (HttpExchange exchange, boolean head) -> {
            try {
                exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
                exchange.getResponseHeaders().set("X-Accel-Buffering", "no");
                if (head) {
                    exchange.sendResponseHeaders(200, -1);
                    return;
                }
                exchange.sendResponseHeaders(200, 0);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(": cairn live status\nretry: 2000\n\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    body.write(out);
                }
            } finally {
                slots.release();
            }
        };
    }

    private static void send(OutputStream out, String event, String oneLineHtml) throws IOException {
        String data = oneLineHtml.replace("\r", " ").replace("\n", " ");
        out.write(("event: " + event + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private void pause() throws IOException {
        try {
            Thread.sleep(pollInterval.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
