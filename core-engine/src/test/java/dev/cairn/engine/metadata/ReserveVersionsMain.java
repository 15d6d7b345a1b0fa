package dev.cairn.engine.metadata;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.sqlite.SQLiteJDBCLoader;

/**
 * A separate process for {@link ConcurrentReservationTest}: prints "waiting" and waits for a line on standard
 * input, then opens the store at {@code args[0]} (migrating it if it is new) and reserves {@code args[2]} versions
 * of artifact {@code args[1]}, printing each version on its own line. Exits with 1 and a stack trace on any failure.
 */
public final class ReserveVersionsMain {
    private ReserveVersionsMain() {}

    public static void main(String[] args) {
        try {
            Path file = Path.of(args[0]);
            String name = args[1];
            int count = Integer.parseInt(args[2]);
            // load the native library first, so that the processes reach the shared file at about the same time
            SQLiteJDBCLoader.initialize();
            System.out.println("waiting");
            System.out.flush();
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            StringBuilder versions = new StringBuilder();
            try (SqliteMetadataStore store = SqliteMetadataStore.open(file)) {
                for (int i = 0; i < count; i++) {
                    versions.append(store.reserveArtifactVersion(TestingMetadata.newVersion(name)).version()).append('\n');
                }
            }
            System.out.print(versions);
            System.out.flush();
            System.exit(0);
        } catch (Throwable e) {
            e.printStackTrace();
            System.exit(1);
        }
    }
}
