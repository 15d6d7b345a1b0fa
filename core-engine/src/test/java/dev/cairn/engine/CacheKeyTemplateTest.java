package dev.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.cairn.api.CairnConfiguration;
import dev.cairn.api.metadata.MetadataStore;
import dev.cairn.api.pipeline.CachePolicy;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Ref;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.pipeline.StepOptions;
import dev.cairn.engine.cache.StepCache;
import dev.cairn.engine.compile.CompiledPipeline;
import dev.cairn.engine.compile.CompiledPipeline.CompiledStep;
import dev.cairn.engine.compile.PipelineCompiler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-run key templates give exactly the keys of the full canonical JSON, so caches stay valid across both. */
class CacheKeyTemplateTest {
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
    void templateKeysEqualKeysOfTheWholeCanonicalJson() {
        Pipeline pipeline = Pipeline.define("keys", p -> {
            Ref<String> plain = p.call(Steps::text, Param.of("a \"quoted\" \\ value, \"inputs\":{} é 雪 \u0001"), Param.of(3), Param.of(0.5));
            Ref<String> custom = p.with(StepOptions.builder().cacheParameter("inputs", Map.of("z", 1, "a", List.of("x", "\"inputs\":"))).cacheParameter("lib", "2.1")
                    .outputOption("output", "format", "x\"y").cachePolicy(CachePolicy.DEFAULT.withoutParameters()).build())
                    .call(Steps::text, Param.of("b"), Param.of(1), Param.of(2.0));
            p.with(StepOptions.builder().cachePolicy(CachePolicy.DEFAULT.withoutInputs("right")).build()).call(Steps::combine, plain, custom);
        });
        Injector injector = Guice.createInjector(new EngineModule(CairnConfiguration.builder().home(home).configuration()));
        try {
            CompiledPipeline compiled = injector.getInstance(PipelineCompiler.class).compile(pipeline, Instant.now());
            StepCache cache = injector.getInstance(StepCache.class);
            Map<String, String> reversed = new LinkedHashMap<>();
            reversed.put("right", "ff00");
            reversed.put("left", "00ff");
            List<Map<String, String>> inputs = List.of(Map.of(), Map.of("left", "abc"), reversed, Map.of("we\"ird \u2028 name", "\"inputs\":\"x\""));
            for (CompiledStep step : compiled.steps()) {
                StepCache.KeyTemplate template = cache.template(step);
                for (Map<String, String> hashes : inputs) {
                    assertThat(cache.keyOf(template, hashes)).as("step %s with inputs %s", step.name(), hashes).isEqualTo(cache.keyOf(step, hashes));
                }
                assertThat(cache.keyOf(template, Map.of("left", "abc"))).isNotEqualTo(cache.keyOf(template, Map.of("left", "abd")));
            }
        } finally {
            injector.getInstance(MetadataStore.class).close();
        }
    }
}
