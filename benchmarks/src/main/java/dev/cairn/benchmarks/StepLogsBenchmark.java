package dev.cairn.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import dev.cairn.api.Cairn;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.PipelineOptions;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunStatus;

/**
 * What step logs cost per step. A pipeline of {@code steps} independent one-step chains (no caching) runs on three
 * engines in one JVM, each with its own home: capture off ({@code stepLogLimit(0)}, the baseline), capture on with
 * steps that print nothing (routing only, no file), and capture on with steps that print {@code lines} lines each (one
 * log file committed per step). Rounds alternate between the three; each figure is the best whole-run time.
 * The printed lines go to a host {@code System.out} that discards them, so the terminal is not what is measured.
 *
 * <p>Usage: {@code java -cp ... dev.cairn.benchmarks.StepLogsBenchmark [steps] [rounds] [lines] [workDir]}
 */
public final class StepLogsBenchmark {
    private StepLogsBenchmark() {}

    public static final class Steps {
        @Step
        public static int silent(int round, int index) {
            return round + index;
        }

        @Step
        public static int printing(int round, int index, int lines) {
            for (int i = 0; i < lines; i++) {
                System.out.println("step " + index + " of round " + round + ": line " + i + " of what a training loop prints");
            }
            return round + index;
        }
    }

    static Pipeline pipeline(String name, int steps, int round, int lines) {
        return Pipeline.define(name, p -> {
            for (int i = 0; i < steps; i++) {
                if (lines == 0) {
                    p.call(Steps::silent, Param.of(round), Param.of(i));
                } else {
                    p.call(Steps::printing, Param.of(round), Param.of(i), Param.of(lines));
                }
            }
        }).withOptions(PipelineOptions.builder().enableCache(false).build());
    }

    public static void main(String[] args) throws Exception {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int lines = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        Path work = args.length > 3 ? Path.of(args[3]) : Files.createTempDirectory(Path.of("."), "cairn-step-logs-bench");
        java.io.PrintStream console = System.out;
        System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream(), true));
        String[] names = {"capture off (baseline)", "capture on, steps print nothing", "capture on, steps print " + lines + " lines"};
        long[] best = {Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE};
        try (Cairn off = Cairn.builder().home(work.resolve("off")).stepLogLimit(0).build();
                Cairn silent = Cairn.builder().home(work.resolve("silent")).build();
                Cairn printing = Cairn.builder().home(work.resolve("printing")).build()) {
            Cairn[] engines = {off, silent, printing};
            for (int round = -1; round < rounds; round++) { // round -1 warms up
                for (int config = 0; config < 3; config++) {
                    int printed = config == 2 ? lines : 0;
                    Pipeline pipeline = pipeline("logs_" + config, round == -1 ? 100 : steps, round, printed);
                    long start = System.nanoTime();
                    PipelineRun run = engines[config].run(pipeline);
                    long elapsed = System.nanoTime() - start;
                    if (run.status() != RunStatus.COMPLETED) {
                        throw new IllegalStateException(names[config] + ": " + run.error().orElse(run.status().name()));
                    }
                    if (config == 2 && run.steps().get(0).logUri().isEmpty()) {
                        throw new IllegalStateException("no log was stored for a printing step");
                    }
                    if (round >= 0) {
                        best[config] = Math.min(best[config], elapsed);
                    }
                }
            }
        } finally {
            System.setOut(console);
        }
        double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        System.out.printf(Locale.ROOT, "step logs: %,d independent steps, best of %d rounds, %d processors, load average %.2f, Java %s, in %s%n",
                steps, rounds, Runtime.getRuntime().availableProcessors(), load, System.getProperty("java.version"), work);
        System.out.println("| configuration | best run | per step | ratio to capture off |");
        System.out.println("|---|---|---|---|");
        for (int config = 0; config < 3; config++) {
            System.out.printf(Locale.ROOT, "| %s | %.0f ms | %.3f ms | %.2f |%n", names[config], best[config] / 1e6, best[config] / 1e6 / steps,
                    (double) best[config] / best[0]);
        }
    }
}
