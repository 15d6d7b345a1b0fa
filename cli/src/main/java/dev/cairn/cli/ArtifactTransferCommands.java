package dev.cairn.cli;

import dev.cairn.api.Cairn;
import dev.cairn.api.Client;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.artifact.SaveOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cairn artifact export} and {@code cairn artifact import}: an artifact version's files in and out of a local folder. */
final class ArtifactTransferCommands {
    private ArtifactTransferCommands() {}

    @Command(name = "export", description = {"Copy a version's data files and its manifest (.cairn/manifest.json) into a new directory, checking",
            "every file's SHA-256 against the manifest. Nothing is left behind when a file is damaged (exit 2, INTEGRITY_VIOLATION)."})
    static final class ExportArtifact implements Callable<Integer> {
        @Mixin(name = "home")
        HomeOption home;

        @Parameters(index = "0", paramLabel = "<name>[:<version>|@<alias>]", description = "The version to export (the latest when only a name is given)")
        String reference;

        @Option(names = "--to", required = true, paramLabel = "<dir>", description = "Directory to create (it must not exist, or be empty)")
        Path target;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try (Cairn cairn = home.open()) {
                Client client = cairn.client();
                ArtifactVersion version = ArtifactCommand.find(client, reference);
                Path written = client.exportVersion(version.id(), target);
                spec.commandLine().getOut().printf("Exported %s:%s (%d file%s, content hash %s) to %s%n", version.name(), version.version(),
                        version.files().size(), version.files().size() == 1 ? "" : "s", version.contentHash(), written);
            }
            return 0;
        }
    }

    @Command(name = "import", description = {"Store a folder as a new version of an artifact. A folder made by 'cairn artifact export' is checked",
            "against its manifest and keeps its type, so it loads as the original; any other folder is stored as plain files."})
    static final class ImportArtifact implements Callable<Integer> {
        @Mixin(name = "home")
        HomeOption home;

        @Parameters(index = "0", paramLabel = "<dir>", description = "The folder to import")
        Path directory;

        @Option(names = "--name", required = true, description = "Artifact name to store the folder under")
        String name;

        @Option(names = "--version", description = "Explicit version (default: the next number)")
        String version;

        @Option(names = "--tag", paramLabel = "<tag>", description = "Tag of the new version (repeatable)")
        List<String> tags = new ArrayList<>();

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            SaveOptions options = SaveOptions.named(name).withTags(tags.toArray(String[]::new));
            if (version != null) {
                options = options.withVersion(version);
            }
            try (Cairn cairn = home.open()) {
                ArtifactVersion imported = cairn.client().importVersion(directory, options);
                spec.commandLine().getOut().printf("Imported %s as %s:%s (%d file%s, content hash %s)%s%n", directory, imported.name(), imported.version(),
                        imported.files().size(), imported.files().size() == 1 ? "" : "s", imported.contentHash(),
                        imported.tags().isEmpty() ? "" : ", tags: " + String.join(", ", imported.tags()));
            }
            return 0;
        }
    }
}
