package dev.cairn.api.metadata;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

import org.apiguardian.api.API;

/**
 * The operating-system process that runs a pipeline run, recorded with the run so that another process can tell a run
 * whose process is merely paused (suspended, stopped, in a long garbage collection) from one whose process is gone.
 *
 * @param host identifies the machine and process namespace in which {@code pid} means something: two owners with the
 *     same host can be compared by pid (see {@code dev.cairn.engine.lifecycle.ProcessLiveness})
 * @param pid the process id
 * @param processStart when the process started, if known; a live process with the same pid but another start time is
 *     a different process (the pid was reused)
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2")
public record RunOwner(String host, long pid, Optional<Instant> processStart) {
    public RunOwner {
        requireNonNull(host, "host is null");
        requireNonNull(processStart, "processStart is null");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host is blank");
        }
        if (pid <= 0) {
            throw new IllegalArgumentException("pid must be positive, got " + pid);
        }
    }
}
