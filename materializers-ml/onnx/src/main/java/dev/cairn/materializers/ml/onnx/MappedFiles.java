package dev.cairn.materializers.ml.onnx;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;

/**
 * Releases a file mapping as soon as its reader is done with it, instead of when the garbage collector happens to free
 * the buffer: until then a long-lived process keeps the file's address space, and a deleted (pruned) file's disk space.
 * Java 17 has no public unmap ({@code FileChannel.map(…, Arena)} is Java 21), so this calls {@code sun.misc.Unsafe.invokeCleaner}
 * of module {@code jdk.unsupported}; where that is missing the mapping is left to the garbage collector as before.
 */
final class MappedFiles {
    private static final Object UNSAFE;
    private static final Method INVOKE_CLEANER;

    static {
        Object unsafe = null;
        Method invokeCleaner = null;
        try {
            Class<?> type = Class.forName("sun.misc.Unsafe");
            Field field = type.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            unsafe = field.get(null);
            invokeCleaner = type.getMethod("invokeCleaner", ByteBuffer.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // no jdk.unsupported: mappings are released by the garbage collector
            unsafe = null;
            invokeCleaner = null;
        }
        UNSAFE = unsafe;
        INVOKE_CLEANER = invokeCleaner;
    }

    private MappedFiles() {}

    /** Unmaps {@code buffer} (a buffer {@code FileChannel.map} returned, not a slice of one), which must not be used afterwards. */
    static void unmap(MappedByteBuffer buffer) {
        if (INVOKE_CLEANER == null) {
            return;
        }
        try {
            INVOKE_CLEANER.invoke(UNSAFE, buffer);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot unmap a mapped file: " + e, e);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        }
    }
}
