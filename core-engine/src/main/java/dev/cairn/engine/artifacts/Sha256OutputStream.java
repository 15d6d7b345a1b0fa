package dev.cairn.engine.artifacts;

import static java.util.Objects.requireNonNull;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.apiguardian.api.API;

/**
 * An output stream that counts and SHA-256-hashes the bytes written through it, in line on the writing thread. One made
 * by {@link #overlapping} hashes a write of at least {@link #OVERLAP_MIN_BYTES} on a helper thread while the caller's
 * thread writes the same bytes, and
 * {@code write} returns when both are done: the caller may reuse its array at once, the digest sees the bytes in
 * order, and the hash equals hashing on one thread — but writing and hashing a large file can use two cores instead
 * of one after the other. Not thread-safe (one writer, as any stream).
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class Sha256OutputStream extends FilterOutputStream {
    /** Writes at least this large are hashed on a helper thread while they are written (smaller ones in line). */
    public static final int OVERLAP_MIN_BYTES = 1 << 16;

    private static final AtomicInteger THREADS = new AtomicInteger();
    /** Idle helpers end after a minute; one per stream in a large write at most. */
    private static final ExecutorService HASHERS = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "cairn-hash-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });

    private final MessageDigest digest = ContentHash.sha256();
    private long size;
    private String hex;

    private final boolean overlap;

    /** Hashes in line on the writing thread (what the engine's artifact writer uses). */
    public Sha256OutputStream(OutputStream out) {
        this(out, false);
    }

    private Sha256OutputStream(OutputStream out, boolean overlap) {
        super(requireNonNull(out, "out is null"));
        this.overlap = overlap;
    }

    /**
     * Hashes large writes on a shared daemon helper thread while they are written. Not used by the engine: measured
     * against in-line hashing (MlModelBenchmark, BENCHMARKS.md) it showed no consistent gain on 2 cores, and its helper
     * threads would outlive a closed engine by their idle minute.
     */
    public static Sha256OutputStream overlapping(OutputStream out) {
        return new Sha256OutputStream(out, true);
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
            Future<?> hashing = HASHERS.submit(() -> digest.update(b, off, len));
            try {
                out.write(b, off, len);
            } finally {
                // the digest must not be in use once write returns or throws, whatever happened to the write
                awaitUninterruptibly(hashing);
            }
        }
        size += len;
    }

    private static void awaitUninterruptibly(Future<?> hashing) throws IOException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    hashing.get();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw new IOException("Hashing failed: " + e.getCause(), e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The bytes written so far. */
    public long size() {
        return size;
    }

    /** The SHA-256 of everything written, as 64 lower-case hex digits; ends the hashing (call after the last write). */
    public String sha256() {
        if (hex == null) {
            hex = HexFormat.of().formatHex(digest.digest());
        }
        return hex;
    }
}
