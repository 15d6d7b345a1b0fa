package dev.cairn.benchmarks;

import java.nio.file.Path;
import java.util.Locale;

import dev.cairn.api.Cairn;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Ref;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.StepStatus;

/**
 * A 10,000-step chain re-run from cache in a process that did not write it (so every manifest is read from the
 * store, as after a restart), next to the uncached first run made by an earlier process.
 *
 * <p>Usage: {@code CachedRerunBenchmark prepare <dir>} in one JVM, then {@code CachedRerunBenchmark rerun <dir>} in a
 * new JVM.
 */
public final class CachedRerunBenchmark {
    private CachedRerunBenchmark() {}

    static Pipeline chain(String name, int steps) {
        return Pipeline.define(name, p -> {
            Ref<Integer> value = p.call(StepOverheadBenchmark.NoOps::source, Param.of(0));
            for (int i = 1; i < steps; i++) {
                value = p.call(StepOverheadBenchmark.NoOps::next, value);
            }
        });
    }

    public static void main(String[] args) {
        String mode = args[0];
        Path home = Path.of(args[1]);
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
        try (Cairn cairn = Cairn.builder().home(home).build()) {
            Pipeline warmUp = chain("warm_up_" + mode, 500);
            cairn.run(warmUp);
            cairn.run(warmUp);
            Pipeline pipeline = chain("cached_rerun", steps);
            long start = System.nanoTime();
            PipelineRun run = cairn.run(pipeline);
            long total = System.nanoTime() - start;
            long cached = run.steps().stream().filter(step -> step.status() == StepStatus.CACHED).count();
            System.out.printf(Locale.ROOT, "| %s | %,d steps | %.0f ms | %.3f ms per step | %,d CACHED |%n",
                    mode.equals("prepare") ? "first run, process A (cache misses)" : "re-run, new process B (cache hits, manifests read)",
                    steps, total / 1e6, total / 1e6 / steps, cached);
        }
    }
}
