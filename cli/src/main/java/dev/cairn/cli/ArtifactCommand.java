package dev.cairn.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import dev.cairn.api.Cairn;
import dev.cairn.api.Client;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.artifact.Visualization;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "artifact", description = "Work with one artifact.", subcommands = {ArtifactCommand.ShowArtifact.class, RegisterCommand.class, PruneCommand.class, VisualizeCommand.class})
final class ArtifactCommand extends GroupCommand {

    /** Finds {@code name[:version]}; a name may itself contain {@code ::} (default names do). */
    static ArtifactVersion find(Client client, String reference) {
        int colon = reference.lastIndexOf(':');
        if (colon > 0 && colon < reference.length() - 1 && reference.charAt(colon - 1) != ':') {
            return client.getArtifactVersion(reference.substring(0, colon), reference.substring(colon + 1));
        }
        return client.getArtifactVersion(reference);
    }

    @Command(name = "show", description = "Show an artifact version (the latest unless name:version is given).")
    static final class ShowArtifact implements Callable<Integer> {
        @Mixin(name = "home")
        HomeOption home;

        @Mixin
        OutputOptions output;

        @Parameters(index = "0", paramLabel = "<name>[:<version>]")
        String reference;

        @Override
        public Integer call() {
            try (Cairn cairn = home.open()) {
                ArtifactVersion version = find(cairn.client(), reference);
                output.print(() -> Json.artifact(version, true), out -> print(out, version));
            }
            return 0;
        }

        private static void print(PrintWriter out, ArtifactVersion version) {
            {
                out.printf("%s:%s%n", version.name(), version.version());
                out.printf("  id            %s%n", version.id());
                out.printf("  uri           %s%n", version.uri());
                out.printf("  type          %s (%s)%n", version.dataType(), version.artifactType());
                out.printf("  materializer  %s %s%n", version.materializerId(), version.materializerVersion());
                out.printf("  content hash  %s%n", version.contentHash());
                out.printf("  size          %d bytes%n", version.size());
                out.printf("  created       %s%n", version.createdAt());
                version.producerStepRunId().ifPresent(id -> out.printf("  produced by   step run %s%n", id));
                version.metadata().forEach((key, value) -> out.printf("  metadata      %s = %s%n", key, value));
                for (Visualization visualization : version.visualizations()) {
                    out.printf("  visualization %s (%s, %d bytes)%n", visualization.name(), visualization.type(), visualization.content().length);
                }
            }
        }
    }
}
