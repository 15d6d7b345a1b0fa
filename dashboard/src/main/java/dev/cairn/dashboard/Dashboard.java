package dev.cairn.dashboard;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import dev.cairn.api.CairnException;
import dev.cairn.api.Client;
import dev.cairn.api.ErrorCode;
import dev.cairn.dashboard.server.DashboardHandler;
import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running dashboard: a read-only web UI and JSON API ({@code /api/v1}) over what a {@link Client} reads. Only
 * {@code GET} and {@code HEAD} are served; nothing it serves changes the stores. Start it with {@link #start}, close
 * it to stop serving (open event streams end). Thread-safe.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class Dashboard implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Dashboard.class);

    static {
        // The JDK server writes a response's headers and body in separate packets; without TCP_NODELAY the client's
        // delayed ACK adds ~40 ms to every response. Read once, when the JDK server's configuration loads; a value the
        // user set on the command line wins.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer server;
    private final ThreadPoolExecutor executor;
    private final DashboardHandler handler;
    private final URI uri;
    private final CountDownLatch closed = new CountDownLatch(1);

    private Dashboard(HttpServer server, ThreadPoolExecutor executor, DashboardHandler handler, URI uri) {
        this.server = server;
        this.executor = executor;
        this.handler = handler;
        this.uri = uri;
    }

    /**
     * Binds and starts serving {@code client}'s data.
     *
     * @throws CairnException {@code CONFIGURATION} when the address cannot be bound (port in use, unknown address)
     */
    public static Dashboard start(Client client, DashboardOptions options) {
        requireNonNull(client, "client is null");
        requireNonNull(options, "options is null");
        InetAddress address;
        try {
            address = InetAddress.getByName(options.bindAddress());
        } catch (IOException e) {
            throw new CairnException(ErrorCode.CONFIGURATION, "Cannot resolve the dashboard's bind address '" + options.bindAddress() + "': give an IP address such as 127.0.0.1", e);
        }
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(address, options.port()), 64);
        } catch (IOException e) {
            throw new CairnException(ErrorCode.CONFIGURATION, "Cannot listen on " + options.bindAddress() + ":" + options.port()
                    + " (" + e.getMessage() + "): choose another port with --port, or stop what uses it", e);
        }
        AtomicInteger threadNumber = new AtomicInteger();
        // Bounded: a burst beyond the queue is served on the accepting thread, which slows accepting instead of failing.
        ThreadPoolExecutor executor = new ThreadPoolExecutor(options.threads(), options.threads(), 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(256), runnable -> {
                    Thread thread = new Thread(runnable, "cairn-dashboard-" + threadNumber.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                }, new ThreadPoolExecutor.CallerRunsPolicy());
        executor.allowCoreThreadTimeOut(true);
        boolean loopbackOnly = address.isLoopbackAddress();
        int port = server.getAddress().getPort();
        DashboardHandler handler = new DashboardHandler(client, options, port, loopbackOnly);
        server.createContext("/", handler);
        server.setExecutor(executor);
        server.start();
        String host = address.getHostAddress().contains(":") ? "[" + address.getHostAddress() + "]" : address.getHostAddress();
        URI uri = URI.create("http://" + host + ":" + port + "/");
        LOG.info("Cairn dashboard serving on {}", uri);
        return new Dashboard(server, executor, handler, uri);
    }

    /** Where it serves, e.g. {@code http://127.0.0.1:8265/}. */
    public URI uri() {
        return uri;
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitClosed() throws InterruptedException {
        closed.await();
    }

    /** Stops accepting requests, ends open event streams, and waits up to two seconds for requests in progress. */
    @Override
    public void close() {
        if (closed.getCount() == 0) {
            return;
        }
        handler.close();
        server.stop(1);
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closed.countDown();
        LOG.info("Cairn dashboard on {} stopped", uri);
    }
}
