package dev.cairn.engine.execution;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cancellation state of one run, shared by the thread that schedules it, the threads that run its steps and
 * whoever cancels it (a {@link dev.cairn.api.run.RunHandle}, the run timeout, the engine's close).
 *
 * <p>Each step moves through {@code QUEUED → RUNNING → FINISHING}: a worker {@linkplain #enter enters} the step before
 * calling its code and {@linkplain #claimFinish claims} its outcome before recording it. Cancelling interrupts the
 * threads of {@code RUNNING} steps only (never one that records an outcome). After the grace period, the scheduler
 * {@linkplain #abandon abandons} a step still {@code RUNNING}: the step's thread then loses its claim and discards what
 * it saved instead of recording it. Thread-safe.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class RunControl {
    private static final Logger LOG = LoggerFactory.getLogger(RunControl.class);
    /** What a worker may do with a step. */
    private enum StepState { QUEUED, RUNNING, FINISHING, CANCELLED, ABANDONED }

    private final UUID runId;
    private final Map<Integer, StepState> states = new HashMap<>();
    private final Map<Integer, Thread> threads = new HashMap<>();
    private final Map<Integer, Runnable> onAbandon = new HashMap<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private Runnable wakeUp = () -> {};
    private final List<Consumer<String>> whenCancelled = new ArrayList<>();
    private String cancellation;
    private volatile boolean cutShort;

    public RunControl(UUID runId) {
        this.runId = requireNonNull(runId, "runId is null");
    }

    public UUID runId() {
        return runId;
    }

    /** Sets what wakes the scheduler when the run is cancelled. */
    public synchronized void onCancel(Runnable wakeUp) {
        this.wakeUp = requireNonNull(wakeUp, "wakeUp is null");
    }

    /**
     * Calls {@code action} with the cancellation ("Cancelled by …: …") on the cancelling thread, after the running steps
     * were interrupted and before the scheduler wakes; at once when the run is already cancelled. An action that throws
     * is logged and the others still run.
     */
    public void whenCancelled(Consumer<String> action) {
        requireNonNull(action, "action is null");
        String already;
        synchronized (this) {
            already = cancellation;
            if (already == null) {
                whenCancelled.add(action);
                return;
            }
        }
        runCallback(action, already);
    }

    private void runCallback(Consumer<String> action, String reason) {
        try {
            action.accept(reason);
        } catch (RuntimeException e) {
            LOG.warn("A cancellation callback of run {} failed", runId, e);
        }
    }

    /**
     * Cancels the run: records {@code who} and {@code why}, interrupts the running steps, calls the
     * {@linkplain #whenCancelled cancellation callbacks} and wakes the scheduler.
     *
     * @return false when the run was already cancelled or has finished
     */
    public boolean cancel(String who, String why) {
        requireNonNull(who, "who is null");
        requireNonNull(why, "why is null");
        Runnable wake;
        String reason;
        List<Consumer<String>> actions;
        synchronized (this) {
            if (cancellation != null || finished.getCount() == 0) {
                return false;
            }
            cancellation = "Cancelled by " + who + ": " + why;
            reason = cancellation;
            threads.values().forEach(Thread::interrupt);
            wake = wakeUp;
            actions = List.copyOf(whenCancelled);
            whenCancelled.clear();
        }
        actions.forEach(action -> runCallback(action, reason));
        wake.run();
        return true;
    }

    /** "Cancelled by …: …" once cancelled. */
    public synchronized Optional<String> cancellation() {
        return Optional.ofNullable(cancellation);
    }

    public synchronized boolean isCancelled() {
        return cancellation != null;
    }

    /** A worker got step {@code index} to run. */
    public synchronized void queued(int index) {
        states.put(index, StepState.QUEUED);
    }

    /**
     * The calling thread starts step {@code index}'s code; it is interrupted if the run is cancelled until it
     * {@linkplain #claimFinish claims} the outcome.
     *
     * @return false when the run was cancelled first: the step must not run
     */
    public synchronized boolean enter(int index) {
        if (cancellation != null || states.get(index) != StepState.QUEUED) {
            return false;
        }
        states.put(index, StepState.RUNNING);
        threads.put(index, Thread.currentThread());
        return true;
    }

    /**
     * The step's thread may record its outcome: true unless the step was abandoned. Either way the thread is no
     * longer interrupted by a cancellation, and an interruption the cancellation caused is cleared.
     */
    public boolean claimFinish(int index) {
        boolean claimed;
        boolean cancelled;
        synchronized (this) {
            threads.remove(index);
            claimed = states.get(index) == StepState.RUNNING;
            if (claimed) {
                states.put(index, StepState.FINISHING);
            }
            cancelled = cancellation != null;
        }
        if (cancelled) {
            Thread.interrupted(); // the interruption was the cancellation's: the outcome must still be recorded
        }
        return claimed;
    }

    /** The scheduler gives up on a step that has not started: true when it had not (the worker will not run it). */
    public synchronized boolean withdraw(int index) {
        if (states.get(index) == StepState.QUEUED) {
            states.put(index, StepState.CANCELLED);
            return true;
        }
        return false;
    }

    /** What to stop when step {@code index} is abandoned (its deferred records). */
    public synchronized void onAbandon(int index, Runnable action) {
        onAbandon.put(index, requireNonNull(action, "action is null"));
    }

    /** The scheduler gives up on a step still running after the grace period: true when it was still running. */
    public boolean abandon(int index) {
        Runnable action;
        synchronized (this) {
            if (states.get(index) != StepState.RUNNING) {
                return false;
            }
            states.put(index, StepState.ABANDONED);
            threads.remove(index);
            action = onAbandon.remove(index);
        }
        if (action != null) {
            action.run();
        }
        return true;
    }

    /** The scheduler stopped the run because of the cancellation (a cancel after the last step finished is too late). */
    public void cutShort() {
        cutShort = true;
    }

    /** True when the cancellation stopped the run before all its steps finished. */
    public boolean wasCutShort() {
        return cutShort;
    }

    /** The run is recorded as finished. */
    public void finished() {
        finished.countDown();
    }

    /** Waits up to {@code timeout} for the run to be recorded as finished; true if it was. */
    public boolean awaitFinished(java.time.Duration timeout) throws InterruptedException {
        return finished.await(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
    }

    public boolean isFinished() {
        return finished.getCount() == 0;
    }
}
