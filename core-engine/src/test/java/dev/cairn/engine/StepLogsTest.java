package dev.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.cairn.api.Cairn;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunStatus;
import dev.cairn.api.run.StepRun;
import dev.cairn.api.run.StepStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Step logs end to end: a real SQLite home, the local store, and the JVM's real System.out and System.err. */
class StepLogsTest {
    @TempDir
    Path home;

    private PrintStream savedOut;
    private PrintStream savedErr;
    private ByteArrayOutputStream hostOut;
    private ByteArrayOutputStream hostErr;
    private PrintStream hostOutStream;
    private PrintStream hostErrStream;

    @BeforeEach
    void hostStreams() {
        savedOut = System.out;
        savedErr = System.err;
        hostOut = new ByteArrayOutputStream();
        hostErr = new ByteArrayOutputStream();
        // a host that set its own streams before opening Cairn: they must still get everything
        hostOutStream = new PrintStream(hostOut, true, StandardCharsets.UTF_8);
        System.setOut(hostOutStream);
        hostErrStream = new PrintStream(hostErr, true, StandardCharsets.UTF_8);
        System.setErr(hostErrStream);
    }

    @AfterEach
    void restoreStreams() {
        System.setOut(savedOut);
        System.setErr(savedErr);
    }

    public static final class Steps {
        static volatile CountDownLatch together;

        @Step
        public static int chatty() {
            System.out.println("hello from stdout <script>alert(1)</script>");
            System.err.println("warning on stderr: é ✓");
            LoggerFactory.getLogger(StepLogsTest.class).warn("hello from slf4j");
            return 1;
        }

        @Step
        public static int interleaved(int id) throws InterruptedException {
            together.countDown();
            if (!together.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("steps did not run in parallel");
            }
            for (int i = 0; i < 200; i++) {
                System.out.println("line " + i + " of step " + id);
                if (i % 20 == 0) {
                    Thread.yield();
                }
            }
            return id;
        }

        @Step
        public static int failing() {
            System.out.println("about to fail: the input looks wrong");
            throw new IllegalStateException("boom");
        }

        @Step
        public static int verbose() {
            System.out.print("HEAD-START ");
            for (int i = 0; i < 2000; i++) {
                System.out.print("middle-" + i + " ");
            }
            System.out.print("TAIL-END");
            return 2;
        }

        static volatile CountDownLatch sleeping;

        @Step
        public static int sleeper() throws InterruptedException {
            System.out.println("going to sleep");
            sleeping.countDown();
            Thread.sleep(60_000);
            return 4;
        }

        @Step
        public static int quiet() {
            return 3;
        }
    }

    @Test
    void stdoutStderrAndSlf4jGoToTheStepLogAndStillReachTheHostStreams() throws Exception {
        PipelineRun run;
        URI logUri;
        try (Cairn cairn = Cairn.builder().home(home).build()) {
            assertThat(System.out).as("the routing stream is installed").isNotSameAs(savedOut);
            run = cairn.run(Pipeline.define("logs", p -> {
                p.call(Steps::chatty);
                p.call(Steps::quiet);
            }));
            assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
            StepRun chatty = run.step("chatty");
            assertThat(chatty.logs()).hasValueSatisfying(log -> assertThat(log)
                    .contains("hello from stdout <script>alert(1)</script>\n")
                    .contains("warning on stderr: é ✓\n")
                    .contains("hello from slf4j"));
            logUri = chatty.logUri().orElseThrow();
            assertThat(logUri.toString()).startsWith(home.resolve("store").toRealPath().toUri() + ".cairn-logs/" + run.id() + "/" + chatty.id() + "/")
                    .endsWith("/chatty.log");
            assertThat(chatty.logSize()).contains(Files.size(Path.of(logUri)));
            assertThat(run.step("quiet").logUri()).as("a step that printed nothing has no log").isEmpty();
        }
        assertThat(hostOut.toString(StandardCharsets.UTF_8)).contains("hello from stdout");
        assertThat(hostErr.toString(StandardCharsets.UTF_8)).contains("warning on stderr: é ✓").contains("hello from slf4j");
        assertThat(System.out).as("closing the last engine restores the host's streams").isSameAs(hostOutStream);

        try (Cairn reopened = Cairn.builder().home(home).build()) {
            StepRun reread = reopened.client().getPipelineRun(run.id()).step("chatty");
            assertThat(reread.logUri()).contains(logUri);
            assertThat(reread.logs()).hasValueSatisfying(log -> assertThat(log).contains("hello from slf4j"));
        }
    }

