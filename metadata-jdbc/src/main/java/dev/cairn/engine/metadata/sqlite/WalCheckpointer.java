package dev.cairn.engine.metadata.sqlite;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.LockSupport;

import dev.cairn.engine.metadata.jdbc.SqlSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the write-ahead log back into the database file on a background thread, so that no caller pays for
 * a checkpoint (page copies and two {@code fsync}s) inside its own write.
 *
 * <p>The write connection runs with {@code wal_autocheckpoint = 0}. This thread runs a {@code PASSIVE}
 * checkpoint, which blocks neither readers nor writers, after every {@link #COMMITS_PER_CHECKPOINT} commits
 * or after a second with any commit. The log starts over only when a write begins after a checkpoint copied
 * all of it; under a steady stream of writes a concurrent checkpoint never catches up, so once the log holds
 * {@link #CATCH_UP_FRAMES} frames the next checkpoint runs while holding this process's write lock. By then
 * the unlocked checkpoints have copied nearly everything, so writers wait only for the short remainder.
 */
final class WalCheckpointer implements AutoCloseable {
    static final int COMMITS_PER_CHECKPOINT = 128;
    /** About 32 MB of log with 4 KiB pages. */
    static final int CATCH_UP_FRAMES = 8192;

    private static final Logger LOG = LoggerFactory.getLogger(WalCheckpointer.class);
    private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long STOP_WAIT_MILLIS = 10_000;

    private final Path file;
    private final int busyTimeoutMillis;
    private final Lock writeLock;
    private final AtomicLong commits = new AtomicLong();
    private final Thread thread;
    private volatile boolean stopping;

    /** Starts the thread; {@code writeLock} is the lock that this process's writers hold around each transaction. */
    WalCheckpointer(Path file, int busyTimeoutMillis, Lock writeLock) {
        this.file = file;
        this.busyTimeoutMillis = busyTimeoutMillis;
        this.writeLock = writeLock;
        this.thread = new Thread(this::run, "cairn-metadata-checkpointer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Called after each commit of this process's write connection; cheap. */
    void committed() {
        if (commits.incrementAndGet() % COMMITS_PER_CHECKPOINT == 0) {
            LockSupport.unpark(thread);
        }
    }

    private void run() {
        SqlSession connection = null;
        long checkpointed = 0;
        try {
            while (!stopping) {
                LockSupport.parkNanos(this, IDLE_NANOS);
                long seen = commits.get();
                if (seen == checkpointed || stopping) {
                    continue;
                }
                checkpointed = seen;
                try {
                    if (connection == null) {
                        connection = SqliteDatabase.openSession(file, busyTimeoutMillis, false);
                    }
                    if (checkpoint(connection) >= CATCH_UP_FRAMES) {
                        writeLock.lock();
                        try {
                            checkpoint(connection);
                        } finally {
                            writeLock.unlock();
                        }
                    }
                } catch (SQLException | RuntimeException e) {
                    // the next round tries again; a busy database is the usual reason
                    LOG.debug("Checkpoint of metadata store {} did not complete: {}", file, e.toString());
                }
            }
        } finally {
            if (connection != null) {
                connection.close();
            }
        }
    }

    /** Runs a passive checkpoint and returns the number of frames in the log. */
    private static int checkpoint(SqlSession connection) throws SQLException {
        try (ResultSet row = connection.prepare("PRAGMA wal_checkpoint(PASSIVE)").executeQuery()) {
            // columns: busy, frames in the log, frames copied
            return row.next() ? row.getInt(2) : 0;
        }
    }

    @Override
    public void close() {
        stopping = true;
        LockSupport.unpark(thread);
        try {
            thread.join(STOP_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
