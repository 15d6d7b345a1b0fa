package dev.cairn.cli;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.artifact.Visualization;

/**
 * A self-contained HTML page for an artifact version: its facts and metadata as tables, then each visualization.
 * Everything taken from the artifact is escaped: Markdown is rendered by {@link #markdown} (no raw HTML passes
 * through), CSV becomes a table, JSON and text are preformatted, PNG and SVG are inline {@code img} data URIs (an SVG
 * shown through {@code img} runs no script), and an HTML visualization is shown in an iframe with an empty
 * {@code sandbox} (no scripts, no navigation, no same-origin access) whose {@code srcdoc} is escaped.
 */
final class HtmlPage {
    private HtmlPage() {}

    static String render(ArtifactVersion version) {
        StringBuilder html = new StringBuilder(4096);
        String title = version.name() + ":" + version.version();
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">")
                .append("<title>").append(escape(title)).append("</title><style>")
                .append("body{font-family:system-ui,sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse;margin:1em 0}")
                .append("td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}th{background:#f4f4f4}")
                .append("pre{background:#f6f6f6;padding:1em;overflow:auto}iframe{width:100%;height:30em;border:1px solid #ccc}")
                .append("</style></head><body>\n<h1>").append(escape(title)).append("</h1>\n<table>");
        row(html, "id", version.id().toString());
        row(html, "uri", version.uri().toString());
        row(html, "type", version.dataType() + " (" + version.artifactType() + ")");
        row(html, "materializer", version.materializerId() + " " + version.materializerVersion());
        row(html, "content hash", version.contentHash());
        row(html, "size", version.size() + " bytes");
        row(html, "created", version.createdAt().toString());
        version.producerStepRunId().ifPresent(id -> row(html, "produced by step run", id.toString()));
        html.append("</table>\n");
        if (!version.metadata().isEmpty()) {
            html.append("<h2>Metadata</h2>\n<table>");
            for (Map.Entry<String, Object> entry : version.metadata().entrySet()) {
                row(html, entry.getKey(), String.valueOf(entry.getValue()));
            }
            html.append("</table>\n");
        }
        List<Visualization> visualizations = version.visualizations();
        if (visualizations.isEmpty()) {
            html.append("<p><em>The materializer produced no visualizations for this artifact.</em></p>\n");
        }
        for (Visualization visualization : visualizations) {
            html.append("<h2>").append(escape(visualization.name())).append("</h2>\n");
            switch (visualization.type()) {
                case MARKDOWN -> html.append(markdown(visualization.text()));
                case CSV -> html.append(csvTable(visualization.text()));
                case PNG -> image(html, "image/png", visualization);
                case SVG -> image(html, "image/svg+xml", visualization);
                case HTML -> html.append("<iframe sandbox=\"\" srcdoc=\"").append(escape(visualization.text())).append("\"></iframe>\n");
                default -> html.append("<pre>").append(escape(visualization.text())).append("</pre>\n");
            }
        }
        return html.append("</body></html>\n").toString();
    }

    private static void image(StringBuilder html, String mediaType, Visualization visualization) {
        html.append("<img alt=\"").append(escape(visualization.name())).append("\" src=\"data:").append(mediaType).append(";base64,")
                .append(Base64.getEncoder().encodeToString(visualization.content())).append("\">\n");
    }

    private static void row(StringBuilder html, String key, String value) {
        html.append("<tr><th>").append(escape(key)).append("</th><td>").append(escape(value)).append("</td></tr>");
    }

    /** Escapes text for HTML element content and double-quoted attributes. */
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
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * A CSV visualization (RFC 4180) as a table; the first record is the header. Quoted fields may hold commas, quotes
     * ({@code ""}) and line breaks, which show as {@code <br>}. Linear in the input.
     */
    static String csvTable(String csv) {
        StringBuilder html = new StringBuilder("<table>");
        boolean header = true;
        for (List<String> record : csvRecords(csv)) {
            html.append("<tr>");
            for (String cell : record) {
                String escaped = escape(cell).replace("\r\n", "\n").replace('\r', '\n').replace("\n", "<br>");
                html.append(header ? "<th>" : "<td>").append(escaped).append(header ? "</th>" : "</td>");
            }
            html.append("</tr>");
            header = false;
        }
        return html.append("</table>\n").toString();
    }

    /** The records of a CSV text; empty lines between records are skipped. */
    static List<List<String>> csvRecords(String csv) {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        boolean empty = true; // nothing of the current record seen yet
        for (int i = 0; i < csv.length(); i++) {
            char c = csv.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < csv.length() && csv.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
                empty = false;
            } else if (c == ',') {
                record.add(cell.toString());
                cell.setLength(0);
                empty = false;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < csv.length() && csv.charAt(i + 1) == '\n') {
                    i++;
                }
                if (!empty) {
                    record.add(cell.toString());
                    records.add(record);
                    record = new ArrayList<>();
                }
                cell.setLength(0);
                empty = true;
            } else {
                cell.append(c);
                empty = false;
            }
        }
        if (!empty) {
            record.add(cell.toString());
            records.add(record);
        }
        return records;
    }

    /** Renders Markdown safely and in linear time: see {@link Markdown}. */
    static String markdown(String source) {
        return Markdown.toHtml(source);
    }

    static byte[] bytes(ArtifactVersion version) {
        return render(version).getBytes(StandardCharsets.UTF_8);
    }
}
