package dev.cairn.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import dev.cairn.api.Cairn;
import dev.cairn.api.artifact.ArtifactVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

@Command(name = "register", description = "Register an existing file or folder inside the artifact store as a new artifact version (no copy).")
final class RegisterCommand implements Callable<Integer> {
    @Mixin(name = "home")
    HomeOption home;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--name", required = true, description = "Artifact name; the data becomes its next version")
    String name;

    @Parameters(index = "0", paramLabel = "<uri>", description = "A URI (file:, hdfs:, …) or a local path inside the artifact store")
    String location;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        URI uri = toUri(location);
        try (Cairn cairn = home.open()) {
            ArtifactVersion version = cairn.client().registerArtifact(uri, name, new StderrProgress(spec.commandLine().getErr()));
            out.printf("Registered %s as %s:%s (%s, %s)%n", version.uri(), version.name(), version.version(),
                    StderrProgress.bytes(version.size()), version.id());
        }
        return 0;
    }

    static URI toUri(String location) {
        if (location.indexOf(':') > 0 && !location.contains("://") && existsAsPath(location)) {
            return Path.of(location).toAbsolutePath().normalize().toUri(); // "12:30.csv" is a file here, not a URI
        }
        if (location.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*") && !location.matches("^[A-Za-z]:[\\\\/].*")) {
            return URI.create(location);
        }
        return Path.of(location).toAbsolutePath().normalize().toUri();
    }

    private static boolean existsAsPath(String location) {
        try {
            return java.nio.file.Files.exists(Path.of(location), java.nio.file.LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.InvalidPathException e) {
            return false;
        }
    }
}
