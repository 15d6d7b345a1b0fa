package dev.cairn.engine.logs;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * Tees what a thread prints to {@code System.out} and {@code System.err} into the {@link StepLogBuffer} bound to that
 * thread. One pair of routing streams per JVM, installed by the first {@link #install()} (each engine calls it once)
 * and put back by the matching last {@link #uninstall()}: they pass every byte on to the streams that were
 * {@code System.out}/{@code System.err} when they were installed (a host's own streams included), and also append it
 * to the current thread's buffer, if {@link #route} bound one. Routing is per thread ({@link ThreadLocal}, not
 * inherited): threads a step starts itself are not captured. A host that replaces {@code System.out} after an engine
 * started keeps its stream (capture of {@code System.out} then stops), and uninstall leaves it in place. Thread-safe.
 */
@API(status = API.Status.INTERNAL, since = "0.3")
public final class StepOutputCapture {
    private static final ThreadLocal<@Nullable StepLogBuffer> CURRENT = new ThreadLocal<>();
    private static final Object LOCK = new Object();
    private static int installs;
    private static @Nullable PrintStream originalOut;
    private static @Nullable PrintStream originalErr;
    private static @Nullable RoutingStream out;
    private static @Nullable RoutingStream err;

    private StepOutputCapture() {}

    /** Routes the current thread's output into {@code buffer} until the returned scope closes (which restores the previous routing). */
    public static Scope route(StepLogBuffer buffer) {
        requireNonNull(buffer, "buffer is null");
        StepLogBuffer previous = CURRENT.get();
        CURRENT.set(buffer);
        return () -> {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        };
    }

    /** Installs the routing streams if no engine did yet; counts the installs. */
    public static void install() {
        synchronized (LOCK) {
            if (installs++ > 0) {
                return;
            }
            PrintStream currentOut = System.out;
            PrintStream currentErr = System.err;
            originalOut = currentOut;
            originalErr = currentErr;
            RoutingStream newOut = new RoutingStream(currentOut, charset("stdout"));
            RoutingStream newErr = new RoutingStream(currentErr, charset("stderr"));
            out = newOut;
            err = newErr;
            System.setOut(newOut);
            System.setErr(newErr);
        }
    }

    /** Undoes one {@link #install()}; the last one puts the original streams back where the routing streams still are. */
    public static void uninstall() {
        synchronized (LOCK) {
            if (installs == 0 || --installs > 0) {
                return;
            }
            if (System.out == out && originalOut != null) {
                System.setOut(originalOut);
            }
            if (System.err == err && originalErr != null) {
                System.setErr(originalErr);
            }
            out = null;
            err = null;
            originalOut = null;
            originalErr = null;
        }
    }

    /** Whether the routing streams are installed (for tests). */
    static boolean installed() {
        synchronized (LOCK) {
            return installs > 0;
        }
    }

    /** The charset the JVM encodes {@code System.out} ({@code stream} "stdout") or {@code System.err} with. */
    private static Charset charset(String stream) {
        for (String property : new String[] {stream + ".encoding", "sun." + stream + ".encoding"}) {
            String name = System.getProperty(property);
            if (name != null) {
                try {
                    return Charset.forName(name);
                } catch (RuntimeException unsupported) {
                    // fall through to the default
                }
            }
        }
        return Charset.defaultCharset();
    }

    /** Ends a {@link #route}. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** A print stream that writes to its delegate and to the current thread's buffer. */
    private static final class RoutingStream extends PrintStream {
        private final PrintStream delegate;

        RoutingStream(PrintStream delegate, Charset charset) {
            super(new Tee(delegate, charset), true, charset);
            this.delegate = delegate;
        }

        /** Closes what it writes to, as closing {@code System.out} would; the routing itself stays usable. */
        @Override
        public void close() {
            flush();
            delegate.close();
        }
    }

    private static final class Tee extends OutputStream {
        private final PrintStream delegate;
        private final boolean utf8;
        private final Charset charset;

        Tee(PrintStream delegate, Charset charset) {
            this.delegate = delegate;
            this.charset = charset;
            this.utf8 = charset.equals(StandardCharsets.UTF_8);
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            delegate.write(bytes, offset, length);
            StepLogBuffer buffer = CURRENT.get();
            if (buffer != null && length > 0) {
                if (utf8) {
                    buffer.append(bytes, offset, length);
                } else {
                    byte[] recoded = new String(bytes, offset, length, charset).getBytes(StandardCharsets.UTF_8);
                    buffer.append(recoded, 0, recoded.length);
                }
            }
        }

        @Override
        public void flush() throws IOException {
            delegate.flush();
        }
    }
}
