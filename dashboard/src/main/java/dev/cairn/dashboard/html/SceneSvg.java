package dev.cairn.dashboard.html;

import java.util.Locale;

import dev.cairn.dashboard.graph.Scene;

/**
 * A {@link Scene} as inline SVG: boxes are links to their pages, coloured by status through CSS classes (no style
 * attributes, so the page's CSP needs no {@code unsafe-inline}); every label is escaped.
 */
public final class SceneSvg {
    private SceneSvg() {}

    public static String render(Scene scene, String cssClass) {
        StringBuilder svg = new StringBuilder(256 + scene.boxes().size() * 300);
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"").append(cssClass).append("\" width=\"").append(scene.width())
                .append("\" height=\"").append(scene.height()).append("\" viewBox=\"0 0 ").append(scene.width()).append(' ').append(scene.height())
                .append("\" role=\"img\">");
        for (Scene.Line line : scene.lines()) {
            int mid = (line.x1() + line.x2()) / 2;
            svg.append("<path class=\"edge\" d=\"M").append(line.x1()).append(' ').append(line.y1()).append(" C").append(mid).append(' ')
                    .append(line.y1()).append(' ').append(mid).append(' ').append(line.y2()).append(' ').append(line.x2()).append(' ')
                    .append(line.y2()).append("\"/>");
        }
        for (Scene.Label label : scene.axis()) {
            svg.append("<text class=\"axis\" x=\"").append(label.x()).append("\" y=\"").append(label.y()).append("\">").append(Html.line(label.text())).append("</text>");
        }
        boolean timeline = scene.lines().isEmpty() && !scene.axis().isEmpty();
        for (Scene.Box box : scene.boxes()) {
            svg.append("<a href=\"").append(Html.text(box.href())).append("\"><g class=\"node status-").append(box.status().toLowerCase(Locale.ROOT))
                    .append("\" data-node=\"").append(Html.text(box.id())).append("\"><title>").append(Html.line(box.label()))
                    .append(box.note().isEmpty() ? "" : " (" + Html.line(box.note()) + ")").append("</title>");
            svg.append("<rect x=\"").append(box.x()).append("\" y=\"").append(box.y()).append("\" width=\"").append(box.w())
                    .append("\" height=\"").append(box.h()).append("\" rx=\"4\"/>");
            if (timeline) {
                svg.append("<text class=\"row-label\" x=\"4\" y=\"").append(box.y() + box.h() - 3).append("\">").append(Html.line(shorten(box.label(), 30)))
                        .append("</text><text class=\"bar-label\" x=\"").append(box.x() + box.w() + 4).append("\" y=\"").append(box.y() + box.h() - 3)
                        .append("\">").append(Html.line(box.note())).append("</text>");
            } else {
                svg.append("<text x=\"").append(box.x() + 6).append("\" y=\"").append(box.y() + box.h() / 2 + 4).append("\">")
                        .append(Html.line(shorten(box.label(), 24))).append(box.note().isEmpty() ? "" : " " + Html.line(box.note())).append("</text>");
            }
            svg.append("</g></a>");
        }
        return svg.append("</svg>").toString();
    }

    static String shorten(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
