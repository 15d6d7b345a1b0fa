package dev.cairn.engine.lifecycle;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.cairn.api.CairnConfiguration;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.lifecycle.PruneOptions;
import dev.cairn.api.lifecycle.PruneReport;
import dev.cairn.api.metadata.ArtifactDeletion;
import dev.cairn.api.metadata.ArtifactVersionRecord;
import dev.cairn.api.metadata.MetadataStore;
import dev.cairn.api.spi.ArtifactStore;
import dev.cairn.api.spi.MetricsReporter;
import dev.cairn.engine.artifacts.ArtifactNames;
import dev.cairn.engine.stores.ArtifactStores;
import jakarta.inject.Inject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes unused artifact versions, stale reserved versions and abandoned staging drafts; the rule for "unused" is
 * on {@link dev.cairn.api.Client#prune} and in {@code SqliteMetadataStore}'s {@code UNUSED} clause.
 *
 * <p><b>Order, and why a crash is safe.</b> Versions go in batches. For each batch one metadata transaction re-checks
 * the rule, deletes the rows (with their visualizations and step-output rows) and records a tombstone per version
 * ({@link MetadataStore#listArtifactDeletions}); then the files are deleted, by {@code threads} threads; then the
 * tombstones of the versions whose files are gone are cleared. A crash at any point leaves either a live row with
 * all its files, or no row and a tombstone: never a row whose files are (partly) gone, so no client loads a
 * half-deleted artifact. The next prune first finishes every tombstone it finds. {@code onlyMetadata} deletes rows
 * without tombstones (the files stay, as asked); {@code onlyArtifact} deletes files of versions whose rows stay
 * (loading them then fails with {@code INTEGRITY_VIOLATION}), skipping files already gone so a re-run reports
 * nothing twice.
 */
@org.apiguardian.api.API(status = org.apiguardian.api.API.Status.INTERNAL, since = "0.2")
public final class Pruner {
    private static final Logger LOG = LoggerFactory.getLogger(Pruner.class);
    static final int BATCH_SIZE = 1000;
    /** The phase in which tombstones left by an earlier prune are finished. */
    private static final String RESUMING = "resuming";
    private final TombstoneFiles tombstoneFiles = new TombstoneFiles();
    /** The counter of directories a prune forced to the disk (one per {@code fsync}), in the engine's metrics. */
    public static final String DIRECTORY_FSYNCS = "cairn.prune.fsync.directories";

    private final MetadataStore metadata;
    private final ArtifactStores stores;
    private final Clock clock;
    private final AbandonedRuns abandonedRuns;
    private final MetricsReporter metrics;

    @Inject
    public Pruner(MetadataStore metadata, ArtifactStores stores, Clock clock, AbandonedRuns abandonedRuns, CairnConfiguration configuration) {
        this.metrics = requireNonNull(configuration, "configuration is null").metrics();
        this.abandonedRuns = requireNonNull(abandonedRuns, "abandonedRuns is null");
        this.metadata = requireNonNull(metadata, "metadata is null");
        this.stores = requireNonNull(stores, "stores is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * Prunes under the metadata store's prune lock ({@link MetadataStore#lockForPrune}), so two prunes of one shared
     * store never run at once: the second fails fast naming the store. A dry run deletes nothing and takes no lock.
     */
    public PruneReport prune(PruneOptions options) {
        requireNonNull(options, "options is null");
        if (options.dryRun()) {
            return pruneLocked(options);
        }
        try (MetadataStore.PruneLock lock = metadata.lockForPrune()) {
            return pruneLocked(options);
        }
    }

    private PruneReport pruneLocked(PruneOptions options) {
        abandonedRuns.failExpired(); // the outputs of a run whose process died are no longer those of a live run
        Instant cutoff = clock.instant().minus(options.abandonedAge());
        List<String> errors = new ArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(options.threads(), runnable -> {
            Thread thread = new Thread(runnable, "cairn-prune");
            thread.setDaemon(true);
            return thread;
        });
        try {
            int resumed = 0;
            if (!options.dryRun() && !options.onlyMetadata()) {
                List<ArtifactDeletion> queued = metadata.listArtifactDeletions();
                if (!queued.isEmpty()) {
                    LOG.info("Finishing {} deletions left by an earlier prune", queued.size());
                    resumed = deleteFilesAndClear(queued, options, threads, errors, RESUMING, new AtomicLong(), queued.size()).size();
                }
            }

            List<ArtifactVersionRecord> pending = metadata.listPendingArtifactVersions(cutoff);
            int pendingRemoved = 0;
            if (options.dryRun()) {
                pendingRemoved = pending.size();
            } else if (!options.onlyArtifact()) {
                for (List<ArtifactVersionRecord> batch : batches(pending)) {
                    List<ArtifactDeletion> deleted = metadata.deleteArtifactVersions(ids(batch), false, cutoff, !options.onlyMetadata());
                    pendingRemoved += deleted.size();
                    if (!options.onlyMetadata()) {
                        deleteFilesAndClear(deleted, options, threads, errors, "removing reserved versions", new AtomicLong(), deleted.size());
                    }
                }
            }

            List<ArtifactVersionRecord> unused = metadata.listUnusedArtifactVersions(options.includeRegistered());
            if (options.onlyVersions().isPresent()) { // only what the caller listed and confirmed; overlaps judged on that
                Set<UUID> allowed = options.onlyVersions().get();
                unused = unused.stream().filter(record -> allowed.contains(record.id())).toList();
            }
            List<ArtifactVersionRecord> candidates = withoutOverlaps(unused);
            List<PruneReport.PrunedVersion> pruned = new ArrayList<>();
            AtomicLong done = new AtomicLong();
            options.progress().progress("deleting", 0, candidates.size(), 0);
            if (options.dryRun()) {
                candidates.forEach(record -> pruned.add(prunedVersion(ArtifactDeletion.of(record))));
            } else if (options.onlyArtifact()) {
                List<ArtifactDeletion> present = candidates.stream().filter(this::filesExist).map(ArtifactDeletion::of).toList();
                for (List<ArtifactDeletion> batch : batches(present)) {
                    for (ArtifactDeletion deletion : deleteFiles(batch, options, threads, errors, "deleting", done, present.size(), false)) {
                        pruned.add(prunedVersion(deletion));
                    }
                }
            } else {
                for (List<ArtifactVersionRecord> batch : batches(candidates)) {
                    List<ArtifactDeletion> deleted = metadata.deleteArtifactVersions(ids(batch), options.includeRegistered(), Instant.EPOCH,
                            !options.onlyMetadata());
                    if (options.onlyMetadata()) {
                        deleted.forEach(deletion -> pruned.add(prunedVersion(deletion)));
                        options.progress().progress("deleting", done.addAndGet(deleted.size()), candidates.size(), bytes(pruned));
                    } else {
                        for (ArtifactDeletion deletion : deleteFilesAndClear(deleted, options, threads, errors, "deleting", done, candidates.size())) {
                            pruned.add(prunedVersion(deletion));
                        }
                    }
                }
            }

            int drafts = 0;
            if (!options.dryRun() && !options.onlyMetadata()) {
                for (ArtifactStore store : stores.knownStores()) {
                    try {
                        drafts += store.deleteAbandonedDrafts(options.abandonedAge());
                    } catch (IOException | CairnException e) {
                        fail(errors, options, "Cannot delete abandoned drafts of " + store.rootUri() + ": " + e, e);
                    }
                }
            }
            PruneReport report = new PruneReport(options.dryRun(), pruned, bytes(pruned), pendingRemoved, drafts, resumed, errors);
            LOG.info("Prune{}: {} unused versions ({} bytes), {} reserved versions, {} drafts, {} resumed deletions, {} errors",
                    options.dryRun() ? " (dry run)" : "", pruned.size(), report.bytes(), pendingRemoved, drafts, resumed, errors.size());
            return report;
        } finally {
            threads.shutdownNow();
        }
    }

    private static long bytes(List<PruneReport.PrunedVersion> pruned) {
        return pruned.stream().mapToLong(PruneReport.PrunedVersion::size).sum();
    }

    private static PruneReport.PrunedVersion prunedVersion(ArtifactDeletion deletion) {
        return new PruneReport.PrunedVersion(deletion.id(), deletion.name(), deletion.version(),
                deletion.uri().orElse(deletion.storeUri()), deletion.size(), deletion.registered());
    }

    private boolean filesExist(ArtifactVersionRecord record) {
        return record.uri().map(uri -> stores.open(record.storeUri()).exists(uri)).orElse(false);
    }

    /**
     * Drops registered candidates that contain, or lie inside, a registered version that is kept: deleting them would
     * delete data that version still uses.
     */
    private List<ArtifactVersionRecord> withoutOverlaps(List<ArtifactVersionRecord> candidates) {
        if (candidates.stream().noneMatch(ArtifactVersionRecord::registered)) {
            return candidates;
        }
        Set<UUID> candidateIds = new HashSet<>(ids(candidates));
        List<URI> kept = metadata.listArtifactVersions().stream()
                .filter(record -> record.registered() && !candidateIds.contains(record.id()))
                .map(record -> record.uri().orElseThrow()).toList();
        List<ArtifactVersionRecord> result = new ArrayList<>(candidates.size());
        for (ArtifactVersionRecord candidate : candidates) {
            URI uri = candidate.uri().orElseThrow();
            URI overlapping = candidate.registered() ? kept.stream().filter(other -> nested(uri, other) || nested(other, uri)).findFirst().orElse(null) : null;
            if (overlapping != null) {
                LOG.info("Keeping registered artifact '{}' version {} at {}: it overlaps {}, which a kept version uses",
                        candidate.name(), candidate.version(), uri, overlapping);
            } else {
                result.add(candidate);
            }
        }
        return result;
    }

    /** True when {@code inner} is {@code outer} or lies inside it, comparing whole path names. */
    static boolean nested(URI inner, URI outer) {
        if (!java.util.Objects.equals(inner.getScheme(), outer.getScheme()) || !java.util.Objects.equals(inner.getAuthority(), outer.getAuthority())) {
            return false;
        }
        String innerPath = trimSlash(inner.getPath());
        String outerPath = trimSlash(outer.getPath());
        return innerPath.equals(outerPath) || innerPath.startsWith(outerPath + "/");
    }

    private static String trimSlash(String path) {
        return path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
    }

    private List<ArtifactDeletion> deleteFilesAndClear(List<ArtifactDeletion> deletions, PruneOptions options, ExecutorService threads,
            List<String> errors, String phase, AtomicLong done, long total) {
        List<ArtifactDeletion> deleted = deleteFiles(deletions, options, threads, errors, phase, done, total, true);
        metadata.clearArtifactDeletions(ids2(deleted));
        if (deleted.size() < deletions.size() && !options.ignoreErrors()) {
            throw new CairnException(ErrorCode.STORE_FAILURE, "Prune stopped: " + (deletions.size() - deleted.size())
                    + " artifact directories could not be deleted (first: " + errors.get(0) + "). Their metadata is already gone and their"
                    + " deletion is queued: fix the cause and prune again, or give --ignore-errors to go on past such files");
        }
        return deleted;
    }

    /** Deletes the files of each deletion with the prune's threads; returns those fully deleted, in input order. */
    private List<ArtifactDeletion> deleteFiles(List<ArtifactDeletion> deletions, PruneOptions options, ExecutorService threads,
            List<String> errors, String phase, AtomicLong done, long total, boolean withSidecar) {
        AtomicLong bytes = new AtomicLong();
        AtomicInteger failures = new AtomicInteger();
        List<Future<Boolean>> futures = new ArrayList<>(deletions.size());
        boolean replay = phase.equals(RESUMING);
        List<URI> liveRegistered = withSidecar && deletions.stream().anyMatch(ArtifactDeletion::registered)
                ? metadata.listArtifactVersions().stream().filter(ArtifactVersionRecord::registered).map(record -> record.uri().orElseThrow()).toList()
                : List.of();
        for (ArtifactDeletion deletion : deletions) {
            futures.add(threads.submit(() -> {
                try {
                    ArtifactStore store = stores.open(deletion.storeUri());
                    if (withSidecar) { // the tombstone's files, as far as they still belong to it
                        tombstoneFiles.delete(store, deletion, liveRegistered, replay).ifPresent(kept ->
                                LOG.warn("Prune of artifact '{}' version {} kept files: {}", deletion.name(), deletion.version(), kept));
                    } else {
                        store.delete(deletion.uri().orElseGet(() -> store.resolve(ArtifactNames.directory(deletion.name(), deletion.version(), deletion.id()))));
                    }
                    options.progress().progress(phase, done.incrementAndGet(), total, bytes.addAndGet(deletion.size()));
                    return true;
                } catch (IOException | RuntimeException e) {
                    failures.incrementAndGet();
                    synchronized (errors) {
                        errors.add("artifact '" + deletion.name() + "' version " + deletion.version() + " at "
                                + deletion.uri().map(URI::toString).orElse("(reserved)") + ": " + e);
                    }
                    LOG.warn("Cannot delete the files of artifact '{}' version {}", deletion.name(), deletion.version(), e);
                    return false;
                }
            }));
        }
        List<ArtifactDeletion> deleted = new ArrayList<>(deletions.size());
        for (int i = 0; i < futures.size(); i++) {
            try {
                if (futures.get(i).get()) {
                    deleted.add(deletions.get(i));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CairnException(ErrorCode.STORE_FAILURE, "Prune was interrupted; prune again to finish the queued deletions", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }
        removeEmptyNameDirectories(deleted);
        syncDirectories(deleted);
        if (failures.get() > 0 && !withSidecar && !options.ignoreErrors()) {
            throw new CairnException(ErrorCode.STORE_FAILURE, "Prune stopped: " + failures.get() + " artifact directories could not be deleted (first: "
                    + errors.get(0) + "); fix the cause and prune again, or give --ignore-errors");
        }
        return deleted;
    }

    /**
     * Removes the {@code artifacts/<name>/} directories of deleted written versions that are now empty; a directory a
     * writer has just committed into, or commits into at the same moment, stays or is recreated by the commit
     * ({@link ArtifactStore#deleteEmptyDirectory}).
     */
    private void removeEmptyNameDirectories(List<ArtifactDeletion> deleted) {
        Set<java.util.Map.Entry<URI, URI>> directories = new java.util.LinkedHashSet<>();
        for (ArtifactDeletion deletion : deleted) {
            if (deletion.registered()) {
                continue;
            }
            try {
                ArtifactStore store = stores.open(deletion.storeUri());
                String artifactDirectory = ArtifactNames.directory(deletion.name(), deletion.version(), deletion.id());
                String nameDirectory = artifactDirectory.substring(0, artifactDirectory.lastIndexOf('/'));
                directories.add(java.util.Map.entry(deletion.storeUri(), store.resolve(nameDirectory)));
            } catch (RuntimeException e) {
                LOG.debug("No name directory to remove for artifact '{}' version {}: {}", deletion.name(), deletion.version(), e.toString());
            }
        }
        for (java.util.Map.Entry<URI, URI> directory : directories) {
            try {
                if (stores.open(directory.getKey()).deleteEmptyDirectory(directory.getValue())) {
                    LOG.debug("Removed the empty directory {}", directory.getValue());
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("Cannot remove the empty directory {}: {}", directory.getValue(), e.toString());
            }
        }
    }

    /**
     * Forces to the disk, once each, the local directories whose entries the deletions of one batch removed, before
     * the batch's tombstones are cleared: the parent of each deleted version directory ({@code artifacts/<name>/}, or
     * {@code artifacts/} when that directory was removed as empty) and, for registered data, the registered folder
     * itself when it stays. Without it a power loss after the tombstones are cleared could bring back entries the
     * file system had not yet written, as files no row and no tombstone refers to, which no prune would delete. One
     * {@code fsync} per directory, not per file: the removal of a version directory is an entry of its parent, and the
     * files inside it are unreachable once that entry is gone. Stores other than {@code file:} are left alone (HDFS
     * records each deletion in its NameNode's journal before it answers). A directory that cannot be forced is a
     * warning, as the deletions stay done. Each {@code fsync} is counted as {@value #DIRECTORY_FSYNCS}.
     */
    private void syncDirectories(List<ArtifactDeletion> deleted) {
        Set<Path> directories = new LinkedHashSet<>();
        for (ArtifactDeletion deletion : deleted) {
            try {
                ArtifactStore store = stores.open(deletion.storeUri());
                URI location = deletion.uri().orElseGet(() -> store.resolve(ArtifactNames.directory(deletion.name(), deletion.version(), deletion.id())));
                if (!"file".equals(location.getScheme())) {
                    continue;
                }
                Path path = Path.of(location);
                Path parent = path.getParent();
                if (parent == null) {
                    continue;
                }
                if (!Files.isDirectory(parent)) { // removed as empty: its removal is an entry of its own parent
                    parent = parent.getParent();
                }
                if (deletion.registered() && Files.isDirectory(path)) {
                    directories.add(path);
                }
                if (parent != null) {
                    directories.add(parent);
                }
            } catch (RuntimeException e) {
                LOG.debug("No directory to force for artifact '{}' version {}: {}", deletion.name(), deletion.version(), e.toString());
            }
        }
        for (Path directory : directories) {
            try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
                channel.force(true);
                metrics.count(DIRECTORY_FSYNCS, 1);
            } catch (IOException e) {
                LOG.warn("Cannot force the directory {} to the disk after deleting artifacts from it: {}", directory, e.toString());
            }
        }
    }

    private static void fail(List<String> errors, PruneOptions options, String message, Exception cause) {
        if (!options.ignoreErrors()) {
            throw new CairnException(ErrorCode.STORE_FAILURE, message + "; give --ignore-errors to go on past it", cause);
        }
        errors.add(message);
    }

    private static <T> List<List<T>> batches(List<T> items) {
        List<List<T>> batches = new ArrayList<>();
        for (int start = 0; start < items.size(); start += BATCH_SIZE) {
            batches.add(items.subList(start, Math.min(items.size(), start + BATCH_SIZE)));
        }
        return batches;
    }

    private static List<UUID> ids(List<ArtifactVersionRecord> records) {
        return records.stream().map(ArtifactVersionRecord::id).toList();
    }

    private static List<UUID> ids2(List<ArtifactDeletion> deletions) {
        return deletions.stream().map(ArtifactDeletion::id).toList();
    }
}
