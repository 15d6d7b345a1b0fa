package dev.cairn.dashboard.server;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.cairn.api.CairnException;
import dev.cairn.api.Client;
import dev.cairn.dashboard.DashboardOptions;
import dev.cairn.dashboard.api.JsonApi;
import dev.cairn.dashboard.html.Html;
import dev.cairn.dashboard.pages.ArtifactPages;
import dev.cairn.dashboard.pages.ComparePage;
import dev.cairn.dashboard.pages.Layout;
import dev.cairn.dashboard.pages.RunPages;
import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every request of the dashboard: checks it (method, size, host), routes it, and adds the security headers.
 *
 * <p>Only {@code GET} and {@code HEAD} are served (others: {@code 405}); a request with a body is refused
 * ({@code 413}), a URL longer than {@value #MAX_URL_LENGTH} characters too ({@code 414}). When bound to a loopback
 * address, a {@code Host} header naming anything but a loopback host is refused, so a page of another site cannot
 * read the dashboard through DNS rebinding. Pages carry a strict Content-Security-Policy: scripts and styles only
 * from the dashboard's own files, no inline script or style.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class DashboardHandler implements HttpHandler {
    static final int MAX_URL_LENGTH = 4096;
    public static final String PAGE_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self';"
            + " frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
    /** For stored content shown in a frame: its own sandbox (no script, opaque origin), images inline only. */
    public static final String SANDBOX_POLICY = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'self'";
    private static final Logger LOG = LoggerFactory.getLogger(DashboardHandler.class);
    private static final Set<String> LOOPBACK_HOSTS = Set.of("127.0.0.1", "localhost", "[::1]");

    private final int port;
    private final boolean loopbackOnly;
    private final EventStreams events;
    private final RunPages runs;
    private final ArtifactPages artifacts;
    private final ComparePage compare;
    private final JsonApi api;
    private final StaticAssets assets = new StaticAssets();

    public DashboardHandler(Client client, DashboardOptions options, int port, boolean loopbackOnly) {
        requireNonNull(client, "client is null");
        this.port = port;
        this.loopbackOnly = loopbackOnly;
        this.events = new EventStreams(client, options.pollInterval(), Math.max(1, options.threads() - 3));
        this.runs = new RunPages(client);
        this.artifacts = new ArtifactPages(client);
        this.compare = new ComparePage(client);
        this.api = new JsonApi(client);
    }

    /** Ends open event streams. */
    public void close() {
        events.close();
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            boolean head = "HEAD".equals(method);
            Response response;
            try {
                response = respond(exchange, method);
            } catch (BadRequest e) {
                response = error(400, "Bad request", e.getMessage());
            } catch (CairnException e) {
                response = switch (e.errorCode()) {
                    case RUN_NOT_FOUND, ARTIFACT_NOT_FOUND, STEP_NOT_FOUND -> error(404, "Not found", e.getMessage());
                    case INVALID_ARGUMENT, INVALID_ARTIFACT_NAME -> error(400, "Bad request", e.getMessage());
                    default -> {
                        LOG.warn("Dashboard request {} failed", exchange.getRequestURI().getRawPath(), e);
                        yield error(500, "Error " + e.errorCode(), e.getMessage());
                    }
                };
            } catch (RuntimeException e) {
                LOG.error("Dashboard request {} failed", exchange.getRequestURI().getRawPath(), e);
                response = error(500, "Internal error", "The dashboard failed on this request; its log has the details.");
            }
            securityHeaders(exchange);
            response.send(exchange, head);
        } catch (IOException e) {
            LOG.debug("Client went away: {}", e.toString());
        }
    }

    private Response respond(HttpExchange exchange, String method) throws IOException {
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            return error(405, "Method not allowed", "The dashboard is read-only: it serves GET and HEAD only.").header("Allow", "GET, HEAD");
        }
        String rawPath = exchange.getRequestURI().getRawPath();
        String rawQuery = exchange.getRequestURI().getRawQuery();
        if (rawPath.length() + (rawQuery == null ? 0 : rawQuery.length()) > MAX_URL_LENGTH) {
            return error(414, "URL too long", "Request URLs are limited to " + MAX_URL_LENGTH + " characters.");
        }
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if ((length != null && !length.trim().equals("0")) || exchange.getRequestHeaders().containsKey("Transfer-Encoding")) {
            return error(413, "Request body not accepted", "The dashboard accepts no request bodies.");
        }
        if (loopbackOnly && !loopbackHost(exchange.getRequestHeaders().getFirst("Host"))) {
            return error(421, "Misdirected request", "This dashboard answers only to 127.0.0.1, localhost and [::1].");
        }
        Request request = Request.parse(rawPath, rawQuery, exchange.getRequestHeaders().containsKey("HX-Request"));
        return route(request, exchange);
    }

    private boolean loopbackHost(String host) {
        if (host == null) {
            return false;
        }
        String lower = host.toLowerCase(Locale.ROOT);
        String name = lower;
        if (lower.endsWith(":" + port)) {
            name = lower.substring(0, lower.length() - (":" + port).length());
        }
        return LOOPBACK_HOSTS.contains(name);
    }

    private Response route(Request request, HttpExchange exchange) throws IOException {
        List<String> s = request.segments();
        if (s.isEmpty()) {
            return Response.redirect("/runs");
        }
        switch (s.get(0)) {
            case "static":
                return s.size() == 2 ? assets.asset(s.get(1)) : notFound();
            case "api":
                if (s.size() >= 2 && s.get(1).equals("v1")) {
                    return api.route(request, s.subList(2, s.size()));
                }
                return notFound();
            case "runs":
                if (s.size() == 1) {
                    return runs.list(request);
                }
                if (s.size() == 2 && s.get(1).equals("events")) {
                    return events.runList(request);
                }
                if (s.size() == 2) {
                    return runs.run(request, request.uuidSegment(1, "run"));
                }
                if (s.size() == 3 && s.get(2).equals("events")) {
                    return events.run(request.uuidSegment(1, "run"));
                }
                if (s.size() == 4 && s.get(2).equals("steps")) {
                    return runs.step(request.uuidSegment(1, "run"), request.uuidSegment(3, "step run"));
                }
                if (s.size() == 5 && s.get(2).equals("steps") && s.get(4).equals("log")) {
                    return runs.log(request.uuidSegment(1, "run"), request.uuidSegment(3, "step run"));
                }
                return notFound();
            case "artifacts":
                return s.size() == 1 ? artifacts.list(request) : notFound();
            case "versions":
                if (s.size() < 2) {
                    return notFound();
                }
                java.util.UUID id = request.uuidSegment(1, "artifact version");
                if (s.size() == 2) {
                    return artifacts.version(id);
                }
                return switch (s.get(2)) {
                    case "verify" -> s.size() == 3 ? artifacts.verify(id) : notFound();
                    case "lineage" -> s.size() == 3 ? artifacts.lineage(request, id) : notFound();
                    case "download" -> s.size() == 3 ? artifacts.download(id) : notFound();
                    case "visualizations" -> s.size() == 4 ? artifacts.visualization(id, s.get(3)) : notFound();
                    case "files" -> s.size() >= 4 ? artifacts.file(id, s.subList(3, s.size())) : notFound();
                    default -> notFound();
                };
            case "compare":
                return s.size() == 1 ? compare.page(request) : notFound();
            default:
                return notFound();
        }
    }

    static Response.Bytes notFound() {
        return error(404, "Not found", "There is no page at this address.");
    }

    static Response.Bytes error(int status, String title, String message) {
        return new Response.Bytes(status, "text/html; charset=utf-8",
                Layout.page(title, "<h1>" + Html.text(title) + "</h1><p class=\"error\">" + Html.text(message == null ? "" : message) + "</p>")
                        .getBytes(StandardCharsets.UTF_8));
    }

    private static void securityHeaders(HttpExchange exchange) {
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Security-Policy", PAGE_POLICY);
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("X-Frame-Options", "DENY");
        headers.set("Referrer-Policy", "no-referrer");
        headers.set("Cross-Origin-Resource-Policy", "same-origin");
        headers.set("Cache-Control", "no-store");
    }
}
