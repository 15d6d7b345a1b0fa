package dev.cairn.api.spi;

import java.time.Duration;

import org.apiguardian.api.API;

/**
 * Where a plugin reports its own measurements (counters and timers), so that an application can forward them to its
 * metrics system. Names are dot-separated lower-case words starting with the plugin's prefix, e.g.
 * {@code cairn.store.local.commits}. Implementations are thread-safe and never throw; a plugin calls them on its hot
 * paths, so they must be cheap. {@link #noop()} discards everything.
 */
@API(status = API.Status.STABLE, since = "0.1")
public interface MetricsReporter {
    /** Adds {@code amount} (at least 0) to the counter {@code name}. */
    void count(String name, long amount);

    /** Records that one operation {@code name} took {@code duration}. */
    void time(String name, Duration duration);

    /** A reporter that discards everything. */
    static MetricsReporter noop() {
        return NoopMetricsReporter.INSTANCE;
    }
}

/** The reporter of {@link MetricsReporter#noop()}. */
enum NoopMetricsReporter implements MetricsReporter {
    INSTANCE;

    @Override
    public void count(String name, long amount) {}

    @Override
    public void time(String name, Duration duration) {}
}
