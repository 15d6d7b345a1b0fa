package dev.cairn.dashboard.pages;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

import dev.cairn.dashboard.html.Html;

/** The frame of every page: navigation, the dashboard's stylesheet and scripts (no inline script or style). */
public final class Layout {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private Layout() {}

    /** A full page; {@code title} is escaped here, {@code body} must already be safe HTML. */
    public static String page(String title, String body) {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"htmx-config\" content='{\"includeIndicatorStyles\":false,\"allowEval\":false,\"allowScriptTags\":false,\"selfRequestsOnly\":true}'>"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + Html.line(title) + " · Cairn</title>"
                + "<link rel=\"icon\" href=\"data:,\"><link rel=\"stylesheet\" href=\"/static/dashboard.css\">"
                + "<script src=\"/static/htmx.min.js\"></script><script src=\"/static/sse.js\"></script>"
                + "<script src=\"/static/dashboard.js\" defer></script></head><body>"
                + "<nav><a class=\"brand\" href=\"/runs\">Cairn</a><a href=\"/runs\">Runs</a><a href=\"/artifacts\">Artifacts</a>"
                + "<a href=\"/compare\">Compare</a><a href=\"/api/v1\">JSON API</a></nav><main>" + body + "</main></body></html>\n";
    }

    static String time(Instant instant) {
        return TIME.format(instant) + " UTC";
    }

    static String time(Optional<Instant> instant) {
        return instant.map(Layout::time).orElse("–");
    }

    static String row(String key, String safeValueHtml) {
        return "<tr><th>" + Html.text(key) + "</th><td>" + safeValueHtml + "</td></tr>";
    }

    static String shortId(Object id) {
        return id.toString().substring(0, 8);
    }
}
