package dev.cairn.engine.lifecycle;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.cairn.api.metadata.RunOwner;
import org.apiguardian.api.API;

/**
 * Tells whether the process that owns a run is still there, as far as this process can know. Owners are compared by a
 * host identity: the host name, the kernel's boot id and the process-id namespace (Linux), so that two owners with the
 * same identity share one pid space and a pid can be looked up. For such an owner the verdict is {@link Verdict#ALIVE}
 * while a process with its pid and start time exists (a paused, stopped or garbage-collecting JVM is alive), and
 * {@link Verdict#GONE} when none does or the pid now belongs to a process started at another time; for an owner on
 * another host (or a run recorded without an owner) it is {@link Verdict#UNKNOWN}. Immutable and thread-safe.
 */
@API(status = API.Status.INTERNAL, since = "0.2")
public final class ProcessLiveness {
    /** Start times read by two processes may differ by rounding; a reused pid starts far later. */
    private static final Duration START_TOLERANCE = Duration.ofSeconds(2);
    private static final ProcessLiveness LOCAL = new ProcessLiveness(localHostIdentity());

    private final String hostIdentity;

    /** Liveness as seen from a host whose identity is {@code hostIdentity} (see {@link #local()}). */
    public ProcessLiveness(String hostIdentity) {
        this.hostIdentity = requireNonNull(hostIdentity, "hostIdentity is null");
    }

    /** Liveness as seen from this process's host. */
    public static ProcessLiveness local() {
        return LOCAL;
    }

    /** What can be known about an owner from here. */
    public enum Verdict {
        /** A process with the owner's pid and start time exists on this host. */
        ALIVE,
        /** The owner ran on this host, and no process with its pid and start time exists any more. */
        GONE,
        /** The owner runs on another host (or is not recorded): only time can tell. */
        UNKNOWN
    }

    /** This host's identity, as recorded in {@link RunOwner#host()}. */
    public String hostIdentity() {
        return hostIdentity;
    }

    /** This process as a run owner. */
    public RunOwner currentProcess() {
        ProcessHandle self = ProcessHandle.current();
        return new RunOwner(hostIdentity, self.pid(), self.info().startInstant());
    }

    /** The verdict on {@code owner}. */
    public Verdict judge(RunOwner owner) {
        requireNonNull(owner, "owner is null");
        if (!owner.host().equals(hostIdentity)) {
            return Verdict.UNKNOWN;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(owner.pid()).filter(ProcessHandle::isAlive);
        if (process.isEmpty()) {
            return Verdict.GONE;
        }
        Optional<Instant> started = process.get().info().startInstant();
        if (owner.processStart().isPresent() && started.isPresent()
                && Duration.between(owner.processStart().get(), started.get()).abs().compareTo(START_TOLERANCE) > 0) {
            return Verdict.GONE; // the pid was reused by a later process
        }
        return Verdict.ALIVE;
    }

    /** Host name, boot id and pid namespace, as far as this platform reveals them. */
    static String localHostIdentity() {
        String host = firstLine(Path.of("/proc/sys/kernel/hostname")).orElseGet(() -> {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                return "unknown-host";
            }
        });
        StringBuilder identity = new StringBuilder(host);
        firstLine(Path.of("/proc/sys/kernel/random/boot_id")).ifPresent(boot -> identity.append(" boot ").append(boot));
        try {
            identity.append(' ').append(Files.readSymbolicLink(Path.of("/proc/self/ns/pid")));
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            // not Linux, or hidden: the host name (and boot id) must do
        }
        return identity.toString();
    }

    private static Optional<String> firstLine(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return lines.isEmpty() || lines.get(0).isBlank() ? Optional.empty() : Optional.of(lines.get(0).strip());
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return "ProcessLiveness[" + hostIdentity + "]";
    }
}
