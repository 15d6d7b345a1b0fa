package dev.cairn.spark;

import org.apache.spark.sql.SparkSession;

/**
 * The one SparkSession of the test JVM: {@code local[2,3]} (two cores, a failed task is tried up to three times),
 * bound to 127.0.0.1, no UI, four shuffle partitions. Started on first use and stopped when the JVM exits.
 */
final class TestingSpark {
    private static SparkSession session;

    private TestingSpark() {}

    static synchronized SparkSession session() {
        if (session == null) {
            session = SparkSession.builder()
                    .master("local[2,3]")
                    .appName("cairn-spark-tests")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "4")
                    .config("spark.default.parallelism", "4")
                    .config("spark.sql.adaptive.enabled", "false")
                    .getOrCreate();
            Runtime.getRuntime().addShutdownHook(new Thread(session::stop, "stop-spark"));
        }
        return session;
    }
}
