package dev.cairn.cli;

import java.io.PrintWriter;
import java.util.Locale;

import dev.cairn.api.lifecycle.ProgressListener;

/** Prints progress (counts and bytes) to standard error, at most every 200 ms and once at the end of each phase. */
final class StderrProgress implements ProgressListener {
    private final PrintWriter err;
    private long lastPrint;

    StderrProgress(PrintWriter err) {
        this.err = err;
    }

    @Override
    public synchronized void progress(String phase, long done, long total, long bytes) {
        long now = System.nanoTime();
        boolean finished = total >= 0 && done >= total;
        if (!finished && now - lastPrint < 200_000_000L) {
            return;
        }
        lastPrint = now;
        err.printf("%s: %d%s, %s%n", phase, done, total >= 0 ? " of " + total : "", bytes(bytes));
        err.flush();
    }

    static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s (%d bytes)", value, units[unit], bytes);
    }
}
