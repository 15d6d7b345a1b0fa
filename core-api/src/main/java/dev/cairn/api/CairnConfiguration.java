package dev.cairn.api;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.cairn.api.metadata.MetadataStore;
import dev.cairn.api.spi.CairnPlugin;
import dev.cairn.api.spi.MetricsReporter;
import dev.cairn.api.spi.StoreContext;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * How to open an engine: where artifacts and metadata live, extra plugins, and parallelism.
 *
 * <p>Unset values fall back to the embedded defaults: artifacts under {@code <home>/store}
 * ({@code file:} URI), metadata in {@code <home>/metadata.db} (SQLite), parallelism equal to the available cores.
 */
@API(status = API.Status.STABLE, since = "0.1")
public final class CairnConfiguration {
    /** The default {@link #stepLogLimit()}: 1 MiB. */
    @API(status = API.Status.EXPERIMENTAL, since = "0.3")
    public static final long DEFAULT_STEP_LOG_LIMIT = 1L << 20;
    private final Path home;
    private final Optional<URI> artifactStoreUri;
    private final Optional<MetadataStore> metadataStore;
    private final Optional<Path> metadataDatabase;
    private final Optional<URI> metadataUri;
    private final int parallelism;
    private final List<CairnPlugin> plugins;
    private final java.time.Duration cacheLeaseTimeout;
    private final java.time.Duration runHeartbeatTimeout;
    private final java.time.Duration otherHostRunTimeout;
    private final Map<String, Map<String, String>> storeProperties;
    private final MetricsReporter metrics;
    private final Optional<Path> tempRoot;
    private final java.time.Duration closeTimeout;
    private final java.time.Duration cancelGracePeriod;
    private final long stepLogLimit;

