package dev.cairn.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

import dev.cairn.api.Cairn;
import dev.cairn.api.artifact.ArtifactVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "artifacts", description = "List and manage artifacts.", subcommands = ArtifactsCommand.ListArtifacts.class)
final class ArtifactsCommand implements Callable<Integer> {
    @ParentCommand
    CairnCli parent;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    @Command(name = "list", description = "List artifact versions, newest first.")
    static final class ListArtifacts implements Callable<Integer> {
        @ParentCommand
        ArtifactsCommand artifacts;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--json", description = "Print JSON")
        boolean json;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (Cairn cairn = artifacts.parent.open()) {
                List<ArtifactVersion> versions = cairn.client().listArtifactVersions();
                if (json) {
                    out.println(Json.write(Json.artifacts(versions)));
                    return 0;
                }
                if (versions.isEmpty()) {
                    out.println("No artifacts yet: try ./cairn quickstart");
                }
                for (ArtifactVersion version : versions) {
                    out.printf("%-48s %-6s %-12s %8d B  %s%n", version.name(), version.version(), version.materializerId(), version.size(), version.dataType());
                }
            }
            return 0;
        }
    }
}
