package dev.cairn.engine.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.cairn.api.Cairn;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunStatus;
import dev.cairn.api.run.StepStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #12, scenario 13: a tampered {@code .npy} header claiming a huge shape is refused against the heap before
 * anything is allocated, and an {@link Error} while a step's inputs load (a real OutOfMemoryError in a JVM with a
 * small heap) ends the step and the run as FAILED with a clear message instead of leaving the run RUNNING.
 */
class HugeInputTest {
    @TempDir
    Path home;

    public static final class Steps {
        @Step
        public static double[][] matrix() {
            return new double[][] {{1, 2, 3}, {4, 5, 6}};
        }

        @Step
        public static int rows(double[][] matrix) {
            return matrix.length;
        }

        @Step
        public static List<String> big() {
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                parts.add(String.valueOf((char) ('a' + i)).repeat(4 << 20));
            }
            return parts;
        }

        @Step
        public static int count(List<String> parts) {
            return parts.size();
        }

        @Step
        public static int recurse() {
            return depth(0);
        }

        private static int depth(int level) {
            return depth(level + 1) + 1;
        }

        @Step
        public static long[] tooLarge() {
            return new long[Integer.MAX_VALUE]; // a real OutOfMemoryError ("Requested array size exceeds VM limit"), nothing allocated
        }

        @Step
        public static int after(int value) {
            return value;
        }

