package dev.cairn.materializers.ml;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import dev.cairn.api.Cairn;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunStatus;
import dev.cairn.api.run.StepStatus;

/**
 * Assertions that a refused save left nothing behind: no file in the materializer's directory, and through the
 * engine no artifact version, no staging draft and no file under the store's artifacts.
 */
public final class NothingHalfWritten {
    private NothingHalfWritten() {}

    /** The writer created no file and {@code directory} holds none. */
    public static void assertNothingWritten(TestingArtifactWriter writer, Path directory) {
        assertThat(writer.created()).as("files the refused save created").isEmpty();
        assertThat(regularFiles(directory)).as("files left in %s", directory).isEmpty();
    }

    /**
     * {@code run} failed at {@code step} with a message containing {@code problem}, and the embedded home at
     * {@code home} holds no version of the step's {@code output} artifact, no staging draft and no artifact file.
     */
    public static void assertRunLeftNothing(Cairn cairn, Path home, PipelineRun run, String step, String problem) {
        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        assertThat(run.step(step).status()).isEqualTo(StepStatus.FAILED);
        String artifact = run.pipelineName() + "::" + step + "::output";
        assertThat(run.step(step).error()).hasValueSatisfying(error -> assertThat(error).contains(artifact).contains(problem));
        assertThat(cairn.client().listArtifactVersions(artifact)).as("versions of %s", artifact).isEmpty();
        assertThat(regularFiles(home.resolve("store").resolve(".staging"))).as("drafts left in the store's staging area").isEmpty();
        assertThat(regularFiles(home.resolve("store").resolve("artifacts"))).as("files left under the store's artifacts").isEmpty();
    }

    private static List<Path> regularFiles(Path directory) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
