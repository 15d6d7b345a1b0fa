package dev.cairn.engine.logs;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.metadata.StepRunRecord;
import dev.cairn.api.spi.ArtifactDraft;
import dev.cairn.api.spi.ArtifactStore;
import dev.cairn.engine.stores.ArtifactStores;
import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's step logs. While capture is on ({@link dev.cairn.api.CairnConfiguration#stepLogLimit()} above 0), the
 * JVM's routing streams are installed ({@link StepOutputCapture}) and each step gets a buffer; when the step ends, a
 * non-empty log is committed atomically through a draft of the default artifact store (the one the run's outputs go
 * to) as {@code <store>/.cairn-logs/<run id>/<step run id>/<step name>.log}, UTF-8, and its URI and size go on the step
 * run's record. Nothing deletes these files today: prune leaves {@code .cairn-logs/} alone, and there is no run
 * deletion. Thread-safe.
 */
@API(status = API.Status.INTERNAL, since = "0.3")
public final class StepLogs implements AutoCloseable {
    /** The store's top-level directory that holds step logs. */
    public static final String DIRECTORY = ".cairn-logs";
    /** Reading a log for a client or page stops after this many bytes (a stored log is at most the limit plus a marker). */
    static final int MAX_READ = 64 << 20;
    private static final Logger LOG = LoggerFactory.getLogger(StepLogs.class);

    private final long limit;
    private final ArtifactStores stores;
    private final AtomicBoolean installed = new AtomicBoolean();

    public StepLogs(long limit, ArtifactStores stores) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit is negative: " + limit);
        }
        this.limit = limit;
        this.stores = requireNonNull(stores, "stores is null");
        if (limit > 0) {
            StepOutputCapture.install();
            installed.set(true);
        }
    }

    /** A new buffer for one step, or empty when capture is off. */
    public Optional<StepLogBuffer> newBuffer() {
        return limit == 0 ? Optional.empty() : Optional.of(new StepLogBuffer(Math.max(2, limit)));
    }

    /**
     * Stores what {@code buffer} holds for step run {@code record} and returns the record with the log's URI and size;
     * an empty buffer stores nothing. A failure to store is logged, and the record returned unchanged: a step's outcome
     * never depends on its log.
     */
    public StepRunRecord store(StepRunRecord record, Optional<StepLogBuffer> buffer) {
        if (buffer.isEmpty() || buffer.get().isEmpty()) {
            return record;
        }
        byte[] bytes = buffer.get().contents();
        ArtifactStore store = stores.defaultStore();
        String directory = directory(record.runId(), record.id());
        String file = fileName(record.stepName());
        try (ArtifactDraft draft = store.createDraft()) {
            try (OutputStream out = draft.create(file)) {
                out.write(bytes);
            }
            URI committed = draft.commit(directory);
            URI uri = store.resolve(directory + "/" + file);
            LOG.debug("Stored the log of step '{}' ({} bytes) at {}", record.stepName(), bytes.length, committed);
            return record.toBuilder().logUri(uri).logSize(bytes.length).build();
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not store the log of step '{}' (step run {}) in {}{}/: {}", record.stepName(), record.id(), store.rootUri(), directory,
                    e.toString());
            return record;
        }
    }

    /** The directory of one step run's log, relative to its store's root. */
    public static String directory(UUID runId, UUID stepRunId) {
        return DIRECTORY + "/" + runId + "/" + stepRunId;
    }

    /** A file name for a step's log: its name with characters other than letters, digits, '.', '_' and '-' replaced. */
    static String fileName(String stepName) {
        String safe = stepName.replaceAll("[^A-Za-z0-9._-]", "_");
        if (safe.length() > 100) {
            safe = safe.substring(0, 100);
        }
        return (safe.isEmpty() || safe.startsWith(".") ? "step" + safe : safe) + ".log";
    }

    /**
     * The text of the log at {@code uri} (UTF-8), read through the store that contains it.
     *
     * @throws CairnException {@code INTEGRITY_VIOLATION} if the file is gone, {@code STORE_FAILURE} if it cannot be read,
     *     {@code PATH_OUTSIDE_STORE} if no open store contains it
     */
    public String read(URI uri) {
        requireNonNull(uri, "uri is null");
        ArtifactStore store = storeContaining(uri);
        try (InputStream in = store.openRead(store.checkInside(uri))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] chunk = new byte[8192];
            int read;
            while ((read = in.read(chunk)) > 0 && out.size() < MAX_READ) {
                out.write(chunk, 0, Math.min(read, MAX_READ - out.size()));
            }
            return out.toString(StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new CairnException(ErrorCode.INTEGRITY_VIOLATION, "The step log " + uri + " is recorded but its file is gone from the artifact store "
                    + store.rootUri() + " (deleted by hand?)", e);
        } catch (IOException e) {
            throw new CairnException(ErrorCode.STORE_FAILURE, "Could not read the step log " + uri + ": " + e, e);
        }
    }

    private ArtifactStore storeContaining(URI uri) {
        for (ArtifactStore store : stores.knownStores()) {
            try {
                store.checkInside(uri);
                return store;
            } catch (CairnException e) {
                if (e.errorCode() != ErrorCode.PATH_OUTSIDE_STORE) {
                    throw e;
                }
            }
        }
        throw new CairnException(ErrorCode.PATH_OUTSIDE_STORE, "The step log " + uri + " lies in no artifact store this engine has open (the default is "
                + stores.defaultStore().rootUri() + "); open Cairn with the artifact store the run used");
    }

    /** Undoes this engine's install of the routing streams; idempotent. */
    @Override
    public void close() {
        if (installed.compareAndSet(true, false)) {
            StepOutputCapture.uninstall();
        }
    }
}
