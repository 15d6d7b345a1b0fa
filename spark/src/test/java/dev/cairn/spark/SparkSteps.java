package dev.cairn.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.apache.spark.TaskContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import dev.cairn.api.pipeline.Step;

/** Steps of the Spark tests: generated datasets (deterministic), failing tasks, and a plain Java consumer. */
public final class SparkSteps {
    static final int ROWS = 3000;
    static final StructType SCHEMA = new StructType()
            .add("id", DataTypes.LongType, false)
            .add("category", DataTypes.StringType, false)
            .add("amount", DataTypes.DoubleType, false);

    private SparkSteps() {}

    /** The test data: {@code ROWS} rows, the same every time, in {@code partitions} partitions, rows in a seeded order. */
    static Dataset<Row> generated(int partitions, long shuffleSeed) {
        List<Row> rows = new ArrayList<>();
        for (long i = 0; i < ROWS; i++) {
            rows.add(RowFactory.create(i, "c" + (i % 7), (i * 37 % 1000) / 10.0));
        }
        Collections.shuffle(rows, new Random(shuffleSeed));
        SparkSession spark = SparkSessions.current();
        return spark.createDataFrame(rows, SCHEMA).repartition(partitions);
    }

    @Step
    public static Dataset<Row> generate(int partitions) {
        return spark().createDataFrame(ordered(), SCHEMA).coalesce(1).repartition(partitions);
    }

    @Step
    public static Dataset<Row> generateShuffled(int partitions, long seed) {
        return generated(partitions, seed);
    }

    /** Partition 1's first attempt fails after writing some of its rows; the retry succeeds. */
    @Step
    public static Dataset<Row> generateFailingOnce(int partitions) {
        return generate(partitions).map((org.apache.spark.api.java.function.MapFunction<Row, Row>) row -> {
            TaskContext task = TaskContext.get();
            if (task.partitionId() == 1 && task.attemptNumber() == 0 && row.getLong(0) % 5 == 4) {
                throw new IllegalStateException("injected failure of the first attempt of partition 1");
            }
            return row;
        }, org.apache.spark.sql.catalyst.encoders.ExpressionEncoder.apply(SCHEMA));
    }

    /** Partition 2 fails on every attempt, after writing some of its rows. */
    @Step
    public static Dataset<Row> generateAlwaysFailing(int partitions) {
        return generate(partitions).map((org.apache.spark.api.java.function.MapFunction<Row, Row>) row -> {
            if (TaskContext.get().partitionId() == 2 && row.getLong(0) % 5 == 4) {
                throw new IllegalStateException("injected failure of partition 2");
            }
            return row;
        }, org.apache.spark.sql.catalyst.encoders.ExpressionEncoder.apply(SCHEMA));
    }

    /** Every task sleeps {@code millisPerRow} per row while the materializer writes it: a write long enough to be cancelled. */
    @Step
    public static Dataset<Row> generateSlowly(int partitions, long millisPerRow) {
        return generate(partitions).map((org.apache.spark.api.java.function.MapFunction<Row, Row>) row -> {
            Thread.sleep(millisPerRow);
            return row;
        }, org.apache.spark.sql.catalyst.encoders.ExpressionEncoder.apply(SCHEMA));
    }

    /**
     * The step's own code runs a Spark job (a count) whose tasks sleep {@code millisPerRow} per row: a job that runs in
     * the step's code, not in a materializer, long enough to be cancelled.
     */
    @Step
    public static long countSlowly(int partitions, long millisPerRow) {
        return generate(partitions).map((org.apache.spark.api.java.function.MapFunction<Row, Row>) row -> {
            Thread.sleep(millisPerRow);
            return row;
        }, org.apache.spark.sql.catalyst.encoders.ExpressionEncoder.apply(SCHEMA)).count();
    }

    /** Set by {@link #countRows} when its code runs. */
    static final java.util.concurrent.atomic.AtomicInteger COUNT_ROWS_CALLS = new java.util.concurrent.atomic.AtomicInteger();

    /** A Spark step consuming a Dataset input: counts its rows. */
    @Step
    public static long countRows(Dataset<Row> data) {
        COUNT_ROWS_CALLS.incrementAndGet();
        return data.count();
    }

    /** A Spark aggregation: totals per category. */
    @Step
    public static Dataset<Row> totals(Dataset<Row> data) {
        return data.groupBy(col("category")).agg(sum(col("amount")).as("total"), count(lit(1)).as("rows")).orderBy(col("category"));
    }

    /** A plain Java step consuming the (small) Spark result. */
    @Step
    public static List<String> report(Dataset<Row> totals) {
        List<String> lines = new ArrayList<>();
        for (Row row : totals.collectAsList()) {
            lines.add(row.getString(0) + "=" + row.getLong(2));
        }
        return lines;
    }

    private static List<Row> ordered() {
        List<Row> rows = new ArrayList<>();
        for (long i = 0; i < ROWS; i++) {
            rows.add(RowFactory.create(i, "c" + (i % 7), (i * 37 % 1000) / 10.0));
        }
        return rows;
    }

    private static SparkSession spark() {
        return SparkSessions.current();
    }
}
