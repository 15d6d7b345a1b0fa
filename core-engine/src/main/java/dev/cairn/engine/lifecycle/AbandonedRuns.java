package dev.cairn.engine.lifecycle;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.cairn.api.metadata.MetadataStore;
import jakarta.inject.Inject;
import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records runs whose process died as {@code FAILED}: a running run is renewed by its process (see
 * {@code CairnConfiguration.runHeartbeatTimeout}); one whose renewal has expired can no longer finish, so it should not
 * show as running, and its outputs should not be protected from a prune as those of a live run are. Done when an
 * engine opens and before a prune.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class AbandonedRuns {
    private static final Logger LOG = LoggerFactory.getLogger(AbandonedRuns.class);

    private final MetadataStore metadata;
    private final Clock clock;

    @Inject
    public AbandonedRuns(MetadataStore metadata, Clock clock) {
        this.metadata = requireNonNull(metadata, "metadata is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Records every run whose renewal has expired as {@code FAILED}; returns those runs. */
    public List<UUID> failExpired() {
        Instant now = clock.instant();
        List<UUID> failed = metadata.failAbandonedRuns(now, "Abandoned: the process running this run stopped renewing it (it was probably killed or"
                + " crashed); recorded as FAILED at " + now + " by a later Cairn process. Steps that were running are FAILED, steps that had"
                + " not started are SKIPPED; artifacts they had committed stay loadable. Run the pipeline again to finish it (finished steps"
                + " come from the cache).");
        for (UUID runId : failed) {
            LOG.warn("Run {} was abandoned by the process running it (no renewal within the heartbeat timeout); recorded it as FAILED", runId);
        }
        return failed;
    }
}
