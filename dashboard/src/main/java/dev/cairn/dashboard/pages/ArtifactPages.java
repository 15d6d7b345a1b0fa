package dev.cairn.dashboard.pages;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import com.sun.net.httpserver.HttpExchange;
import dev.cairn.api.CairnException;
import dev.cairn.api.Client;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.artifact.Visualization;
import dev.cairn.dashboard.graph.LayeredLayout;
import dev.cairn.dashboard.graph.Scene;
import dev.cairn.dashboard.html.Html;
import dev.cairn.dashboard.html.SceneSvg;
import dev.cairn.dashboard.server.BadRequest;
import dev.cairn.dashboard.server.DashboardHandler;
import dev.cairn.dashboard.server.Request;
import dev.cairn.dashboard.server.Response;

/** Artifact search, an artifact version (metadata, visualizations, files, verify) and its lineage. */
public final class ArtifactPages {
    static final int CSV_ROWS = 200;
    static final int TEXT_PREVIEW_CHARS = 200_000;

    private final Client client;

    public ArtifactPages(Client client) {
        this.client = client;
    }

    public Response list(Request request) {
        ArtifactSearch search = ArtifactSearch.of(request);
        ArtifactSearch.Result result = search.run(client);
        String rows = resultRows(result);
        if (request.htmx()) {
            return Response.html(rows);
        }
        StringBuilder html = new StringBuilder(8192);
        html.append("<h1>Artifacts</h1><form class=\"filters\" method=\"get\" action=\"/artifacts\" hx-get=\"/artifacts\" hx-target=\"#artifact-results\"")
                .append(" hx-trigger=\"input changed delay:300ms from:input, submit\" hx-push-url=\"true\">")
                .append("<label>Name <input name=\"name\" value=\"").append(Html.text(search.name().orElse(""))).append("\" placeholder=\"text or glob\"></label> ")
                .append("<label>Type <input name=\"type\" value=\"").append(Html.text(search.type().orElse(""))).append("\" placeholder=\"java.util.List or MODEL\"></label> ")
                .append("<label>Since <input name=\"since\" type=\"date\" value=\"").append(request.param("since").map(Html::text).orElse("")).append("\"></label> ")
                .append("<label>Until <input name=\"until\" type=\"date\" value=\"").append(request.param("until").map(Html::text).orElse("")).append("\"></label> ")
                .append("<button type=\"submit\">Search</button></form>")
                .append("<p class=\"hint\">Search by tag and by metadata value is not available yet.</p>")
                .append("<form method=\"get\" action=\"/compare\"><div id=\"artifact-results\">").append(rows)
                .append("</div><button type=\"submit\">Compare selected versions</button></form>");
        return Response.html(Layout.page("Artifacts", html.toString()));
    }

    private static String resultRows(ArtifactSearch.Result result) {
        if (result.versions().isEmpty()) {
            return "<p class=\"empty\">No artifact versions match.</p>";
        }
        StringBuilder html = new StringBuilder("<table class=\"artifacts\"><thead><tr><th></th><th>Artifact</th><th>Type</th><th>Size</th><th>Created</th></tr></thead><tbody>");
        for (ArtifactVersion version : result.versions()) {
            html.append("<tr><td><input type=\"checkbox\" name=\"versions\" value=\"").append(version.id()).append("\" aria-label=\"compare\"></td>")
                    .append("<td><a class=\"artifact-link\" href=\"/versions/").append(version.id()).append("\">").append(Html.line(version.name() + ":" + version.version()))
                    .append("</a></td><td>").append(Html.line(version.dataType())).append(" <span class=\"kind\">").append(version.artifactType())
                    .append("</span></td><td>").append(version.size()).append(" B</td><td>").append(Layout.time(version.createdAt())).append("</td></tr>");
        }
        html.append("</tbody></table>");
        if (result.total() > result.versions().size()) {
            html.append("<p class=\"hint\">").append(result.versions().size()).append(" of ").append(result.total()).append(" shown: narrow the search.</p>");
        }
        return html.toString();
    }

