package dev.cairn.engine.cache;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;

import dev.cairn.engine.compile.CompiledPipeline;
import dev.cairn.engine.compile.CompiledPipeline.CompiledStep;
import org.apiguardian.api.API;

/**
 * The cache keys of one run's steps: each step's {@link StepCache.KeyTemplate} is prepared on first use, so a key
 * costs one small JSON write and hash (its inputs) however large the step's parameters and outputs are.
 * Thread-safe.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class CacheKeys {
    private final StepCache cache;
    private final AtomicReferenceArray<StepCache.KeyTemplate> templates;

    public CacheKeys(StepCache cache, CompiledPipeline pipeline) {
        this.cache = requireNonNull(cache, "cache is null");
        this.templates = new AtomicReferenceArray<>(pipeline.steps().size());
    }

    /** {@link StepCache#keyOf(CompiledStep, Map)} for a step of this run's pipeline. */
    public String key(CompiledStep step, Map<String, String> inputHashes) {
        StepCache.KeyTemplate template = templates.get(step.index());
        if (template == null) {
            template = cache.template(step);
            if (!templates.compareAndSet(step.index(), null, template)) {
                template = templates.get(step.index());
            }
        }
        return cache.keyOf(template, inputHashes);
    }
}
