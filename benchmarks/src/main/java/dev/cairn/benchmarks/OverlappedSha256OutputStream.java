package dev.cairn.benchmarks;

import static java.util.Objects.requireNonNull;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A SHA-256-hashing output stream that hashes every write of at least {@link #OVERLAP_MIN_BYTES} on a helper thread
 * while the caller's thread writes the same bytes ({@code write} returns when both are done, so the caller may reuse
 * its array at once and the digest sees the bytes in order); smaller writes are hashed in line.
 *
 * <p>Only {@link MlModelBenchmark} uses it, to compare against the engine's in-line
 * {@code dev.cairn.engine.artifacts.Sha256OutputStream}. It lived in core-engine until session 7; measured on the
 * shared 2-core machine it showed no consistent gain (BENCHMARKS.md, "ML models"), so the engine hashes in line and
 * this copy stays with the benchmark.
 */
final class OverlappedSha256OutputStream extends FilterOutputStream {
    /** Writes at least this large are hashed on a helper thread while they are written (smaller ones in line). */
    static final int OVERLAP_MIN_BYTES = 1 << 16;

    private static final AtomicInteger THREADS = new AtomicInteger();
    /** Idle helpers end after a minute; one per stream in a large write at most. */
    private static final ExecutorService HASHERS = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "benchmark-hash-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });

    private final MessageDigest digest;
    private long size;
    private String hex;

    OverlappedSha256OutputStream(OutputStream out) {
        super(requireNonNull(out, "out is null"));
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JVM has no SHA-256", e);
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
        Objects.checkFromIndexSize(off, len, b.length);
        if (len < OVERLAP_MIN_BYTES) {
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
    long size() {
        return size;
    }

    /** The SHA-256 of everything written, as 64 lower-case hex digits; ends the hashing (call after the last write). */
    String sha256() {
        if (hex == null) {
            hex = HexFormat.of().formatHex(digest.digest());
        }
        return hex;
    }
}
