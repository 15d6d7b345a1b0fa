package dev.cairn.engine.client;

import java.util.Base64;
import java.util.Map;

import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.artifact.Visualization;

/**
 * The {@code text/html} of an artifact version's notebook MIME bundle: a fragment (no scripts, no style
 * attributes) with the version's facts, its metadata and its visualizations. Every stored string is escaped and
 * control characters are shown as {@code \\uXXXX}; PNG and SVG are {@code img} data URIs (an SVG shown as an image
 * runs no script); an HTML visualization is an iframe with an empty {@code sandbox} (no scripts, no navigation).
 */
final class NotebookHtml {
    private NotebookHtml() {}

    static String render(ArtifactVersion version) {
        StringBuilder html = new StringBuilder(2048);
        html.append("<div class=\"cairn-artifact\"><h3>").append(escape(version.name() + ":" + version.version())).append("</h3><table>");
        row(html, "type", version.dataType() + " (" + version.artifactType() + ")");
        row(html, "materializer", version.materializerId() + " " + version.materializerVersion());
        row(html, "size", version.size() + " bytes");
        row(html, "content hash", version.contentHash());
        row(html, "created", version.createdAt().toString());
        html.append("</table>");
        if (!version.metadata().isEmpty()) {
            html.append("<h4>Metadata</h4><table>");
            for (Map.Entry<String, Object> entry : version.metadata().entrySet()) {
                row(html, entry.getKey(), String.valueOf(entry.getValue()));
            }
            html.append("</table>");
        }
        for (Visualization visualization : version.visualizations()) {
            html.append("<h4>").append(escape(visualization.name())).append("</h4>");
            switch (visualization.type()) {
                case PNG -> image(html, "image/png", visualization);
                case SVG -> image(html, "image/svg+xml", visualization);
                case HTML -> html.append("<iframe sandbox=\"\" width=\"100%\" height=\"400\" srcdoc=\"").append(escape(visualization.text()))
                        .append("\"></iframe>");
                default -> html.append("<pre>").append(escape(visualization.text())).append("</pre>");
            }
        }
        return html.append("</div>").toString();
    }

    private static void image(StringBuilder html, String mediaType, Visualization visualization) {
        html.append("<img alt=\"").append(escape(visualization.name())).append("\" src=\"data:").append(mediaType).append(";base64,")
                .append(Base64.getEncoder().encodeToString(visualization.content())).append("\">");
    }

    private static void row(StringBuilder html, String key, String value) {
        html.append("<tr><th>").append(escape(key)).append("</th><td>").append(escape(value)).append("</td></tr>");
    }

    /** Escapes for element content and quoted attributes; control characters other than tab and newline become {@code \\uXXXX}. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    if ((c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c <= 0x9f)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
