package dev.cairn.materializers.arrow;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

import org.apache.parquet.bytes.ByteBufferAllocator;

/**
 * A heap {@link ByteBufferAllocator} that keeps the buffers parquet-java releases and hands them out again for the
 * next request of the same capacity. parquet-java's column writers allocate their page buffers in slabs of a few
 * fixed sizes (derived from the page size) and release them after every page; a fresh slab is a fresh zeroed array,
 * which the profile of 10M-row saves showed as about a tenth of the workers' time. At most {@code maxKeptBytes} of
 * released buffers are kept; the rest are left to the garbage collector. A reused buffer is cleared (position 0,
 * limit = capacity) but not zeroed: parquet-java writes before it reads. Not thread-safe: one per worker thread.
 */
final class ReusingAllocator implements ByteBufferAllocator {
    private final Map<Integer, ArrayDeque<ByteBuffer>> free = new HashMap<>();
    /** The buffers in {@link #free}: a buffer released twice is kept once (else it would be handed out twice). */
    private final Set<ByteBuffer> kept = Collections.newSetFromMap(new IdentityHashMap<>());
    private final long maxKeptBytes;
    private long keptBytes;
    private long reused;

    ReusingAllocator(long maxKeptBytes) {
        this.maxKeptBytes = maxKeptBytes;
    }

    @Override
    public ByteBuffer allocate(int size) {
        ArrayDeque<ByteBuffer> buffers = free.get(size);
        ByteBuffer buffer = buffers == null ? null : buffers.poll();
        if (buffer == null) {
            return ByteBuffer.allocate(size);
        }
        kept.remove(buffer);
        keptBytes -= size;
        reused++;
        buffer.clear();
        return buffer;
    }

    @Override
    public void release(ByteBuffer buffer) {
        int capacity = buffer.capacity();
        if (buffer.isDirect() || buffer.isReadOnly() || keptBytes + capacity > maxKeptBytes || !kept.add(buffer)) {
            return;
        }
        keptBytes += capacity;
        free.computeIfAbsent(capacity, size -> new ArrayDeque<>()).push(buffer);
    }

    @Override
    public boolean isDirect() {
        return false;
    }

    /** How many allocations were served by a released buffer. */
    long reused() {
        return reused;
    }
}
