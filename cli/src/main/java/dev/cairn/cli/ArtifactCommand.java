package dev.cairn.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnException;
import dev.cairn.api.Client;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.artifact.Visualization;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "artifact", description = "Work with one artifact.", subcommands = {ArtifactCommand.ShowArtifact.class, ArtifactCommand.TagArtifact.class,
        ArtifactCommand.UntagArtifact.class, ArtifactCommand.AliasArtifact.class, RegisterCommand.class, PruneCommand.class, VisualizeCommand.class,
        ArtifactTransferCommands.ExportArtifact.class, ArtifactTransferCommands.ImportArtifact.class})
final class ArtifactCommand extends GroupCommand {

    /** Whether {@code reference} names a version ({@code name:version} or {@code name@alias}) rather than a whole artifact. */
    static boolean namesVersion(Client client, String reference) {
        int colon = reference.lastIndexOf(':');
        if (colon > 0 && colon < reference.length() - 1 && reference.charAt(colon - 1) != ':') {
            return true;
        }
        int at = reference.lastIndexOf('@');
        return at > 0 && at < reference.length() - 1 && !client.listArtifactNames().contains(reference);
    }

    /** Finds {@code name[:version]} or {@code name@alias}; a name may itself contain {@code ::} (default names do). */
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
                List<String> tags = version.tags();
                if (!tags.isEmpty()) {
                    out.printf("  tags          %s%n", String.join(", ", tags));
                }
                List<String> aliases = version.aliases();
                if (!aliases.isEmpty()) {
                    out.printf("  aliases       %s%n", String.join(", ", aliases));
                }
                version.metadata().forEach((key, value) -> out.printf("  metadata      %s = %s%n", key, value));
                for (Visualization visualization : version.visualizations()) {
                    out.printf("  visualization %s (%s, %d bytes)%n", visualization.name(), visualization.type(), visualization.content().length);
                }
            }
        }
    }

    @Command(name = "tag", description = "Tag an artifact (all its versions) or, with name:version or name@alias, one version.")
    static final class TagArtifact implements Callable<Integer> {
        @Mixin(name = "home")
        HomeOption home;

        @Option(names = "--exclusive", description = "Move the tags to this version: remove them from the name's other versions in the same transaction")
        boolean exclusive;

        @Parameters(index = "0", paramLabel = "<name>[:<version>|@<alias>]")
        String reference;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "<tag>")
        List<String> tags;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try (Cairn cairn = home.open()) {
                Client client = cairn.client();
                String[] given = tags.toArray(String[]::new);
                if (namesVersion(client, reference)) {
                    ArtifactVersion version = find(client, reference);
                    if (exclusive) {
                        client.tagVersionExclusively(version.name(), version.version(), given);
                    } else {
                        client.tagVersion(version.name(), version.version(), given);
                    }
                    spec.commandLine().getOut().printf("%s:%s tags: %s%n", version.name(), version.version(), String.join(", ", version.tags()));
                } else {
                    if (exclusive) {
                        throw new CairnException(ErrorCode.INVALID_ARGUMENT, "--exclusive moves a tag between versions: give one version as "
                                + reference + ":<version> or " + reference + "@<alias>");
                    }
                    client.tagArtifact(reference, given);
                    spec.commandLine().getOut().printf("%s tags: %s%n", reference, String.join(", ", client.getArtifactVersion(reference).tags()));
                }
            }
            return 0;
        }
    }

    @Command(name = "untag", description = "Remove tags from an artifact or, with name:version or name@alias, from one version.")
    static final class UntagArtifact implements Callable<Integer> {
        @Mixin(name = "home")
        HomeOption home;

        @Parameters(index = "0", paramLabel = "<name>[:<version>|@<alias>]")
        String reference;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "<tag>")
        List<String> tags;

        @Override
        public Integer call() {
            try (Cairn cairn = home.open()) {
                Client client = cairn.client();
                if (namesVersion(client, reference)) {
                    ArtifactVersion version = find(client, reference);
                    client.untagVersion(version.name(), version.version(), tags.toArray(String[]::new));
                } else {
                    client.untagArtifact(reference, tags.toArray(String[]::new));
                }
            }
            return 0;
        }
    }

    @Command(name = "alias", description = "Point an alias at a version (name:version or name@other-alias), or remove it with --remove.")
    static final class AliasArtifact implements Callable<Integer> {
        @Mixin(name = "home")
        HomeOption home;

        @Option(names = "--remove", description = "Remove the alias from the name given as the first argument (its history is kept)")
        boolean remove;

        @Parameters(index = "0", paramLabel = "<name>[:<version>|@<alias>]")
        String reference;

        @Parameters(index = "1", paramLabel = "<alias>")
        String alias;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try (Cairn cairn = home.open()) {
                Client client = cairn.client();
                if (remove) {
                    client.removeAlias(reference, alias);
                    spec.commandLine().getOut().printf("removed %s@%s%n", reference, alias);
                } else {
                    ArtifactVersion version = find(client, reference);
                    client.setAlias(version.name(), alias, version.version());
                    spec.commandLine().getOut().printf("%s@%s -> %s:%s%n", version.name(), alias, version.name(), version.version());
                }
            }
            return 0;
        }
    }
}
