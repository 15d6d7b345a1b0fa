package dev.cairn.engine.lifecycle;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import dev.cairn.api.CairnConfiguration;
import dev.cairn.api.metadata.MetadataStore;
import dev.cairn.api.metadata.MetadataStore.ExpiredRun;
import dev.cairn.api.metadata.RunOwner;
import jakarta.inject.Inject;
import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records runs whose process is gone as {@code FAILED}, on evidence only. A running run is renewed by its process
 * (see {@code CairnConfiguration.runHeartbeatTimeout}); a run whose renewal expired is judged by its owner
 * ({@link ProcessLiveness}): on this host it is failed when no process with the owner's pid and start time exists, and
 * kept, however long ago it was renewed, while one does (a paused JVM); on another host, or without a recorded owner, it
 * is failed only once its renewal has been expired for {@code CairnConfiguration.otherHostRunTimeout}. A failed run no
 * longer shows as running, and its outputs and leased inputs are no longer protected from a prune. Done when an engine
 * opens and before a prune.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class AbandonedRuns {
    private static final Logger LOG = LoggerFactory.getLogger(AbandonedRuns.class);

    private final MetadataStore metadata;
    private final Clock clock;
    private final ProcessLiveness liveness;
    private final Duration otherHostTimeout;

    @Inject
    public AbandonedRuns(MetadataStore metadata, Clock clock, CairnConfiguration configuration) {
        this(metadata, clock, ProcessLiveness.local(), configuration.otherHostRunTimeout());
    }

    /** Judges owners as seen by {@code liveness} (a host identity of its own). */
    public AbandonedRuns(MetadataStore metadata, Clock clock, ProcessLiveness liveness, Duration otherHostTimeout) {
        this.metadata = requireNonNull(metadata, "metadata is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.liveness = requireNonNull(liveness, "liveness is null");
        this.otherHostTimeout = requireNonNull(otherHostTimeout, "otherHostTimeout is null");
    }

    /** Records every expired run whose process is provably gone as {@code FAILED}, with the reason; returns those runs. */
    public List<UUID> failExpired() {
        Instant now = clock.instant();
        List<UUID> failed = new ArrayList<>();
        for (ExpiredRun run : metadata.listExpiredRuns(now)) {
            Optional<RunOwner> owner = run.owner();
            ProcessLiveness.Verdict verdict = owner.map(liveness::judge).orElse(ProcessLiveness.Verdict.UNKNOWN);
            String evidence;
            Instant expiredBefore;
            if (verdict == ProcessLiveness.Verdict.ALIVE) {
                LOG.info("Run {} has not been renewed since {}, but its process {} on this host is alive (paused?): it stays RUNNING",
                        run.runId(), run.aliveUntil(), owner.get().pid());
                continue;
            } else if (verdict == ProcessLiveness.Verdict.GONE) {
                evidence = "the process running this run (pid " + owner.get().pid() + " on this host) is gone: it was probably killed or crashed";
                expiredBefore = now;
            } else {
                expiredBefore = now.minus(otherHostTimeout);
                if (!run.aliveUntil().isBefore(expiredBefore)) {
                    continue; // another host's process may only be paused or cut off; wait for the longer timeout
                }
                evidence = "the process running this run" + owner.map(o -> " (pid " + o.pid() + " on host " + o.host() + ")").orElse("")
                        + " has not renewed it for more than " + otherHostTimeout + " (otherHostRunTimeout): it was probably killed or crashed,"
                        + " or its machine was lost";
            }
            String error = "Abandoned: " + evidence + "; recorded as FAILED at " + now + " by a later Cairn process (pid "
                    + ProcessHandle.current().pid() + "). Steps that were running are FAILED, steps that had not started are SKIPPED;"
                    + " artifacts they had committed stay loadable. Run the pipeline again to finish it (finished steps come from the cache).";
            if (metadata.failAbandonedRun(run.runId(), now, expiredBefore, error)) {
                LOG.warn("Run {} was abandoned ({}); recorded it as FAILED", run.runId(), evidence);
                failed.add(run.runId());
            }
        }
        return failed;
    }
}
