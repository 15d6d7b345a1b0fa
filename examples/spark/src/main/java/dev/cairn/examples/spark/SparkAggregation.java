package dev.cairn.examples.spark;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.rand;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import dev.cairn.api.Cairn;
import dev.cairn.api.pipeline.Param;
import dev.cairn.api.pipeline.Pipeline;
import dev.cairn.api.pipeline.Ref;
import dev.cairn.api.pipeline.Step;
import dev.cairn.api.run.PipelineRun;
import dev.cairn.spark.SparkSessions;

/**
 * A Spark step aggregating a generated dataset, then a plain Java step consuming the small result. The generated
 * dataset and the aggregate are Dataset artifacts: Spark's executors write and hash their Parquet parts in the
 * artifact store; the driver never holds the rows. Each step runs in its own Spark job group (the Spark plugin adds
 * them to every run). Run it inside {@code spark-submit} (see the README), or with Spark on the class path and
 * {@code -Dcairn.spark.master=local[*]} or a {@code [spark]} table with {@code master = "local[*]"} in the home's
 * {@code cairn.toml}.
 */
public final class SparkAggregation {
    /** One line of the report. */
    public record Total(String sensor, long readings, double mean) {}

    private SparkAggregation() {}

    /** {@code rows} generated sensor readings (seeded, so a re-run writes the same bytes and is a cache hit). */
    @Step
    public static Dataset<Row> generateReadings(long rows) {
        SparkSession spark = SparkSessions.current();
        return spark.range(rows)
                .withColumn("sensor", pmod(col("id"), lit(16)).cast("string"))
                .withColumn("value", rand(42).multiply(100));
    }

    /** The aggregation, run by Spark. */
    @Step
    public static Dataset<Row> totalsPerSensor(Dataset<Row> readings) {
        return readings.groupBy("sensor").agg(count(lit(1)).as("readings"), avg("value").as("mean")).orderBy("sensor");
    }

    /** A plain Java step: the small result as records. */
    @Step
    public static List<Total> report(Dataset<Row> totals) {
        List<Total> report = new ArrayList<>();
        for (Row row : totals.collectAsList()) {
            report.add(new Total(row.getString(0), row.getLong(1), row.getDouble(2)));
        }
        return report;
    }

    /** Generates {@code rows} readings, aggregates them with Spark, reports the totals in plain Java. */
    public static Pipeline pipeline(long rows) {
        return Pipeline.define("spark_aggregation", p -> {
            Ref<Dataset<Row>> readings = p.call(SparkAggregation::generateReadings, Param.of(rows));
            Ref<Dataset<Row>> totals = p.call(SparkAggregation::totalsPerSensor, readings);
            p.call(SparkAggregation::report, totals);
        });
    }

    /** Runs the pipeline in the Spark driver; the first argument is the Cairn home (default {@code ./.cairn}). */
    public static void main(String[] args) {
        Path home = args.length > 0 ? Path.of(args[0]) : Path.of(".cairn");
        try (Cairn cairn = Cairn.open(home)) {
            PipelineRun run = cairn.run(pipeline(1_000_000L));
            System.out.println("Run " + run.id() + ": " + run.status());
            List<Total> report = run.step("report").output("output").load();
            report.forEach(total -> System.out.printf("sensor %s: %d readings, mean %.2f%n", total.sensor(), total.readings(), total.mean()));
        }
    }
}
