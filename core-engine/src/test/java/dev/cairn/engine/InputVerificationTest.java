package dev.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.cairn.api.Cairn;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.pipeline.ArtifactName;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunOptions;
import dev.cairn.api.run.RunStatus;
import dev.cairn.api.run.StepStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 8 of issue #12: a step's inputs are checked against their content hash before the step uses them, so a
 * corrupted file neither reaches the step nor gets its wrong result cached; verification can be turned off per run.
 */
class InputVerificationTest {
    @TempDir
    Path home;

    private Cairn cairn;
    static final AtomicInteger EXECUTIONS = new AtomicInteger();

    @BeforeEach
    void open() {
        cairn = Cairn.open(home);
        EXECUTIONS.set(0);
    }

    @AfterEach
    void close() {
        cairn.close();
    }

    public static final class Steps {
        @Step
        @ArtifactName("numbers")
        public static List<Integer> numbers() {
            return List.of(1, 2, 3);
        }

        @Step
        public static int sum(List<Integer> numbers, int offset) {
            EXECUTIONS.incrementAndGet();
            return numbers.stream().mapToInt(Integer::intValue).sum() + offset;
        }
    }

    private ArtifactVersion saveNumbers() {
        return cairn.run(Pipeline.define("numbers", p -> p.call(Steps::numbers))).step("numbers").output("output");
    }

    private PipelineRun sum(int offset, RunOptions options) {
        return cairn.run(Pipeline.define("summing", p -> p.call(Steps::sum, p.<List<Integer>>artifact("numbers"), Param.of(offset))), options);
    }

    /** Rewrites data.json with bytes of the same length (so only the hash can tell) and a later modification time. */
    private static void corrupt(ArtifactVersion version) throws Exception {
        Path data = Path.of(version.uri()).resolve("data.json");
        String original = Files.readString(data);
        assertThat(original).contains("1");
        Files.writeString(data, original.replace('1', '9'));
        Files.setLastModifiedTime(data, FileTime.fromMillis(Files.getLastModifiedTime(data).toMillis() + 5_000));
    }

    @Test
    void aCorruptedInputFailsTheStepWithIntegrityViolationNamingTheArtifactAndIsNotCached() throws Exception {
        ArtifactVersion numbers = saveNumbers();
        corrupt(numbers);

        PipelineRun run = sum(0, RunOptions.DEFAULT);

        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        assertThat(run.step("sum").status()).isEqualTo(StepStatus.FAILED);
        assertThat(run.step("sum").error()).hasValueSatisfying(error -> assertThat(error)
                .contains("INTEGRITY_VIOLATION").contains("'numbers' version 1").contains("data.json").contains("is corrupted"));
        assertThat(EXECUTIONS.get()).as("the step never saw the corrupted value").isZero();

        // nothing was cached under the input's content hash: with the file restored, the step computes the right value
        Path data = Path.of(numbers.uri()).resolve("data.json");
        Files.writeString(data, Files.readString(data).replace('9', '1'));
        PipelineRun repaired = sum(0, RunOptions.DEFAULT);
        assertThat(repaired.step("sum").status()).isEqualTo(StepStatus.COMPLETED);
        assertThat((int) repaired.step("sum").output("output").load()).isEqualTo(6);
    }

    @Test
    void aFileChangedAfterThisEngineVerifiedItIsCheckedAgain() throws Exception {
        ArtifactVersion numbers = saveNumbers();
        assertThat((int) sum(0, RunOptions.DEFAULT).step("sum").output("output").load()).isEqualTo(6);
        corrupt(numbers);
        PipelineRun afterChange = sum(1, RunOptions.DEFAULT);
        assertThat(afterChange.step("sum").error()).hasValueSatisfying(error -> assertThat(error).contains("INTEGRITY_VIOLATION"));
        assertThat(EXECUTIONS.get()).isEqualTo(1);
    }

    @Test
    void anotherEngineVerifiesTheFirstTimeItUsesAVersion() throws Exception {
        ArtifactVersion numbers = saveNumbers();
        corrupt(numbers); // after the writing engine hashed it, before any other engine has seen it
        cairn.close();
        cairn = Cairn.open(home);
        assertThat(sum(0, RunOptions.DEFAULT).step("sum").error()).hasValueSatisfying(error -> assertThat(error).contains("INTEGRITY_VIOLATION"));
    }

    @Test
    void turningVerificationOffForARunLetsTheStoredBytesThrough() throws Exception {
        corrupt(saveNumbers());
        PipelineRun unverified = sum(0, RunOptions.DEFAULT.withVerifyInputs(false));
        assertThat(unverified.step("sum").status()).isEqualTo(StepStatus.COMPLETED);
        assertThat((int) unverified.step("sum").output("output").load()).isEqualTo(9 + 2 + 3);
        assertThat(RunOptions.DEFAULT.verifyInputs()).isTrue();
        assertThat(RunOptions.DEFAULT.withParallelism(2).verifyInputs()).isTrue();
    }

    @Test
    void anUpstreamOutputOfTheSameRunReachesItsConsumerWithVerificationOn() throws Exception {
        PipelineRun run = cairn.run(Pipeline.define("chain", p -> p.call(Steps::sum, p.call(Steps::numbers), Param.of(0))));
        assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat((int) run.step("sum").output("output").load()).isEqualTo(6);
    }

    /**
     * A check cut short by an interrupt (a run cancelled while its step's input is being hashed, a closing engine) says
     * nothing about the data: it must not be reported as {@code INTEGRITY_VIOLATION}, which tells the user (and
     * {@code cairn doctor}) that the artifact is damaged.
     */
    @Test
    void anInterruptedCheckIsNotReportedAsDamagedData() {
        ArtifactVersion numbers = saveNumbers();
        Thread.currentThread().interrupt();
        try {
            org.assertj.core.api.Assertions.assertThatThrownBy(numbers::verify)
                    .isInstanceOfSatisfying(dev.cairn.api.CairnException.class,
                            e -> assertThat(e.errorCode()).isEqualTo(dev.cairn.api.ErrorCode.STORE_FAILURE))
                    .hasMessageContaining("numbers")
                    .hasMessageContaining("was interrupted")
                    .hasMessageContaining("nothing is known to be wrong with it");
        } finally {
            Thread.interrupted();
        }
        numbers.verify();
        assertThat(sum(1, RunOptions.DEFAULT).status()).isEqualTo(RunStatus.COMPLETED);
    }
}
