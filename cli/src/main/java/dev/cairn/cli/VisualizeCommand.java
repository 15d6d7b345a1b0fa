package dev.cairn.cli;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.ArtifactVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

@Command(name = "visualize", description = "Write a self-contained HTML page of an artifact version's metadata and visualizations and print its path.")
final class VisualizeCommand implements Callable<Integer> {
    /** System property naming the command that opens a file in a browser (tests and unusual desktops). */
    static final String OPEN_COMMAND_PROPERTY = "cairn.open.command";

    @Mixin(name = "home")
    HomeOption home;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<name>[:<version>]")
    String reference;

    @Option(names = {"--output", "-o"}, description = "Where to write the page (default: <home>/visualizations/<name>-<version>.html)")
    Path output;

    @Option(names = "--open", description = "Open the page in a browser (xdg-open, open) where one exists")
    boolean open;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path page;
        try (Cairn cairn = home.open()) {
            ArtifactVersion version = ArtifactCommand.find(cairn.client(), reference);
            page = output != null ? output.toAbsolutePath() : home.home().resolve("visualizations")
                    .resolve(pageFileName(version.name(), version.version()));
            Files.createDirectories(page.getParent());
            Files.write(page, HtmlPage.bytes(version));
        }
        out.println(page);
        if (open) {
            Optional<String> opener = opener();
            if (opener.isEmpty()) {
                err.println("No browser opener found (looked for xdg-open and open on PATH): open " + page + " yourself");
                return 0;
            }
            try {
                Process process = new ProcessBuilder(opener.get(), page.toString()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                process.getOutputStream().close();
            } catch (IOException e) {
                throw new CairnException(ErrorCode.CONFIGURATION, "Could not run " + opener.get() + " to open " + page + ": " + e + "; open the page yourself");
            }
        }
        return 0;
    }

    /**
     * The default page file of a version: {@code <name>@<version>.html} with every byte other than {@code A-Z a-z 0-9 . _ -}
     * written as {@code ~XX} (so {@code @} never occurs inside either part, and two versions never share a page);
     * a name too long for a file name is cut and followed by a hash of the whole.
     */
    static String pageFileName(String name, String version) {
        String base = dev.cairn.engine.artifacts.ArtifactNames.encodeForPath(name) + "@"
                + dev.cairn.engine.artifacts.ArtifactNames.encodeForPath(version);
        if (base.length() > 200) {
            try {
                byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                        .digest((name + "\u0000" + version).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                base = base.substring(0, 150) + "@" + java.util.HexFormat.of().formatHex(digest, 0, 12);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is missing from this JVM", e);
            }
        }
        return base + ".html";
    }

    static Optional<String> opener() {
        String configured = System.getProperty(OPEN_COMMAND_PROPERTY);
        if (configured != null) {
            return configured.isBlank() ? Optional.empty() : Optional.of(configured);
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String candidate : List.of("xdg-open", "open")) {
            for (String directory : path.split(File.pathSeparator)) {
                Path executable = Path.of(directory, candidate);
                if (Files.isExecutable(executable)) {
                    return Optional.of(executable.toString());
                }
            }
        }
        return Optional.empty();
    }
}
