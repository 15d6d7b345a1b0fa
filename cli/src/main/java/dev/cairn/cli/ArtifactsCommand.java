package dev.cairn.cli;

import java.util.List;
import java.util.concurrent.Callable;

import dev.cairn.api.Cairn;
import dev.cairn.api.artifact.ArtifactVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "artifacts", description = "List and manage artifacts.", subcommands = ArtifactsCommand.ListArtifacts.class)
final class ArtifactsCommand extends GroupCommand {

    @Command(name = "list", description = "List artifact versions, newest first.")
    static final class ListArtifacts implements Callable<Integer> {
        @Mixin(name = "home")
        HomeOption home;

        @Mixin
        OutputOptions output;

        @Option(names = "--name", description = "Only names containing this text, or matching it as a glob when it has *, ? or [ (e.g. 'training::*')")
        String name;

        @Option(names = "--type", description = "Only data types containing this text (e.g. List, java.nio.file.Path), or this artifact type (DATA, MODEL, …)")
        String type;

        @Option(names = "--tag", description = "Only versions that carry this tag, on the version or on its artifact")
        String tag;

        @Option(names = "--since", description = "Only versions created at or after this date (2026-11-30) or instant (2026-11-30T10:15:00Z)")
        String since;

        @Option(names = "--until", description = "Only versions created up to this date (the whole day included) or before this instant")
        String until;

        @Option(names = "--sort", defaultValue = "created", description = "Sort by name, created or size (default: ${DEFAULT-VALUE}, newest first)")
        String sort;

        @Option(names = "--reverse", description = "Reverse the order")
        boolean reverse;

        @Override
        public Integer call() {
            ArtifactFilter filter = new ArtifactFilter(name, type, since, until, sort, reverse);
            try (Cairn cairn = home.open()) {
                List<ArtifactVersion> versions = filter.apply(tag == null ? cairn.client().listArtifactVersions()
                        : cairn.client().listArtifactVersionsWithTag(tag));
                output.print(() -> Json.artifacts(versions), out -> {
                    if (versions.isEmpty()) {
                        out.println(filter.isEmpty() && tag == null ? "No artifacts yet: try ./cairn quickstart" : "No artifact versions match");
                    }
                    for (ArtifactVersion version : versions) {
                        out.printf("%-48s %-6s %-12s %8d B  %s%n", version.name(), version.version(), version.materializerId(), version.size(),
                                version.dataType());
                    }
                });
            }
            return 0;
        }
    }
}
