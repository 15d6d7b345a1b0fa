package dev.cairn.spark;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.spark.JobExecutionStatus;
import org.apache.spark.SparkJobInfo;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkStatusTracker;
import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;

/**
 * Runs Cairn's own Spark jobs (writing and verifying Dataset artifacts) so that they end with the driver thread that
 * waits for them. Spark does not cancel a job when the thread blocked in {@code collect} is interrupted (it throws
 * {@code InterruptedException} and the job runs on), so a cancelled Cairn run, which interrupts its steps, would leave
 * the job writing into a draft that is being deleted. Here an interrupted wait cancels the job; and whatever the
 * outcome, the wait goes on until the job's tasks have stopped (Spark kills them asynchronously — on failure, or, on
 * success, the duplicate attempts of speculative execution), so no task writes into the staging directory after the
 * caller has given it up or committed it.
 */
final class CancellableJobs {
    private static final Logger LOG = LoggerFactory.getLogger(CancellableJobs.class);
    /** How long a job that did not succeed may take to stop its tasks before the caller goes on regardless. */
    static final Duration STOP_WAIT = Duration.ofSeconds(60);

    private CancellableJobs() {}

    /**
     * {@code rdd.collect()}, cancelled when the calling thread is interrupted.
     *
     * @param what what the job does, for messages: "Writing artifact 'x'"
     * @param failureCode the error code when the job fails
     * @throws CairnException {@code STEP_FAILED} when the thread was interrupted (the job is cancelled, its tasks have
     *     stopped, and the interrupt flag is set again); {@code failureCode} when the job failed or was cancelled by
     *     someone else
     */
    static <T> List<T> collect(JavaRDD<T> rdd, String what, ErrorCode failureCode) {
        JavaFutureAction<List<T>> future = rdd.collectAsync();
        try {
            List<T> result = future.get();
            // a job succeeds once every partition has one successful attempt; Spark then kills the other (speculative)
            // attempts asynchronously: wait until they have stopped too, so none writes after the caller moves on
            awaitStopped(rdd, future);
            return result;
        } catch (InterruptedException e) {
            future.cancel(true);
            boolean stopped = awaitStopped(rdd, future);
            Thread.currentThread().interrupt();
            throw new CairnException(ErrorCode.STEP_FAILED, what + " was interrupted, so its Spark job " + future.jobIds() + " was cancelled"
                    + (stopped ? " and its tasks have stopped" : "; some of its tasks still ran after " + STOP_WAIT), e);
        } catch (ExecutionException | CancellationException e) {
            awaitStopped(rdd, future);
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new CairnException(failureCode, what + " failed in Spark job " + future.jobIds() + ": " + cause, cause);
        }
    }

    /**
     * Destroys a broadcast variable of a job that has ended. Spark's {@code destroy} waits for the executors and throws
     * when the thread is interrupted, which would hide why the job ended: here the wait ignores the interrupt flag (and
     * sets it again), and a failure is logged.
     */
    static void destroy(Broadcast<?> broadcast) {
        boolean interrupted = Thread.interrupted();
        try {
            broadcast.destroy();
        } catch (Exception e) { // Scala code: an InterruptedException may come out undeclared
            interrupted |= e instanceof InterruptedException;
            LOG.warn("Could not destroy Spark broadcast {}: {}", broadcast.id(), e.toString());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Waits, ignoring interruptions (and restoring them), until the job has ended and no task of its stages is active;
     * false when that takes longer than {@link #STOP_WAIT}.
     */
    private static boolean awaitStopped(JavaRDD<?> rdd, JavaFutureAction<?> future) {
        long deadline = System.nanoTime() + STOP_WAIT.toNanos();
        boolean interrupted = false;
        try {
            while (!future.isDone() || !ended(rdd, future)) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    LOG.warn("Spark job {} still had running tasks {} after it ended; going on without them", future.jobIds(), STOP_WAIT);
                    return false;
                }
                try {
                    if (!future.isDone()) {
                        future.get(Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS);
                    } else {
                        Thread.sleep(20);
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException | CancellationException | TimeoutException e) {
                    // ended (or not yet): the loop checks
                }
            }
            return true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * True when Spark's status store shows each job ended and none of its stages with an active task. The store is
     * fed in event order, so once a job's end is in it, every earlier task start is too.
     */
    private static boolean ended(JavaRDD<?> rdd, JavaFutureAction<?> future) {
        JavaSparkStatusTracker tracker = new JavaSparkStatusTracker(rdd.context());
        for (int job : future.jobIds()) {
            SparkJobInfo info = tracker.getJobInfo(job);
            if (info == null || info.status() == JobExecutionStatus.RUNNING) {
                return false; // its start or its end is not in the store yet
            }
            for (int stage : info.stageIds()) {
                SparkStageInfo stageInfo = tracker.getStageInfo(stage);
                if (stageInfo != null && stageInfo.numActiveTasks() > 0) {
                    return false;
                }
            }
        }
        return true;
    }
}
