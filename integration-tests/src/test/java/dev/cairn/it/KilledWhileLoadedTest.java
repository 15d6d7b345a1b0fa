package dev.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.cairn.api.Cairn;
import dev.cairn.api.artifact.LoadedPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process killed (SIGKILL) while it holds a loaded registered folder leaves its local view behind; the next engine
 * opened on the home sweeps it, but never the view of a process that is still alive.
 */
class KilledWhileLoadedTest {
    /** The child: loads the registered folder twice (engine-owned and handle-owned), says where, and waits to be killed. */
    public static void main(String[] args) throws Exception {
        Cairn cairn = Cairn.open(Path.of(args[0]));
        Path kept = cairn.client().getArtifactVersion("checkpoint").load(Path.class);
        LoadedPath held = cairn.client().getArtifactVersion("checkpoint").loadPath();
        Files.writeString(Path.of(args[1] + ".tmp"), kept + "\n" + held.path() + "\n");
        Files.move(Path.of(args[1] + ".tmp"), Path.of(args[1]));
        Thread.sleep(120_000);
    }

    @Test
    void theViewOfAKilledProcessIsSweptAtTheNextOpen(@TempDir Path home) throws Exception {
        try (Cairn cairn = Cairn.open(home)) {
            Path folder = Files.createDirectories(Path.of(cairn.storeRoot()).resolve("data/checkpoint"));
            Files.write(folder.resolve("weights.bin"), new byte[1 << 20]);
            Files.writeString(folder.resolve("config.json"), "{}");
            cairn.client().registerArtifact(folder.toUri(), "checkpoint");
        }
        Path marker = home.resolve("loaded");
        Path log = home.resolve("child.log");
        Process child = ChildJvm.start(KilledWhileLoadedTest.class, log, home.toString(), marker.toString());
        Path kept;
        Path held;
        try {
            ChildJvm.awaitMarker(child, marker, log, "loaded the registered folder");
            String[] lines = Files.readString(marker).split("\n");
            kept = Path.of(lines[0]);
            held = Path.of(lines[1]);
            assertThat(kept.resolve("weights.bin")).hasSize(1 << 20);
            assertThat(held.resolve("config.json")).exists();

            try (Cairn whileAlive = Cairn.open(home)) {
                assertThat(kept).as("a living process's view is not swept").isDirectory();
                assertThat(held).isDirectory();
            }
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no close
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(kept).as("left behind by the killed process").isDirectory();

        try (Cairn reopened = Cairn.open(home)) {
            assertThat(kept).as("swept at open").doesNotExist();
            assertThat(held).doesNotExist();
            try (Stream<Path> entries = Files.list(home.resolve("tmp"))) {
                assertThat(entries.map(path -> path.getFileName().toString()))
                        .as("only the open engine's own lock file and folder").hasSize(2);
            }
            reopened.client().getArtifactVersion("checkpoint").verify(); // the registered data itself is untouched
        }
    }
}
