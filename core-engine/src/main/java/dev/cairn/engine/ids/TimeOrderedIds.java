package dev.cairn.engine.ids;

import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apiguardian.api.API;

/**
 * Time-ordered UUIDs (version 7, RFC 9562): 48 bits of Unix milliseconds, a 12-bit counter that keeps ids of one
 * millisecond in creation order, then 62 random bits. Ids created one after another sort together, so the metadata
 * store appends their index entries instead of scattering them over the whole B-tree (the text form sorts the same
 * way). Used for step runs and artifact versions, which are created by the thousand; run ids stay fully random so
 * that a short prefix of one keeps identifying it on the command line. Thread-safe.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class TimeOrderedIds {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Last (millisecond << 12 | counter) handed out, so ids never go backwards within this JVM. */
    private static final AtomicLong LAST = new AtomicLong();

    private TimeOrderedIds() {}

    public static UUID next() {
        long now = System.currentTimeMillis() << 12;
        long stamp = LAST.updateAndGet(last -> Math.max(now, last + 1));
        long millis = stamp >>> 12;
        long counter = stamp & 0xFFF;
        long most = (millis << 16) | (0x7L << 12) | counter;
        long least = (RANDOM.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(most, least);
    }
}
