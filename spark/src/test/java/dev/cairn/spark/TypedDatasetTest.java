package dev.cairn.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.spark.api.java.function.FilterFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.ArtifactVersion;
import dev.cairn.api.artifact.TypeRef;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Ref;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunStatus;
import dev.cairn.testkit.TestingArtifactReader;

/** {@code Dataset<T>} with an encoder: a Java bean, and {@code String}, through steps and loads. */
class TypedDatasetTest {
    @TempDir
    Path home;

    @BeforeAll
    static void startSpark() {
        TestingSpark.session();
    }

    /** A Java bean: Spark's {@code Encoders.bean} maps it to columns {@code sensor} and {@code value}. */
    public static final class Reading implements Serializable {
        private static final long serialVersionUID = 1L;
        private String sensor;
        private double value;

        public Reading() {}

        Reading(String sensor, double value) {
            this.sensor = sensor;
            this.value = value;
        }

        public String getSensor() {
            return sensor;
        }

        public void setSensor(String sensor) {
            this.sensor = sensor;
        }

        public double getValue() {
            return value;
        }

        public void setValue(double value) {
            this.value = value;
        }
    }

    /** A record: Spark 4.2 has no encoder for it. */
    public record Point(double x, double y) {}

    @Step
    public static Dataset<Reading> readings(int count) {
        List<Reading> readings = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            readings.add(new Reading("s" + (i % 5), i));
        }
        return SparkSessions.current().createDataset(readings, Encoders.bean(Reading.class)).repartition(3);
    }

    /** Typed Spark code on a typed input: the sensors with a reading above {@code threshold}. */
    @Step
    public static Dataset<String> sensorsAbove(Dataset<Reading> readings, double threshold) {
        return readings.filter((FilterFunction<Reading>) reading -> reading.getValue() > threshold)
                .map((MapFunction<Reading, String>) Reading::getSensor, Encoders.STRING()).distinct();
    }

    @Step
    public static List<String> sorted(Dataset<String> sensors) {
        return sensors.collectAsList().stream().sorted().toList();
    }

    @Step
    public static Dataset<Point> points() {
        throw new AssertionError("never runs: the pipeline is refused when it is defined");
    }

    @Test
    void beanAndStringDatasetsGoThroughStepsAndLoadTyped() {
        try (Cairn cairn = Cairn.open(home)) {
            PipelineRun run = cairn.run(Pipeline.define("typed", p -> {
                Ref<Dataset<Reading>> readings = p.call(TypedDatasetTest::readings, Param.of(100));
                Ref<Dataset<String>> sensors = p.call(TypedDatasetTest::sensorsAbove, readings, Param.of(96.0));
                p.call(TypedDatasetTest::sorted, sensors);
            }));

            assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(run.step("sorted").output("output").<List<String>>load()).containsExactly("s2", "s3", "s4");
            ArtifactVersion readings = run.step("readings").output("output");
            assertThat(readings.materializerId()).isEqualTo(DatasetMaterializer.ID);
            assertThat(readings.dataType()).contains(Reading.class.getName());

            Dataset<Reading> typed = readings.load(new TypeRef<Dataset<Reading>>() {});
            List<Reading> collected = typed.filter((FilterFunction<Reading>) reading -> reading.getValue() == 42.0).collectAsList();
            assertThat(collected).singleElement().satisfies(reading -> assertThat(reading.getSensor()).isEqualTo("s2"));
            Dataset<Row> rows = SparkArtifacts.read(SparkSessions.current(), readings); // the same files, untyped
            assertThat(rows.columns()).containsExactlyInAnyOrder("sensor", "value");
            assertThat(rows.count()).isEqualTo(100);
            Dataset<String> sensors = run.step("sensorsAbove").output("output").load(new TypeRef<Dataset<String>>() {});
            assertThat(sensors.collectAsList()).containsExactlyInAnyOrder("s2", "s3", "s4");
        }
    }

    @Test
    void aDatasetOfARecordIsRefusedWhenThePipelineIsDefinedAndAsALoadType() {
        try (Cairn cairn = Cairn.open(home)) {
            assertThatThrownBy(() -> cairn.validate(Pipeline.define("records", p -> p.call(TypedDatasetTest::points))))
                    .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.NO_MATERIALIZER))
                    .hasMessageContaining("Dataset<" + Point.class.getName() + ">").hasMessageContaining(DatasetMaterializer.ID);

        }
        // the materializer's own refusal, for a load type the engine does not check first (a raw Dataset was stored)
        assertThatThrownBy(() -> new DatasetMaterializer().load(new TypeRef<Dataset<Point>>() {}.type(),
                new TestingArtifactReader(home, "points:1")))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH))
                .hasMessageContaining("points:1").hasMessageContaining("Java record").hasMessageContaining("Java bean");
    }
}
