package dev.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.RunStatus;
import dev.cairn.api.spi.MetricsReporter;
import dev.cairn.stores.local.LocalArtifactStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local store's durable mode is reached through the engine's store properties for the {@code file} scheme, and
 * then forces every file of every output, and its directories, to the disk before the output is committed (issue #12).
 */
class DurableStoreConfigurationTest {
    @TempDir
    Path home;

    public static final class Steps {
        @Step
        public static int one() {
            return 1;
        }

        @Step
        public static String text(int value) {
            return "value " + value;
        }
    }

    @Test
    void durableModeIsASettingOfTheFileStoreAndABadValueIsRefused() {
        try (Cairn cairn = Cairn.builder().home(home).storeProperty("file", "cairn.durable", "true").build()) {
            assertThat(cairn.run(Pipeline.define("p", p -> p.call(Steps::one))).status()).isEqualTo(RunStatus.COMPLETED);
            assertThat((Integer) cairn.client().getArtifactVersion("p::one::output").load()).isEqualTo(1);
        }
        assertThatThrownBy(() -> {
            try (Cairn cairn = Cairn.builder().home(home).storeProperty("file", "cairn.durable", "maybe").build()) {
                cairn.run(Pipeline.define("p", p -> p.call(Steps::one)));
            }
        }).satisfies(e -> { // the engine still wraps a provider's failure in Guice's CreationException (issue #12, scenario 16)
            Throwable cause = e;
            while (!(cause instanceof CairnException) && cause.getCause() != null) {
                cause = cause.getCause();
            }
            assertThat(cause).isInstanceOfSatisfying(CairnException.class, cairn -> {
                assertThat(cairn.errorCode()).isEqualTo(ErrorCode.CONFIGURATION);
                assertThat(cairn.getMessage()).contains("cairn.durable").contains("write true or false");
            });
        });
    }

    /** The store's reports, each with the number of artifact directories committed in the store at that moment. */
    private static final class RecordingMetrics implements MetricsReporter {
        record Event(String name, long committed) {}

        private final Path artifacts;
        final List<Event> events = new ArrayList<>();

        RecordingMetrics(Path home) {
            this.artifacts = home.resolve("store/artifacts");
        }

        @Override
        public synchronized void count(String name, long amount) {
            if (name.startsWith("cairn.store.local.")) {
                for (long i = 0; i < amount; i++) {
                    events.add(new Event(name, committedDirectories()));
                }
            }
        }

        @Override
        public void time(String name, Duration duration) {}

        private long committedDirectories() {
            if (!Files.isDirectory(artifacts)) {
                return 0;
            }
            try (Stream<Path> versions = Files.walk(artifacts, 2)) {
                return versions.filter(path -> path.getNameCount() == artifacts.getNameCount() + 2).count();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        List<Event> named(String name) {
            return events.stream().filter(event -> event.name().equals(name)).toList();
        }
    }

    private static long committedFiles(Path home) throws IOException {
        try (Stream<Path> files = Files.walk(home.resolve("store/artifacts"))) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void inDurableModeEveryFileAndDirectoryOfEachOutputIsForcedBeforeItIsCommittedAndNoneByDefault() throws IOException {
        Path durableHome = home.resolve("durable");
        RecordingMetrics durable = new RecordingMetrics(durableHome);
        try (Cairn cairn = Cairn.builder().home(durableHome).metrics(durable).storeProperty("file", "cairn.durable", "true").build()) {
            assertThat(cairn.run(Pipeline.define("p", p -> p.call(Steps::text, p.call(Steps::one)))).status()).isEqualTo(RunStatus.COMPLETED);
        }
        assertThat(durable.named("cairn.store.local.commits")).hasSize(2);
        assertThat(durable.named(LocalArtifactStore.FILE_FSYNCS)).as("every file of both outputs (data and manifest)")
                .hasSize((int) committedFiles(durableHome));
        long commitsSoFar = 0;
        int forcedFiles = 0;
        int forcedDirectories = 0;
        for (RecordingMetrics.Event event : durable.events) {
            if (event.name().equals("cairn.store.local.commits")) {
                assertThat(forcedFiles).as("files forced before commit " + (commitsSoFar + 1)).isPositive();
                assertThat(forcedDirectories).as("draft directory before, parents after the rename").isGreaterThanOrEqualTo(3);
                commitsSoFar++;
                forcedFiles = 0;
                forcedDirectories = 0;
            } else if (event.name().equals(LocalArtifactStore.FILE_FSYNCS)) {
                assertThat(event.committed()).as("a file is forced while its artifact is still a draft").isEqualTo(commitsSoFar);
                forcedFiles++;
            } else if (event.name().equals(LocalArtifactStore.DIRECTORY_FSYNCS)) {
                forcedDirectories++;
            }
        }

        Path defaultHome = home.resolve("default");
        RecordingMetrics byDefault = new RecordingMetrics(defaultHome);
        try (Cairn cairn = Cairn.builder().home(defaultHome).metrics(byDefault).build()) {
            assertThat(cairn.run(Pipeline.define("p", p -> p.call(Steps::text, p.call(Steps::one)))).status()).isEqualTo(RunStatus.COMPLETED);
        }
        assertThat(byDefault.events).extracting(RecordingMetrics.Event::name).containsExactly("cairn.store.local.commits", "cairn.store.local.commits");
    }
}
