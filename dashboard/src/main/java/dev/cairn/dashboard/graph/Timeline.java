package dev.cairn.dashboard.graph;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A Gantt chart of step durations: one row per started step, ordered by start time, with bars scaled to the span
 * from the first start to the last end (or {@code now} for steps still running). Steps never started are left out.
 */
public final class Timeline {
    static final int ROW_HEIGHT = 18;
    static final int LABEL_WIDTH = 220;
    static final int PLOT_WIDTH = 900;
    static final int TOP = 24;

    private Timeline() {}

    /** One step as the timeline needs it. */
    public record Entry(String id, String label, String status, String href, Optional<Instant> start, Optional<Instant> end) {}

    public static Scene layout(List<Entry> entries, Instant now) {
        List<Entry> started = new ArrayList<>(entries.stream().filter(entry -> entry.start().isPresent()).toList());
        started.sort(Comparator.comparing((Entry entry) -> entry.start().get()));
        if (started.isEmpty()) {
            return new Scene(LABEL_WIDTH + PLOT_WIDTH, TOP + ROW_HEIGHT, List.of(), List.of(), List.of(new Scene.Label(LABEL_WIDTH, 16, "no step has started yet")));
        }
        Instant first = started.get(0).start().get();
        Instant last = first;
        for (Entry entry : started) {
            Instant end = entry.end().orElse(now);
            if (end.isAfter(last)) {
                last = end;
            }
        }
        double span = Math.max(1, Duration.between(first, last).toNanos());
        List<Scene.Box> boxes = new ArrayList<>(started.size());
        for (int row = 0; row < started.size(); row++) {
            Entry entry = started.get(row);
            long from = Duration.between(first, entry.start().get()).toNanos();
            long to = Duration.between(first, entry.end().orElse(now)).toNanos();
            int x = LABEL_WIDTH + (int) Math.round(from / span * PLOT_WIDTH);
            int w = Math.max(2, (int) Math.round((to - from) / span * PLOT_WIDTH));
            String duration = entry.end().map(end -> format(Duration.between(entry.start().get(), end))).orElse("running");
            boxes.add(new Scene.Box(entry.id(), entry.label(), entry.status(), entry.href(), x, TOP + row * ROW_HEIGHT, w, ROW_HEIGHT - 4, duration));
        }
        List<Scene.Label> axis = new ArrayList<>();
        for (int tick = 0; tick <= 4; tick++) {
            axis.add(new Scene.Label(LABEL_WIDTH + tick * PLOT_WIDTH / 4, 14, "+" + format(Duration.ofNanos((long) (span * tick / 4)))));
        }
        return new Scene(LABEL_WIDTH + PLOT_WIDTH + 80, TOP + started.size() * ROW_HEIGHT, boxes, List.of(), axis);
    }

    /** A short duration: {@code 850 ms}, {@code 12.3 s}, {@code 4 min 5 s}. */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis < 1000) {
            return millis + " ms";
        }
        if (millis < 60_000) {
            long tenths = (millis + 50) / 100;
            return tenths / 10 + "." + tenths % 10 + " s";
        }
        return (millis / 60_000) + " min " + (millis % 60_000) / 1000 + " s";
    }
}
