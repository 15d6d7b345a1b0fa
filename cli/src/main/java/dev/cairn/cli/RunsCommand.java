package dev.cairn.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

import dev.cairn.api.Cairn;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.StepRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "runs", description = "List and show pipeline runs.", subcommands = {RunsCommand.ListRuns.class, RunsCommand.ShowRun.class})
final class RunsCommand extends GroupCommand {

    @Command(name = "list", description = "List runs, newest first.")
    static final class ListRuns implements Callable<Integer> {
        @Mixin(name = "home")
        HomeOption home;

        @Mixin
        OutputOptions output;

        @Option(names = "--pipeline", description = "Only runs of this pipeline")
        String pipeline;

        @Override
        public Integer call() {
            try (Cairn cairn = home.open()) {
                List<PipelineRun> list = pipeline == null ? cairn.client().listRuns() : cairn.client().listRuns(pipeline);
                output.print(() -> list.stream().map(run -> Json.run(run, false)).toList(), out -> {
                    if (list.isEmpty()) {
                        out.println("No runs yet: try ./cairn quickstart");
                    }
                    for (PipelineRun run : list) {
                        long done = run.steps().stream().filter(s -> s.status().isSuccessful()).count();
                        out.printf("%s  %-24s %-9s %s  %d/%d steps ok%n", run.id(), run.pipelineName(), run.status(), run.startedAt(), done,
                                run.steps().size());
                    }
                });
            }
            return 0;
        }
    }

    @Command(name = "show", description = "Show one run with its steps, inputs and outputs.")
    static final class ShowRun implements Callable<Integer> {
        @Mixin(name = "home")
        HomeOption home;

        @Mixin
        OutputOptions output;

        @Parameters(index = "0", paramLabel = "<id>", description = "Run id or a unique prefix of it")
        String id;

        @Override
        public Integer call() {
            try (Cairn cairn = home.open()) {
                PipelineRun run = cairn.client().getPipelineRun(id);
                output.print(() -> Json.run(run, true), out -> print(out, run));
            }
            return 0;
        }

        private static void print(PrintWriter out, PipelineRun run) {
            {
                out.printf("Run %s of pipeline %s: %s%n", run.id(), run.pipelineName(), run.status());
                out.printf("  started %s, ended %s%n", run.startedAt(), run.endedAt().map(Object::toString).orElse("-"));
                if (!run.parameters().isEmpty()) {
                    out.println("  parameters " + run.parameters());
                }
                for (StepRun step : run.steps()) {
                    out.printf("  %-28s %-9s %s%n", step.name(), step.status(), step.duration().map(ProgressPrinter::format).orElse(""));
                    step.inputs().forEach((name, artifact) -> out.printf("      in  %-16s %s%n", name, label(artifact)));
                    step.outputs().forEach((name, artifact) -> out.printf("      out %-16s %s%n", name, label(artifact)));
                    step.error().ifPresent(error -> out.println("      error: " + error.lines().findFirst().orElse("")));
                    step.logUri().ifPresent(log -> out.printf("      log %s bytes: %s%n", step.logSize().map(String::valueOf).orElse("?"), log));
                }
            }
        }

        private static String label(ArtifactVersion artifact) {
            return artifact.name() + ":" + artifact.version() + "  (" + artifact.dataType() + ")";
        }
    }
}
