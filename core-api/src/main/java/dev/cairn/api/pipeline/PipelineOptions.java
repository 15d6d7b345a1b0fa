package dev.cairn.api.pipeline;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/** Options of a whole pipeline: name substitutions and caching; a step's own options win. Immutable. */
@API(status = API.Status.STABLE, since = "0.1")
public final class PipelineOptions {
    public static final PipelineOptions NONE = builder().build();

    private final Map<String, String> substitutions;
    private final Optional<Boolean> enableCache;
    private final Optional<CachePolicy> cachePolicy;
    private final Optional<java.time.Duration> timeout;

    private PipelineOptions(Builder builder) {
        this.timeout = Optional.ofNullable(builder.timeout);
        this.substitutions = Map.copyOf(builder.substitutions);
        this.enableCache = Optional.ofNullable(builder.enableCache);
        this.cachePolicy = Optional.ofNullable(builder.cachePolicy);
    }

    /** The cache policy of every step that sets none. */
    public Optional<CachePolicy> cachePolicy() {
        return cachePolicy;
    }

    /**
     * How long a run of the pipeline may take; when it passes, the run is cancelled as by
     * {@link dev.cairn.api.run.RunHandle#cancel} and ends {@code CANCELLED} with the timeout as its reason. Empty: no limit.
     */
    public Optional<java.time.Duration> timeout() {
        return timeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static PipelineOptions substitutions(Map<String, String> substitutions) {
        Builder builder = builder();
        substitutions.forEach(builder::substitution);
        return builder.build();
    }

    public Map<String, String> substitutions() {
        return substitutions;
    }

    public Optional<Boolean> enableCache() {
        return enableCache;
    }

    /** Mutable builder; not thread-safe. */
    public static final class Builder {
        private final Map<String, String> substitutions = new LinkedHashMap<>();
        private @Nullable Boolean enableCache;
        private @Nullable CachePolicy cachePolicy;
        private java.time.@Nullable Duration timeout;

        private Builder() {}

        /** Cancels a run that takes longer than {@code timeout} (positive); see {@link PipelineOptions#timeout()}. */
        public Builder timeout(java.time.Duration timeout) {
            requireNonNull(timeout, "timeout is null");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new dev.cairn.api.CairnException(dev.cairn.api.ErrorCode.INVALID_ARGUMENT, "A run timeout must be positive, got " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        public Builder cachePolicy(CachePolicy policy) {
            this.cachePolicy = requireNonNull(policy, "policy is null");
            return this;
        }

        public Builder substitution(String placeholder, String value) {
            substitutions.put(requireNonNull(placeholder, "placeholder is null"), requireNonNull(value, "value is null"));
            return this;
        }

        public Builder enableCache(boolean enable) {
            this.enableCache = enable;
            return this;
        }

        public PipelineOptions build() {
            return new PipelineOptions(this);
        }
    }
}
