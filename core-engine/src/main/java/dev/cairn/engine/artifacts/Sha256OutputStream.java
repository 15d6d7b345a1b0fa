package dev.cairn.engine.artifacts;

import static java.util.Objects.requireNonNull;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

import org.apiguardian.api.API;

/**
 * An output stream that counts and SHA-256-hashes the bytes written through it, in line on the writing thread (what the
 * engine's artifact writer uses). Not thread-safe (one writer, as any stream). A variant hashing large writes on a
 * helper thread was measured against this one (MlModelBenchmark, BENCHMARKS.md "ML models") and showed no consistent
 * gain on the 2-core machine; it lives with the benchmark only.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class Sha256OutputStream extends FilterOutputStream {
    private final MessageDigest digest = ContentHash.sha256();
    private long size;
    private String hex;

    public Sha256OutputStream(OutputStream out) {
        super(requireNonNull(out, "out is null"));
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
        out.write(b, off, len);
        digest.update(b, off, len);
        size += len;
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
