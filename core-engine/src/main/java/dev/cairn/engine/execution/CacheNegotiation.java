package dev.cairn.engine.execution;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.metadata.ArtifactVersionRecord;
import dev.cairn.api.metadata.StepRunRecord;
import dev.cairn.engine.cache.CacheLookahead;
import dev.cairn.engine.cache.StepCache;
import dev.cairn.engine.compile.CompiledPipeline.CompiledStep;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a step's outputs come from the cache or the step must run: computes its cache key (or takes the one
 * the lookahead speculated), looks for a usable earlier result, and otherwise takes the cache lease on the key, waiting
 * while another process computes the same step. Thread-safe.
 */
final class CacheNegotiation {
    private static final Logger LOG = LoggerFactory.getLogger(CacheNegotiation.class);

    /** What to do with a step. */
    sealed interface Decision permits Reuse, Compute {}

    /** Reuse {@code hit}; {@code record} carries the key, the source step run and the note. */
    record Reuse(StepRunRecord record, StepCache.Hit hit) implements Decision {}

    /**
     * Run the step; {@code record} carries the key (if caching is on) and the note, and {@code lease}, when present,
     * must be closed once the step is recorded.
     */
    record Compute(StepRunRecord record, Optional<StepCache.Lease> lease) implements Decision {}

    private final StepCache cache;

    CacheNegotiation(StepCache cache) {
        this.cache = requireNonNull(cache, "cache is null");
    }

    Decision negotiate(RunState state, CompiledStep step, StepRunRecord record, Map<String, ArtifactVersionRecord> inputArtifacts) {
        Optional<CacheLookahead> lookahead = state.cacheLookahead();
        if (!step.cacheEnabled()) {
            lookahead.ifPresent(l -> l.pass(step.index()));
            return new Compute(record.withCache(Optional.empty(), Optional.empty(), Optional.of("caching disabled for this step")), Optional.empty());
        }
        Map<String, String> inputHashes = cache.inputHashes(step, inputArtifacts);
        Optional<CacheLookahead.Speculation> speculation = lookahead.flatMap(l -> l.take(step.index(), inputHashes));
        String key = speculation.isPresent() ? speculation.get().key() : cache.keyOf(step, inputHashes);
        String holder = record.id().toString();
        while (true) {
            Optional<StepCache.Lookup> speculated = speculatedHit(step, speculation);
            speculation = Optional.empty();
            // a store may take the lease with the lookup when it has no result for the key (one round trip less)
            StepCache.LookupOrLease found = speculated.isPresent() ? new StepCache.LookupOrLease(speculated.get(), Optional.empty())
                    : cache.lookupOrLease(key, holder, step);
            StepCache.Lookup lookup = found.lookup();
            if (lookup.hit().isPresent()) {
                found.lease().ifPresent(StepCache.Lease::close);
                StepCache.Hit hit = lookup.hit().get();
                return new Reuse(record.withCache(Optional.of(key), Optional.of(hit.source().id()), Optional.of(lookup.note())), hit);
            }
            if (found.lease().isPresent()) { // looked up holding the lease: a miss for sure
                return new Compute(record.withCache(Optional.of(key), Optional.empty(), Optional.of(lookup.note())), found.lease());
            }
            // Another process may have completed the step (and released its lease) between the lookup above and
            // taking the lease: look again while holding it (sent with the lease), so the step is never computed twice.
            Optional<StepCache.LeasedLookup> leased = cache.tryLeaseAndLookup(key, holder, step);
            if (leased.isPresent()) {
                StepCache.Lookup again = leased.get().lookup();
                if (again.hit().isPresent()) {
                    leased.get().lease().close();
                    StepCache.Hit hit = again.hit().get();
                    return new Reuse(record.withCache(Optional.of(key), Optional.of(hit.source().id()), Optional.of(again.note())), hit);
                }
                return new Compute(record.withCache(Optional.of(key), Optional.empty(), Optional.of(again.note())), Optional.of(leased.get().lease()));
            }
            sleep(cache.leasePollInterval());
        }
    }

    /**
     * The lookup a speculation made ahead of time, if it found a hit: the same check of the same key's candidates
     * that {@link StepCache#lookup} makes. A speculated miss is not used; the step then looks up the cache afresh.
     */
    private Optional<StepCache.Lookup> speculatedHit(CompiledStep step, Optional<CacheLookahead.Speculation> speculation) {
        if (speculation.isEmpty()) {
            return Optional.empty();
        }
        StepCache.Lookup lookup;
        try {
            lookup = speculation.get().result();
        } catch (RuntimeException e) {
            LOG.debug("Step '{}': the cache lookahead failed, looking up again: {}", step.name(), e.toString());
            return Optional.empty();
        }
        if (lookup.hit().isEmpty()) {
            return Optional.empty();
        }
        cache.logRejections(step, lookup);
        return Optional.of(new StepCache.Lookup(lookup.hit(), lookup.note() + " ahead of the scheduler", lookup.rejected()));
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CairnException(ErrorCode.STEP_FAILED, "Interrupted while waiting for another process computing the same step", e);
        }
    }
}
