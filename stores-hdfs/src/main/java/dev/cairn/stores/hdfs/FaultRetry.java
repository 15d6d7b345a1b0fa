package dev.cairn.stores.hdfs;

import static java.util.Objects.requireNonNull;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.apache.hadoop.ipc.RemoteException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;

/**
 * Runs file-system calls with bounded retries and exponential backoff for transient faults, and turns the faults
 * that the user has to act on into {@link CairnException}s naming the URI, the cause and what to do.
 *
 * <p><b>Transient</b> (retried): the NameNode or an object store is unreachable or restarting ({@link SocketException}
 * such as {@code ConnectException}, {@link SocketTimeoutException}, an {@link EOFException} of a dropped RPC),
 * or it asks to be retried ({@code RetriableException}, {@code SafeModeException} right after a restart,
 * {@code StandbyException} during an HA fail-over). Faults inside a DataNode write pipeline are handled by the HDFS
 * client itself (pipeline recovery), not here. <b>Permanent</b>: permission denied
 * ({@code AccessControlException}, {@code AccessDeniedException}) and quota exceeded ({@code QuotaExceededException}
 * and its kinds) become {@link ErrorCode#STORE_FAILURE}s at once, as does a transient fault still there after the last
 * attempt. Other {@link IOException}s (a missing file, a target that exists) pass through unchanged.
 *
 * <p>Immutable and thread-safe.
 */
final class FaultRetry {
    private static final Logger LOG = LoggerFactory.getLogger(FaultRetry.class);

    private static final Set<String> TRANSIENT_REMOTE_CLASSES = Set.of(
            "org.apache.hadoop.ipc.RetriableException",
            "org.apache.hadoop.hdfs.server.namenode.SafeModeException",
            "org.apache.hadoop.ipc.StandbyException",
            "org.apache.hadoop.ipc.ObserverRetryOnActiveException");
    private static final Set<String> PERMISSION_CLASSES = Set.of(
            "org.apache.hadoop.security.AccessControlException",
            "org.apache.hadoop.hdfs.protocol.SnapshotAccessControlException",
            "java.nio.file.AccessDeniedException");
    private static final Set<String> QUOTA_CLASSES = Set.of(
            "org.apache.hadoop.hdfs.protocol.QuotaExceededException",
            "org.apache.hadoop.fs.ClusterStorageCapacityExceededException");

    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;

    /**
     * @param maxAttempts how many times a call is tried in all, at least 1
     * @param initialBackoff the wait before the second attempt; each further wait doubles, up to {@code maxBackoff}
     */
    FaultRetry(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        this.maxAttempts = maxAttempts;
        this.initialBackoff = requireNonNull(initialBackoff, "initialBackoff is null");
        this.maxBackoff = requireNonNull(maxBackoff, "maxBackoff is null");
    }

    int maxAttempts() {
        return maxAttempts;
    }

    Duration initialBackoff() {
        return initialBackoff;
    }

    Duration maxBackoff() {
        return maxBackoff;
    }

    /** One attempt of a file-system call; {@code attempt} counts from 1. */
    @FunctionalInterface
    interface Attempt<T> {
        T run(int attempt) throws IOException;
    }

    /** What a call is about, for messages: {@code "<action> <uri> in the artifact store <root>"}. */
    record Subject(String action, String target, String root) {
        String describe() {
            return action + " " + target + " in the artifact store " + root;
        }
    }

    /**
     * Runs {@code attempt} until it succeeds, fails for a reason that is not transient, or {@link #maxAttempts()}
     * attempts have failed transiently.
     *
     * @throws CairnException {@code STORE_FAILURE} for permission denied, quota exceeded, or a transient fault that
     *     outlasted the attempts
     * @throws IOException any other failure of the call, unchanged
     */
    <T> T call(Subject subject, Attempt<T> attempt) throws IOException {
        long start = System.nanoTime();
        for (int number = 1; ; number++) {
            try {
                return attempt.run(number);
            } catch (IOException e) {
                CairnException permanent = permanentFailure(subject, e);
                if (permanent != null) {
                    throw permanent;
                }
                if (!isTransient(e)) {
                    throw e;
                }
                if (number >= maxAttempts) {
                    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
                    throw new CairnException(ErrorCode.STORE_FAILURE, "Cannot " + subject.describe()
                            + ": the file system still failed after " + number + " attempt" + (number == 1 ? "" : "s")
                            + " over " + seconds(elapsed) + " (" + summary(e) + "). Check that the NameNode (or the"
                            + " object store) of " + subject.root() + " is running and reachable from this machine,"
                            + " then run again; the number of attempts is set by " + HdfsArtifactStoreProvider.RETRY_MAX_ATTEMPTS
                            + ".", e);
                }
                Duration backoff = backoff(number);
                LOG.warn("Attempt {} of {} to {} failed transiently ({}); retrying in {} ms", number, maxAttempts,
                        subject.describe(), summary(e), backoff.toMillis());
                sleep(backoff);
            } catch (IllegalArgumentException e) {
                // Hadoop refuses some names with IllegalArgumentException (HDFS: a ':' in a name).
                throw new CairnException(ErrorCode.STORE_FAILURE, "Cannot " + subject.describe() + ": the file system"
                        + " refuses the path (" + e.getMessage() + "); use names of letters, digits, '.', '_' and '-'.",
                        e);
            }
        }
    }

