package dev.cairn.dashboard.pages;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import com.sun.net.httpserver.HttpExchange;
import dev.cairn.api.CairnException;
import dev.cairn.api.Client;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.ArtifactFile;
import dev.cairn.api.artifact.ArtifactPage;
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
        ArtifactPage page = search.run(client);
        String rows = resultRows(search, page);
        if (request.htmx()) {
            return Response.html(rows);
        }
        StringBuilder html = new StringBuilder(8192);
        html.append("<h1>Artifacts</h1><form class=\"filters\" method=\"get\" action=\"/artifacts\" hx-get=\"/artifacts\" hx-target=\"#artifact-results\"")
                .append(" hx-trigger=\"input changed delay:300ms from:input, submit\" hx-push-url=\"true\">")
                .append("<label>Name <input name=\"name\" list=\"artifact-names\" value=\"").append(Html.text(search.name().orElse("")))
                .append("\" placeholder=\"exact name\"></label> ")
                .append("<label>Tag <input name=\"tag\" value=\"").append(Html.text(search.tag().orElse(""))).append("\" placeholder=\"production\"></label> ")
                .append("<label>Type <input name=\"type\" value=\"").append(Html.text(search.type().orElse(""))).append("\" placeholder=\"MODEL or a data type\"></label> ");
        List<String> where = search.where().isEmpty() ? List.of("") : search.where();
        for (String condition : where) {
            html.append("<label>Metadata <input name=\"where\" class=\"where\" value=\"").append(Html.text(condition)).append("\" placeholder=\"accuracy>0.85\"></label> ");
        }
        html.append("<label>Since <input name=\"since\" type=\"date\" value=\"").append(request.param("since").map(Html::text).orElse("")).append("\"></label> ")
                .append("<label>Until <input name=\"until\" type=\"date\" value=\"").append(request.param("until").map(Html::text).orElse("")).append("\"></label> ")
                .append("<button type=\"submit\">Search</button></form>")
                .append("<p class=\"hint\">Metadata predicates: <code>key&gt;number</code>, <code>&gt;=</code>, <code>&lt;</code>, <code>&lt;=</code>, ")
                .append("<code>key=value</code>, <code>key~text</code> (contains); all conditions must hold.</p>")
                .append("<datalist id=\"artifact-names\">");
        for (String name : client.listArtifactNames()) {
            html.append("<option value=\"").append(Html.text(name)).append("\"></option>");
        }
        html.append("</datalist><form method=\"get\" action=\"/compare\"><div id=\"artifact-results\">").append(rows)
                .append("</div><button type=\"submit\">Compare selected versions</button></form>");
        return Response.html(Layout.page("Artifacts", html.toString()));
    }

    private static String resultRows(ArtifactSearch search, ArtifactPage page) {
        if (page.versions().isEmpty()) {
            return search.filtered() || search.cursor().isPresent() ? "<p class=\"empty\">No artifact versions match.</p>"
                    : "<p class=\"empty\">No artifacts yet: run a pipeline (try ./cairn quickstart).</p>";
        }
        StringBuilder html = new StringBuilder("<table class=\"artifacts\"><thead><tr><th></th><th>Artifact</th><th>Type</th><th>Size</th><th>Created</th></tr></thead><tbody>");
        for (ArtifactVersion version : page.versions()) {
            html.append("<tr><td><input type=\"checkbox\" name=\"versions\" value=\"").append(version.id()).append("\" aria-label=\"compare\"></td>")
                    .append("<td><a class=\"artifact-link\" href=\"/versions/").append(version.id()).append("\">").append(Html.line(version.name() + ":" + version.version()))
                    .append("</a></td><td>").append(Html.line(version.dataType())).append(" <span class=\"kind\">").append(version.artifactType())
                    .append("</span></td><td>").append(version.size()).append(" B</td><td>").append(Layout.time(version.createdAt())).append("</td></tr>");
        }
        html.append("</tbody></table>");
        page.nextCursor().ifPresent(next -> html.append("<p class=\"pager\"><a rel=\"next\" id=\"artifacts-next\" href=\"")
                .append(Html.text(searchLink(search, next))).append("\">Next page →</a></p>"));
        return html.toString();
    }

    /** A logged metadata value as text. */
    static String display(dev.cairn.api.artifact.MetadataValue value) {
        if (value instanceof dev.cairn.api.artifact.MetadataValue.NumberValue number) {
            return String.valueOf(number.value());
        } else if (value instanceof dev.cairn.api.artifact.MetadataValue.StringValue text) {
            return text.value();
        } else if (value instanceof dev.cairn.api.artifact.MetadataValue.BooleanValue bool) {
            return String.valueOf(bool.value());
        } else if (value instanceof dev.cairn.api.artifact.MetadataValue.UriValue uri) {
            return uri.value().toString();
        } else if (value instanceof dev.cairn.api.artifact.MetadataValue.PathValue path) {
            return path.value();
        } else if (value instanceof dev.cairn.api.artifact.MetadataValue.TimestampValue time) {
            return time.value().toString();
        } else if (value instanceof dev.cairn.api.artifact.MetadataValue.Dimensions dimensions) {
            return dimensions.value().toString();
        } else if (value instanceof dev.cairn.api.artifact.MetadataValue.StorageSize size) {
            return size.bytes() + " bytes";
        } else if (value instanceof dev.cairn.api.artifact.MetadataValue.MapValue map) {
            StringBuilder text = new StringBuilder("{");
            map.value().forEach((key, inner) -> text.append(text.length() > 1 ? ", " : "").append(key).append(": ").append(display(inner)));
            return text.append('}').toString();
        }
        return value.toString();
    }

    /** The link to the page after {@code cursor} with the same conditions. */
    static String searchLink(ArtifactSearch search, String cursor) {
        StringBuilder link = new StringBuilder("/artifacts?cursor=").append(Html.query(cursor));
        search.name().ifPresent(value -> link.append("&name=").append(Html.query(value)));
        search.tag().ifPresent(value -> link.append("&tag=").append(Html.query(value)));
        search.type().ifPresent(value -> link.append("&type=").append(Html.query(value)));
        search.where().forEach(value -> link.append("&where=").append(Html.query(value)));
        search.since().ifPresent(value -> link.append("&since=").append(Html.query(value.toString())));
        search.until().ifPresent(value -> link.append("&until=").append(Html.query(value.toString())));
        if (search.limit() != ArtifactSearch.DEFAULT_LIMIT) {
            link.append("&limit=").append(search.limit());
        }
        return link.toString();
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
        List<String> tags = version.tags();
        List<String> aliases = version.aliases();
        if (!tags.isEmpty() || !aliases.isEmpty()) {
            html.append("<h2>Tags and aliases</h2><p class=\"tags\">");
            for (String tag : tags) {
                html.append("<a class=\"tag\" href=\"/artifacts?tag=").append(Html.text(Html.query(tag))).append("\">").append(Html.line(tag)).append("</a> ");
            }
            for (String alias : aliases) {
                html.append("<span class=\"alias\">@").append(Html.line(alias)).append("</span> ");
            }
            html.append("</p>");
        }
        Map<String, dev.cairn.api.artifact.MetadataValue> logged = version.loggedMetadata();
        if (!logged.isEmpty()) {
            html.append("<h2>Logged metadata</h2><table class=\"logged-metadata\">");
            logged.forEach((key, value) -> html.append(Layout.row(key, "<code>" + Html.text(display(value)) + "</code> <span class=\"kind\">"
                    + Html.line(value.type()) + "</span>")));
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
        List<ArtifactFile> files = ArtifactFiles.list(version);
        if (files.isEmpty()) {
            html.append("<p class=\"empty\">The manifest lists no files.</p>");
        } else {
            html.append("<p><a class=\"download\" href=\"/versions/").append(id).append("/download\">Download all as zip</a></p><table class=\"files\"><tbody>");
            for (ArtifactFile file : files) {
                html.append("<tr><td><a href=\"/versions/").append(id).append("/files/").append(Html.text(encodePath(file.path()))).append("\">")
                        .append(Html.line(file.path())).append("</a></td><td>").append(file.size()).append(" B</td><td><code class=\"sha\">")
                        .append(Html.text(file.sha256())).append("</code></td></tr>");
            }
            html.append("</tbody></table>");
            if (files.size() == ArtifactFiles.MAX_LISTED) {
                html.append("<p class=\"hint\">The first ").append(ArtifactFiles.MAX_LISTED).append(" files are listed; the zip holds all.</p>");
            }
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
        ArtifactFile file = ArtifactFiles.resolve(version, segments);
        return (Response.Streaming) (HttpExchange exchange, boolean head) -> {
            exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
            exchange.getResponseHeaders().set("Content-Disposition", "attachment; filename=\"" + ArtifactFiles.downloadName(segments.get(segments.size() - 1)) + "\"");
            exchange.getResponseHeaders().set("Content-Security-Policy", DashboardHandler.SANDBOX_POLICY);
            if (head) {
                exchange.getResponseHeaders().set("Content-Length", String.valueOf(file.size()));
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            try (InputStream in = version.open(file.path())) {
                exchange.sendResponseHeaders(200, file.size() == 0 ? -1 : file.size());
                if (file.size() > 0) {
                    try (OutputStream out = exchange.getResponseBody()) {
                        in.transferTo(out);
                    }
                }
            }
        };
    }

    /** The artifact's files as one zip, streamed from the store. */
    public Response download(UUID id) {
        ArtifactVersion version = client.getArtifactVersion(id);
        List<ArtifactFile> files = version.files();
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
                for (ArtifactFile file : files) {
                    zip.putNextEntry(new ZipEntry(file.path()));
                    try (InputStream in = version.open(file.path())) {
                        in.transferTo(zip);
                    }
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