    @Test
    void closingTheLastEnginePutsBackTheStreamsThatWereThere() {
        PrintStream host = System.out;
        Cairn first = Cairn.builder().home(home).build();
        Cairn second = Cairn.builder().home(home).build();
        PrintStream routing = System.out;
        assertThat(routing).isNotSameAs(host);
        second.close();
        assertThat(System.out).as("one engine is still open").isSameAs(routing);
        first.close();
        assertThat(System.out).isSameAs(host);
    }

    @Test
    void aHostThatReplacesSystemOutWhileAnEngineIsOpenKeepsItsStream() {
        Cairn cairn = Cairn.builder().home(home).build();
        PrintStream later = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        System.setOut(later);
        cairn.close();
        assertThat(System.out).as("not replaced by the stream that was there before").isSameAs(later);
        assertThat(System.err).as("still the engine's: put back").isSameAs(hostErrStream);
    }

    @Test
    void stepsRunningInParallelGetOnlyTheirOwnLines() {
        Steps.together = new CountDownLatch(2);
        try (Cairn cairn = Cairn.builder().home(home).parallelism(2).build()) {
            PipelineRun run = cairn.run(Pipeline.define("parallel-logs", p -> {
                p.call(Steps::interleaved, Param.of(1));
                p.call(Steps::interleaved, Param.of(2));
            }));
            assertThat(run.status()).as(run.error().orElse("")).isEqualTo(RunStatus.COMPLETED);
            for (StepRun step : run.steps()) {
                int id = ((Number) step.parameters().get("id")).intValue();
                int other = 3 - id;
                String log = step.logs().orElseThrow();
                assertThat(log.lines()).hasSize(200).allSatisfy(line -> assertThat(line).endsWith(" of step " + id));
                assertThat(log).doesNotContain("of step " + other);
            }
        }
        assertThat(hostOut.toString(StandardCharsets.UTF_8)).contains("line 199 of step 1").contains("line 199 of step 2");
    }

    @Test
    void aFailedStepKeepsItsLog() {
        try (Cairn cairn = Cairn.builder().home(home).build()) {
            PipelineRun run = cairn.run(Pipeline.define("failing-logs", p -> p.call(Steps::failing)));
            StepRun failed = run.step("failing");
            assertThat(failed.status()).isEqualTo(StepStatus.FAILED);
            assertThat(failed.logs()).hasValueSatisfying(log -> assertThat(log).isEqualTo("about to fail: the input looks wrong\n"));
            assertThat(cairn.client().getPipelineRun(run.id()).step("failing").logs()).isEqualTo(failed.logs());
        }
    }

    @Test
    void aStepInterruptedByCancellingItsRunKeepsItsLog() throws Exception {
        Steps.sleeping = new CountDownLatch(1);
        try (Cairn cairn = Cairn.builder().home(home).build()) {
            dev.cairn.api.run.RunHandle handle = cairn.start(Pipeline.define("cancelled-logs", p -> p.call(Steps::sleeper)));
            assertThat(Steps.sleeping.await(20, TimeUnit.SECONDS)).isTrue();
            handle.cancel("the test cancels it");
            PipelineRun run = handle.await(java.time.Duration.ofSeconds(20)).orElseThrow();
            assertThat(run.status()).isEqualTo(RunStatus.CANCELLED);
            StepRun step = cairn.client().getPipelineRun(run.id()).step("sleeper");
            assertThat(step.status()).isEqualTo(StepStatus.FAILED);
            assertThat(step.logs()).contains("going to sleep\n");
        }
    }

