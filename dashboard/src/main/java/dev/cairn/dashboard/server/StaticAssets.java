package dev.cairn.dashboard.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The dashboard's own scripts and styles and the htmx files from their webjars, served from the class path by a
 * fixed list of names (nothing else is reachable: no directory listing, no path walking).
 */
final class StaticAssets {
    private static final Map<String, String[]> ASSETS = Map.of(
            "htmx.min.js", new String[] {"META-INF/resources/webjars/htmx.org/2.0.4/dist/htmx.min.js", "text/javascript"},
            "sse.js", new String[] {"META-INF/resources/webjars/htmx-ext-sse/2.2.2/sse.js", "text/javascript"},
            "dashboard.js", new String[] {"dev/cairn/dashboard/static/dashboard.js", "text/javascript"},
            "dashboard.css", new String[] {"dev/cairn/dashboard/static/dashboard.css", "text/css"});

    private final Map<String, byte[]> cache = new java.util.concurrent.ConcurrentHashMap<>();

    Response asset(String name) {
        String[] asset = ASSETS.get(name);
        if (asset == null) {
            return DashboardHandler.notFound();
        }
        byte[] body = cache.computeIfAbsent(name, k -> read(asset[0]));
        return new Response.Bytes(200, asset[1] + "; charset=utf-8", body).header("Cache-Control", "max-age=3600");
    }

    private static byte[] read(String resource) {
        try (InputStream in = StaticAssets.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("The dashboard jar is missing " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
