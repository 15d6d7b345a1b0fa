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
 * {@link RootAllocator} with no limit, from which loaded {@code Table}s and {@code VectorSchemaRoot}s are allocated.
 *
 * <p>Arrow needs {@code --add-opens=java.base/java.nio=ALL-UNNAMED} on the JVM (the {@code cairn} launcher passes it).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class ArrowPlugin implements CairnPlugin {
    private final BufferAllocator allocator;
    private final List<Materializer<?>> materializers;

    /** The plugin as {@link java.util.ServiceLoader} creates it, with its own root allocator. */
    public ArrowPlugin() {
        this(new RootAllocator());
    }

    /** The plugin allocating from {@code allocator}, e.g. a child of an application's allocator, or a test's. */
    public ArrowPlugin(BufferAllocator allocator) {
        this.allocator = requireNonNull(allocator, "allocator is null");
        this.materializers = List.of(new ArrowMaterializer(allocator));
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
