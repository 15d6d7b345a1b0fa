package dev.cairn.dashboard.graph;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A laid-out drawing in pixels: boxes with labels and lines between them. Both the DAG and the timeline views are
 * scenes; the server renders small ones as SVG and sends large ones as JSON to a canvas.
 */
public record Scene(int width, int height, List<Box> boxes, List<Line> lines, List<Label> axis) {
    public Scene {
        boxes = List.copyOf(requireNonNull(boxes, "boxes is null"));
        lines = List.copyOf(requireNonNull(lines, "lines is null"));
        axis = List.copyOf(requireNonNull(axis, "axis is null"));
    }

    /** A node's box; {@code note} is extra text (e.g. "+12 hidden"), possibly empty. */
    public record Box(String id, String label, String status, String href, int x, int y, int w, int h, String note) {}

    /** A line from a box's right side to another's left side. */
    public record Line(int x1, int y1, int x2, int y2) {}

    /** A piece of axis text (timeline ticks). */
    public record Label(int x, int y, String text) {}
}
