package dev.cairn.api.pipeline;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import org.apiguardian.api.API;

/**
 * What a step's cache key is made of, and how old a cached result may be.
 *
 * @param includeCode whether the bytecode fingerprint of the step (and the user code it reaches) is in the key
 * @param includeParameters whether parameter values are in the key
 * @param excludedInputs artifact inputs (by argument name) left out of the key
 * @param expireAfter a cached result older than this is not reused; empty means no expiry
 */
@API(status = API.Status.STABLE, since = "0.1")
public record CachePolicy(boolean includeCode, boolean includeParameters, Set<String> excludedInputs, Optional<Duration> expireAfter) {
    /** Everything in the key, no expiry. */
    public static final CachePolicy DEFAULT = new CachePolicy(true, true, Set.of(), Optional.empty());

    /** @throws CairnException {@code INVALID_ARGUMENT} if {@code expireAfter} is zero or negative */
    public CachePolicy {
        excludedInputs = Set.copyOf(requireNonNull(excludedInputs, "excludedInputs is null"));
        requireNonNull(expireAfter, "expireAfter is null");
        if (expireAfter.isPresent() && (expireAfter.get().isNegative() || expireAfter.get().isZero())) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "Cache expiry must be positive, got " + expireAfter.get()
                    + "; use CachePolicy.expiringAfter with a positive duration, or turn caching off with enableCache(false)");
        }
    }

    public CachePolicy withoutCode() {
        return new CachePolicy(false, includeParameters, excludedInputs, expireAfter);
    }

    public CachePolicy withoutParameters() {
        return new CachePolicy(includeCode, false, excludedInputs, expireAfter);
    }

    public CachePolicy withoutInputs(String... inputNames) {
        java.util.Set<String> names = new java.util.HashSet<>(excludedInputs);
        names.addAll(java.util.List.of(inputNames));
        return new CachePolicy(includeCode, includeParameters, names, expireAfter);
    }

    public CachePolicy expiringAfter(Duration age) {
        return new CachePolicy(includeCode, includeParameters, excludedInputs, Optional.of(requireNonNull(age, "age is null")));
    }
}
