package dev.cairn.engine.logs;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.apiguardian.api.API;

/**
 * What one step printed, bounded: the first half of the limit is kept as the head, the last half as the tail, and what
 * falls between is counted and replaced by a {@code [... N bytes omitted ...]} marker. Memory grows with what was
 * written, up to the limit. Thread-safe.
 */
@API(status = API.Status.INTERNAL, since = "0.3")
public final class StepLogBuffer {
    private final int headLimit;
    private final int tailLimit;
    private byte[] head = new byte[0];
    private int headSize;
    private byte[] tail = new byte[0];
    private int tailStart;
    private int tailSize;
    private long omitted;

    /** A buffer keeping at most {@code limit} bytes (at least 2; values above 1 GiB are treated as 1 GiB). */
    public StepLogBuffer(long limit) {
        if (limit < 2) {
            throw new IllegalArgumentException("limit must be at least 2 bytes, got " + limit);
        }
        int bounded = (int) Math.min(limit, 1L << 30);
        this.headLimit = bounded / 2;
        this.tailLimit = bounded - headLimit;
    }

    /** Appends {@code length} bytes of {@code bytes} from {@code offset}. */
    public synchronized void append(byte[] bytes, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
        int toHead = Math.min(length, headLimit - headSize);
        if (toHead > 0) {
            head = grow(head, headSize + toHead, headLimit);
            System.arraycopy(bytes, offset, head, headSize, toHead);
            headSize += toHead;
        }
        if (length > toHead) {
            appendTail(bytes, offset + toHead, length - toHead);
        }
    }

    private void appendTail(byte[] bytes, int offset, int length) {
        if (length >= tailLimit) {
            omitted += tailSize + (length - tailLimit);
            tail = grow(tail, tailLimit, tailLimit);
            System.arraycopy(bytes, offset + length - tailLimit, tail, 0, tailLimit);
            tailStart = 0;
            tailSize = tailLimit;
            return;
        }
        // The ring only wraps once it holds tailLimit bytes; until then it grows linearly from index 0.
        tail = grow(tail, Math.min(tailLimit, tailSize + length), tailLimit);
        int capacity = tail.length;
        int free = capacity - tailSize;
        if (length > free) {
            int drop = length - free;
            tailStart = (tailStart + drop) % capacity;
            tailSize -= drop;
            omitted += drop;
        }
        int position = (tailStart + tailSize) % capacity;
        int first = Math.min(length, capacity - position);
        System.arraycopy(bytes, offset, tail, position, first);
        System.arraycopy(bytes, offset + first, tail, 0, length - first);
        tailSize += length;
    }

    private static byte[] grow(byte[] array, int needed, int max) {
        if (array.length >= needed) {
            return array;
        }
        int capacity = (int) Math.min(max, Math.max(needed, Math.max(256L, array.length * 2L)));
        return Arrays.copyOf(array, capacity);
    }

    /** True when nothing was written. */
    public synchronized boolean isEmpty() {
        return headSize == 0;
    }

    /** How many bytes were written in all, kept or not. */
    public synchronized long written() {
        return headSize + omitted + tailSize;
    }

    /**
     * The kept bytes: the head, then, if anything was dropped, the marker and the tail. Where the cut split a UTF-8
     * sequence, its pieces are dropped too (and counted as omitted), so a UTF-8 log stays valid UTF-8.
     */
    public synchronized byte[] contents() {
        if (omitted == 0) {
            byte[] all = Arrays.copyOf(head, headSize + tailSize);
            copyTail(all, headSize);
            return all;
        }
        int headEnd = completeUtf8Prefix(head, headSize);
        byte[] tailBytes = new byte[tailSize];
        copyTail(tailBytes, 0);
        int tailFrom = 0;
        while (tailFrom < tailBytes.length && tailFrom < 3 && (tailBytes[tailFrom] & 0xC0) == 0x80) {
            tailFrom++;
        }
        long dropped = omitted + (headSize - headEnd) + tailFrom;
        byte[] marker = ("\n[... " + dropped + " bytes omitted ...]\n").getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(headEnd + marker.length + tailBytes.length - tailFrom);
        out.write(head, 0, headEnd);
        out.write(marker, 0, marker.length);
        out.write(tailBytes, tailFrom, tailBytes.length - tailFrom);
        return out.toByteArray();
    }

    private void copyTail(byte[] target, int at) {
        if (tailSize == 0) {
            return;
        }
        int capacity = tail.length;
        int first = Math.min(tailSize, capacity - tailStart);
        System.arraycopy(tail, tailStart, target, at, first);
        System.arraycopy(tail, 0, target, at + first, tailSize - first);
    }

    /** The length of the longest prefix of {@code bytes[0, size)} that does not end inside a UTF-8 sequence. */
    private static int completeUtf8Prefix(byte[] bytes, int size) {
        int start = size;
        int continuation = 0;
        while (start > 0 && continuation < 3 && (bytes[start - 1] & 0xC0) == 0x80) {
            start--;
            continuation++;
        }
        if (start == 0) {
            return size;
        }
        int lead = bytes[start - 1] & 0xFF;
        int expected = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0;
        if (expected == 0) {
            return size; // ASCII (or stray continuation bytes): nothing to trim
        }
        return continuation >= expected ? size : start - 1;
    }
}
