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

/** Two processes sharing one home save versions of one name, move one alias, and move one exclusive tag, at the same time. */
class ConcurrentSavesAndAliasesTest {
    /**
     * The child: {@code args = home, mode (save|alias|tag), count, who}; waits for the file {@code home/go} before starting.
     * {@code tag} moves the exclusive tag {@code production} of {@code model} alternately to versions {@code who} and
     * {@code who + 1}, starting and (for an odd count) ending with {@code who}.
     */
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
                } else if (args[1].equals("tag")) {
                    cairn.client().tagVersionExclusively("model", Integer.toString(Integer.parseInt(args[3]) + i % 2), "production");
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

    @Test
    void twoProcessesMovingOneExclusiveTagNeverLeaveItOnTwoVersionsOrOnNone(@TempDir Path home) throws Exception {
        try (Cairn cairn = Cairn.open(home)) {
            for (int i = 1; i <= 4; i++) {
                cairn.client().save("model " + i, "model");
            }
            cairn.client().tagVersionExclusively("model", "4", "production");
        }
        // a reader in this process watches the tag while the two children move it (child "1" between versions 1 and 2,
        // child "3" between 3 and 4): each move is one transaction, so every read finds exactly one version carrying it
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        java.util.Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Thread reader = new Thread(() -> {
            try (Cairn cairn = Cairn.open(home)) {
                do {
                    List<String> carrying = cairn.client().listArtifactVersionsWithTag("production").stream().map(ArtifactVersion::version).toList();
                    reads.incrementAndGet();
                    seen.addAll(carrying);
                    if (carrying.size() != 1) {
                        violations.add("read " + reads.get() + ": production on " + carrying);
                    }
                } while (!done.get());
            } catch (RuntimeException e) {
                violations.add("reader failed: " + e);
            }
        }, "tag-reader");
        reader.start();
        try {
            runChildren(home, "tag", 25, "1", "3");
        } finally {
            done.set(true);
            reader.join(TimeUnit.SECONDS.toMillis(60));
        }

        assertThat(violations).isEmpty();
        assertThat(reads.get()).isPositive();
        try (Cairn cairn = Cairn.open(home)) {
            List<String> carrying = cairn.client().listArtifactVersionsWithTag("production").stream().map(ArtifactVersion::version).toList();
            assertThat(carrying).as("the last move of one of the children wins").hasSize(1).first().isIn("1", "3");
            for (int i = 1; i <= 4; i++) {
                boolean tagged = cairn.client().getArtifactVersion("model", Integer.toString(i)).tags().contains("production");
                assertThat(tagged).as("version %d carries production", i).isEqualTo(carrying.get(0).equals(Integer.toString(i)));
            }
        }
    }
}