    public Response version(UUID id) {
        ArtifactVersion version = client.getArtifactVersion(id);
        StringBuilder html = new StringBuilder(8192);
        html.append("<h1>").append(Html.line(version.name())).append(" <span class=\"version\">:").append(Html.line(version.version())).append("</span></h1>");
        html.append("<p class=\"actions\"><a href=\"/versions/").append(id).append("/lineage\">Lineage</a> · <a href=\"/artifacts?name=")
                .append(Html.text(Html.query(version.name()))).append("\">All versions</a> · <button type=\"button\" id=\"verify\" hx-get=\"/versions/").append(id)
                .append("/verify\" hx-target=\"#verify-result\" hx-swap=\"innerHTML\">Verify</button> <span id=\"verify-result\"></span></p>");
        html.append("<table class=\"facts\">")
                .append(Layout.row("id", "<code>" + version.id() + "</code>"))
                .append(Layout.row("type", Html.line(version.dataType()) + " (" + version.artifactType() + ")"))
                .append(Layout.row("materializer", Html.line(version.materializerId() + " " + version.materializerVersion())))
                .append(Layout.row("size", version.size() + " bytes"))
                .append(Layout.row("content hash", "<code>" + Html.text(version.contentHash()) + "</code>"))
                .append(Layout.row("created", Layout.time(version.createdAt())))
                .append(Layout.row("uri", "<code>" + Html.line(version.uri().toString()) + "</code>"));
        version.producerStepRunId().ifPresent(step -> html.append(Layout.row("produced by step run", "<code>" + step + "</code> (<a href=\"/versions/" + id
                + "/lineage?direction=up&amp;hops=1\">producer</a>)")));
        html.append("</table>");
        html.append("<h2>Metadata</h2>");
        if (version.metadata().isEmpty()) {
            html.append("<p class=\"empty\">none</p>");
        } else {
            html.append("<table class=\"metadata\">");
            version.metadata().forEach((key, value) -> html.append(Layout.row(key, "<code>" + Html.text(Json.text(value)) + "</code>")));
            html.append("</table>");
        }
        html.append("<h2>Visualizations</h2>");
        List<Visualization> visualizations = version.visualizations();
        if (visualizations.isEmpty()) {
            html.append("<p class=\"empty\">The materializer produced none.</p>");
        }
        for (Visualization visualization : visualizations) {
            String src = "/versions/" + id + "/visualizations/" + Html.query(visualization.fileName());
            html.append("<section class=\"visualization\"><h3>").append(Html.line(visualization.name())).append(" <span class=\"kind\">")
                    .append(visualization.type()).append("</span> <a href=\"").append(Html.text(src)).append("\">raw</a></h3>");
            switch (visualization.type()) {
                case HTML -> html.append("<iframe class=\"viz-frame\" sandbox=\"\" referrerpolicy=\"no-referrer\" src=\"").append(Html.text(src)).append("\" title=\"")
                        .append(Html.line(visualization.name())).append("\"></iframe>");
                case PNG, SVG -> html.append("<img class=\"viz-image\" alt=\"").append(Html.line(visualization.name())).append("\" src=\"").append(Html.text(src)).append("\">");
                case CSV -> html.append(csvTable(visualization.text()));
                default -> {
                    String text = visualization.text();
                    html.append("<pre class=\"viz-text\">").append(Html.text(text.length() > TEXT_PREVIEW_CHARS ? text.substring(0, TEXT_PREVIEW_CHARS) + "\n…" : text))
                            .append("</pre>");
                }
            }
            html.append("</section>");
        }
        html.append("<h2>Files</h2>");
        Optional<Path> directory = ArtifactFiles.directory(version);
        if (directory.isEmpty()) {
            html.append("<p class=\"empty\">Files are listed and downloaded for artifacts in local (file:) stores; this one is in ")
                    .append(Html.line(version.storeUri().toString())).append(".</p>");
        } else {
            html.append("<p><a class=\"download\" href=\"/versions/").append(id).append("/download\">Download all as zip</a></p><table class=\"files\"><tbody>");
            for (ArtifactFiles.Entry entry : ArtifactFiles.list(directory.get())) {
                html.append("<tr><td><a href=\"/versions/").append(id).append("/files/").append(Html.text(encodePath(entry.path()))).append("\">")
                        .append(Html.line(entry.path())).append("</a></td><td>").append(entry.size()).append(" B</td></tr>");
            }
            html.append("</tbody></table>");
        }
        return Response.html(Layout.page(version.name() + ":" + version.version(), html.toString()));
    }

