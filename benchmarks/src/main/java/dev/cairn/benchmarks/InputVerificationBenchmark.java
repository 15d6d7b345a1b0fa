package dev.cairn.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.cairn.api.Cairn;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunOptions;
import dev.cairn.api.run.RunStatus;

/**
 * The cost of verifying a step's input before the step runs (issue #12, scenario 8). For each input size, one engine
 * saves a {@code byte[]} artifact of that size; then a one-step pipeline that takes it with {@code p.artifact} (and a
 * different parameter each time, so it is never a cache hit) runs, in the same JVM and on the same warm files:
 * <ul>
 *   <li>{@code first}: the first run of a fresh engine, verification on (the files are re-read and re-hashed), against the
 *   first run of another fresh engine with {@code RunOptions.withVerifyInputs(false)} (the baseline: loading only);</li>
 *   <li>{@code again}: the second run of each engine: verification compares only the files' size and modification time.</li>
 * </ul>
 * Each measurement is the whole run of the consuming pipeline (compile, load, step, record), best of {@code rounds}.
 * Opening an engine is outside the timings.
 *
 * <p>Usage: {@code java -Xmx6g -cp ... dev.cairn.benchmarks.InputVerificationBenchmark [rounds] [workDir] [sizes in bytes...]}
 */
public final class InputVerificationBenchmark {
    private InputVerificationBenchmark() {}

    public static final class Steps {
        @Step
        @dev.cairn.api.pipeline.ArtifactName("blob")
        public static byte[] blob(int size) {
            byte[] data = new byte[size];
            new java.util.Random(size).nextBytes(data);
            return data;
        }

        @Step
        public static long consume(byte[] blob, int round) {
            return blob.length + round;
        }
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Path work = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory(Path.of("."), "cairn-verify-bench");
        List<Integer> sizes = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            sizes.add(Integer.parseInt(args[i]));
        }
        if (sizes.isEmpty()) {
            sizes = List.of(1024, 100 << 20, 1 << 30);
        }
        System.out.printf(Locale.ROOT, "input verification benchmark: best of %d, %d processors, Java %s, max heap %d MiB, in %s%n", rounds,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), Runtime.getRuntime().maxMemory() >> 20,
                work.toAbsolutePath());
        System.out.printf(Locale.ROOT, "%14s %12s %12s %10s %12s %12s %10s%n", "input bytes", "first off", "first on", "on/off",
                "again off", "again on", "on/off");
        int round = 0;
        for (int size : sizes) {
            Path home = work.resolve("home-" + size);
            try (Cairn writer = Cairn.open(home)) {
                PipelineRun saved = writer.run(Pipeline.define("blob_" + size, p -> p.call(Steps::blob, Param.of(size))));
                check(saved);
            }
            double[] best = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE}; // first off/on, again off/on
            for (int r = 0; r < rounds + 1; r++) { // round 0 warms up
                double[] times = new double[4];
                for (int verify = 0; verify < 2; verify++) {
                    try (Cairn cairn = Cairn.open(home)) {
                        times[verify] = timeConsume(cairn, size, ++round, verify == 1);
                        times[2 + verify] = timeConsume(cairn, size, ++round, verify == 1);
                    }
                }
                for (int i = 0; r > 0 && i < 4; i++) {
                    best[i] = Math.min(best[i], times[i]);
                }
            }
            System.out.printf(Locale.ROOT, "%,14d %12.2f %12.2f %9.2fx %12.2f %12.2f %9.2fx%n", size, best[0], best[1], best[1] / best[0],
                    best[2], best[3], best[3] / best[2]);
        }
    }

    private static double timeConsume(Cairn cairn, int size, int round, boolean verify) {
        long start = System.nanoTime();
        PipelineRun run = cairn.run(Pipeline.define("consume_" + size,
                p -> p.call(Steps::consume, p.<byte[]>artifact("blob"), Param.of(round))), RunOptions.DEFAULT.withVerifyInputs(verify));
        double millis = (System.nanoTime() - start) / 1e6;
        check(run);
        return millis;
    }

    private static void check(PipelineRun run) {
        if (run.status() != RunStatus.COMPLETED) {
            throw new IllegalStateException("run " + run.id() + " ended " + run.status() + ": " + run.error().orElse(""));
        }
    }
}
