package dev.cairn.materializers.arrow;

import static java.util.Objects.requireNonNull;

import java.util.List;

import dev.cairn.api.spi.CairnPlugin;
import dev.cairn.api.spi.Materializer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apiguardian.api.API;

/**
 * The plugin of this jar: contributes {@link ArrowMaterializer}. Found by {@link java.util.ServiceLoader} through
 * {@code META-INF/services/dev.cairn.api.spi.CairnPlugin}; each instance (one per engine) has its own Arrow
 * {@link RootAllocator} with no limit, from which loaded {@code Table}s and {@code VectorSchemaRoot}s are allocated,
 * each in a child allocator named after its artifact; the engine closes the plugin (and the allocators) when it closes.
 *
 * <p>Arrow needs {@code --add-opens=java.base/java.nio=ALL-UNNAMED} on the JVM (the {@code cairn} launcher passes it).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class ArrowPlugin implements CairnPlugin {
    private final BufferAllocator allocator;
    private final boolean ownsAllocator;
    private final ArrowMaterializer materializer;
    private final List<Materializer<?>> materializers;

    /** The plugin as {@link java.util.ServiceLoader} creates it, with its own root allocator, closed by {@link #close()}. */
    public ArrowPlugin() {
        this(new RootAllocator(), true);
    }

    /**
     * The plugin allocating from {@code allocator}, e.g. a child of an application's allocator, or a test's; the
     * caller keeps owning it ({@link #close()} closes only the child allocators the plugin made in it).
     */
    public ArrowPlugin(BufferAllocator allocator) {
        this(allocator, false);
    }

    private ArrowPlugin(BufferAllocator allocator, boolean ownsAllocator) {
        this.allocator = requireNonNull(allocator, "allocator is null");
        this.ownsAllocator = ownsAllocator;
        this.materializer = new ArrowMaterializer(allocator);
        this.materializers = List.of(materializer);
    }

    /**
     * Closes the child allocators of every save and of every loaded value that was closed, then the root allocator
     * if this plugin created it. A loaded {@code Table} or {@code VectorSchemaRoot} still holding memory is reported:
     * this throws {@code MATERIALIZER_FAILED} naming each such artifact and its bytes, and leaves the allocators
     * that back them open (their buffers are still in use).
     */
    @Override
    public void close() {
        materializer.closeAllocations();
        if (ownsAllocator) {
            allocator.close();
        }
    }

    /** Arrow memory allocated now through this plugin (loaded values not yet closed, saves in progress), in bytes. */
    public long allocatedBytes() {
        return allocator.getAllocatedMemory();
    }

    /** The loaded values that still hold Arrow memory, by allocator name (which names the artifact), with their bytes. */
    public java.util.Map<String, Long> heldByLoadedValues() {
        return materializer.heldByLoadedValues();
    }

    @Override
    public String name() {
        return "cairn-materializers-arrow";
    }

    @Override
    public List<Materializer<?>> materializers() {
        return materializers;
    }

    /** The allocator loads allocate from. */
    public BufferAllocator allocator() {
        return allocator;
    }
}
