package dev.cairn.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.UUID;

import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunListener;
import dev.cairn.api.run.StepStatus;

/** Prints each step starting and finishing, with its duration, while a pipeline runs. */
final class ProgressPrinter implements RunListener {
    private final PrintWriter out;

    ProgressPrinter(PrintWriter out) {
        this.out = out;
    }

    @Override
    public synchronized void runStarted(String pipelineName, UUID runId, int stepCount) {
        out.printf("Running pipeline %s (run %s, %d step%s)%n", pipelineName, runId, stepCount, stepCount == 1 ? "" : "s");
        out.flush();
    }

    @Override
    public synchronized void stepStarted(String stepName) {
        out.printf("  > %s started%n", stepName);
        out.flush();
    }

    @Override
    public synchronized void stepFinished(String stepName, StepStatus status, Duration duration) {
        out.printf("  %s %s %s in %s%n", status.isSuccessful() ? "+" : "!", stepName, status.name().toLowerCase(java.util.Locale.ROOT), format(duration));
        out.flush();
    }

    @Override
    public synchronized void runFinished(PipelineRun run) {
        out.printf("Run %s of %s %s%n", run.id(), run.pipelineName(), run.status().name().toLowerCase(java.util.Locale.ROOT));
        run.error().ifPresent(error -> out.println("  " + error.replace("\n", "\n  ")));
        out.flush();
    }

    static String format(Duration duration) {
        long micros = duration.toNanos() / 1_000;
        if (micros < 10_000) {
            return String.format(java.util.Locale.ROOT, "%.2f ms", micros / 1000.0);
        }
        if (micros < 10_000_000) {
            return (micros / 1000) + " ms";
        }
        return String.format(java.util.Locale.ROOT, "%.1f s", micros / 1_000_000.0);
    }
}
