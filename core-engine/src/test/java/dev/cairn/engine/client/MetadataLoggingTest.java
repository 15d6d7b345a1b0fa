package dev.cairn.engine.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.StepContext;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.artifact.MetadataValue;
import dev.cairn.api.pipeline.MultipleOutputs;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetadataLoggingTest {
    private static final Instant WHEN = Instant.parse("2026-12-07T05:00:00.123456789Z");

    @TempDir
    Path home;

    private Cairn cairn;

    @BeforeEach
    void open() {
        cairn = Cairn.open(home);
    }

    @AfterEach
    void close() {
        cairn.close();
    }

    public record Trained(String model, String report) implements MultipleOutputs {}

    public static final class Steps {
        @Step
        public static Trained train() {
            StepContext context = StepContext.current();
            context.logMetadata(Map.of("epochs", 3));
            context.logMetadata("model", Map.of("accuracy", 0.91, "shape", MetadataValue.Dimensions.of(28, 28)));
            context.logRunMetadata(Map.of("operator", "ci"));
            return new Trained("weights", "fine");
        }

        @Step
        public static String wrongOutput() {
            StepContext.current().logMetadata("nope", Map.of("x", 1));
            return "x";
        }
    }

    @Test
    void aStepLogsTypedMetadataOntoItsOutputsAndItsRun() {
        PipelineRun run = cairn.run(Pipeline.define("meta", p -> p.call(Steps::train)));

        assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
        ArtifactVersion model = run.step("train").output("model");
        ArtifactVersion report = run.step("train").output("report");
        // Map.of's iteration order differs between JVM runs, so the keys logged in one call come in any order
        assertThat(model.loggedMetadata()).containsOnly(
                Map.entry("epochs", new MetadataValue.NumberValue(3L)),
                Map.entry("accuracy", new MetadataValue.NumberValue(0.91)),
                Map.entry("shape", MetadataValue.Dimensions.of(28, 28)));
        assertThat(report.loggedMetadata()).containsExactly(Map.entry("epochs", new MetadataValue.NumberValue(3L)));
        assertThat(cairn.client().getRunMetadata(run.id())).containsExactly(Map.entry("operator", new MetadataValue.StringValue("ci")));
    }

    @Test
    void loggingOntoAnOutputTheStepDoesNotHaveFailsTheStepNamingTheOutputs() {
        PipelineRun run = cairn.run(Pipeline.define("meta_wrong", p -> p.call(Steps::wrongOutput)));

        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        assertThat(run.step("wrongOutput").error()).hasValueSatisfying(error -> assertThat(error).contains("'nope'").contains("[output]"));
    }

    @Test
    void everyValueTypeRoundTripsWithItsTypeAndTheLatestValueWins() {
        cairn.client().save("m", "model");
        cairn.client().setAlias("model", "champion", "1");
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("accuracy", 0.875);
        values.put("rows", 60_000);
        values.put("name", "résumé");
        values.put("validated", true);
        values.put("source", URI.create("s3://bucket/data.parquet"));
        values.put("checkpoint", Path.of("/tmp/ckpt"));
        values.put("trained_at", WHEN);
        values.put("shape", MetadataValue.Dimensions.of(60_000, 28, 28));
        values.put("size", new MetadataValue.StorageSize(1_048_576));
        values.put("params", Map.of("lr", 0.01, "optimizer", Map.of("name", "adam")));

        cairn.client().logMetadata("model", "1", values);
        cairn.client().logMetadata("model", "@champion", Map.of("accuracy", 0.9));

        Map<String, MetadataValue> logged = cairn.client().getArtifactVersion("model@champion").loggedMetadata();
        assertThat(logged.get("accuracy")).isEqualTo(new MetadataValue.NumberValue(0.9));
        assertThat(logged.get("rows")).isEqualTo(new MetadataValue.NumberValue(60_000L));
        assertThat(logged.get("name")).isEqualTo(new MetadataValue.StringValue("résumé"));
        assertThat(logged.get("validated")).isEqualTo(new MetadataValue.BooleanValue(true));
        assertThat(logged.get("source")).isEqualTo(new MetadataValue.UriValue(URI.create("s3://bucket/data.parquet")));
        assertThat(logged.get("checkpoint")).isEqualTo(new MetadataValue.PathValue("/tmp/ckpt"));
        assertThat(logged.get("trained_at")).isEqualTo(new MetadataValue.TimestampValue(WHEN));
        assertThat(logged.get("shape")).isEqualTo(MetadataValue.Dimensions.of(60_000, 28, 28));
        assertThat(logged.get("size")).isEqualTo(new MetadataValue.StorageSize(1_048_576));
        assertThat(logged.get("params")).isInstanceOfSatisfying(MetadataValue.MapValue.class, map -> {
            assertThat(map.value().get("lr")).isEqualTo(new MetadataValue.NumberValue(0.01));
            assertThat(map.value().get("optimizer")).isEqualTo(new MetadataValue.MapValue(Map.of("name", new MetadataValue.StringValue("adam"))));
        });

        assertThatThrownBy(() -> cairn.client().logMetadata("model", "1", Map.of("bad", new Object())))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                .hasMessageContaining("java.lang.Object");
        assertThatThrownBy(() -> cairn.client().logMetadata(java.util.UUID.randomUUID(), Map.of("a", 1)))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.ARTIFACT_NOT_FOUND));
        assertThatThrownBy(() -> cairn.client().logRunMetadata(java.util.UUID.randomUUID(), Map.of("a", 1)))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.RUN_NOT_FOUND));
    }
}
