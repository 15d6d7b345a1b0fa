package dev.cairn.engine.cache;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.api.CairnConfiguration;
import dev.cairn.api.CairnException;
import dev.cairn.api.metadata.ArtifactVersionRecord;
import dev.cairn.api.metadata.MetadataStore;
import dev.cairn.api.metadata.StepRunRecord;
import dev.cairn.api.pipeline.CachePolicy;
import dev.cairn.engine.artifacts.ArtifactService;
import dev.cairn.engine.artifacts.ContentHash;
import dev.cairn.engine.compile.CompiledPipeline.CompiledOutput;
import dev.cairn.engine.compile.CompiledPipeline.CompiledStep;
import dev.cairn.engine.json.JsonCodec;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apiguardian.api.API;

/**
 * Step caching: computes cache keys, finds earlier results and checks them before they are trusted, and
 * coordinates processes through leases so that one step with one key is computed once.
 *
 * <p>The key is SHA-256 over canonical JSON of: the step method's identity; its code fingerprint
 * ({@link CodeFingerprints}); its parameters, with their Java types where the declared type leaves them open
 * ({@link ParameterKeys}); each input artifact's content hash; each output's name,
 * artifact name, materializer id and version; the cache policy; and custom cache parameters. Inputs enter by
 * content, so an upstream step that recomputes identical bytes leaves the steps below it cached (early cut-off).
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class StepCache {
    private static final Logger LOG = LoggerFactory.getLogger(StepCache.class);
    private static final int CANDIDATES = 5;

    private final MetadataStore metadata;
    private final ArtifactService artifacts;
    private final CodeFingerprints fingerprints;
    private final ObjectMapper json;
    private final Clock clock;
    private final ScheduledExecutorService timers;
    private final Duration leaseTimeout;
    private final ParameterKeys parameterKeys;

    @Inject
    public StepCache(MetadataStore metadata, ArtifactService artifacts, CodeFingerprints fingerprints, ObjectMapper json, Clock clock,
            @Named("cairn-timers") ScheduledExecutorService timers, CairnConfiguration configuration) {
        this.metadata = requireNonNull(metadata, "metadata is null");
        this.artifacts = requireNonNull(artifacts, "artifacts is null");
        this.fingerprints = requireNonNull(fingerprints, "fingerprints is null");
        this.json = requireNonNull(json, "json is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.timers = requireNonNull(timers, "timers is null");
        this.leaseTimeout = configuration.cacheLeaseTimeout();
        this.parameterKeys = new ParameterKeys(json);
    }

    /** The cache key of a step with the given input artifacts (by argument name). */
    public String key(CompiledStep step, Map<String, ArtifactVersionRecord> inputs) {
        return keyOf(step, inputHashes(step, inputs));
    }

    /**
     * What of the inputs enters the cache key: the content hash of each input the policy does not exclude, by
     * argument name. Two calls with equal results give equal keys ({@link #keyOf}) for the step.
     */
    public Map<String, String> inputHashes(CompiledStep step, Map<String, ArtifactVersionRecord> inputs) {
        Map<String, String> inputHashes = new TreeMap<>();
        inputs.forEach((name, artifact) -> {
            if (!step.cachePolicy().excludedInputs().contains(name)) {
                inputHashes.put(name, artifact.contentHash());
            }
        });
        return inputHashes;
    }

    /**
     * {@link #inputHashes} from the content hashes of the inputs (by argument name) rather than their records: what a
     * lookahead predicts before the records are known.
     */
    public Map<String, String> inputHashesOf(CompiledStep step, Map<String, String> contentHashes) {
        Map<String, String> inputHashes = new TreeMap<>();
        contentHashes.forEach((name, hash) -> {
            if (!step.cachePolicy().excludedInputs().contains(name)) {
                inputHashes.put(name, hash);
            }
        });
        return inputHashes;
    }

    /** The cache key of a step whose inputs have the given {@link #inputHashes}. */
    public String keyOf(CompiledStep step, Map<String, String> inputHashes) {
        byte[] canonical = JsonCodec.write(json, keyContent(step, inputHashes)).getBytes(StandardCharsets.UTF_8);
        return HexFormat.of().formatHex(ContentHash.sha256().digest(canonical));
    }

    /** The key's content in sorted maps, which the canonical writer then need not sort again. */
    private Map<String, Object> keyContent(CompiledStep step, Object inputs) {
        CachePolicy policy = step.cachePolicy();
        Map<String, Object> key = new TreeMap<>();
        key.put("keyFormat", 1);
        key.put("step", step.invocation().methodDescription() + org.objectweb.asm.Type.getMethodDescriptor(step.method()));
        key.put("code", policy.includeCode() ? fingerprints.of(step.method()) : null);
        key.put("parameters", policy.includeParameters() ? parameterKeys.of(step.invocation().arguments(), step.parameters()) : null);
        key.put("inputs", inputs);
        List<Map<String, Object>> outputs = new ArrayList<>();
        for (CompiledOutput output : step.outputs()) {
            Map<String, Object> described = new TreeMap<>();
            described.put("name", output.name());
            described.put("artifactName", output.artifactName());
            described.put("type", output.spec().type().getTypeName());
            described.put("materializer", output.materializer().id());
            described.put("materializerVersion", output.materializer().version());
            described.put("options", output.options());
            outputs.add(described);
        }
        key.put("outputs", outputs);
        Map<String, Object> policyKey = new TreeMap<>();
        policyKey.put("includeCode", policy.includeCode());
        policyKey.put("includeParameters", policy.includeParameters());
        policyKey.put("excludedInputs", policy.excludedInputs().stream().sorted().toList());
        key.put("policy", policyKey);
        key.put("custom", step.invocation().options().cacheParameters());
        return key;
    }

    /** A usable earlier result: the step run that computed it and its outputs, each checked. */
    public record Hit(StepRunRecord source, Map<String, ArtifactVersionRecord> outputs) {}

    /**
     * The outcome of a lookup: a hit, or why there is none; {@code rejected} says why earlier candidates were
     * passed over (expired, or an output missing or failing verification).
     */
    public record Lookup(Optional<Hit> hit, String note, List<String> rejected) {
        public Lookup {
            rejected = List.copyOf(rejected);
        }
    }

    /**
     * Finds the newest earlier step run with {@code key} whose outputs all still exist and match their content
     * hashes; a missing or corrupted output turns that candidate into a miss (with the reason in the note).
     */
    public Lookup lookup(String key, CompiledStep step) {
        Lookup lookup = check(candidates(key), step);
        logRejections(step, lookup);
        return lookup;
    }

    /** The earlier step runs with {@code key} that {@link #check} considers, newest first. */
    public List<MetadataStore.CacheCandidate> candidates(String key) {
        return metadata.findCacheCandidates(key, CANDIDATES);
    }

    /**
     * {@link #candidates(String)} of several keys at once, by key (a key without candidates maps to an empty list): the
     * same candidates, found in fewer queries.
     */
    public Map<String, List<MetadataStore.CacheCandidate>> candidates(List<String> keys) {
        return metadata.findCacheCandidates(keys, CANDIDATES);
    }

    /**
     * The cache keys an earlier run's computed steps had at positions {@code from} to {@code to} (exclusive), each with
     * its outputs' content hashes by output name: a prediction of the keys to look up next, never a result.
     */
    public Map<String, Map<String, String>> keysOfRun(java.util.UUID runId, int from, int to) {
        return metadata.cacheKeysOfRun(runId, from, to);
    }

    /** Logs why candidates of a lookup were passed over (what {@link #lookup} does itself). */
    public void logRejections(CompiledStep step, Lookup lookup) {
        for (String rejection : lookup.rejected()) {
            LOG.warn("Step '{}': not reusing a cached result: {}", step.name(), rejection);
        }
    }

    /**
     * The outputs of the candidate that {@link #check} will pick if its outputs pass verification: the newest one
     * that has not expired and has every output recorded. Empty when no candidate can be a hit.
     */
    public Optional<Map<String, ArtifactVersionRecord>> likelyOutputs(List<MetadataStore.CacheCandidate> candidates, CompiledStep step) {
        Optional<Instant> notBefore = notBefore(step);
        for (MetadataStore.CacheCandidate candidate : candidates) {
            if (expired(candidate, notBefore) || !step.outputs().stream().allMatch(output -> candidate.outputs().containsKey(output.name()))) {
                continue;
            }
            Map<String, ArtifactVersionRecord> outputs = new LinkedHashMap<>();
            step.outputs().forEach(output -> outputs.put(output.name(), candidate.outputs().get(output.name())));
            return Optional.of(outputs);
        }
        return Optional.empty();
    }

    private Optional<Instant> notBefore(CompiledStep step) {
        return step.cachePolicy().expireAfter().map(age -> clock.instant().minus(age));
    }

    private static boolean expired(MetadataStore.CacheCandidate candidate, Optional<Instant> notBefore) {
        return notBefore.isPresent() && candidate.stepRun().endedAt().orElse(Instant.EPOCH).isBefore(notBefore.get());
    }

    /**
     * Checks candidates newest first and returns the first whose outputs all exist and match their content hashes,
     * without logging (see {@link #logRejections}).
     */
    public Lookup check(List<MetadataStore.CacheCandidate> candidates, CompiledStep step) {
        if (candidates.isEmpty()) {
            return new Lookup(Optional.empty(), "cache miss: no earlier run with this cache key", List.of());
        }
        Optional<Instant> notBefore = notBefore(step);
        List<String> reasons = new ArrayList<>();
        for (MetadataStore.CacheCandidate candidate : candidates) {
            StepRunRecord source = candidate.stepRun();
            if (expired(candidate, notBefore)) {
                reasons.add("the result of step run " + source.id() + " expired (computed " + source.endedAt().orElse(Instant.EPOCH)
                        + ", policy expires after " + step.cachePolicy().expireAfter().get() + ")");
                continue;
            }
            Optional<String> problem = Optional.empty();
            Map<String, ArtifactVersionRecord> outputs = new LinkedHashMap<>();
            for (CompiledOutput output : step.outputs()) {
                ArtifactVersionRecord artifact = candidate.outputs().get(output.name());
                if (artifact == null) {
                    problem = Optional.of("cached output '" + output.name() + "' of step run " + source.id() + " is no longer recorded");
                    break;
                }
                try {
                    artifacts.verifyData(artifact);
                } catch (CairnException e) {
                    problem = Optional.of("cached output '" + output.name() + "' (" + artifact.name() + ":" + artifact.version()
                            + ") failed verification: " + e.getMessage());
                    break;
                }
                outputs.put(output.name(), artifact);
            }
            if (problem.isEmpty()) {
                return new Lookup(Optional.of(new Hit(source, outputs)), "cache hit: reused the outputs of step run " + source.id()
                        + " of run " + source.runId() + ", verified against their content hashes", reasons);
            }
            reasons.add(problem.get());
        }
        return new Lookup(Optional.empty(), "cache miss: " + String.join("; ", reasons), reasons);
    }

    /** A lease on a cache key, renewed in the background until closed. */
    public interface Lease extends AutoCloseable {
        /** Stops renewing; the lease was released with the step's completion ({@link MetadataStore#completeStep}). */
        void releasedWithCompletion();

        /** Stops renewing and releases the lease unless it was released with the step's completion. */
        @Override
        void close();
    }

    /** A lease taken and the cache lookup made while holding it. */
    public record LeasedLookup(Lease lease, Lookup lookup) {}

    /**
     * Tries to take the lease on {@code key} and, when taken, looks the key up again ({@link #lookup}): another holder
     * may have completed the step between a miss and the lease. The store may send both at once. Empty when another
     * holder has the lease.
     */
    public Optional<LeasedLookup> tryLeaseAndLookup(String key, String holder, CompiledStep step) {
        // expiry by the store's clock, not this process's
        Optional<List<MetadataStore.CacheCandidate>> candidates = metadata.tryAcquireCacheLeaseAndFind(key, holder, leaseTimeout, CANDIDATES);
        if (candidates.isEmpty()) {
            return Optional.empty();
        }
        Lease lease = renewed(key, holder);
        try {
            Lookup lookup = check(candidates.get(), step);
            logRejections(step, lookup);
            return Optional.of(new LeasedLookup(lease, lookup));
        } catch (RuntimeException e) {
            lease.close();
            throw e;
        }
    }

    /** A lookup, and the lease on its key when the lookup took it ({@link #lookupOrLease}). */
    public record LookupOrLease(Lookup lookup, Optional<Lease> lease) {}

    /**
     * {@link #lookup}, which on a store where it saves a round trip also takes the lease on {@code key} for {@code holder}
     * when the store has no completed step run with the key ({@link MetadataStore#findCacheCandidatesOrLease}); the
     * lookup was then made holding the lease, as {@link #tryLeaseAndLookup}'s.
     */
    public LookupOrLease lookupOrLease(String key, String holder, CompiledStep step) {
        MetadataStore.CandidatesOrLease found = metadata.findCacheCandidatesOrLease(key, holder, leaseTimeout, CANDIDATES);
        Optional<Lease> lease = found.leased() ? Optional.of(renewed(key, holder)) : Optional.empty();
        try {
            Lookup lookup = check(found.candidates(), step);
            logRejections(step, lookup);
            return new LookupOrLease(lookup, lease);
        } catch (RuntimeException e) {
            lease.ifPresent(Lease::close);
            throw e;
        }
    }

    /** The lease on {@code key} just taken by {@code holder}, renewed in the background until closed. */
    private Lease renewed(String key, String holder) {
        long period = Math.max(1, leaseTimeout.toMillis() / 3);
        ScheduledFuture<?> renewal = timers.scheduleAtFixedRate(() -> {
            try {
                if (!metadata.renewCacheLease(key, holder, leaseTimeout)) {
                    LOG.warn("Lost the cache lease on {} held by {}", key, holder);
                }
            } catch (RuntimeException e) {
                LOG.warn("Renewing the cache lease on {} failed", key, e);
            }
        }, period, period, TimeUnit.MILLISECONDS);
        return new Lease() {
            private boolean released;

            @Override
            public void releasedWithCompletion() {
                renewal.cancel(false);
                released = true;
            }

            @Override
            public void close() {
                renewal.cancel(false);
                if (!released) {
                    released = true;
                    metadata.releaseCacheLease(key, holder);
                }
            }
        };
    }

    /** How long to wait before asking again for a lease someone else holds. */
    public Duration leasePollInterval() {
        return Duration.ofMillis(Math.min(200, Math.max(10, leaseTimeout.toMillis() / 20)));
    }
}
