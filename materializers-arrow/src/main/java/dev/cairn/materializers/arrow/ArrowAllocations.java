package dev.cairn.materializers.arrow;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The child allocators the Arrow materializer makes, one per save and one per loaded {@code Table} or
 * {@code VectorSchemaRoot}, each named after its artifact, so that memory still held can be traced to where it came
 * from.
 *
 * <p>A save's allocator is closed when the save ends; memory it still holds then is a leak, reported as an error naming
 * the artifact. A load's allocator is handed out with the value; once the caller has closed the value (its allocator
 * holds no memory), the allocator is closed the next time anything is loaded, or at {@link #close()}. {@code close()}
 * reports each allocator that still holds memory, by artifact, instead of dropping it silently. Thread-safe.
 */
final class ArrowAllocations {
    private final BufferAllocator parent;
    private final ConcurrentLinkedQueue<BufferAllocator> handedOut = new ConcurrentLinkedQueue<>();
    private final AtomicLong counter = new AtomicLong();

    ArrowAllocations(BufferAllocator parent) {
        this.parent = requireNonNull(parent, "parent is null");
    }

    /** A new allocator for saving {@code artifact}; the caller closes it with {@link #closeSave}. */
    BufferAllocator forSave(String artifact) {
        return parent.newChildAllocator("save of artifact '" + artifact + "' #" + counter.incrementAndGet(), 0, Long.MAX_VALUE);
    }

    /** Closes a save's allocator; memory still held is a leak of the materializer, reported with the artifact. */
    void closeSave(BufferAllocator allocator, String artifact) {
        long held = allocator.getAllocatedMemory();
        try {
            allocator.close();
        } catch (IllegalStateException e) {
            throw new CairnException(ErrorCode.MATERIALIZER_FAILED, "Saving artifact '" + artifact + "' left " + held
                    + " bytes of Arrow memory allocated (allocator '" + allocator.getName() + "'): a defect of the Arrow materializer; report it", e);
        }
    }

    /** A new allocator for a value loaded from {@code artifact}; closes the allocators of loaded values already closed. */
    BufferAllocator forLoad(String artifact) {
        releaseIdle();
        return parent.newChildAllocator("load of artifact '" + artifact + "' #" + counter.incrementAndGet(), 0, Long.MAX_VALUE);
    }

    /** {@code allocator} now backs a value handed to the caller. */
    void handedOut(BufferAllocator allocator) {
        handedOut.add(allocator);
    }

    /** Closes a load's allocator whose value could not be made (nothing was handed out). */
    void discard(BufferAllocator allocator) {
        try {
            allocator.close();
        } catch (IllegalStateException e) {
            // the load failed part-way; what it allocated is reported here and not kept
            throw new CairnException(ErrorCode.MATERIALIZER_FAILED, "A failed load left Arrow memory allocated in '" + allocator.getName() + "'", e);
        }
    }

    /** Closes the allocators of loaded values whose memory was all released; returns how many remain. */
    int releaseIdle() {
        int remaining = 0;
        for (BufferAllocator allocator : handedOut) {
            if (allocator.getAllocatedMemory() == 0) {
                if (handedOut.remove(allocator)) {
                    allocator.close();
                }
            } else {
                remaining++;
            }
        }
        return remaining;
    }

    /** The loaded values that still hold memory: allocator name (naming the artifact) to bytes. */
    Map<String, Long> held() {
        releaseIdle();
        Map<String, Long> held = new LinkedHashMap<>();
        for (BufferAllocator allocator : handedOut) {
            held.put(allocator.getName(), allocator.getAllocatedMemory());
        }
        return held;
    }

    /**
     * Closes every allocator whose memory was released; throws {@code MATERIALIZER_FAILED} naming each loaded value
     * that still holds memory (those allocators stay open: their buffers are still in use).
     */
    void close() {
        Map<String, Long> held = held();
        if (!held.isEmpty()) {
            StringBuilder message = new StringBuilder("Arrow memory still held when the Arrow plugin was closed: ");
            held.forEach((name, bytes) -> message.append(bytes).append(" bytes by the value of the ").append(name).append("; "));
            message.append("close each loaded Table or VectorSchemaRoot when done with it");
            throw new CairnException(ErrorCode.MATERIALIZER_FAILED, message.toString());
        }
    }
}
