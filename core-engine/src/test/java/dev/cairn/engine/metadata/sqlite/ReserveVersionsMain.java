package dev.cairn.engine.metadata.sqlite;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A separate process for {@link ConcurrentReservationTest}, driven through standard input so that several
 * processes pass each phase together. Arguments: the shared database file, an artifact name, a count.
 *
 * <ol>
 *   <li>Opens a store on a private file next to the shared one, so that class loading is done, then prints
 *       "waiting" and waits for a line.
 *   <li>Opens the shared store (migrating it if it is new), prints "opened" and waits for a line.
 *   <li>Reserves {@code count} versions of the name and prints each version on its own line.
 * </ol>
 * Exits with 1 and a stack trace on stderr on any failure.
 */
public final class ReserveVersionsMain {
    private ReserveVersionsMain() {}

    public static void main(String[] args) {
        try {
            Path file = Path.of(args[0]);
            String name = args[1];
            int count = Integer.parseInt(args[2]);
            BufferedReader input = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            SqliteMetadataStore.open(file.resolveSibling("warm-up-" + ProcessHandle.current().pid() + ".db")).close();
            System.out.println("waiting");
            System.out.flush();
            input.readLine();
            StringBuilder versions = new StringBuilder();
            try (SqliteMetadataStore store = SqliteMetadataStore.open(file)) {
                System.out.println("opened");
                System.out.flush();
                input.readLine();
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