    private CairnConfiguration(Builder builder) {
        this.tempRoot = Optional.ofNullable(builder.tempRoot).map(path -> path.toAbsolutePath().normalize());
        this.closeTimeout = builder.closeTimeout;
        this.cancelGracePeriod = builder.cancelGracePeriod;
        this.stepLogLimit = builder.stepLogLimit;
        this.home = builder.home == null ? defaultHome() : builder.home.toAbsolutePath().normalize();
        this.artifactStoreUri = Optional.ofNullable(builder.artifactStoreUri);
        this.metadataStore = Optional.ofNullable(builder.metadataStore);
        this.metadataDatabase = Optional.ofNullable(builder.metadataDatabase);
        this.metadataUri = Optional.ofNullable(builder.metadataUri);
        this.parallelism = builder.parallelism;
        this.plugins = List.copyOf(builder.plugins);
        this.cacheLeaseTimeout = builder.cacheLeaseTimeout;
        this.runHeartbeatTimeout = builder.runHeartbeatTimeout;
        this.otherHostRunTimeout = builder.otherHostRunTimeout;
        if (otherHostRunTimeout.compareTo(runHeartbeatTimeout) < 0) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "otherHostRunTimeout (" + otherHostRunTimeout
                    + ") must be at least runHeartbeatTimeout (" + runHeartbeatTimeout + ")");
        }
        Map<String, Map<String, String>> properties = new LinkedHashMap<>();
        builder.storeProperties.forEach((scheme, values) -> properties.put(scheme, Map.copyOf(values)));
        this.storeProperties = Map.copyOf(properties);
        this.metrics = builder.metrics;
    }

    /**
     * Properties given to the artifact stores the engine opens for URIs of {@code scheme}
     * ({@link StoreContext#properties()}); never {@code null}, empty when none were set.
     */
    public Map<String, String> storeProperties(String scheme) {
        return storeProperties.getOrDefault(requireNonNull(scheme, "scheme is null").toLowerCase(java.util.Locale.ROOT), Map.of());
    }

    /** Where plugins report counters and timers ({@link StoreContext#metrics()}); discards everything by default. */
    public MetricsReporter metrics() {
        return metrics;
    }

    /**
     * How long a run stays {@code RUNNING} without a heartbeat from the process running it. The process renews its
     * run every third of this. Once this much time has passed without renewal, the next engine opened on the same
     * metadata (or a prune) on the <em>same host</em> records the run as {@code FAILED} only if the process that ran
     * it is provably gone (no process with its pid and start time exists): a paused, stopped or garbage-collecting JVM
     * keeps its run. Runs of processes on other hosts wait for {@link #otherHostRunTimeout()}.
     */
    public java.time.Duration runHeartbeatTimeout() {
        return runHeartbeatTimeout;
    }

    /**
     * How long a run whose process is on another host (or unknown) must have gone without renewal before it is
     * recorded as {@code FAILED}: there is no way to look at that process, so only a much longer silence counts as
     * evidence that it is gone (its machine lost, or it was killed). Default one hour; at least
     * {@link #runHeartbeatTimeout()}.
     */
    public java.time.Duration otherHostRunTimeout() {
        return otherHostRunTimeout;
    }

    /**
     * How long a process's claim to compute a cacheable step lasts without renewal. A running step renews it;
     * a crashed process stops renewing, so others wait at most this long before computing the step themselves.
     */
    public java.time.Duration cacheLeaseTimeout() {
        return cacheLeaseTimeout;
    }

    /**
     * The folder under which the engine keeps every temporary file it makes (local copies of registered data); empty
     * means {@code <home>/tmp}, on the same filesystem as a local store in the home, so that registered folders can be
     * hard-linked instead of copied. Each engine works in a subfolder of its own, deleted when it closes; an engine
     * that opens sweeps the subfolders of processes that died.
     */
    public Optional<Path> tempRoot() {
        return tempRoot;
    }

    /** {@link #tempRoot()} or its default, {@code <home>/tmp}. */
    public Path effectiveTempRoot() {
        return tempRoot.orElseGet(() -> home.resolve("tmp"));
    }

    /** How long {@code close()} waits for runs still in progress before it cancels them; 30 s by default. */
    public java.time.Duration closeTimeout() {
        return closeTimeout;
    }

    /**
     * How long a cancelled run waits for its interrupted steps to stop before it abandons them (records them as failed
     * and discards whatever they save later); 5 s by default.
     */
    public java.time.Duration cancelGracePeriod() {
        return cancelGracePeriod;
    }

    /**
     * At most how many bytes of what a step's code prints to {@code System.out} and {@code System.err} (on the thread
     * that runs the step) the engine keeps as the step's log; past it, the head and the tail are kept around a
     * {@code [... N bytes omitted ...]} marker. 1 MiB by default; 0 turns capture off.
     */
    @API(status = API.Status.EXPERIMENTAL, since = "0.3")
    public long stepLogLimit() {
        return stepLogLimit;
    }

    /** {@code $CAIRN_HOME} when set, else {@code ./.cairn}, as an absolute path. */
    public static Path defaultHome() {
        String env = System.getenv("CAIRN_HOME");
        Path home = env == null || env.isBlank() ? Path.of(".cairn") : Path.of(env);
        return home.toAbsolutePath().normalize();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Path home() {
        return home;
    }

    /** The default artifact store's root; empty means {@code <home>/store}. */
    public Optional<URI> artifactStoreUri() {
        return artifactStoreUri;
    }

    /** An explicit metadata store; empty means the embedded SQLite store. The engine closes it. */
    public Optional<MetadataStore> metadataStore() {
        return metadataStore;
    }

    /** The SQLite database file of the embedded metadata store; empty means {@code <home>/metadata.db}. */
    public Optional<Path> metadataDatabase() {
        return metadataDatabase;
    }

    /**
     * The metadata store's URI ({@code sqlite:/path/metadata.db}, {@code postgresql://host:port/db?user=...}), opened
     * by the {@link dev.cairn.api.spi.MetadataStoreProvider} of its scheme; empty means the embedded SQLite store.
     * An explicit {@link #metadataStore()} wins over it.
     */
    public Optional<URI> metadataUri() {
        return metadataUri;
    }

    /** Maximum number of steps run at once; at least 1. */
    public int parallelism() {
        return parallelism;
    }

    /** Plugins added explicitly, on top of those found by {@link java.util.ServiceLoader}. */
    public List<CairnPlugin> plugins() {
        return plugins;
    }

    /** Mutable builder; not thread-safe. */
    public static final class Builder {
        private @Nullable Path home;
        private @Nullable URI artifactStoreUri;
        private @Nullable MetadataStore metadataStore;
        private @Nullable Path metadataDatabase;
        private @Nullable URI metadataUri;
        private int parallelism = Runtime.getRuntime().availableProcessors();
        private final List<CairnPlugin> plugins = new ArrayList<>();
        private java.time.Duration cacheLeaseTimeout = java.time.Duration.ofSeconds(30);
        private java.time.Duration runHeartbeatTimeout = java.time.Duration.ofSeconds(60);
        private java.time.Duration otherHostRunTimeout = java.time.Duration.ofHours(1);
        private final Map<String, Map<String, String>> storeProperties = new LinkedHashMap<>();
        private MetricsReporter metrics = MetricsReporter.noop();
        private @Nullable Path tempRoot;
        private java.time.Duration closeTimeout = java.time.Duration.ofSeconds(30);
        private java.time.Duration cancelGracePeriod = java.time.Duration.ofSeconds(5);
        private long stepLogLimit = DEFAULT_STEP_LOG_LIMIT;

        private Builder() {}

        /** Where temporary files go; see {@link CairnConfiguration#tempRoot()}. */
        public Builder tempRoot(Path tempRoot) {
            this.tempRoot = requireNonNull(tempRoot, "tempRoot is null");
            return this;
        }

        /** See {@link CairnConfiguration#closeTimeout()}; zero cancels running runs at once. */
        public Builder closeTimeout(java.time.Duration timeout) {
            requireNonNull(timeout, "timeout is null");
            if (timeout.isNegative()) {
                throw new CairnException(ErrorCode.INVALID_ARGUMENT, "closeTimeout must not be negative, got " + timeout);
            }
            this.closeTimeout = timeout;
            return this;
        }

        /** See {@link CairnConfiguration#stepLogLimit()}; 0 turns step log capture off. */
        @API(status = API.Status.EXPERIMENTAL, since = "0.3")
        public Builder stepLogLimit(long bytes) {
            if (bytes < 0) {
                throw new CairnException(ErrorCode.INVALID_ARGUMENT, "stepLogLimit must not be negative, got " + bytes + "; pass 0 to turn step logs off");
            }
            this.stepLogLimit = bytes;
            return this;
        }

        /** See {@link CairnConfiguration#cancelGracePeriod()}. */
        public Builder cancelGracePeriod(java.time.Duration grace) {
            requireNonNull(grace, "grace is null");
            if (grace.isNegative()) {
                throw new CairnException(ErrorCode.INVALID_ARGUMENT, "cancelGracePeriod must not be negative, got " + grace);
            }
            this.cancelGracePeriod = grace;
            return this;
        }

        /**
         * Sets a property given to the artifact stores opened for URIs of {@code scheme}, e.g. {@code ("hdfs",
         * "dfs.replication", "2")}; each store documents the keys it reads (and may refuse unknown ones).
         */
        public Builder storeProperty(String scheme, String key, String value) {
            requireNonNull(scheme, "scheme is null");
            storeProperties.computeIfAbsent(scheme.toLowerCase(java.util.Locale.ROOT), s -> new LinkedHashMap<>())
                    .put(requireNonNull(key, "key is null"), requireNonNull(value, "value is null"));
            return this;
        }

        /** Where plugins report counters and timers; by default they are discarded. */
        public Builder metrics(MetricsReporter metrics) {
            this.metrics = requireNonNull(metrics, "metrics is null");
            return this;
        }

        public Builder runHeartbeatTimeout(java.time.Duration timeout) {
            requireNonNull(timeout, "timeout is null");
            if (timeout.toMillis() < 3) {
                throw new CairnException(ErrorCode.INVALID_ARGUMENT, "runHeartbeatTimeout must be at least 3 ms, got " + timeout);
            }
            this.runHeartbeatTimeout = timeout;
            return this;
        }

        /** See {@link CairnConfiguration#otherHostRunTimeout()}. */
        public Builder otherHostRunTimeout(java.time.Duration timeout) {
            requireNonNull(timeout, "timeout is null");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new CairnException(ErrorCode.INVALID_ARGUMENT, "otherHostRunTimeout must be positive, got " + timeout);
            }
            this.otherHostRunTimeout = timeout;
            return this;
        }

        public Builder cacheLeaseTimeout(java.time.Duration timeout) {
            requireNonNull(timeout, "timeout is null");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new CairnException(ErrorCode.INVALID_ARGUMENT, "cacheLeaseTimeout must be positive, got " + timeout);
            }
            this.cacheLeaseTimeout = timeout;
            return this;
        }

        public Builder home(Path home) {
            this.home = requireNonNull(home, "home is null");
            return this;
        }

        public Builder artifactStore(URI rootUri) {
            this.artifactStoreUri = requireNonNull(rootUri, "rootUri is null");
            return this;
        }

        public Builder metadataStore(MetadataStore metadataStore) {
            this.metadataStore = requireNonNull(metadataStore, "metadataStore is null");
            return this;
        }

        public Builder metadataDatabase(Path databaseFile) {
            this.metadataDatabase = requireNonNull(databaseFile, "databaseFile is null");
            return this;
        }

        /** The metadata store by URI, as in {@link CairnConfiguration#metadataUri()}. */
        public Builder metadata(URI uri) {
            this.metadataUri = requireNonNull(uri, "uri is null");
            return this;
        }

        public Builder parallelism(int parallelism) {
            if (parallelism < 1) {
                throw new CairnException(ErrorCode.INVALID_ARGUMENT, "parallelism must be at least 1, got " + parallelism);
            }
            this.parallelism = parallelism;
            return this;
        }

        public Builder plugin(CairnPlugin plugin) {
            plugins.add(requireNonNull(plugin, "plugin is null"));
            return this;
        }

        public CairnConfiguration configuration() {
            return new CairnConfiguration(this);
        }

        /** Opens the engine. */
        public Cairn build() {
            return Cairn.open(configuration());
        }
    }
}
