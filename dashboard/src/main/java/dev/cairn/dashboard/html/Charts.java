package dev.cairn.dashboard.html;

import java.util.List;
import java.util.Locale;

/** Small SVG line charts of one numeric value across versions or runs (the compare view). */
public final class Charts {
    static final int WIDTH = 380;
    static final int HEIGHT = 170;
    private static final int LEFT = 60;
    private static final int BOTTOM = 30;
    private static final int TOP = 20;

    private Charts() {}

    /** A point: its x label (a version or run) and its value, or {@code null} where that column has none. */
    public record Point(String label, Double value) {}

    public static String line(String title, List<Point> points) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (Point point : points) {
            if (point.value() != null) {
                min = Math.min(min, point.value());
                max = Math.max(max, point.value());
            }
        }
        StringBuilder svg = new StringBuilder(1024);
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT)
                .append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT).append("\" role=\"img\"><title>").append(Html.line(title)).append("</title>");
        svg.append("<text class=\"chart-title\" x=\"").append(LEFT).append("\" y=\"14\">").append(Html.line(SceneSvg.shorten(title, 48))).append("</text>");
        int plotWidth = WIDTH - LEFT - 20;
        int plotHeight = HEIGHT - TOP - BOTTOM;
        svg.append("<path class=\"chart-axis\" d=\"M").append(LEFT).append(' ').append(TOP).append(" V").append(TOP + plotHeight).append(" H")
                .append(LEFT + plotWidth).append("\"/>");
        if (min == Double.POSITIVE_INFINITY) {
            return svg.append("</svg>").toString();
        }
        double range = max == min ? 1 : max - min;
        svg.append("<text class=\"chart-tick\" x=\"2\" y=\"").append(TOP + 4).append("\">").append(number(max)).append("</text>");
        svg.append("<text class=\"chart-tick\" x=\"2\" y=\"").append(TOP + plotHeight).append("\">").append(number(min)).append("</text>");
        StringBuilder path = new StringBuilder();
        StringBuilder dots = new StringBuilder();
        int n = points.size();
        for (int i = 0; i < n; i++) {
            Point point = points.get(i);
            int x = LEFT + (n == 1 ? plotWidth / 2 : i * plotWidth / (n - 1));
            svg.append("<text class=\"chart-tick\" x=\"").append(x - 10).append("\" y=\"").append(HEIGHT - 10).append("\">")
                    .append(Html.line(SceneSvg.shorten(point.label(), 12))).append("</text>");
            if (point.value() == null) {
                continue;
            }
            int y = TOP + (int) Math.round((max - point.value()) / range * plotHeight);
            path.append(path.length() == 0 ? "M" : " L").append(x).append(' ').append(y);
            dots.append("<circle class=\"chart-dot\" cx=\"").append(x).append("\" cy=\"").append(y).append("\" r=\"3\"><title>")
                    .append(Html.line(point.label() + ": " + number(point.value()))).append("</title></circle>");
        }
        svg.append("<path class=\"chart-line\" d=\"").append(path).append("\"/>").append(dots);
        return svg.append("</svg>").toString();
    }

    static String number(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return String.valueOf((long) value);
        }
        return String.format(Locale.ROOT, "%.4g", value);
    }
}
