package dev.cairn.engine.metadata.postgres;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.cairn.api.Cairn;
import dev.cairn.api.lifecycle.PruneOptions;
import dev.cairn.api.lifecycle.PruneReport;

/**
 * A child process of {@link PostgresPruneRaceTest}: prunes the stack (metadata {@code args[0]}, artifact store
 * {@code args[1]}) again and again until the file {@code args[3]} exists, printing {@code pruned <id>} for every version
 * it deleted, then {@code prunes <count>}.
 */
public final class PruneLoopMain {
    private PruneLoopMain() {}

    public static void main(String[] args) throws Exception {
        Path stop = Path.of(args[3]);
        int prunes = 0;
        try (Cairn cairn = Cairn.builder().metadata(URI.create(args[0])).artifactStore(URI.create(args[1])).home(Path.of(args[2])).build()) {
            System.out.println("started");
            System.out.flush();
            while (!Files.exists(stop)) {
                PruneReport report = cairn.client().prune(PruneOptions.defaults());
                prunes++;
                for (PruneReport.PrunedVersion version : report.versions()) {
                    System.out.println("pruned " + version.id());
                }
                System.out.flush();
            }
        }
        System.out.println("prunes " + prunes);
    }
}
