package dev.cairn.cli;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
    private static final Pattern LINK = Pattern.compile("\\[([^\\]]*)]\\(([^)\\s]*)\\)");
    private static final Pattern BOLD = Pattern.compile("\\*\\*(.+?)\\*\\*");
    private static final Pattern ITALIC = Pattern.compile("(?<![*\\w])[*_](?![*\\s])(.+?)(?<![\\s*])[*_](?![*\\w])");
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");

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

    /** A CSV visualization as a table; the first line is the header. Quoted fields with commas are honoured. */
    static String csvTable(String csv) {
        StringBuilder html = new StringBuilder("<table>");
        boolean header = true;
        for (String line : csv.split("\r?\n")) {
            if (line.isEmpty()) {
                continue;
            }
            html.append("<tr>");
            for (String cell : csvCells(line)) {
                html.append(header ? "<th>" : "<td>").append(escape(cell)).append(header ? "</th>" : "</td>");
            }
            html.append("</tr>");
            header = false;
        }
        return html.append("</table>\n").toString();
    }

    private static List<String> csvCells(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted && c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                cell.append('"');
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(cell.toString());
        return cells;
    }

    /**
     * A small, safe Markdown renderer: headings, paragraphs, bullet and numbered lists, fenced code, pipe tables,
     * inline code, bold, italic and links (http, https and mailto only; other targets stay text). The source is
     * escaped before any markup is added, so raw HTML in it shows as text.
     */
    static String markdown(String source) {
        StringBuilder html = new StringBuilder();
        String[] lines = source.split("\r?\n", -1);
        List<String> paragraph = new ArrayList<>();
        String list = null;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String trimmed = line.strip();
            if (trimmed.startsWith("```")) {
                flush(html, paragraph);
                list = closeList(html, list);
                StringBuilder code = new StringBuilder();
                for (i++; i < lines.length && !lines[i].strip().startsWith("```"); i++) {
                    code.append(lines[i]).append('\n');
                }
                html.append("<pre><code>").append(escape(code.toString())).append("</code></pre>\n");
                continue;
            }
            if (trimmed.startsWith("|") && i + 1 < lines.length && lines[i + 1].strip().matches("\\|?\\s*:?-{2,}.*")) {
                flush(html, paragraph);
                list = closeList(html, list);
                html.append("<table><tr>");
                for (String cell : tableCells(trimmed)) {
                    html.append("<th>").append(inline(cell)).append("</th>");
                }
                html.append("</tr>");
                for (i += 2; i < lines.length && lines[i].strip().startsWith("|"); i++) {
                    html.append("<tr>");
                    for (String cell : tableCells(lines[i].strip())) {
                        html.append("<td>").append(inline(cell)).append("</td>");
                    }
                    html.append("</tr>");
                }
                i--;
                html.append("</table>\n");
                continue;
            }
            Matcher heading = Pattern.compile("^(#{1,6})\\s+(.*)$").matcher(trimmed);
            if (heading.matches()) {
                flush(html, paragraph);
                list = closeList(html, list);
                int level = heading.group(1).length();
                html.append("<h").append(level).append('>').append(inline(heading.group(2))).append("</h").append(level).append(">\n");
                continue;
            }
            Matcher bullet = Pattern.compile("^([-*+]|\\d+[.)])\\s+(.*)$").matcher(trimmed);
            if (bullet.matches()) {
                flush(html, paragraph);
                String kind = Character.isDigit(bullet.group(1).charAt(0)) ? "ol" : "ul";
                if (!kind.equals(list)) {
                    closeList(html, list);
                    html.append('<').append(kind).append(">\n");
                    list = kind;
                }
                html.append("<li>").append(inline(bullet.group(2))).append("</li>\n");
                continue;
            }
            if (trimmed.isEmpty()) {
                flush(html, paragraph);
                list = closeList(html, list);
                continue;
            }
            list = closeList(html, list);
            paragraph.add(trimmed);
        }
        flush(html, paragraph);
        closeList(html, list);
        return html.toString();
    }

    private static List<String> tableCells(String row) {
        String inner = row.startsWith("|") ? row.substring(1) : row;
        inner = inner.endsWith("|") ? inner.substring(0, inner.length() - 1) : inner;
        List<String> cells = new ArrayList<>();
        for (String cell : inner.split("\\|", -1)) {
            cells.add(cell.strip());
        }
        return cells;
    }

    private static void flush(StringBuilder html, List<String> paragraph) {
        if (!paragraph.isEmpty()) {
            html.append("<p>").append(inline(String.join(" ", paragraph))).append("</p>\n");
            paragraph.clear();
        }
    }

    private static String closeList(StringBuilder html, String list) {
        if (list != null) {
            html.append("</").append(list).append(">\n");
        }
        return null;
    }

    /** Inline markup over escaped text; code spans are protected from the other rules. */
    static String inline(String text) {
        List<String> codes = new ArrayList<>();
        Matcher code = CODE.matcher(text);
        StringBuilder protectedText = new StringBuilder();
        while (code.find()) {
            codes.add(code.group(1));
            code.appendReplacement(protectedText, Matcher.quoteReplacement("\u0000" + (codes.size() - 1) + "\u0000"));
        }
        code.appendTail(protectedText);
        String escaped = escape(protectedText.toString());
        Matcher link = LINK.matcher(escaped);
        StringBuilder linked = new StringBuilder();
        while (link.find()) {
            String target = link.group(2);
            String lower = target.toLowerCase(java.util.Locale.ROOT);
            String replacement = lower.startsWith("http://") || lower.startsWith("https://") || lower.startsWith("mailto:")
                    ? "<a href=\"" + target + "\" rel=\"noopener noreferrer\">" + link.group(1) + "</a>"
                    : link.group(1) + " (" + target + ")";
            link.appendReplacement(linked, Matcher.quoteReplacement(replacement));
        }
        link.appendTail(linked);
        String result = BOLD.matcher(linked.toString()).replaceAll("<strong>$1</strong>");
        result = ITALIC.matcher(result).replaceAll("<em>$1</em>");
        for (int i = 0; i < codes.size(); i++) {
            result = result.replace("\u0000" + i + "\u0000", "<code>" + escape(codes.get(i)) + "</code>");
        }
        return result;
    }

    static byte[] bytes(ArtifactVersion version) {
        return render(version).getBytes(StandardCharsets.UTF_8);
    }
}