    /** The wait after the {@code failedAttempt}-th attempt. */
    Duration backoff(int failedAttempt) {
        Duration backoff = initialBackoff;
        for (int i = 1; i < failedAttempt && backoff.compareTo(maxBackoff) < 0; i++) {
            backoff = backoff.multipliedBy(2);
        }
        return backoff.compareTo(maxBackoff) > 0 ? maxBackoff : backoff;
    }

    /**
     * A {@link CairnException} for a permanent fault the user must fix (permission denied, quota exceeded), or
     * {@code null} for any other exception.
     */
    static @Nullable CairnException permanentFailure(Subject subject, Throwable e) {
        if (hasCause(e, PERMISSION_CLASSES)) {
            return new CairnException(ErrorCode.STORE_FAILURE, "Cannot " + subject.describe() + ": permission denied ("
                    + summary(e) + "). Give the user running Cairn access to the store root (for HDFS: hdfs dfs -chown,"
                    + " -chmod or an ACL on the directory), or use a store root that user may write.", e);
        }
        if (hasCause(e, QUOTA_CLASSES)) {
            return new CairnException(ErrorCode.STORE_FAILURE, "Cannot " + subject.describe() + ": quota exceeded ("
                    + summary(e) + "). Free space or names under the store root (delete or prune old artifacts), or"
                    + " raise the quota (for HDFS: hdfs dfsadmin -setSpaceQuota / -setQuota), then run again.", e);
        }
        return null;
    }

    /** True if {@code e} or one of its causes is a refused permission. */
    static boolean isPermissionDenied(Throwable e) {
        return hasCause(e, PERMISSION_CLASSES);
    }

    /** True if {@code e} or one of its causes is a fault that may go away when the call is repeated. */
    static boolean isTransient(Throwable e) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable current = e; current != null && seen.put(current, Boolean.TRUE) == null;
                current = current.getCause()) {
            if (current instanceof SocketException || current instanceof SocketTimeoutException
                    || current instanceof EOFException) {
                return true;
            }
            if (current instanceof InterruptedIOException) {
                return false; // an interrupted thread must stop, not retry
            }
            if (isA(current, TRANSIENT_REMOTE_CLASSES)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasCause(Throwable e, Set<String> classNames) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable current = e; current != null && seen.put(current, Boolean.TRUE) == null;
                current = current.getCause()) {
            if (isA(current, classNames)) {
                return true;
            }
        }
        return false;
    }

    /**
     * True if {@code e}'s class or a superclass, or the server-side class a {@link RemoteException} carries or one of
     * that class's superclasses (when it can be loaded here), is one of {@code classNames}.
     */
    private static boolean isA(Throwable e, Set<String> classNames) {
        if (e instanceof RemoteException remote) {
            String remoteClass = remote.getClassName();
            if (classNames.contains(remoteClass)) {
                return true;
            }
            Class<?> loaded = loadQuietly(remoteClass);
            if (loaded != null && isA(loaded, classNames)) {
                return true;
            }
        }
        return isA(e.getClass(), classNames);
    }

    private static boolean isA(Class<?> type, Set<String> classNames) {
        for (Class<?> current = type; current != null; current = current.getSuperclass()) {
            if (classNames.contains(current.getName())) {
                return true;
            }
        }
        return false;
    }

    private static @Nullable Class<?> loadQuietly(@Nullable String className) {
        if (className == null) {
            return null;
        }
        try {
            return Class.forName(className, false, FaultRetry.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    /** The exception's class and first message line, without the server-side stack trace a RemoteException carries. */
    static String summary(Throwable e) {
        String name = e instanceof RemoteException remote ? remote.getClassName() : e.getClass().getName();
        String message = e.getMessage();
        if (message == null) {
            return name;
        }
        int newline = message.indexOf('\n');
        return name + ": " + (newline < 0 ? message : message.substring(0, newline));
    }

    private static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }

    private static void sleep(Duration backoff) throws InterruptedIOException {
        try {
            Thread.sleep(backoff.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted = new InterruptedIOException("interrupted while waiting to retry");
            interrupted.initCause(e);
            throw interrupted;
        }
    }

    @Override
    public String toString() {
        return "FaultRetry[" + maxAttempts + " attempts, backoff " + initialBackoff.toMillis() + ".."
                + maxBackoff.toMillis() + " ms]";
    }
}
