package dev.cairn.api.lifecycle;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import org.apiguardian.api.API;

/**
 * What {@link dev.cairn.api.Client#prune(PruneOptions)} deletes and how. Immutable; build with {@link #builder()}.
 *
 * <p>By default prune deletes both the metadata rows and the files of unused artifact versions, keeps registered
 * versions, runs with one thread, and removes staging drafts and reserved ({@code PENDING}) versions older than
 * 24 hours.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2")
public final class PruneOptions {
    /** Staging drafts and reserved versions younger than this are left alone by default (a writer may still be busy). */
    public static final Duration DEFAULT_ABANDONED_AGE = Duration.ofHours(24);

    private final boolean onlyArtifact;
    private final boolean onlyMetadata;
    private final boolean ignoreErrors;
    private final boolean dryRun;
    private final boolean includeRegistered;
    private final int threads;
    private final Duration abandonedAge;
    private final ProgressListener progress;
    private final Optional<Set<UUID>> onlyVersions;

    private PruneOptions(Builder builder) {
        this.onlyArtifact = builder.onlyArtifact;
        this.onlyMetadata = builder.onlyMetadata;
        this.ignoreErrors = builder.ignoreErrors;
        this.dryRun = builder.dryRun;
        this.includeRegistered = builder.includeRegistered;
        this.threads = builder.threads;
        this.abandonedAge = builder.abandonedAge;
        this.progress = builder.progress;
        this.onlyVersions = builder.onlyVersions;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The defaults: metadata and files, one thread, registered versions kept. */
    public static PruneOptions defaults() {
        return builder().build();
    }

    /** Delete the files only and keep the metadata rows (loads then fail with {@code INTEGRITY_VIOLATION}). */
    public boolean onlyArtifact() { return onlyArtifact; }

    /** Delete the metadata rows only and leave the files in the store. */
    public boolean onlyMetadata() { return onlyMetadata; }

    /** Continue after a file that cannot be deleted (its deletion stays pending for the next prune). */
    public boolean ignoreErrors() { return ignoreErrors; }

    /** Report what would be deleted without deleting anything. */
    public boolean dryRun() { return dryRun; }

    /** Also delete unused versions registered from existing data (their files were not written by Cairn). */
    public boolean includeRegistered() { return includeRegistered; }

    /** Threads deleting files; at least 1. */
    public int threads() { return threads; }

    /** Staging drafts and reserved ({@code PENDING}) versions older than this are removed. */
    public Duration abandonedAge() { return abandonedAge; }

    public ProgressListener progress() { return progress; }

    /**
     * When present, the only unused versions this prune may delete: typically the ids a dry run listed and a user
     * confirmed. A version outside the set is kept even if it is unused now, and a version in the set is still
     * deleted only if it is unused when the prune deletes it. Reserved ({@code PENDING}) versions and staging drafts
     * are not restricted by it (they are chosen by {@link #abandonedAge()}). Empty: no restriction.
     */
    public Optional<Set<UUID>> onlyVersions() { return onlyVersions; }

    @Override
    public String toString() {
        return "PruneOptions[onlyArtifact=" + onlyArtifact + ", onlyMetadata=" + onlyMetadata + ", ignoreErrors=" + ignoreErrors
                + ", dryRun=" + dryRun + ", includeRegistered=" + includeRegistered + ", threads=" + threads + ", abandonedAge=" + abandonedAge
                + onlyVersions.map(ids -> ", onlyVersions=" + ids.size() + " ids").orElse("") + "]";
    }

    /** Builds {@link PruneOptions}; {@link #build()} refuses contradictory settings. */
    @API(status = API.Status.EXPERIMENTAL, since = "0.2")
    public static final class Builder {
        private boolean onlyArtifact;
        private boolean onlyMetadata;
        private boolean ignoreErrors;
        private boolean dryRun;
        private boolean includeRegistered;
        private int threads = 1;
        private Duration abandonedAge = DEFAULT_ABANDONED_AGE;
        private ProgressListener progress = ProgressListener.NONE;
        private Optional<Set<UUID>> onlyVersions = Optional.empty();

        private Builder() {}

        public Builder onlyArtifact(boolean onlyArtifact) { this.onlyArtifact = onlyArtifact; return this; }

        public Builder onlyMetadata(boolean onlyMetadata) { this.onlyMetadata = onlyMetadata; return this; }

        public Builder ignoreErrors(boolean ignoreErrors) { this.ignoreErrors = ignoreErrors; return this; }

        public Builder dryRun(boolean dryRun) { this.dryRun = dryRun; return this; }

        public Builder includeRegistered(boolean includeRegistered) { this.includeRegistered = includeRegistered; return this; }

        public Builder threads(int threads) { this.threads = threads; return this; }

        public Builder abandonedAge(Duration abandonedAge) { this.abandonedAge = requireNonNull(abandonedAge, "abandonedAge is null"); return this; }

        public Builder progress(ProgressListener progress) { this.progress = requireNonNull(progress, "progress is null"); return this; }

        /** Restricts the unused versions this prune may delete to {@code ids} (see {@link PruneOptions#onlyVersions()}). */
        public Builder onlyVersions(Collection<UUID> ids) {
            this.onlyVersions = Optional.of(Set.copyOf(requireNonNull(ids, "ids is null")));
            return this;
        }

        /**
         * @throws CairnException {@code INVALID_ARGUMENT} when both {@code onlyArtifact} and {@code onlyMetadata} are
         *     set, {@code threads} is below 1, or {@code abandonedAge} is negative
         */
        public PruneOptions build() {
            if (onlyArtifact && onlyMetadata) {
                throw new CairnException(ErrorCode.INVALID_ARGUMENT,
                        "Prune options 'only artifact' and 'only metadata' exclude each other: give at most one of them (neither deletes both)");
            }
            if (threads < 1) {
                throw new CairnException(ErrorCode.INVALID_ARGUMENT, "Prune needs at least 1 thread, got " + threads);
            }
            if (abandonedAge.isNegative()) {
                throw new CairnException(ErrorCode.INVALID_ARGUMENT, "The age of abandoned drafts must not be negative, got " + abandonedAge);
            }
            return new PruneOptions(this);
        }
    }
}
