package dev.cairn.materializers.ml;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

import org.apiguardian.api.API;

/** The version of the Cairn ML materializers (all jars of {@code materializers-ml} share it), as built. */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class LibraryVersion {
    /** E.g. {@code 0.1.0-SNAPSHOT}. */
    public static final String VERSION = load();

    private LibraryVersion() {}

    private static String load() {
        try (InputStream in = LibraryVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                throw new IllegalStateException("version.properties is missing from the cairn-materializers-ml-core jar");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
