package dev.cairn.engine.cache;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntFunction;

import dev.cairn.api.metadata.ArtifactVersionRecord;
import dev.cairn.api.metadata.MetadataStore;
import dev.cairn.engine.compile.CompiledPipeline;
import dev.cairn.engine.compile.CompiledPipeline.CompiledArgument;
import dev.cairn.engine.compile.CompiledPipeline.CompiledStep;
import dev.cairn.engine.compile.CompiledPipeline.ExternalArgument;
import dev.cairn.engine.compile.CompiledPipeline.StepOutputArgument;
import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks up cache hits ahead of the scheduler during one run, so that a run that is mostly cached does not pay for
 * each lookup and each verification one after another.
 *
 * <p>One task walks the steps in topological order. For a step whose inputs it can name — outputs of steps that
 * have finished, or the outputs a cache hit further up is expected to reuse — it computes the cache key and finds
 * the candidates; if one could be a hit, it publishes a <em>speculation</em> for the step and hands the
 * verification of the candidates' data (the expensive part) to the executor, then goes on to the steps below,
 * assuming that hit's outputs. Verifications of many steps thus run in parallel with each other and with the
 * scheduler. A step the scheduler has taken but not finished is looked up too (and not published), so that the walk
 * learns its likely outputs and can get ahead of the scheduler.
 *
 * <p>In a chain each key depends on the output hashes of the hit above it, so one lookup per step would follow another.
 * Instead, once a likely hit names the earlier run that computed it, the walk reads that run's keys and output hashes
 * for the next {@link #PREDICTION_WINDOW} positions in one query, <em>predicts</em> the keys of up to {@link #BATCH}
 * steps below (computing each key from the hashes the step above is predicted to reuse, and going on while the earlier
 * run had that key), and finds the candidates of all those keys in one query. A prediction only chooses which keys to
 * look up together: each step still computes its key from the outputs its inputs are really expected to be, and uses
 * fetched candidates only for that key (a wrong prediction costs one query more, never a wrong hit).
 *
 * <p>Nothing here decides anything: when the scheduler reaches a step, {@link #take} returns the speculation only
 * if it was made for the same input content hashes the step really has (so the key is the key the step would
 * compute), and the result it returns is {@link StepCache#check} of that key's candidates — the same verification
 * a lookup does, only started earlier. A speculation that found no hit is never used: the step then looks up the
 * cache itself, so a miss is always decided by a fresh lookup followed by the lease (as without lookahead). The walk
 * gives up after {@link #MISS_LIMIT} steps in a row without a likely hit (a run that computes everything then pays
 * for a few extra queries only) and stays at most {@link #WINDOW} steps ahead of the steps the scheduler has taken.
 * A step that the walk has not reached yet waits for it briefly rather than look up the same key twice.
 *
 * <p>Thread-safe; {@link #close} stops the walk and waits for it.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class CacheLookahead implements AutoCloseable {
    /** How many steps the walk may be ahead of the steps taken. */
    static final int WINDOW = 1024;
    /** After this many looked-up steps in a row without a likely hit, the walk stops. */
    static final int MISS_LIMIT = 8;
    /** Most keys looked up in one query ({@link StepCache#candidates(List)}). */
    static final int BATCH = 32;
    /** How many positions of an earlier run one prediction query reads. */
    static final int PREDICTION_WINDOW = 256;
    /** Longest a step waits for the walk to reach it before it looks up the cache itself. */
    static final java.time.Duration MAX_WAIT = java.time.Duration.ofMillis(50);

    private static final Logger LOG = LoggerFactory.getLogger(CacheLookahead.class);
    private static final Object TAKEN = new Object();

    private final StepCache cache;
    private final List<CompiledStep> steps;
    private final IntFunction<Map<String, ArtifactVersionRecord>> finishedOutputs;
    private final Executor executor;
    private final AtomicReferenceArray<Object> entries;
    /** Outputs each speculated hit is expected to reuse; written and read by the walk only. */
    private final Map<String, ArtifactVersionRecord>[] expectedOutputs;
    private final AtomicInteger taken = new AtomicInteger();
    /** Candidates found ahead for predicted keys, by key; written and read by the walk only. */
    private final Map<String, List<MetadataStore.CacheCandidate>> prefetched = new java.util.HashMap<>();
    /** The key predicted for each step and the input hashes it was computed from; walk only. */
    private final String[] predictedKeys;
    private final Map<String, String>[] predictedInputs;
    /** The step run of the latest likely hit and the step it was found for: where predictions start; walk only. */
    private dev.cairn.api.metadata.StepRunRecord lastSource;
    private int lastSourceIndex;
    /** The keys (with their outputs' hashes) of the earlier run's positions last read for predictions; walk only. */
    private java.util.UUID predictionRun;
    private Map<String, Map<String, String>> predictionKeys = Map.of();
    private final Object progress = new Object();
    private volatile boolean stopped;
    /** The walk has dealt with every step below this index. */
    private volatile int position;
    /** Steps waiting in {@link #awaitWalk}; changed under {@link #advanced}. */
    private volatile int waiting;
    private final Object advanced = new Object();
    private volatile boolean walkWaiting;
    private final CompletableFuture<Void> walk;

    /** A lookup started ahead of time for one step. */
    public static final class Speculation {
        private final StepCache cache;
        private final CompiledStep step;
        private final Map<String, String> inputHashes;
        private final String key;
        private final List<MetadataStore.CacheCandidate> candidates;
        private final AtomicBoolean started = new AtomicBoolean();
        private final CompletableFuture<StepCache.Lookup> result = new CompletableFuture<>();

        private Speculation(StepCache cache, CompiledStep step, Map<String, String> inputHashes, String key,
                List<MetadataStore.CacheCandidate> candidates) {
            this.cache = cache;
            this.step = step;
            this.inputHashes = inputHashes;
            this.key = key;
            this.candidates = candidates;
        }

        /** The cache key the speculation looked up. */
        public String key() {
            return key;
        }

        /** Checks the candidates unless that has started already (by the executor, or by {@link #result}). */
        void checkIfNotStarted() {
            if (started.compareAndSet(false, true)) {
                try {
                    result.complete(cache.check(candidates, step));
                } catch (RuntimeException | Error e) {
                    result.completeExceptionally(e);
                }
            }
        }

        /**
         * The checked lookup: waits for a check in progress, or does it now if it has not started. Failures of the
         * check itself (not of a candidate's verification) are thrown.
         */
        public StepCache.Lookup result() {
            checkIfNotStarted();
            return result.join();
        }
    }

    private CacheLookahead(StepCache cache, CompiledPipeline pipeline, IntFunction<Map<String, ArtifactVersionRecord>> finishedOutputs,
            Executor executor) {
        this.cache = cache;
        this.steps = pipeline.steps();
        this.finishedOutputs = finishedOutputs;
        this.executor = executor;
        this.entries = new AtomicReferenceArray<>(steps.size());
        @SuppressWarnings("unchecked")
        Map<String, ArtifactVersionRecord>[] expected = new Map[steps.size()];
        this.expectedOutputs = expected;
        this.predictedKeys = new String[steps.size()];
        @SuppressWarnings("unchecked")
        Map<String, String>[] predicted = new Map[steps.size()];
        this.predictedInputs = predicted;
        this.walk = new CompletableFuture<>();
    }

    /**
     * Starts the walk on a thread of its own; {@code executor} runs the checks.
     *
     * @param finishedOutputs the outputs of a step that has finished in this run by name, or {@code null}
     */
    public static CacheLookahead start(StepCache cache, CompiledPipeline pipeline,
            IntFunction<Map<String, ArtifactVersionRecord>> finishedOutputs, Executor executor) {
        requireNonNull(cache, "cache is null");
        requireNonNull(pipeline, "pipeline is null");
        requireNonNull(finishedOutputs, "finishedOutputs is null");
        requireNonNull(executor, "executor is null");
        CacheLookahead lookahead = new CacheLookahead(cache, pipeline, finishedOutputs, executor);
        // Its own thread, not one of the executor's: a walk lasts the whole run, and runs of one engine may overlap.
        Thread thread = new Thread(lookahead::walk, "cairn-cache-lookahead");
        thread.setDaemon(true);
        thread.start();
        return lookahead;
    }

    /**
     * Takes the speculation for a step about to look up the cache, if one was made for the same input content
     * hashes; afterwards the walk leaves the step alone. If the walk has not reached the step yet, waits for it (at
     * most {@link #MAX_WAIT}). Call once per step.
     */
    public Optional<Speculation> take(int stepIndex, Map<String, String> inputHashes) {
        requireNonNull(inputHashes, "inputHashes is null");
        awaitWalk(stepIndex);
        if (claim(stepIndex) instanceof Speculation speculation && speculation.inputHashes.equals(inputHashes)) {
            return Optional.of(speculation);
        }
        return Optional.empty();
    }

    /** Marks a step that does not use the cache as reached, so that the walk may move on. */
    public void pass(int stepIndex) {
        claim(stepIndex);
    }

    private Object claim(int stepIndex) {
        Object entry = entries.getAndSet(stepIndex, TAKEN);
        if (entry != TAKEN) {
            taken.incrementAndGet();
            if (walkWaiting) {
                synchronized (progress) {
                    progress.notifyAll();
                }
            }
        }
        return entry;
    }

    private void walk() {
        try {
            int withoutHit = 0;
            for (int index = 0; index < steps.size() && !stopped; index++) {
                if (!awaitWindow(index)) {
                    return;
                }
                Visit visit = visit(index);
                if (visit == Visit.STOP || (visit == Visit.NO_HIT && ++withoutHit >= MISS_LIMIT)) {
                    return;
                }
                if (visit == Visit.LIKELY_HIT) {
                    withoutHit = 0;
                }
                advance(index + 1);
            }
        } catch (RuntimeException | Error e) {
            LOG.debug("Cache lookahead stopped: {}", e.toString(), e);
        } finally {
            advance(Integer.MAX_VALUE);
            walk.complete(null);
        }
    }

    private enum Visit { SKIPPED, NO_HIT, LIKELY_HIT, STOP }

    private Visit visit(int index) {
        CompiledStep step = steps.get(index);
        boolean taken = entries.get(index) != null;
        if (!step.cacheEnabled() || (taken && finishedOutputs.apply(index) != null)) {
            return Visit.SKIPPED;
        }
        Map<String, ArtifactVersionRecord> inputs = inputs(step);
        if (inputs == null) {
            return Visit.SKIPPED; // an input is neither computed yet nor expected from a hit
        }
        Map<String, String> inputHashes = cache.inputHashes(step, inputs);
        String key = inputHashes.equals(predictedInputs[index]) ? predictedKeys[index] : cache.keyOf(step, inputHashes);
        predictedKeys[index] = null;
        predictedInputs[index] = null;
        List<MetadataStore.CacheCandidate> candidates = prefetched.remove(key);
        if (candidates == null) {
            candidates = lookUp(index, key);
        }
        Optional<Map<String, ArtifactVersionRecord>> outputs = cache.likelyOutputs(candidates, step);
        if (outputs.isEmpty()) {
            return Visit.NO_HIT;
        }
        expectedOutputs[index] = outputs.get();
        lastSource = candidates.get(0).stepRun();
        lastSourceIndex = index;
        if (taken) {
            // The scheduler is on this step already: only learn which outputs it will likely reuse, so that the walk
            // can go on below it.
            return Visit.LIKELY_HIT;
        }
        Speculation speculation = new Speculation(cache, step, inputHashes, key, candidates);
        if (!entries.compareAndSet(index, null, speculation)) {
            return Visit.LIKELY_HIT; // taken meanwhile
        }
        try {
            executor.execute(() -> {
                if (!stopped) {
                    speculation.checkIfNotStarted();
                }
            });
        } catch (RejectedExecutionException e) {
            return Visit.STOP; // the engine is closing; whoever takes the speculation checks it
        }
        return Visit.LIKELY_HIT;
    }

    /**
     * The candidates of {@code key}, the key of step {@code index}: found together with those of the keys predicted for
     * the steps below ({@link #predict}), which are kept for when the walk reaches those steps.
     */
    private List<MetadataStore.CacheCandidate> lookUp(int index, String key) {
        List<String> keys = predict(index, key);
        if (keys.size() == 1) {
            return cache.candidates(key);
        }
        Map<String, List<MetadataStore.CacheCandidate>> found = cache.candidates(keys);
        prefetched.clear(); // what is left was fetched for predictions that did not hold
        prefetched.putAll(found);
        List<MetadataStore.CacheCandidate> candidates = prefetched.remove(key);
        return candidates == null ? List.of() : candidates;
    }

    /**
     * {@code key} and the keys the steps after {@code index} are predicted to have, at most {@link #BATCH} in all: from
     * the earlier run of the latest likely hit, step by step while that run had the predicted key (its outputs' hashes
     * then predict the inputs of the steps below). Each predicted key is remembered with the input hashes it was computed
     * from, so that the walk does not compute it again when the prediction holds.
     */
    private List<String> predict(int index, String key) {
        List<String> keys = new java.util.ArrayList<>();
        keys.add(key);
        if (lastSource == null) {
            return keys;
        }
        int position = Math.max(0, lastSource.position() + index - lastSourceIndex);
        if (!lastSource.runId().equals(predictionRun) || !predictionKeys.containsKey(key)) {
            predictionRun = lastSource.runId();
            predictionKeys = cache.keysOfRun(predictionRun, position, position + PREDICTION_WINDOW);
        }
        Map<String, String> own = predictionKeys.get(key);
        if (own == null) {
            return keys;
        }
        Map<Integer, Map<String, String>> predictedHashes = new java.util.HashMap<>();
        predictedHashes.put(index, own);
        for (int next = index + 1; next < steps.size() && keys.size() < BATCH; next++) {
            CompiledStep step = steps.get(next);
            if (!step.cacheEnabled() || entries.get(next) != null) {
                break;
            }
            Map<String, String> hashes = predictedInputHashes(step, predictedHashes);
            if (hashes == null) {
                break;
            }
            Map<String, String> inputHashes = cache.inputHashesOf(step, hashes);
            String predicted = cache.keyOf(step, inputHashes);
            predictedKeys[next] = predicted;
            predictedInputs[next] = inputHashes;
            keys.add(predicted);
            Map<String, String> outputs = predictionKeys.get(predicted);
            if (outputs == null) {
                break; // its key is looked up, but nothing below it can be predicted
            }
            predictedHashes.put(next, outputs);
        }
        return keys;
    }

    /** The content hashes of {@code step}'s inputs by argument name as predicted, or null if one is unknown. */
    private Map<String, String> predictedInputHashes(CompiledStep step, Map<Integer, Map<String, String>> predictedHashes) {
        Map<String, String> hashes = new LinkedHashMap<>();
        for (CompiledArgument argument : step.arguments()) {
            if (argument instanceof StepOutputArgument output) {
                Map<String, String> predicted = predictedHashes.get(output.producerIndex());
                String hash;
                if (predicted != null) {
                    hash = predicted.get(output.outputName());
                } else {
                    Map<String, ArtifactVersionRecord> producerOutputs = finishedOutputs.apply(output.producerIndex());
                    if (producerOutputs == null) {
                        producerOutputs = expectedOutputs[output.producerIndex()];
                    }
                    ArtifactVersionRecord input = producerOutputs == null ? null : producerOutputs.get(output.outputName());
                    hash = input == null ? null : input.contentHash();
                }
                if (hash == null) {
                    return null;
                }
                hashes.put(argument.name(), hash);
            } else if (argument instanceof ExternalArgument external) {
                hashes.put(argument.name(), external.artifact().contentHash());
            }
        }
        return hashes;
    }

    /** Records that the walk has dealt with every step below {@code next}, and wakes steps waiting for that. */
    private void advance(int next) {
        position = next;
        if (waiting > 0) {
            synchronized (advanced) {
                advanced.notifyAll();
            }
        }
    }

    /**
     * Waits (at most {@link #MAX_WAIT}) until the walk has dealt with step {@code index}: a step the walk is about to
     * reach is cheaper to wait for than to look up twice, once here and once by the walk.
     */
    private void awaitWalk(int index) {
        if (position > index) {
            return;
        }
        long deadline = System.nanoTime() + MAX_WAIT.toNanos();
        synchronized (advanced) {
            waiting++;
            if (walkWaiting) {
                synchronized (progress) {
                    progress.notifyAll();
                }
            }
            try {
                while (position <= index && !stopped) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return;
                    }
                    advanced.wait(Math.max(1, left / 1_000_000));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                waiting--;
            }
        }
    }

    /** The input artifacts of {@code step} by argument name as they are or are expected to be, or null if unknown. */
    private Map<String, ArtifactVersionRecord> inputs(CompiledStep step) {
        Map<String, ArtifactVersionRecord> inputs = new LinkedHashMap<>();
        for (CompiledArgument argument : step.arguments()) {
            if (argument instanceof StepOutputArgument output) {
                Map<String, ArtifactVersionRecord> producerOutputs = finishedOutputs.apply(output.producerIndex());
                if (producerOutputs == null) {
                    producerOutputs = expectedOutputs[output.producerIndex()];
                }
                ArtifactVersionRecord input = producerOutputs == null ? null : producerOutputs.get(output.outputName());
                if (input == null) {
                    return null;
                }
                inputs.put(argument.name(), input);
            } else if (argument instanceof ExternalArgument external) {
                inputs.put(argument.name(), external.artifact());
            }
        }
        return inputs;
    }

    /**
     * Waits until step {@code index} is within {@link #WINDOW} of the steps taken, or a step waits for the walk (steps
     * that are never taken, such as those skipped after a failure, must not hold the walk back); false when stopped.
     */
    private boolean awaitWindow(int index) {
        if (index - taken.get() <= WINDOW) {
            return !stopped;
        }
        synchronized (progress) {
            walkWaiting = true;
            try {
                while (index - taken.get() > WINDOW && !stopped && waiting == 0) {
                    progress.wait(50);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } finally {
                walkWaiting = false;
            }
        }
        return !stopped;
    }

    /** Stops the walk and waits for it to end; checks already running finish on their own. */
    @Override
    public void close() {
        stopped = true;
        synchronized (progress) {
            progress.notifyAll();
        }
        walk.join();
    }
}
