package dev.cairn.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

import picocli.CommandLine.IVersionProvider;

/**
 * The version {@code cairn --version} prints: the project version the build wrote into {@code cairn-version.properties}
 * (a filtered resource), or else the {@code Implementation-Version} of the jar's manifest.
 */
final class CairnVersion implements IVersionProvider {
    static final String RESOURCE = "/dev/cairn/cli/cairn-version.properties";

    @Override
    public String[] getVersion() {
        return new String[] {"cairn " + version(), "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
    }

    /** The project version, or {@code unknown} when neither the resource nor the manifest has it. */
    static String version() {
        try (InputStream in = CairnVersion.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                Properties properties = new Properties();
                properties.load(in);
                String version = properties.getProperty("version", "");
                if (!version.isBlank() && !version.startsWith("${")) {
                    return version;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + RESOURCE + " from the cairn-cli jar", e);
        }
        String manifest = CairnVersion.class.getPackage().getImplementationVersion();
        return manifest != null ? manifest : "unknown";
    }
}
