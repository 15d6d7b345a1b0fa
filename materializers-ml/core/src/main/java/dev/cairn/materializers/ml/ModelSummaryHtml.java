package dev.cairn.materializers.ml;

import static java.util.Objects.requireNonNull;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

import dev.cairn.api.artifact.Visualization;
import dev.cairn.api.artifact.VisualizationType;
import org.apiguardian.api.API;

/**
 * The HTML summary of a model artifact: framework and format, signature table, hyper-parameters, other facts and,
 * where the framework reports it, feature importance. Every value is HTML-escaped.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class ModelSummaryHtml {
    /** The visualization's name ({@code model.html}). */
    public static final String NAME = "model";
    private static final int MAX_FEATURES = 50;

    private ModelSummaryHtml() {}

    /** The summary as a visualization; {@code featureImportance} (of the kind named, e.g. "gain") may be empty. */
    public static Visualization render(ModelSidecar sidecar, String importanceKind, Map<String, ? extends Number> featureImportance) {
        requireNonNull(sidecar, "sidecar is null");
        requireNonNull(featureImportance, "featureImportance is null");
        StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>")
                .append(escape(sidecar.framework())).append(" model</title></head><body>\n");
        html.append("<h2>").append(escape(sidecar.framework())).append(' ').append(escape(sidecar.frameworkVersion())).append(" model (")
                .append(escape(sidecar.modelFormat())).append(", ").append(escape(sidecar.modelFile())).append(")</h2>\n");
        html.append("<h3>Signature</h3>\n<table>\n<tr><th>kind</th><th>name</th><th>dtype</th><th>shape</th></tr>\n");
        signatureRows(html, "input", sidecar.signature().inputs());
        signatureRows(html, "output", sidecar.signature().outputs());
        html.append("</table>\n");
        table(html, "Hyper-parameters", sidecar.hyperParameters());
        table(html, "Properties", sidecar.properties());
        if (!featureImportance.isEmpty()) {
            html.append("<h3>Feature importance (").append(escape(importanceKind)).append(")</h3>\n<table>\n<tr><th>feature</th><th>importance</th></tr>\n");
            featureImportance.entrySet().stream()
                    .sorted(Comparator.comparingDouble((Map.Entry<String, ? extends Number> e) -> -e.getValue().doubleValue()).thenComparing(Map.Entry::getKey))
                    .limit(MAX_FEATURES)
                    .forEach(e -> html.append("<tr><td>").append(escape(e.getKey())).append("</td><td>").append(escape(String.valueOf(e.getValue())))
                            .append("</td></tr>\n"));
            html.append("</table>\n");
        }
        html.append("<p>Written by ").append(escape(sidecar.writerLibrary())).append(' ').append(escape(sidecar.writerVersion())).append("</p>\n");
        html.append("</body></html>\n");
        return Visualization.text(NAME, VisualizationType.HTML, html.toString());
    }

    private static void signatureRows(StringBuilder html, String kind, List<TensorSpec> specs) {
        for (TensorSpec spec : specs) {
            html.append("<tr><td>").append(kind).append("</td><td>").append(escape(spec.name())).append("</td><td>").append(escape(spec.dtype()))
                    .append("</td><td>").append(escape(spec.shapeText())).append("</td></tr>\n");
        }
    }

    private static void table(StringBuilder html, String title, Map<String, Object> values) {
        if (values.isEmpty()) {
            return;
        }
        html.append("<h3>").append(title).append("</h3>\n<table>\n");
        new java.util.TreeMap<>(values).forEach((key, value) -> html.append("<tr><td>").append(escape(key)).append("</td><td>")
                .append(escape(value instanceof String s ? s : JsonText.write(value))).append("</td></tr>\n"));
        html.append("</table>\n");
    }

    /** {@code text} with {@code & < > " '} escaped. */
    public static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
