package dev.cairn.api.pipeline;

import static java.util.Objects.requireNonNull;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * Options of one step call: its name, name substitutions, caching, and per-output artifact name, explicit
 * version, materializer and materializer options. Immutable; build with {@link #builder()}.
 */
@API(status = API.Status.STABLE, since = "0.1")
public final class StepOptions {
    public static final StepOptions NONE = builder().build();

    private final Optional<String> name;
    private final Map<String, String> substitutions;
    private final Optional<Boolean> enableCache;
    private final Map<String, String> artifactNames;
    private final Map<String, String> artifactVersions;
    private final Map<String, String> materializers;
    private final Map<String, Map<String, String>> outputOptions;
    private final Optional<CachePolicy> cachePolicy;
    private final Map<String, Object> cacheParameters;

    private StepOptions(Builder builder) {
        this.name = Optional.ofNullable(builder.name);
        this.substitutions = Map.copyOf(builder.substitutions);
        this.enableCache = Optional.ofNullable(builder.enableCache);
        this.artifactNames = Map.copyOf(builder.artifactNames);
        this.artifactVersions = Map.copyOf(builder.artifactVersions);
        this.materializers = Map.copyOf(builder.materializers);
        Map<String, Map<String, String>> options = new HashMap<>();
        builder.outputOptions.forEach((output, values) -> options.put(output, Map.copyOf(values)));
        this.outputOptions = Map.copyOf(options);
        this.cachePolicy = Optional.ofNullable(builder.cachePolicy);
        this.cacheParameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(builder.cacheParameters));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Shorthand for options with only substitutions. */
    public static StepOptions substitutions(Map<String, String> substitutions) {
        Builder builder = builder();
        substitutions.forEach(builder::substitution);
        return builder.build();
    }

    public Optional<String> name() {
        return name;
    }

    public Map<String, String> substitutions() {
        return substitutions;
    }

    public Optional<Boolean> enableCache() {
        return enableCache;
    }

    /** Artifact name templates by output name (override {@link ArtifactName}). */
    public Map<String, String> artifactNames() {
        return artifactNames;
    }

    /** Explicit version strings by output name. */
    public Map<String, String> artifactVersions() {
        return artifactVersions;
    }

    /** Materializer ids by output name (win over type-based resolution). */
    public Map<String, String> materializers() {
        return materializers;
    }

    /** Options passed to the materializer, by output name. */
    public Map<String, Map<String, String>> outputOptions() {
        return outputOptions;
    }

    public Map<String, String> outputOptions(String output) {
        return outputOptions.getOrDefault(output, Map.of());
    }

    /** The cache policy of this step; empty means the pipeline's, else {@link CachePolicy#DEFAULT}. */
    public Optional<CachePolicy> cachePolicy() {
        return cachePolicy;
    }

    /** Extra values (JSON values) added to the step's cache key, e.g. a data snapshot date or a library version. */
    public Map<String, Object> cacheParameters() {
        return cacheParameters;
    }

    /** Mutable builder; not thread-safe. */
    public static final class Builder {
        private @Nullable String name;
        private final Map<String, String> substitutions = new LinkedHashMap<>();
        private @Nullable Boolean enableCache;
        private final Map<String, String> artifactNames = new LinkedHashMap<>();
        private final Map<String, String> artifactVersions = new LinkedHashMap<>();
        private final Map<String, String> materializers = new LinkedHashMap<>();
        private final Map<String, Map<String, String>> outputOptions = new LinkedHashMap<>();
        private @Nullable CachePolicy cachePolicy;
        private final Map<String, Object> cacheParameters = new LinkedHashMap<>();

        private Builder() {}

        public Builder cachePolicy(CachePolicy policy) {
            this.cachePolicy = requireNonNull(policy, "policy is null");
            return this;
        }

        /** Adds a value to the cache key; it must be a JSON value (checked when the step is called). */
        public Builder cacheParameter(String key, Object value) {
            cacheParameters.put(requireNonNull(key, "key is null"), requireNonNull(value, "value is null"));
            return this;
        }

        public Builder name(String name) {
            this.name = requireNonNull(name, "name is null");
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

        public Builder artifactName(String output, String nameTemplate) {
            artifactNames.put(requireNonNull(output, "output is null"), requireNonNull(nameTemplate, "nameTemplate is null"));
            return this;
        }

        public Builder artifactVersion(String output, String version) {
            artifactVersions.put(requireNonNull(output, "output is null"), requireNonNull(version, "version is null"));
            return this;
        }

        public Builder materializer(String output, String materializerId) {
            materializers.put(requireNonNull(output, "output is null"), requireNonNull(materializerId, "materializerId is null"));
            return this;
        }

        public Builder outputOption(String output, String key, String value) {
            outputOptions.computeIfAbsent(requireNonNull(output, "output is null"), o -> new LinkedHashMap<>())
                    .put(requireNonNull(key, "key is null"), requireNonNull(value, "value is null"));
            return this;
        }

        public StepOptions build() {
            return new StepOptions(this);
        }
    }
}