        @Step
        public static int afterArray(long[] values) {
            return values.length;
        }
    }

    @Test
    void aTamperedNpyHeaderClaimingBillionsOfRowsFailsTheStepBeforeAllocating() throws IOException {
        try (Cairn cairn = Cairn.open(home)) {
            cairn.run(Pipeline.define("produce", p -> p.call(Steps::matrix)));
        }
        Path npy;
        try (Stream<Path> files = Files.walk(home.resolve("store/artifacts"))) {
            npy = files.filter(path -> path.getFileName().toString().equals("data.npy")).findFirst().orElseThrow();
        }
        claimShape(npy, "(2000000000, 0)");

        try (Cairn cairn = Cairn.open(home)) {
            // input verification (on by default) sees the changed bytes first
            PipelineRun verified = cairn.run(Pipeline.define("consume", p -> p.call(Steps::rows, p.artifact("produce::matrix::output"))));
            assertThat(verified.step("rows").error()).hasValueSatisfying(error -> assertThat(error).contains("[INTEGRITY_VIOLATION]"));
            // without it, the materializer's own check still refuses the header before allocating
            PipelineRun run = cairn.run(Pipeline.define("consume", p -> p.call(Steps::rows, p.artifact("produce::matrix::output"))),
                    dev.cairn.api.run.RunOptions.DEFAULT.withVerifyInputs(false));
            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            assertThat(run.step("rows").status()).isEqualTo(StepStatus.FAILED);
            assertThat(run.step("rows").error()).hasValueSatisfying(error -> assertThat(error).contains("[MATERIALIZER_FAILED]")
                    .contains("(2000000000, 0)").contains("bytes of Java heap").contains("-Xmx"));
        }
    }

    /** Rewrites the shape in a version 1.0 header, keeping the header's length (it is padded with spaces). */
    private static void claimShape(Path npy, String shape) throws IOException {
        byte[] bytes = Files.readAllBytes(npy);
        int headerLength = ByteBuffer.wrap(bytes, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xffff;
        String header = new String(bytes, 10, headerLength, StandardCharsets.ISO_8859_1);
        String tampered = header.replaceFirst("'shape': \\([^)]*\\)", "'shape': " + shape).strip();
        tampered = tampered + " ".repeat(headerLength - 1 - tampered.length()) + "\n";
        assertThat(tampered).hasSize(headerLength);
        System.arraycopy(tampered.getBytes(StandardCharsets.ISO_8859_1), 0, bytes, 10, headerLength);
        Files.write(npy, bytes);
    }

    /** Runs {@code count(p.artifact("big"))} in this JVM's process: the child of the test below. */
    public static void main(String[] args) {
        try (Cairn cairn = Cairn.open(Path.of(args[0]))) {
            PipelineRun run = cairn.run(Pipeline.define("consume", p -> p.call(Steps::count, p.artifact("produce::big::output"))));
            System.out.println("run ended " + run.status());
        } catch (Throwable e) {
            System.out.println("run threw " + e);
        }
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void anOutOfMemoryErrorLoadingAnInputEndsTheStepAndTheRunAsFailed() throws Exception {
        try (Cairn cairn = Cairn.open(home)) {
            assertThat(cairn.run(Pipeline.define("produce", p -> p.call(Steps::big))).status()).isEqualTo(RunStatus.COMPLETED);
        }
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        Path log = home.resolve("child.log");
        Process child = new ProcessBuilder(java, "-Xmx48m", "-cp", System.getProperty("java.class.path"), HugeInputTest.class.getName(), home.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(child.waitFor(240, TimeUnit.SECONDS)).as("child finished").isTrue();
        String output = Files.readString(log);
        assertThat(output).contains("run ended FAILED");

        try (Cairn cairn = Cairn.open(home)) {
            PipelineRun run = cairn.client().listRuns("consume").get(0);
            assertThat(run.status()).as(output).isEqualTo(RunStatus.FAILED);
            assertThat(run.step("count").status()).isEqualTo(StepStatus.FAILED);
            assertThat(run.step("count").error()).hasValueSatisfying(error -> assertThat(error).contains("OutOfMemoryError")
                    .contains("ran out of memory").contains("-Xmx"));
        }
    }

    @Test
    void anErrorThrownByTheStepsOwnCodeEndsTheStepAndTheRunAsFailedWithAClearMessage() {
        try (Cairn cairn = Cairn.open(home)) {
            PipelineRun overflow = cairn.run(Pipeline.define("overflow", p -> p.call(Steps::after, p.call(Steps::recurse))));
            PipelineRun outOfMemory = cairn.run(Pipeline.define("memory", p -> p.call(Steps::afterArray, p.call(Steps::tooLarge))));

            assertThat(overflow.status()).isEqualTo(RunStatus.FAILED);
            assertThat(overflow.step("recurse").status()).isEqualTo(StepStatus.FAILED);
            assertThat(overflow.step("after").status()).isEqualTo(StepStatus.SKIPPED);
            assertThat(overflow.step("recurse").error()).hasValueSatisfying(error -> assertThat(error).contains("step 'recurse'")
                    .contains("java.lang.StackOverflowError").contains("recursion").contains("-Xss"));
            assertThat(outOfMemory.status()).isEqualTo(RunStatus.FAILED);
            assertThat(outOfMemory.step("tooLarge").status()).isEqualTo(StepStatus.FAILED);
            assertThat(outOfMemory.step("afterArray").status()).isEqualTo(StepStatus.SKIPPED);
            assertThat(outOfMemory.step("tooLarge").error()).hasValueSatisfying(error -> assertThat(error).contains("step 'tooLarge'")
                    .contains("java.lang.OutOfMemoryError").contains("ran out of memory").contains("-Xmx"));
            assertThat(outOfMemory.step("tooLarge").failure()).hasValueSatisfying(failure ->
                    assertThat(failure.exceptionClass()).isEqualTo("java.lang.OutOfMemoryError"));

            // as recorded: no run left RUNNING, and the engine goes on working
            assertThat(cairn.client().getPipelineRun(overflow.id()).status()).isEqualTo(RunStatus.FAILED);
            assertThat(cairn.client().getPipelineRun(outOfMemory.id()).status()).isEqualTo(RunStatus.FAILED);
            assertThat(cairn.client().getPipelineRun(outOfMemory.id()).step("tooLarge").status()).isEqualTo(StepStatus.FAILED);
            assertThat(cairn.run(Pipeline.define("produce", p -> p.call(Steps::matrix))).status()).isEqualTo(RunStatus.COMPLETED);
        }
    }
}
