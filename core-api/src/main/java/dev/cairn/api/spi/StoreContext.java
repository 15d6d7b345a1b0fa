package dev.cairn.api.spi;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * What the engine gives an {@link ArtifactStoreProvider} besides the root URI: configuration properties, the Cairn
 * home, a clock and a metrics reporter. The engine builds one per store it opens; tests and plugin authors build their
 * own with {@link #builder()}. New facilities are added here, so {@code create(URI, StoreContext)} never changes.
 * Immutable and thread-safe.
 */
@API(status = API.Status.STABLE, since = "0.1")
public final class StoreContext {
    private final Map<String, String> properties;
    private final Optional<Path> cairnHome;
    private final Clock clock;
    private final MetricsReporter metrics;

    private StoreContext(Builder builder) {
        this.properties = Map.copyOf(builder.properties);
        this.cairnHome = Optional.ofNullable(builder.cairnHome);
        this.clock = builder.clock;
        this.metrics = builder.metrics;
    }

    /** No properties, no home, the system clock (UTC) and a reporter that discards everything. */
    public static StoreContext defaults() {
        return builder().build();
    }

    /** {@link #defaults()} with {@code properties}. */
    public static StoreContext of(Map<String, String> properties) {
        return builder().properties(properties).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Provider-specific settings (for example Hadoop keys); never {@code null}, possibly empty, unmodifiable. */
    public Map<String, String> properties() {
        return properties;
    }

    /** The value of property {@code key}, if set. */
    public Optional<String> property(String key) {
        return Optional.ofNullable(properties.get(requireNonNull(key, "key is null")));
    }

    /** The engine's home directory ({@code $CAIRN_HOME}), when the engine has one; for caches or local state. */
    public Optional<Path> cairnHome() {
        return cairnHome;
    }

    /** The clock to read the time from (ages of drafts, timers), so tests can control it. */
    public Clock clock() {
        return clock;
    }

    /** Where the store reports its counters and timers; never {@code null}. */
    public MetricsReporter metrics() {
        return metrics;
    }

    @Override
    public String toString() {
        return "StoreContext[properties=" + properties.keySet() + ", cairnHome=" + cairnHome.map(Path::toString).orElse("none") + ", clock=" + clock + "]";
    }

    /** Mutable builder; not thread-safe. */
    public static final class Builder {
        private final Map<String, String> properties = new LinkedHashMap<>();
        private @Nullable Path cairnHome;
        private Clock clock = Clock.systemUTC();
        private MetricsReporter metrics = MetricsReporter.noop();

        private Builder() {}

        public Builder property(String key, String value) {
            properties.put(requireNonNull(key, "key is null"), requireNonNull(value, "value is null"));
            return this;
        }

        public Builder properties(Map<String, String> properties) {
            requireNonNull(properties, "properties is null").forEach(this::property);
            return this;
        }

        public Builder cairnHome(Path home) {
            this.cairnHome = requireNonNull(home, "home is null");
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock is null");
            return this;
        }

        public Builder metrics(MetricsReporter metrics) {
            this.metrics = requireNonNull(metrics, "metrics is null");
            return this;
        }

        public StoreContext build() {
            return new StoreContext(this);
        }
    }
}
