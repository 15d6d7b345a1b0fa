package dev.cairn.spark;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.UUID;

import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;
import org.apiguardian.api.API;

import dev.cairn.api.run.PipelineRun;
import dev.cairn.api.run.RunListener;
import dev.cairn.api.run.RunStatus;
import dev.cairn.api.run.StepStatus;

/**
 * A {@link RunListener} that runs every step of a pipeline run in its own Spark job group,
 * {@code cairn:<run id>:<step>}, described as {@code <pipeline> run <run id>, step <step>} (Spark's UI shows Cairn's
 * steps), and tags every job of the run with {@link #runTag(UUID)}, so {@link #cancelRun(SparkSession, UUID)} cancels
 * them all. The engine calls {@code stepStarted} and {@code stepFinished} on the thread that runs the step and saves
 * its outputs, and Spark keeps job groups and tags per thread, so concurrent steps get their own groups.
 *
 * <p>Cancelling the run ({@code RunHandle.cancel}, the run timeout, the engine's close) interrupts its running steps.
 * Spark does not cancel a job because the thread waiting for it was interrupted, so: Cairn's own jobs (writing and
 * verifying Dataset artifacts) cancel themselves when interrupted; a step that ends {@code FAILED} has its job group
 * cancelled, with any job its code (or a thread it started) submits to the group later — which stops the jobs the
 * step's own code was waiting for; and a run that ends other than {@code COMPLETED} has every job still tagged with it
 * cancelled. The group is created with {@code interruptOnCancel}, so cancelled tasks are interrupted on the executors.
 *
 * <p>The Spark plugin gives every run one of these on the application's session ({@code SparkPlugin.runListeners()}),
 * so nothing needs to be added to {@code RunOptions}; when a step starts before any session exists, its group is set
 * as soon as {@link SparkSessions#current()} builds or finds one on the step's thread. {@link #forSession} makes one
 * for an explicit session, passed in {@code RunOptions} (both together are harmless: they set the same group). It
 * remembers the run it was started for. Thread-safe.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class SparkJobGroups implements RunListener {
    /** The group a step started on this thread before there was a session: {group, description, run tag}. */
    private static final ThreadLocal<String[]> PENDING = new ThreadLocal<>();

    private final java.util.function.Supplier<java.util.Optional<SparkSession>> sessions;
    private volatile String pipelineName = "pipeline";
    private volatile UUID runId = new UUID(0, 0);

    private SparkJobGroups(java.util.function.Supplier<java.util.Optional<SparkSession>> sessions) {
        this.sessions = sessions;
    }

    /** A listener for one run in {@code session}. */
    public static SparkJobGroups forSession(SparkSession session) {
        requireNonNull(session, "session is null");
        return new SparkJobGroups(() -> java.util.Optional.of(session));
    }

    /** A listener for one run in whichever session {@link SparkSessions#existing()} has when a step starts or ends. */
    static SparkJobGroups automatic() {
        return new SparkJobGroups(SparkSessions::existing);
    }

    /** Sets the job group of a step that started on this thread before {@code session} existed (once). */
    static void applyPending(SparkSession session) {
        String[] pending = PENDING.get();
        if (pending != null) {
            PENDING.remove();
            SparkContext context = session.sparkContext();
            context.setJobGroup(pending[0], pending[1], true);
            context.addJobTag(pending[2]);
        }
    }

    /** The Spark job group of step {@code stepName} of run {@code runId}. */
    public static String jobGroup(UUID runId, String stepName) {
        return "cairn:" + requireNonNull(runId, "runId is null") + ":" + requireNonNull(stepName, "stepName is null");
    }

    /** The Spark job tag on every job of run {@code runId}. */
    public static String runTag(UUID runId) {
        return "cairn-run-" + requireNonNull(runId, "runId is null");
    }

    /**
     * Cancels every running and queued Spark job of run {@code runId} (the hook to call when a run is cancelled);
     * the steps waiting on them fail with Spark's cancellation error.
     */
    public static void cancelRun(SparkSession session, UUID runId) {
        requireNonNull(session, "session is null");
        session.sparkContext().cancelJobsWithTag(runTag(runId), "Cairn run " + runId + " was cancelled");
    }

    @Override
    public void runStarted(String pipelineName, UUID runId, int stepCount) {
        this.pipelineName = requireNonNull(pipelineName, "pipelineName is null");
        this.runId = requireNonNull(runId, "runId is null");
    }

    @Override
    public void stepStarted(String stepName) {
        UUID run = runId;
        String group = jobGroup(run, stepName);
        String description = pipelineName + " run " + run + ", step " + stepName;
        PENDING.remove(); // a step abandoned on this worker thread may have left its own
        java.util.Optional<SparkSession> session = sessions.get();
        if (session.isEmpty()) {
            PENDING.set(new String[] {group, description, runTag(run)});
            return;
        }
        SparkContext context = session.get().sparkContext();
        context.setJobGroup(group, description, true);
        context.addJobTag(runTag(run));
    }

    /**
     * Leaves the step's job group (on the step's thread); when the step {@code FAILED}, cancels the jobs of its group
     * still running and any submitted to it later (a step interrupted by a cancelled run, or abandoned after the grace
     * period, leaves the job it waited for running otherwise).
     */
    @Override
    public void stepFinished(String stepName, StepStatus status, Duration duration) {
        UUID run = runId;
        String group = jobGroup(run, stepName);
        String[] pending = PENDING.get();
        if (pending != null && pending[0].equals(group)) {
            PENDING.remove();
        }
        java.util.Optional<SparkSession> session = sessions.get();
        if (session.isEmpty()) {
            return;
        }
        SparkContext context = session.get().sparkContext();
        if (group.equals(context.getLocalProperty("spark.jobGroup.id"))) {
            context.clearJobGroup();
            context.removeJobTag(runTag(run));
        }
        if (status == StepStatus.FAILED) {
            context.cancelJobGroupAndFutureJobs(group, "step " + stepName + " of Cairn run " + run + " failed or was cancelled");
        }
    }

    /** When the run ended other than {@code COMPLETED}, cancels every Spark job still tagged with it. */
    @Override
    public void runFinished(PipelineRun run) {
        java.util.Optional<SparkSession> session = sessions.get();
        if (run.status() != RunStatus.COMPLETED && session.isPresent()) {
            session.get().sparkContext().cancelJobsWithTag(runTag(run.id()), "Cairn run " + run.id() + " ended " + run.status());
        }
    }

    /** Cancels every Spark job of the run this listener was started for. */
    public void cancel() {
        sessions.get().ifPresent(session -> cancelRun(session, runId));
    }
}
