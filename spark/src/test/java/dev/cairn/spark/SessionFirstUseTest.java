package dev.cairn.spark;

import static org.junit.jupiter.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two engine workers touching a session for the first time at once: one takes Cairn's way to the classic session and
 * its Hadoop settings (what a verified Dataset load does first), the other reads Parquet through Spark. Through
 * {@code session.emptyDataFrame()} this deadlocked within a few dozen new sessions (the first holds the session's
 * monitor and waits for the state's analyzer; the second builds the analyzer and waits for the session's conf).
 */
class SessionFirstUseTest {
    private static final int NEW_SESSIONS = 100;

    @Test
    void cairnsSessionAccessDoesNotDeadlockWithSparksOwnFirstUseOfANewSession(@TempDir Path dir) throws Exception {
        SparkSession shared = TestingSpark.session();
        String parquet = dir.resolve("d").toString();
        shared.range(10).write().parquet(parquet);
        ExecutorService pool = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "first-use");
            thread.setDaemon(true);
            return thread;
        });
        try {
            for (int i = 0; i < NEW_SESSIONS; i++) {
                SparkSession fresh = shared.newSession();
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> both = new ArrayList<>();
                both.add(pool.submit(() -> {
                    start.await();
                    return ExecutorParquetWriter.hadoopConfiguration(ExecutorParquetWriter.classic(fresh));
                }));
                both.add(pool.submit(() -> {
                    start.await();
                    return fresh.read().parquet(parquet).schema();
                }));
                start.countDown();
                for (Future<?> one : both) {
                    try {
                        one.get(60, TimeUnit.SECONDS);
                    } catch (TimeoutException e) {
                        fail("New session " + i + ": the two first uses did not finish in 60 s (deadlock):\n" + stacks());
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static String stacks() {
        StringBuilder text = new StringBuilder();
        for (ThreadInfo info : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
            if (info.getThreadName().equals("first-use")) {
                text.append(info.getThreadName()).append(" waits for ").append(info.getLockName()).append(" held by ")
                        .append(info.getLockOwnerName()).append('\n');
                for (StackTraceElement frame : info.getStackTrace()) {
                    text.append("    ").append(frame).append('\n');
                }
            }
        }
        return text.toString();
    }
}
