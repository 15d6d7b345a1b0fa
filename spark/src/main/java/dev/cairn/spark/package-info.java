/**
 * Spark {@code Dataset}s as Cairn artifacts: Parquet parts written and hashed by Spark's executors straight into the
 * artifact store's staging area and committed atomically ({@link dev.cairn.spark.DatasetMaterializer}), loaded lazily
 * with {@code spark.read.parquet}, verified by the executors; a Spark job group per pipeline step
 * ({@link dev.cairn.spark.SparkJobGroups}).
 */
@NullMarked
package dev.cairn.spark;

import org.jspecify.annotations.NullMarked;
