package dev.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.cairn.api.Cairn;
import dev.cairn.api.artifact.AliasMove;
import dev.cairn.api.artifact.ArtifactVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two processes sharing one home save versions of one name, and move one alias, at the same time. */
class ConcurrentSavesAndAliasesTest {
    /** The child: {@code args = home, mode (save|alias), count, who}; waits for the file {@code home/go} before starting. */
    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]);
        int count = Integer.parseInt(args[2]);
        try (Cairn cairn = Cairn.open(home)) {
            Files.createFile(home.resolve("ready-" + args[3]));
            while (!Files.exists(home.resolve("go"))) {
                Thread.sleep(5);
            }
            for (int i = 0; i < count; i++) {
                if (args[1].equals("save")) {
                    cairn.client().save(args[3] + "-" + i, "shared");
                } else {
                    cairn.client().setAlias("model", "champion", args[3]);
                }
            }
        }
    }

    private static void runChildren(Path home, String mode, int count, String... who) throws Exception {
        List<Process> children = new ArrayList<>();
        for (String child : who) {
            children.add(ChildJvm.start(ConcurrentSavesAndAliasesTest.class, home.resolve(mode + "-" + child + ".log"), home.toString(), mode,
                    Integer.toString(count), child));
        }
        for (String child : who) {
            ChildJvm.awaitMarker(children.get(0), home.resolve("ready-" + child), home.resolve(mode + "-" + child + ".log"), "opened the home");
        }
        Files.createFile(home.resolve("go"));
        for (int i = 0; i < who.length; i++) {
            Process child = children.get(i);
            assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).as(Files.readString(home.resolve(mode + "-" + who[i] + ".log"))).isZero();
        }
    }

    @Test
    void twoProcessesSavingOneNameGetVersionsOneToTwenty(@TempDir Path home) throws Exception {
        runChildren(home, "save", 10, "a", "b");

        try (Cairn cairn = Cairn.open(home)) {
            List<String> versions = cairn.client().listArtifactVersions("shared").stream().map(ArtifactVersion::version).toList();
            List<String> expected = new ArrayList<>();
            for (int i = 1; i <= 20; i++) {
                expected.add(Integer.toString(i));
            }
            assertThat(versions).containsExactlyInAnyOrderElementsOf(expected);
            List<String> values = new ArrayList<>();
            for (ArtifactVersion version : cairn.client().listArtifactVersions("shared")) {
                values.add(version.load(String.class));
            }
            assertThat(values).hasSize(20).doesNotHaveDuplicates();
        }
    }

    @Test
    void twoProcessesMovingOneAliasLeaveOneConsistentHistory(@TempDir Path home) throws Exception {
        try (Cairn cairn = Cairn.open(home)) {
            cairn.client().save("first", "model");
            cairn.client().save("second", "model");
        }

        runChildren(home, "alias", 25, "1", "2");

        try (Cairn cairn = Cairn.open(home)) {
            List<AliasMove> history = cairn.client().aliasHistory("model", "champion");
            assertThat(history).hasSize(50);
            for (int i = 1; i < history.size(); i++) {
                assertThat(history.get(i).previousArtifactId()).as("move %d follows move %d", i, i - 1).isEqualTo(history.get(i - 1).artifactId());
            }
            Optional<UUID> last = history.get(history.size() - 1).artifactId();
            assertThat(Optional.of(cairn.client().getArtifactVersion("model@champion").id())).isEqualTo(last);
        }
    }
}
