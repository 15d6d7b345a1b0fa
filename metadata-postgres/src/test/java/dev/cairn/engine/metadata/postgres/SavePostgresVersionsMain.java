package dev.cairn.engine.metadata.postgres;

import java.net.URI;
import java.nio.file.Path;

import dev.cairn.api.Cairn;
import dev.cairn.api.artifact.ArtifactVersion;

/**
 * A child process of {@link PostgresVersionRaceTest}: an engine on the shared stack (metadata {@code args[0]}, artifact
 * store {@code args[1]}, its own home {@code args[2]}) saves {@code args[4]} values as new versions of {@code args[3]}
 * through the client (reserve, write, commit), printing {@code <version> <value>} for each.
 */
public final class SavePostgresVersionsMain {
    private SavePostgresVersionsMain() {}

    public static void main(String[] args) {
        String name = args[3];
        int count = Integer.parseInt(args[4]);
        StringBuilder out = new StringBuilder();
        try (Cairn cairn = Cairn.builder().metadata(URI.create(args[0])).artifactStore(URI.create(args[1])).home(Path.of(args[2])).build()) {
            for (int i = 0; i < count; i++) {
                String value = "process " + ProcessHandle.current().pid() + " save " + i;
                ArtifactVersion saved = cairn.client().save(value, name);
                out.append(saved.version()).append(' ').append(value).append('\n');
            }
        }
        System.out.print(out);
    }
}
