package dev.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.cairn.api.Cairn;
import dev.cairn.api.pipeline.CachePolicy;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Ref;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.pipeline.StepOptions;
import dev.cairn.api.run.PipelineRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cache keys are stored: an unintended change of their bytes silently invalidates every user's cache. These keys
 * (code left out of the key, so that editing this test class does not move them) were computed by the engine and are
 * pinned here; change them only together with {@code keyFormat}.
 */
class CacheKeyStabilityTest {
    @TempDir
    Path home;

    public static final class Steps {
        @Step
        public static String text(String text, int count, double ratio) {
            return text.repeat(count) + ratio;
        }

        @Step
        public static int combine(String left, String right) {
            return left.length() + right.length();
        }
    }

    @Test
    void keysOfKnownStepsDoNotChange() {
        StepOptions noCode = StepOptions.builder().cachePolicy(CachePolicy.DEFAULT.withoutCode()).build();
        Pipeline pipeline = Pipeline.define("keys", p -> {
            Ref<String> plain = p.with(noCode).call(Steps::text, Param.of("a \"quoted\" \\ value é 雪"), Param.of(3), Param.of(0.5));
            Ref<String> custom = p.with(StepOptions.builder().cachePolicy(CachePolicy.DEFAULT.withoutCode().withoutParameters())
                    .cacheParameter("z", Map.of("b", 1, "a", List.of("x", "y"))).cacheParameter("lib", "2.1").build())
                    .call(Steps::text, Param.of("b"), Param.of(1), Param.of(2.0));
            p.with(StepOptions.builder().cachePolicy(CachePolicy.DEFAULT.withoutCode().withoutInputs("right")).build()).call(Steps::combine, plain, custom);
        });
        try (Cairn cairn = Cairn.builder().home(home).build()) {
            PipelineRun run = cairn.run(pipeline);
            assertThat(run.step("text").cacheKey()).contains("61a41cd40a0fe3b47c553d85959b69cc2ccdc6f232ba1f4864fc14d538406f2e");
            assertThat(run.step("text_2").cacheKey()).contains("93de02b761b59325d4b6958b3890d86e4f57f67797b362d306f31951409a7814");
            assertThat(run.step("combine").cacheKey()).contains("47f9f848e02840ecbbce670d16f03cfac7026f90a06cec66765925ef1bf0d7b8");
        }
    }
}
