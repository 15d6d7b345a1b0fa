package dev.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.cairn.api.Cairn;
import dev.cairn.api.pipeline.CachePolicy;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.PipelineOptions;
import dev.cairn.api.pipeline.Ref;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.pipeline.StepOptions;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunStatus;
import dev.cairn.api.run.StepRun;
import dev.cairn.api.run.StepStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CachingTest {
    @TempDir
    Path home;

    private Cairn cairn;

    static final AtomicInteger EXECUTIONS = new AtomicInteger();

    @BeforeEach
    void open() {
        cairn = Cairn.builder().home(home).parallelism(2).build();
        EXECUTIONS.set(0);
    }

    @AfterEach
    void close() {
        cairn.close();
    }

    public static final class Steps {
        @Step
        public static int source(int n) {
            EXECUTIONS.incrementAndGet();
            return n;
        }

        @Step
        public static int parity(int value) {
            EXECUTIONS.incrementAndGet();
            return value % 2;
        }

        @Step
        public static List<Integer> expensive(int parity) {
            EXECUTIONS.incrementAndGet();
            return List.of(parity, parity + 1, parity + 2);
        }

        @Step
        public static String label(String prefix) {
            EXECUTIONS.incrementAndGet();
            return prefix + "-label";
        }
    }

    static Pipeline pipeline(int n, String prefix) {
        return Pipeline.define("cached", p -> {
            Ref<Integer> source = p.call(Steps::source, Param.of(n));
            Ref<Integer> parity = p.call(Steps::parity, source);
            p.call(Steps::expensive, parity);
            p.call(Steps::label, Param.of(prefix));
        });
    }

    private static Map<String, StepStatus> statuses(PipelineRun run) {
        java.util.LinkedHashMap<String, StepStatus> statuses = new java.util.LinkedHashMap<>();
        run.steps().forEach(step -> statuses.put(step.name(), step.status()));
        return statuses;
    }

    @Test
    void secondIdenticalRunIsAllCachedAndReusesTheSameArtifacts() {
        PipelineRun first = cairn.run(pipeline(1, "a"));
        int executed = EXECUTIONS.get();
        PipelineRun second = cairn.run(pipeline(1, "a"));

        assertThat(statuses(first).values()).containsOnly(StepStatus.COMPLETED);
        assertThat(statuses(second).values()).containsOnly(StepStatus.CACHED);
        assertThat(EXECUTIONS.get()).isEqualTo(executed);
        StepRun cached = second.step("expensive");
        assertThat(cached.cachedFrom()).contains(first.step("expensive").id());
        assertThat(cached.output("output").id()).as("linked by reference, not copied").isEqualTo(first.step("expensive").output("output").id());
        assertThat(cairn.client().listArtifactVersions("cached::expensive::output")).hasSize(1);
        List<Integer> value = cached.output("output").load();
        assertThat(value).containsExactly(1, 2, 3);
        StepRun reread = cairn.client().getPipelineRun(second.id()).step("expensive");
        assertThat(reread.status()).isEqualTo(StepStatus.CACHED);
        assertThat(reread.cachedFrom()).contains(first.step("expensive").id());
        assertThat(reread.inputs()).containsOnlyKeys("parity");
    }

    @Test
    void changingAParameterRerunsExactlyTheAffectedSteps() {
        cairn.run(pipeline(1, "a"));
        PipelineRun changed = cairn.run(pipeline(1, "b"));
        assertThat(statuses(changed)).containsExactly(
                Map.entry("source", StepStatus.CACHED), Map.entry("parity", StepStatus.CACHED),
                Map.entry("expensive", StepStatus.CACHED), Map.entry("label", StepStatus.COMPLETED));
    }

    @Test
    void changedInputContentRerunsDownstreamButIdenticalBytesCutOff() {
        cairn.run(pipeline(1, "a"));
        PipelineRun changed = cairn.run(pipeline(3, "a"));
        assertThat(statuses(changed)).as("3 %% 2 == 1 %% 2: parity recomputes identical bytes, so expensive stays cached").containsExactly(
                Map.entry("source", StepStatus.COMPLETED), Map.entry("parity", StepStatus.COMPLETED),
                Map.entry("expensive", StepStatus.CACHED), Map.entry("label", StepStatus.CACHED));
        PipelineRun different = cairn.run(pipeline(4, "a"));
        assertThat(statuses(different)).containsExactly(
                Map.entry("source", StepStatus.COMPLETED), Map.entry("parity", StepStatus.COMPLETED),
                Map.entry("expensive", StepStatus.COMPLETED), Map.entry("label", StepStatus.CACHED));
    }

    @Test
    void deletedCachedArtifactForcesARerunAndRecordsWhy() throws IOException {
        PipelineRun first = cairn.run(pipeline(1, "a"));
        Path data = Path.of(first.step("expensive").output("output").uri()).resolve("data.json");
        Files.delete(data);
        PipelineRun second = cairn.run(pipeline(1, "a"));
        assertThat(second.step("expensive").status()).isEqualTo(StepStatus.COMPLETED);
        assertThat(second.step("source").status()).isEqualTo(StepStatus.CACHED);
        StepRun recorded = cairn.client().getPipelineRun(second.id()).step("expensive");
        assertThat(recorded.cachedFrom()).isEmpty();
        assertThat(recorded.cacheNote()).hasValueSatisfying(note -> assertThat(note).contains("cache miss").contains("failed verification").contains("data.json"));
        List<Integer> value = second.step("expensive").output("output").load();
        assertThat(value).containsExactly(1, 2, 3);
        assertThat(second.step("expensive").output("output").version()).isEqualTo("2");
    }

    /**
     * README: before a hit is used its data files are re-read and re-hashed, while the manifest is read once per process
     * (an output this engine wrote counts as read). The engine that wrote the output reuses it without its manifest; a new
     * engine on the same home must read the manifest and, finding none, computes the step again.
     */
    @Test
    void aCacheHitReadsTheManifestOncePerEngineButAlwaysReHashesTheData() throws IOException {
        PipelineRun first = cairn.run(pipeline(1, "a"));
        Path directory = Path.of(first.step("expensive").output("output").uri());
        Path manifest = directory.resolve(".cairn/manifest.json");
        byte[] kept = Files.readAllBytes(manifest);
        Files.delete(manifest);
        PipelineRun sameEngine = cairn.run(pipeline(1, "a"));
        assertThat(sameEngine.step("expensive").status()).as("the file list this engine wrote is remembered").isEqualTo(StepStatus.CACHED);

        Files.write(manifest, kept);
        Files.writeString(directory.resolve("data.json"), "[9,9,9]");
        PipelineRun corrupted = cairn.run(pipeline(1, "a"));
        assertThat(corrupted.step("expensive").status()).as("the data is still re-hashed").isEqualTo(StepStatus.COMPLETED);
        assertThat(corrupted.step("expensive").cacheNote()).hasValueSatisfying(note -> assertThat(note).contains("is corrupted"));

        Path second = Path.of(corrupted.step("expensive").output("output").uri());
        Files.delete(second.resolve(".cairn/manifest.json"));
        cairn.close();
        cairn = Cairn.builder().home(home).parallelism(2).build();
        PipelineRun newEngine = cairn.run(pipeline(1, "a"));
        assertThat(newEngine.step("expensive").status()).as("a new engine reads the manifest").isEqualTo(StepStatus.COMPLETED);
        assertThat(newEngine.step("expensive").cacheNote()).hasValueSatisfying(note -> assertThat(note).contains("no readable manifest"));
    }

    @Test
    void corruptedCachedArtifactForcesARerun() throws IOException {
        PipelineRun first = cairn.run(pipeline(1, "a"));
        Path data = Path.of(first.step("expensive").output("output").uri()).resolve("data.json");
        Files.writeString(data, "[9,9,9]");
        PipelineRun second = cairn.run(pipeline(1, "a"));
        assertThat(second.step("expensive").status()).isEqualTo(StepStatus.COMPLETED);
        assertThat(second.step("expensive").cacheNote()).hasValueSatisfying(note -> assertThat(note).contains("is corrupted"));
        List<Integer> value = second.step("expensive").output("output").load();
        assertThat(value).containsExactly(1, 2, 3);
    }

    @Test
    void cachingCanBeSwitchedOffPerStepAndPerPipeline() {
        cairn.run(pipeline(1, "a"));
        Pipeline noLabelCache = Pipeline.define("cached", p -> {
            Ref<Integer> source = p.call(Steps::source, Param.of(1));
            Ref<Integer> parity = p.call(Steps::parity, source);
            p.call(Steps::expensive, parity);
            p.with(StepOptions.builder().enableCache(false).build()).call(Steps::label, Param.of("a"));
        });
        assertThat(statuses(cairn.run(noLabelCache))).containsEntry("label", StepStatus.COMPLETED).containsEntry("expensive", StepStatus.CACHED);
        PipelineRun off = cairn.run(pipeline(1, "a").withOptions(PipelineOptions.builder().enableCache(false).build()));
        assertThat(statuses(off).values()).containsOnly(StepStatus.COMPLETED);
    }

    @Test
    void policyCanLeaveParametersOutOfTheKeyAndExpireResults() throws InterruptedException {
        Pipeline first = Pipeline.define("policy", p -> p.with(StepOptions.builder().cachePolicy(CachePolicy.DEFAULT.withoutParameters()).build())
                .call(Steps::label, Param.of("x")));
        Pipeline second = Pipeline.define("policy", p -> p.with(StepOptions.builder().cachePolicy(CachePolicy.DEFAULT.withoutParameters()).build())
                .call(Steps::label, Param.of("y")));
        cairn.run(first);
        assertThat(cairn.run(second).step("label").status()).isEqualTo(StepStatus.CACHED);

        Pipeline expiring = Pipeline.define("expiring", p -> p.with(StepOptions.builder().cachePolicy(CachePolicy.DEFAULT.expiringAfter(Duration.ofMillis(50))).build())
                .call(Steps::label, Param.of("z")));
        cairn.run(expiring);
        Thread.sleep(120);
        assertThat(cairn.run(expiring).step("label").status()).isEqualTo(StepStatus.COMPLETED);
    }

    @Test
    void customCacheParametersEnterTheKey() {
        Pipeline v1 = Pipeline.define("custom", p -> p.with(StepOptions.builder().cacheParameter("snapshot", "2026-01").build()).call(Steps::label, Param.of("x")));
        Pipeline v2 = Pipeline.define("custom", p -> p.with(StepOptions.builder().cacheParameter("snapshot", "2026-02").build()).call(Steps::label, Param.of("x")));
        cairn.run(v1);
        assertThat(cairn.run(v1).step("label").status()).isEqualTo(StepStatus.CACHED);
        assertThat(cairn.run(v2).step("label").status()).isEqualTo(StepStatus.COMPLETED);
    }

    @Test
    void failedStepIsNotCached() {
        PipelineRun run = cairn.run(pipeline(1, "a"));
        assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
        Pipeline failing = Pipeline.define("failing_cache", p -> p.call(FailingOnce::maybeFail, Param.of(1)));
        FailingOnce.FAIL.set(true);
        assertThat(cairn.run(failing).status()).isEqualTo(RunStatus.FAILED);
        FailingOnce.FAIL.set(false);
        assertThat(cairn.run(failing).step("maybeFail").status()).isEqualTo(StepStatus.COMPLETED);
    }

    public static final class FailingOnce {
        static final java.util.concurrent.atomic.AtomicBoolean FAIL = new java.util.concurrent.atomic.AtomicBoolean();

        @Step
        public static int maybeFail(int x) {
            if (FAIL.get()) {
                throw new IllegalStateException("failing on purpose");
            }
            return x;
        }
    }
}
