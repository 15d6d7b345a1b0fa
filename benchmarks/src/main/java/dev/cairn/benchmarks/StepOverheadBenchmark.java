package dev.cairn.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.Map;

import dev.cairn.api.Cairn;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Ref;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunListener;
import dev.cairn.api.run.RunOptions;
import dev.cairn.api.run.RunStatus;
import dev.cairn.api.run.StepStatus;

/**
 * Per-step overhead of the engine: runs chains and fan-outs of no-op steps with metadata persisted in SQLite and
 * artifacts in a local store, and measures in the same run the same work as direct method calls. Also measures
 * pipeline compilation time (definition + compile) at 10,000 and 100,000 steps.
 *
 * <p>Usage: {@code java -cp ... dev.cairn.benchmarks.StepOverheadBenchmark [workDir]}
 */
public final class StepOverheadBenchmark {
    private StepOverheadBenchmark() {}

    public static final class NoOps {
        @Step
        public static int source(int seed) {
            return seed;
        }

        @Step
        public static int next(int value) {
            return value + 1;
        }
    }

    private static int pipelines;

    static Pipeline chain(int steps) {
        return Pipeline.define("chain_" + steps + "_" + (++pipelines), p -> {
            Ref<Integer> value = p.call(NoOps::source, Param.of(0));
            for (int i = 1; i < steps; i++) {
                value = p.call(NoOps::next, value);
            }
        });
    }

    static Pipeline fanOut(int steps) {
        return Pipeline.define("fanout_" + steps + "_" + (++pipelines), p -> {
            Ref<Integer> value = p.call(NoOps::source, Param.of(0));
            for (int i = 1; i < steps; i++) {
                p.call(NoOps::next, value);
            }
        });
    }

    /** The same work as direct calls; returns nanoseconds. */
    static long direct(int steps, boolean chain) {
        long start = System.nanoTime();
        int value = NoOps.source(0);
        int sink = 0;
        for (int i = 1; i < steps; i++) {
            if (chain) {
                value = NoOps.next(value);
            } else {
                sink += NoOps.next(value);
            }
        }
        long elapsed = System.nanoTime() - start;
        if (value + sink == 42) {
            System.out.print("");
        }
        return elapsed;
    }

    /** Collects per-step wall times as seen by the scheduler's listener. */
    static final class Timings implements RunListener {
        final ConcurrentLinkedQueue<Long> nanos = new ConcurrentLinkedQueue<>();

        @Override
        public void stepFinished(String stepName, StepStatus status, Duration duration) {
            nanos.add(duration.toNanos());
        }

        long median() {
            long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
            return sorted.length == 0 ? 0 : sorted[sorted.length / 2];
        }

        long percentile(double p) {
            long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
            return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))];
        }
    }

    public static void main(String[] args) throws IOException {
        Path work = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("cairn-bench");
        System.out.printf(Locale.ROOT, "cores=%d, java=%s, work=%s%n", Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), work);
        try (Cairn cairn = Cairn.builder().home(work.resolve("home")).build()) {
            // warm-up: JIT, SQLite, file system — the uncached and the cached path
            Pipeline warmUp = chain(500);
            cairn.run(warmUp);
            cairn.run(warmUp);
            cairn.run(fanOut(500));
            System.out.println();
            System.out.println("| shape | steps | Cairn total | per step (mean) | per step (median) | p90 | direct calls total | overhead per step (mean) |");
            System.out.println("|---|---|---|---|---|---|---|---|");
            for (int steps : new int[] {1_000, 10_000}) {
                for (boolean isChain : new boolean[] {true, false}) {
                    Pipeline pipeline = isChain ? chain(steps) : fanOut(steps);
                    Timings timings = new Timings();
                    long start = System.nanoTime();
                    PipelineRun run = cairn.run(pipeline, RunOptions.withListener(timings));
                    long total = System.nanoTime() - start;
                    if (run.status() != RunStatus.COMPLETED) {
                        throw new IllegalStateException("run failed: " + run.error().orElse(""));
                    }
                    long directNanos = direct(steps, isChain);
                    System.out.printf(Locale.ROOT, "| %s | %,d | %.0f ms | %.3f ms | %.3f ms | %.3f ms | %.3f ms | %.3f ms |%n",
                            isChain ? "chain" : "fan-out", steps, total / 1e6, total / 1e6 / steps, timings.median() / 1e6, timings.percentile(0.9) / 1e6,
                            directNanos / 1e6, (total - directNanos) / 1e6 / steps);
                }
            }
            System.out.println();
            System.out.println("| 10,000-step chain | total | per step | steps CACHED |");
            System.out.println("|---|---|---|---|");
            Pipeline cachedChain = chain(10_000);
            for (String label : new String[] {"first run (cache misses)", "re-run (cache hits, each output verified)"}) {
                long start = System.nanoTime();
                PipelineRun run = cairn.run(cachedChain);
                long total = System.nanoTime() - start;
                long cached = run.steps().stream().filter(step -> step.status() == StepStatus.CACHED).count();
                System.out.printf(Locale.ROOT, "| %s | %.0f ms | %.3f ms | %,d |%n", label, total / 1e6, total / 1e6 / 10_000, cached);
            }
            System.out.println();
            System.out.println("| steps | define | compile (validate) | define+compile per step |");
            System.out.println("|---|---|---|---|");
            for (int steps : new int[] {1_000, 10_000, 100_000}) {
                long start = System.nanoTime();
                Pipeline pipeline = chain(steps);
                long defined = System.nanoTime();
                cairn.validate(pipeline);
                long compiled = System.nanoTime();
                System.out.printf(Locale.ROOT, "| %,d | %.0f ms | %.0f ms | %.2f µs |%n", steps, (defined - start) / 1e6, (compiled - defined) / 1e6,
                        (compiled - start) / 1e3 / steps);
            }
        }
    }
}
