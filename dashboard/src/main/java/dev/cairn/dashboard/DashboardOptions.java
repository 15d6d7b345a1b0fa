package dev.cairn.dashboard;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

import org.apiguardian.api.API;

/**
 * How a {@link Dashboard} listens.
 *
 * @param bindAddress the address to bind; {@code 127.0.0.1} unless the user asks for another explicitly
 * @param port the TCP port, {@code 0} for any free one
 * @param threads request threads (a live page's event stream holds one while it is open); at least 4
 * @param pollInterval how often event streams re-read a live run's status
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record DashboardOptions(String bindAddress, int port, int threads, Duration pollInterval) {
    public static final String LOOPBACK = "127.0.0.1";
    public static final int DEFAULT_PORT = 8265;

    public DashboardOptions {
        requireNonNull(bindAddress, "bindAddress is null");
        requireNonNull(pollInterval, "pollInterval is null");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535: " + port);
        }
        if (threads < 4) {
            throw new IllegalArgumentException("threads must be at least 4: " + threads);
        }
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("pollInterval must be positive: " + pollInterval);
        }
    }

    /** 127.0.0.1:8265, 16 threads, live status re-read every 500 ms. */
    public static DashboardOptions defaults() {
        return new DashboardOptions(LOOPBACK, DEFAULT_PORT, 16, Duration.ofMillis(500));
    }

    public DashboardOptions withPort(int newPort) {
        return new DashboardOptions(bindAddress, newPort, threads, pollInterval);
    }

    public DashboardOptions withBindAddress(String newBindAddress) {
        return new DashboardOptions(newBindAddress, port, threads, pollInterval);
    }

    public DashboardOptions withPollInterval(Duration newPollInterval) {
        return new DashboardOptions(bindAddress, port, threads, newPollInterval);
    }
}
