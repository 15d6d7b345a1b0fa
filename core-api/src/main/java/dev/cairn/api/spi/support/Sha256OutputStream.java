package dev.cairn.api.spi.support;

import static java.util.Objects.requireNonNull;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * An output stream that counts and SHA-256-hashes the bytes written through it. In line on the writing thread, or, made
 * by {@link #overlapping} (what the engine's artifact writer uses), with every write of at least
 * {@link #OVERLAP_MIN_BYTES} hashed on a helper thread while the caller's thread writes the same bytes: {@code write}
 * returns when both are done, so the caller may reuse its array at once, the digest sees the bytes in order, and the
 * hash equals hashing on one thread — but writing and hashing a large file use two cores instead of one after the other
 * (measured: MlModelBenchmark, BENCHMARKS.md "materializers-ml", session 7). The helper thread belongs to the stream: started on its
 * first large write and ended when the stream is closed (or its hash taken), so no thread outlives the stream.
 * Not thread-safe (one writer, as any stream). The one hashing stream of the engine's artifact writer and of
 * {@code cairn-spark}'s executors (which record each part's size and hash as they write it).
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class Sha256OutputStream extends FilterOutputStream {
    /** Writes at least this large are hashed on the helper thread while they are written (smaller ones in line). */
    public static final int OVERLAP_MIN_BYTES = 1 << 16;

    private static final AtomicInteger THREADS = new AtomicInteger();

    private final MessageDigest digest;
    private final boolean overlap;
    private final String what;
    private @Nullable ExecutorService helper;
    /** The helper's thread, joined when the stream ends. */
    private @Nullable Thread helperThread;
    private long size;
    private @Nullable String hex;

    /** Hashes in line on the writing thread. */
    public Sha256OutputStream(OutputStream out) {
        this(out, newDigest(), false, "the stream");
    }

    Sha256OutputStream(OutputStream out, MessageDigest digest, boolean overlap, String what) {
        super(requireNonNull(out, "out is null"));
        this.digest = requireNonNull(digest, "digest is null");
        this.overlap = overlap;
        this.what = requireNonNull(what, "what is null");
    }

    /**
     * Hashes writes of at least {@link #OVERLAP_MIN_BYTES} on this stream's own helper thread while they are written;
     * {@code what} (e.g. "file 'model.onnx' of artifact 'model'") names the bytes in errors.
     */
    public static Sha256OutputStream overlapping(OutputStream out, String what) {
        return new Sha256OutputStream(out, newDigest(), true, what);
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        digest.update((byte) b);
        size++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (!overlap || len < OVERLAP_MIN_BYTES) {
            out.write(b, off, len);
            digest.update(b, off, len);
        } else {
            Future<?> hashing = helper().submit(() -> digest.update(b, off, len));
            try {
                out.write(b, off, len);
            } finally {
                // the digest must not be in use once write returns or throws, whatever happened to the write
                awaitUninterruptibly(hashing);
            }
        }
        size += len;
    }

    private ExecutorService helper() {
        if (helper == null) {
            helper = Executors.newSingleThreadExecutor(task -> {
                Thread thread = new Thread(task, "cairn-hash-" + THREADS.incrementAndGet());
                thread.setDaemon(true);
                helperThread = thread;
                return thread;
            });
        }
        return helper;
    }

    private void awaitUninterruptibly(Future<?> hashing) throws IOException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    hashing.get();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw new IOException("Hashing " + what + " failed on the helper thread: " + e.getCause(), e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Closes the stream and ends the helper thread (if a large write started one). */
    @Override
    public void close() throws IOException {
        try {
            super.close();
        } finally {
            endHelper();
        }
    }

    private void endHelper() {
        ExecutorService ending = helper;
        if (ending == null) {
            return;
        }
        helper = null;
        ending.shutdown(); // idle: every task was awaited by its write
        Thread thread = helperThread;
        helperThread = null;
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    if (ending.awaitTermination(1, TimeUnit.MINUTES) && (thread == null || joined(thread))) {
                        return;
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static boolean joined(Thread thread) throws InterruptedException {
        thread.join(TimeUnit.MINUTES.toMillis(1));
        return !thread.isAlive();
    }

    /** The bytes written so far. */
    public long size() {
        return size;
    }

    /** The SHA-256 of everything written, as 64 lower-case hex digits; ends the hashing (call after the last write). */
    public String sha256() {
        endHelper();
        if (hex == null) {
            hex = HexFormat.of().formatHex(digest.digest());
        }
        return hex;
    }
}
