package dev.cairn.engine.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.StepContext;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.artifact.LoadedPath;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who owns the local copies of registered data, and when they go away. */
class RegisteredDataLifetimeTest {
    @TempDir
    Path home;

    private Cairn cairn;

    static final List<Path> SEEN = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        if (cairn != null) {
            cairn.close();
        }
        SEEN.clear();
    }

    public static final class Steps {
        @Step
        public static long countFiles(Path folder) throws IOException {
            SEEN.add(folder);
            try (Stream<Path> files = Files.walk(folder)) {
                return files.filter(Files::isRegularFile).count();
            }
        }

        @Step
        public static long loadThroughTheClient() throws IOException {
            Path folder = StepContext.current().client().getArtifactVersion("model").load(Path.class);
            SEEN.add(folder);
            return Files.size(folder.resolve("weights.bin"));
        }
    }

    private ArtifactVersion registerModel() throws IOException {
        Path folder = Files.createDirectories(home.resolve("store/data/model/sub"));
        Files.write(folder.getParent().resolve("weights.bin"), new byte[4096]);
        Files.writeString(folder.resolve("config.json"), "{}");
        return cairn.client().registerArtifact(folder.getParent().toUri(), "model");
    }

    private Path tempRoot() {
        return home.resolve("tmp");
    }

    @Test
    void aStepsInputCopyIsGoneWhenTheStepEnds() throws IOException {
        cairn = Cairn.open(home);
        registerModel();
        PipelineRun run = cairn.run(Pipeline.define("count", p -> {
            p.call(Steps::countFiles, p.artifact("model"));
            p.call(Steps::loadThroughTheClient);
        }));

        assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(run.step("countFiles").output("output").<Long>load()).isEqualTo(2L);
        assertThat(SEEN).hasSize(2).allSatisfy(path -> {
            assertThat(path.startsWith(tempRoot())).as("under the temp root: %s", path).isTrue();
            assertThat(path).doesNotExist();
        });
        assertThat(foldersUnder(tempRoot())).as("only the engine's own (empty) folder").isEmpty();
    }

    @Test
    void aLoadOutsideAStepLivesUntilTheEngineClosesAndALoadedPathUntilItIsClosed() throws IOException {
        cairn = Cairn.open(home);
        ArtifactVersion model = registerModel();

        Path kept = cairn.client().getArtifactVersion("model").load(Path.class);
        Path released;
        try (LoadedPath handle = model.loadPath()) {
            released = handle.path();
            assertThat(released.resolve("sub/config.json")).hasContent("{}");
        }

        assertThat(released).doesNotExist();
        assertThat(kept.resolve("weights.bin")).exists();
        cairn.close();
        assertThat(kept).doesNotExist();
        try (Stream<Path> left = Files.list(tempRoot())) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void aLocalFolderIsHardLinkedNotCopied() throws IOException {
        cairn = Cairn.open(home);
        ArtifactVersion model = registerModel();
        Path source = home.resolve("store/data/model/weights.bin");

        try (LoadedPath handle = model.loadPath()) {
            Path loaded = handle.path().resolve("weights.bin");
            assertThat(Files.getAttribute(loaded, "unix:ino")).isEqualTo(Files.getAttribute(source, "unix:ino"));
            // deleting the view's entry leaves the registered data alone
            Files.delete(loaded);
        }
        assertThat(source).hasSize(4096);
        model.verify();
    }

    @Test
    void aConfiguredTempRootHoldsEveryViewAndNothingGoesToTheJvmTempDirectory(@TempDir Path otherRoot, @TempDir Path firstHome) throws IOException {
        Cairn.builder().home(firstHome).tempRoot(otherRoot).build().close(); // what the JVM extracts once (SQLite's native library)
        Path jvmTemp = Path.of(System.getProperty("java.io.tmpdir"));
        java.util.Set<Path> jvmTempBefore;
        try (Stream<Path> entries = Files.list(jvmTemp)) {
            jvmTempBefore = entries.collect(java.util.stream.Collectors.toSet());
        }
        cairn = Cairn.builder().home(home).tempRoot(otherRoot).build();
        ArtifactVersion model = registerModel();
        PipelineRun run = cairn.run(Pipeline.define("count", p -> p.call(Steps::countFiles, p.artifact("model"))));
        Path outside = model.load(Path.class);

        assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(SEEN).singleElement().satisfies(path -> assertThat(path.startsWith(otherRoot)).as("step view %s", path).isTrue());
        assertThat(outside.startsWith(otherRoot)).as("view outside a step %s", outside).isTrue();
        assertThat(tempRoot()).doesNotExist();
        try (Stream<Path> entries = Files.list(jvmTemp)) {
            assertThat(entries.collect(java.util.stream.Collectors.toSet())).as("entries of java.io.tmpdir").isEqualTo(jvmTempBefore);
        }
        cairn.close();
        try (Stream<Path> left = Files.list(otherRoot)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void onAnotherFilesystemTheDataIsCopied() throws IOException {
        Path shm = Path.of("/dev/shm");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(shm) && Files.isWritable(shm), "needs a writable /dev/shm (tmpfs)");
        Files.createDirectories(home);
        FileStore homeStore = Files.getFileStore(home);
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.getFileStore(shm).equals(homeStore), "/dev/shm is on the home's filesystem here");
        Path otherRoot = Files.createTempDirectory(shm, "cairn-test-tmp");
        try {
            cairn = Cairn.builder().home(home).tempRoot(otherRoot).build();
            ArtifactVersion model = registerModel();
            try (LoadedPath handle = model.loadPath()) {
                Path loaded = handle.path().resolve("weights.bin");
                assertThat(loaded.startsWith(otherRoot)).isTrue();
                assertThat(Files.getAttribute(loaded, "unix:ino")).isNotEqualTo(Files.getAttribute(home.resolve("store/data/model/weights.bin"), "unix:ino"));
                assertThat(loaded).hasSize(4096);
            }
            cairn.close();
            try (Stream<Path> left = Files.list(otherRoot)) {
                assertThat(left).isEmpty();
            }
        } finally {
            try (Stream<Path> left = Files.walk(otherRoot)) {
                left.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    @Test
    void dataChangedInPlaceAfterRegistrationIsRefusedWithoutLinkingIt() throws IOException {
        cairn = Cairn.open(home);
        ArtifactVersion model = registerModel();
        Files.write(home.resolve("store/data/model/weights.bin"), new byte[10]);

        assertThatThrownBy(model::loadPath).isInstanceOf(CairnException.class)
                .hasMessageContaining("weights.bin").hasMessageContaining("has changed")
                .extracting(e -> ((CairnException) e).errorCode()).isEqualTo(ErrorCode.INTEGRITY_VIOLATION);
        assertThat(foldersUnder(tempRoot())).isEmpty();
    }

    @Test
    void loadPathOfAMaterializedArtifactIsATypeMismatch() {
        cairn = Cairn.open(home);
        ArtifactVersion saved = cairn.client().save("text", dev.cairn.api.artifact.SaveOptions.named("notes"));
        assertThatThrownBy(saved::loadPath).isInstanceOf(CairnException.class).hasMessageContaining("not registered data")
                .extracting(e -> ((CairnException) e).errorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH);
    }

    /** The folders inside the engines' own folders under {@code root} (each engine's own folder is not counted). */
    private static List<Path> foldersUnder(Path root) throws IOException {
        try (Stream<Path> engines = Files.list(root)) {
            List<Path> result = new java.util.ArrayList<>();
            for (Path engine : engines.filter(Files::isDirectory).toList()) {
                try (Stream<Path> inside = Files.list(engine)) {
                    result.addAll(inside.toList());
                }
            }
            return result;
        }
    }
}