    private static String encodePath(String relative) {
        StringBuilder out = new StringBuilder();
        for (String segment : relative.split("/")) {
            out.append(out.length() == 0 ? "" : "/").append(Html.query(segment).replace("+", "%20"));
        }
        return out.toString();
    }

    static String csvTable(String csv) {
        StringBuilder html = new StringBuilder("<table class=\"csv\">");
        int row = 0;
        for (String line : csv.split("\r?\n")) {
            if (line.isEmpty()) {
                continue;
            }
            if (row > CSV_ROWS) {
                html.append("<tr><td>…</td></tr>");
                break;
            }
            html.append("<tr>");
            for (String cell : csvCells(line)) {
                html.append(row == 0 ? "<th>" : "<td>").append(Html.line(cell)).append(row == 0 ? "</th>" : "</td>");
            }
            html.append("</tr>");
            row++;
        }
        return html.append("</table>").toString();
    }

    private static List<String> csvCells(String line) {
        List<String> cells = new java.util.ArrayList<>();
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

    /** Runs {@link ArtifactVersion#verify()} (it only reads) and shows the outcome as a fragment. */
    public Response verify(UUID id) {
        ArtifactVersion version = client.getArtifactVersion(id);
        try {
            version.verify();
            return Response.html("<span class=\"verify-ok\">verified: every file matches its recorded SHA-256</span>");
        } catch (CairnException e) {
            return Response.html("<span class=\"verify-failed\">" + Html.text(e.errorCode().name()) + ": " + Html.line(String.valueOf(e.getMessage())) + "</span>");
        }
    }

    /** The raw bytes of a visualization, under a sandbox CSP: no script runs, even opened directly. */
    public Response visualization(UUID id, String fileName) {
        if (!fileName.matches("[A-Za-z0-9_.-]{1,80}")) {
            throw new BadRequest("'" + fileName + "' is not a visualization file name");
        }
        ArtifactVersion version = client.getArtifactVersion(id);
        Visualization visualization = version.visualizations().stream().filter(v -> v.fileName().equals(fileName)).findFirst()
                .orElseThrow(() -> new CairnException(ErrorCode.ARTIFACT_NOT_FOUND, "Artifact " + version.name() + ":" + version.version()
                        + " has no visualization '" + fileName + "': its visualizations are listed on its page"));
        String contentType = switch (visualization.type()) {
            case HTML -> "text/html; charset=utf-8";
            case SVG -> "image/svg+xml";
            case PNG -> "image/png";
            default -> "text/plain; charset=utf-8";
        };
        return new Response.Bytes(200, contentType, visualization.content()).header("Content-Security-Policy", DashboardHandler.SANDBOX_POLICY)
                .header("X-Frame-Options", "SAMEORIGIN");
    }

    public Response file(UUID id, List<String> segments) {
        ArtifactVersion version = client.getArtifactVersion(id);
        Path directory = ArtifactFiles.directory(version).orElseThrow(() -> new BadRequest("Files can be downloaded from local (file:) stores only"));
        Path file = ArtifactFiles.resolve(directory, segments);
        return (Response.Streaming) (HttpExchange exchange, boolean head) -> {
            exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
            exchange.getResponseHeaders().set("Content-Disposition", "attachment; filename=\"" + ArtifactFiles.downloadName(segments.get(segments.size() - 1)) + "\"");
            exchange.getResponseHeaders().set("Content-Security-Policy", DashboardHandler.SANDBOX_POLICY);
            long size = Files.size(file);
            if (head) {
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.sendResponseHeaders(200, size == 0 ? -1 : size);
            if (size > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    Files.copy(file, out);
                }
            }
        };
    }

    /** The artifact's files as one zip, streamed. */
    public Response download(UUID id) {
        ArtifactVersion version = client.getArtifactVersion(id);
        Path directory = ArtifactFiles.directory(version).orElseThrow(() -> new BadRequest("Files can be downloaded from local (file:) stores only"));
        List<ArtifactFiles.Entry> entries = ArtifactFiles.list(directory);
        String name = ArtifactFiles.downloadName(version.name() + "-" + version.version()) + ".zip";
        return (Response.Streaming) (HttpExchange exchange, boolean head) -> {
            exchange.getResponseHeaders().set("Content-Type", "application/zip");
            exchange.getResponseHeaders().set("Content-Disposition", "attachment; filename=\"" + name + "\"");
            if (head) {
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.sendResponseHeaders(200, 0);
            try (ZipOutputStream zip = new ZipOutputStream(exchange.getResponseBody())) {
                for (ArtifactFiles.Entry entry : entries) {
                    Path file = ArtifactFiles.resolve(directory, List.of(entry.path().split("/")));
                    zip.putNextEntry(new ZipEntry(entry.path()));
                    Files.copy(file, zip);
                    zip.closeEntry();
                }
            }
        };
    }

    public Response lineage(Request request, UUID id) {
        ArtifactVersion version = client.getArtifactVersion(id);
        LineageView view = LineageView.of(client.lineage(version), request);
        Scene scene = LayeredLayout.layout(view.graph(), Map.of());
        StringBuilder html = new StringBuilder(8192);
        html.append("<p class=\"crumbs\"><a href=\"/versions/").append(id).append("\">").append(Html.line(version.name() + ":" + version.version()))
                .append("</a></p><h1>Lineage of ").append(Html.line(version.name() + ":" + version.version())).append("</h1>")
                .append("<form class=\"filters\" method=\"get\" action=\"/versions/").append(id).append("/lineage\"><label>Direction <select name=\"direction\">");
        for (String direction : List.of("both", "up", "down")) {
            boolean selected = switch (view.direction()) {
                case BOTH -> direction.equals("both");
                case UPSTREAM -> direction.equals("up");
                case DOWNSTREAM -> direction.equals("down");
            };
            html.append("<option").append(selected ? " selected" : "").append(">").append(direction).append("</option>");
        }
        html.append("</select></label> <label>Hops <input name=\"hops\" type=\"number\" min=\"0\" max=\"100\" value=\"").append(view.hops())
                .append("\"></label> <button type=\"submit\">Show</button></form>");
        html.append("<p class=\"hint\">").append(scene.boxes().size()).append(" nodes: artifacts (grey) and the step runs that produced or consumed them.</p>");
        html.append("<div class=\"scene-frame\">");
        if (scene.boxes().size() <= RunViews.SVG_MAX_BOXES) {
            html.append(SceneSvg.render(scene, "dag lineage"));
        } else {
            html.append("<canvas id=\"scene\" class=\"scene-canvas\" width=\"1200\" height=\"640\" data-kind=\"dag\" data-scene-url=\"/api/v1/versions/").append(id)
                    .append("/lineage/scene?hops=").append(view.hops()).append("&amp;direction=").append(view.direction().name().toLowerCase(java.util.Locale.ROOT))
                    .append("\"></canvas>");
        }
        html.append("</div>");
        return Response.html(Layout.page("Lineage of " + version.name(), html.toString()));
    }
}