    @Test
    void theLimitKeepsHeadAndTailAroundAMarker() {
        try (Cairn cairn = Cairn.builder().home(home).stepLogLimit(1000).build()) {
            PipelineRun run = cairn.run(Pipeline.define("verbose-logs", p -> p.call(Steps::verbose)));
            StepRun step = run.step("verbose");
            String log = step.logs().orElseThrow();
            assertThat(log).startsWith("HEAD-START middle-0 ").endsWith("middle-1999 TAIL-END").containsPattern("\n\\[\\.\\.\\. \\d+ bytes omitted \\.\\.\\.\\]\n");
            long written = "HEAD-START ".length() + "TAIL-END".length();
            for (int i = 0; i < 2000; i++) {
                written += ("middle-" + i + " ").length();
            }
            String omitted = log.replaceAll("(?s).*\\[\\.\\.\\. (\\d+) bytes omitted.*", "$1");
            assertThat(Long.parseLong(omitted)).isEqualTo(written - 1000);
            assertThat(log.getBytes(StandardCharsets.UTF_8).length).isLessThan(1000 + 40);
            assertThat(step.logSize()).contains((long) log.getBytes(StandardCharsets.UTF_8).length);
        }
    }

    @Test
    void withCaptureOffNothingIsStoredAndTheStreamsAreLeftAlone() throws Exception {
        PrintStream host = System.out;
        try (Cairn cairn = Cairn.builder().home(home).stepLogLimit(0).build()) {
            assertThat(System.out).isSameAs(host);
            PipelineRun run = cairn.run(Pipeline.define("silent-logs", p -> p.call(Steps::chatty)));
            assertThat(run.step("chatty").logUri()).isEmpty();
            assertThat(run.step("chatty").logs()).isEmpty();
            assertThat(cairn.client().getPipelineRun(run.id()).step("chatty").logUri()).isEmpty();
        }
        assertThat(home.resolve("store/.cairn-logs")).doesNotExist();
        assertThat(hostOut.toString(StandardCharsets.UTF_8)).contains("hello from stdout");
    }

    @Test
    void pruneLeavesStepLogsAloneEvenWhenItDeletesTheStepsOutputs() {
        try (Cairn cairn = Cairn.builder().home(home).build()) {
            Pipeline pipeline = Pipeline.define("pruned-logs", p -> p.call(Steps::chatty))
                    .withOptions(dev.cairn.api.pipeline.PipelineOptions.builder().enableCache(false).build());
            PipelineRun first = cairn.run(pipeline);
            cairn.run(pipeline);
            StepRun chatty = first.step("chatty");
            dev.cairn.api.lifecycle.PruneReport report = cairn.client().prune(dev.cairn.api.lifecycle.PruneOptions.builder().abandonedAge(java.time.Duration.ZERO).build());
            assertThat(report.versions()).as("the first run's output is no longer used").isNotEmpty();
            assertThat(Path.of(chatty.logUri().orElseThrow())).exists();
            assertThat(cairn.client().getPipelineRun(first.id()).step("chatty").logs())
                    .hasValueSatisfying(log -> assertThat(log).contains("hello from slf4j"));
        }
    }

    @Test
    void aCachedStepHasNoLogOfItsOwn() {
        try (Cairn cairn = Cairn.builder().home(home).build()) {
            Pipeline pipeline = Pipeline.define("cached-logs", p -> p.call(Steps::chatty));
            cairn.run(pipeline);
            PipelineRun second = cairn.run(pipeline);
            assertThat(second.step("chatty").status()).isEqualTo(StepStatus.CACHED);
            assertThat(second.step("chatty").logUri()).isEmpty();
        }
    }
}
