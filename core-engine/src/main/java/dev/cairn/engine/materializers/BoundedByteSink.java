package dev.cairn.engine.materializers;

import java.io.OutputStream;
import java.util.Arrays;

/** An output stream that keeps only the first bytes written and counts the rest, for bounded previews. Not thread-safe. */
final class BoundedByteSink extends OutputStream {
    private final byte[] kept;
    private long total;

    BoundedByteSink(int limit) {
        this.kept = new byte[limit];
    }

    @Override
    public void write(int b) {
        if (total < kept.length) {
            kept[(int) total] = (byte) b;
        }
        total++;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        if (total < kept.length) {
            System.arraycopy(bytes, offset, kept, (int) total, (int) Math.min(length, kept.length - total));
        }
        total += length;
    }

    /** Whether more bytes were written than kept. */
    boolean truncated() {
        return total > kept.length;
    }

    /** How many bytes were written in all. */
    long total() {
        return total;
    }

    /** The bytes kept; when truncated, cut back to the last whole UTF-8 character. */
    byte[] bytes() {
        int end = (int) Math.min(total, kept.length);
        if (truncated()) {
            int start = end;
            while (start > 0 && (kept[start - 1] & 0xC0) == 0x80) {
                start--; // continuation bytes of the character cut at the end
            }
            if (start > 0 && (kept[start - 1] & 0x80) != 0) {
                int lead = kept[start - 1] & 0xFF;
                int needed = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
                if (end - (start - 1) < needed) {
                    end = start - 1;
                }
            }
        }
        return Arrays.copyOf(kept, end);
    }
}
