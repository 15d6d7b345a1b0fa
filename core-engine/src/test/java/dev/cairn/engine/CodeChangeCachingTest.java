package dev.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import dev.cairn.api.Cairn;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.StepStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Code changes are detected from bytecode: a changed step or a changed helper it calls re-runs that step only. */
class CodeChangeCachingTest {
    @TempDir
    Path work;

    private static final String STEPS = """
            package gen;

            import dev.cairn.api.pipeline.*;

            public final class Steps {
                @Step public static int create() { return %s; }
                @Step public static int process(int value) { return Helper.twice(value) + %s; }
                @Step public static int untouched(int value) { return value - 1; }

                public static Pipeline pipeline() {
                    return Pipeline.define("code_change", p -> {
                        Ref<Integer> created = p.call(Steps::create);
                        p.call(Steps::process, created);
                        p.call(Steps::untouched, created);
                    });
                }
            }
            """;

    private static final String HELPER = """
            package gen;

            final class Helper {
                // a comment that does not change the bytecode: %s
                static int twice(int value) { return value * %s; }
            }
            """;

    /** Compiles the two classes into a fresh directory and returns the pipeline they define, from a fresh class loader. */
    private Pipeline compile(String name, String createValue, String processOffset, String helperFactor, String helperComment) throws Exception {
        Path sources = work.resolve(name + "-src/gen");
        Path classes = work.resolve(name + "-classes");
        Files.createDirectories(sources);
        Files.createDirectories(classes);
        Files.writeString(sources.resolve("Steps.java"), STEPS.formatted(createValue, processOffset));
        Files.writeString(sources.resolve("Helper.java"), HELPER.formatted(helperComment, helperFactor));
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        int result = compiler.run(null, null, null, "-parameters", "-classpath", System.getProperty("java.class.path"), "-d", classes.toString(),
                sources.resolve("Steps.java").toString(), sources.resolve("Helper.java").toString());
        assertThat(result).isZero();
        URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader());
        return (Pipeline) loader.loadClass("gen.Steps").getMethod("pipeline").invoke(null);
    }

    private static Map<String, StepStatus> statuses(PipelineRun run) {
        Map<String, StepStatus> statuses = new LinkedHashMap<>();
        run.steps().forEach(step -> statuses.put(step.name(), step.status()));
        return statuses;
    }

    @Test
    void changedStepOrHelperRerunsOnlyTheStepsThatReachIt() throws Exception {
        try (Cairn cairn = Cairn.open(work.resolve("home"))) {
            PipelineRun original = cairn.run(compile("v1", "10", "1", "2", "first"));
            assertThat(statuses(original).values()).containsOnly(StepStatus.COMPLETED);
            assertThat((int) original.step("process").output("output").load()).isEqualTo(21);

            PipelineRun recompiled = cairn.run(compile("v1-again", "10", "1", "2", "a different comment"));
            assertThat(statuses(recompiled).values()).as("same bytecode from a new class loader, comment changed").containsOnly(StepStatus.CACHED);

            PipelineRun stepChanged = cairn.run(compile("v2", "10", "5", "2", "first"));
            assertThat(statuses(stepChanged)).containsExactly(
                    Map.entry("create", StepStatus.CACHED), Map.entry("process", StepStatus.COMPLETED), Map.entry("untouched", StepStatus.CACHED));
            assertThat((int) stepChanged.step("process").output("output").load()).isEqualTo(25);

            PipelineRun helperChanged = cairn.run(compile("v3", "10", "5", "3", "first"));
            assertThat(statuses(helperChanged)).as("only process calls Helper.twice").containsExactly(
                    Map.entry("create", StepStatus.CACHED), Map.entry("process", StepStatus.COMPLETED), Map.entry("untouched", StepStatus.CACHED));
            assertThat((int) helperChanged.step("process").output("output").load()).isEqualTo(35);

            PipelineRun sourceChanged = cairn.run(compile("v4", "11", "5", "3", "first"));
            assertThat(statuses(sourceChanged).values()).as("create changed its output, so everything below re-runs").containsOnly(StepStatus.COMPLETED);
        }
    }

    @Test
    void fingerprintIsStableAcrossInstancesAndDiffersBetweenSteps() throws Exception {
        dev.cairn.engine.cache.CodeFingerprints fingerprints = new dev.cairn.engine.cache.CodeFingerprints();
        java.lang.reflect.Method method = CachingTest.Steps.class.getMethod("expensive", int.class);
        String first = fingerprints.of(method);
        assertThat(first).hasSize(64).isEqualTo(new dev.cairn.engine.cache.CodeFingerprints().of(method));
        assertThat(first).isNotEqualTo(fingerprints.of(CachingTest.Steps.class.getMethod("parity", int.class)));
    }
}
