package dev.cairn.engine.artifacts;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.metadata.ArtifactVersionRecord;
import dev.cairn.api.spi.ArtifactStore;
import dev.cairn.engine.stores.ArtifactStores;

/**
 * Checks stored artifact versions against their manifests and recorded content hashes, and reads manifests. Remembers
 * the file lists of manifests this engine wrote or already checked (manifests are immutable once committed), so that a
 * cache hit re-reads and re-hashes the data files but not the manifest. The data files are checked by the version's
 * writer when it offers to ({@link dev.cairn.api.spi.Materializer#verifyStored}, e.g. Spark's executors for a Dataset),
 * else hashed here; the manifest is always checked here. Thread-safe.
 */
final class ArtifactVerifier {
    private final ArtifactStores stores;
    private final ObjectMapper json;
    private final java.util.function.Function<ArtifactVersionRecord, ArtifactLayout> layouts;
    /**
     * File lists of artifact versions whose manifest this engine wrote or already checked against the recorded
     * content hash, so that {@link #verifyData} need not re-read the manifest; the data files themselves are always
     * re-read and re-hashed. Bounded, least recently used first out.
     */
    private final Map<UUID, List<Manifest.FileEntry>> checkedFileLists = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(1024, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<UUID, List<Manifest.FileEntry>> eldest) {
                    return size() > 50_000;
                }
            });

    /**
     * What each data file of an input version looked like when this engine last hashed it: a local file's size,
     * modification time and file key; {@code null} stamps for files of other stores. Bounded, least recently used first out.
     */
    private final Map<UUID, List<FileStamp>> verifiedInputs = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(1024, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<UUID, List<FileStamp>> eldest) {
                    return size() > 50_000;
                }
            });

    /** A local file as {@code stat} sees it; equal stamps mean the file was not rewritten (to the clock's resolution). */
    record FileStamp(URI uri, long size, long modifiedNanos, Object fileKey) {
        static FileStamp of(URI uri) {
            if (!"file".equalsIgnoreCase(uri.getScheme())) {
                return new FileStamp(uri, -1, 0, null);
            }
            try {
                java.nio.file.attribute.BasicFileAttributes attributes = java.nio.file.Files.readAttributes(java.nio.file.Path.of(uri),
                        java.nio.file.attribute.BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                return new FileStamp(uri, attributes.size(), attributes.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS),
                        attributes.fileKey());
            } catch (IOException | RuntimeException e) {
                return new FileStamp(uri, -2, 0, null); // unreadable now: never equal to a stamp taken after hashing
            }
        }
    }

    ArtifactVerifier(ArtifactStores stores, ObjectMapper json, java.util.function.Function<ArtifactVersionRecord, ArtifactLayout> layouts) {
        this.stores = requireNonNull(stores, "stores is null");
        this.json = requireNonNull(json, "json is null");
        this.layouts = requireNonNull(layouts, "layouts is null");
    }

    /** Remembers the file list of a manifest this engine just wrote. */
    void remember(UUID id, List<Manifest.FileEntry> files) {
        checkedFileLists.put(id, files);
    }

    /**
     * Remembers the data files of a version this engine just committed into {@code directory}: they were hashed as they
     * were written, so a step of this engine that takes them as input re-hashes them only if they change afterwards.
     */
    void rememberWritten(UUID id, URI directory, List<Manifest.FileEntry> files) {
        URI base = directory.toString().endsWith("/") ? directory : URI.create(directory + "/");
        verifiedInputs.put(id, files.stream().map(file -> FileStamp.of(base.resolve(file.path()))).toList());
    }

    /** Reads the manifest of an artifact version. */
    Manifest readManifest(ArtifactVersionRecord record) {
        return readManifest(record, Manifest.class);
    }

    private <M> M readManifest(ArtifactVersionRecord record, Class<M> form) {
        ArtifactStore store = stores.open(record.storeUri());
        URI manifestUri = layouts.apply(record).manifestUri(store, record);
        try (SeekableByteChannel in = store.openRandomAccess(manifestUri)) {
            return json.readValue(readFully(in, manifestUri), form);
        } catch (IOException e) {
            String described = "Artifact '" + record.name() + "' version " + record.version();
            if (interrupted(e)) {
                throw interruptedWhileReading(described, manifestUri, e);
            }
            throw new CairnException(ErrorCode.INTEGRITY_VIOLATION, described + " has no readable manifest at " + manifestUri + ": " + e, e);
        }
    }

    /** The part of a manifest that verification reads; the rest (metadata, visualizations) is skipped. */
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
    record ManifestFiles(String contentHash, List<Manifest.FileEntry> files) {}

    /**
     * Re-reads every data file of an artifact version and checks sizes and SHA-256s against its manifest and the
     * recorded content hash.
     */
    void verify(ArtifactVersionRecord record) {
        verify(record, false);
    }

    /**
     * Like {@link #verify}, but may take the file list from a manifest this engine already checked (the data files
     * are still re-read and re-hashed): what a cache hit needs before it is trusted.
     */
    void verifyData(ArtifactVersionRecord record) {
        verify(record, true);
    }

    /** Verifies an input: fully the first time, then only when a file's stamp changed (see {@link ArtifactService#verifyInput}). */
    void verifyInput(ArtifactVersionRecord record) {
        List<FileStamp> stamps = verifiedInputs.get(record.id());
        if (stamps != null && stamps.stream().allMatch(stamp -> stamp.equals(FileStamp.of(stamp.uri())))) {
            return;
        }
        verifiedInputs.remove(record.id());
        List<Manifest.FileEntry> files = verify(record, true);
        // stamps taken after hashing: a rewrite during hashing makes the next use hash again
        ArtifactLayout layout = layouts.apply(record);
        URI directory = layout.directory(record);
        verifiedInputs.put(record.id(), files.stream().map(file -> FileStamp.of(layout.fileUri(directory, file.path()))).toList());
    }

    private List<Manifest.FileEntry> verify(ArtifactVersionRecord record, boolean fileListMayBeRemembered) {
        String described = "Artifact '" + record.name() + "' version " + record.version();
        ArtifactLayout layout = layouts.apply(record);
        URI directory = layout.directory(record);
        ArtifactStore store = stores.open(record.storeUri());
        List<Manifest.FileEntry> files = fileListMayBeRemembered ? checkedFileLists.get(record.id()) : null;
        if (files == null || !ContentHash.of(files).equals(record.contentHash())) {
            ManifestFiles manifest = readManifest(record, ManifestFiles.class);
            if (!manifest.contentHash().equals(record.contentHash()) || !ContentHash.of(manifest.files()).equals(record.contentHash())) {
                throw new CairnException(ErrorCode.INTEGRITY_VIOLATION,
                        described + ": the manifest at " + directory + " does not match the recorded content hash " + record.contentHash());
            }
            files = List.copyOf(manifest.files());
            checkedFileLists.put(record.id(), files);
        }
        if (verifiedByWriter(record, layout, store, directory, files, described)) {
            return files;
        }
        ByteBuffer buffer = VERIFY_BUFFER.get();
        for (Manifest.FileEntry file : files) {
            if (dev.cairn.api.spi.RelativePaths.problem(file.path()).isPresent()) {
                throw new CairnException(ErrorCode.INTEGRITY_VIOLATION, described + ": its manifest lists '" + file.path() + "', a path outside the artifact directory");
            }
            URI fileUri = layout.fileUri(directory, file.path()); // the store checks what it opens
            MessageDigest digest = ContentHash.sha256();
            long size = 0;
            try (SeekableByteChannel in = store.openRandomAccess(fileUri)) {
                for (int n; (n = in.read(buffer.clear())) >= 0; ) {
                    digest.update(buffer.array(), 0, n);
                    size += n;
                }
            } catch (IOException e) {
                if (interrupted(e)) {
                    throw interruptedWhileReading(described, fileUri, e);
                }
                throw new CairnException(ErrorCode.INTEGRITY_VIOLATION, described + ": file " + fileUri + " cannot be read: " + e, e);
            }
            String sha = HexFormat.of().formatHex(digest.digest());
            if (size != file.size() || !sha.equals(file.sha256())) {
                throw new CairnException(ErrorCode.INTEGRITY_VIOLATION,
                        described + ": file " + fileUri + " is corrupted (expected " + file.size() + " bytes with SHA-256 " + file.sha256()
                                + ", found " + size + " bytes with SHA-256 " + sha + ")");
            }
        }
        return files;
    }

    /**
     * Asks the writer of {@code record} to check the stored {@code files} itself ({@link dev.cairn.api.spi.Materializer#verifyStored}),
     * after the engine checked the manifest: true when it did (and they match), false when the engine must hash them.
     */
    private static boolean verifiedByWriter(ArtifactVersionRecord record, ArtifactLayout layout, ArtifactStore store, URI directory,
            List<Manifest.FileEntry> files, String described) {
        java.util.Optional<dev.cairn.api.spi.Materializer<?>> writer = layout.storedFilesVerifier(record);
        if (writer.isEmpty()) {
            return false;
        }
        for (Manifest.FileEntry file : files) { // the same rule as the engine's own check, before a materializer sees a path
            if (dev.cairn.api.spi.RelativePaths.problem(file.path()).isPresent()) {
                throw new CairnException(ErrorCode.INTEGRITY_VIOLATION, described + ": its manifest lists '" + file.path() + "', a path outside the artifact directory");
            }
        }
        List<dev.cairn.api.artifact.ArtifactFile> recorded = files.stream().sorted(java.util.Comparator.comparing(Manifest.FileEntry::path))
                .map(file -> new dev.cairn.api.artifact.ArtifactFile(file.path(), file.size(), file.sha256())).toList();
        StoreArtifactReader stored = new StoreArtifactReader(store, directory, record.name() + ":" + record.version(),
                dev.cairn.api.artifact.LoadOptions.DEFAULT.withVerify(true), () -> recorded);
        try {
            return writer.get().verifyStored(stored);
        } catch (CairnException e) {
            throw e;
        } catch (IOException | RuntimeException | LinkageError e) {
            java.nio.file.NoSuchFileException missing = StoreFailures.missingFile(e);
            if (missing != null) {
                throw new CairnException(ErrorCode.INTEGRITY_VIOLATION, described + " is missing file " + missing.getFile() + " at " + directory
                        + ": its data was deleted or moved outside Cairn", e);
            }
            if (e instanceof IOException io && interrupted(io)) {
                throw interruptedWhileReading(described, directory, io);
            }
            if (e instanceof IOException) {
                throw new CairnException(ErrorCode.INTEGRITY_VIOLATION, described + ": materializer " + writer.get().id()
                        + " could not read its stored files at " + directory + " to check them: " + e, e);
            }
            throw new CairnException(ErrorCode.MATERIALIZER_FAILED, described + ": materializer " + writer.get().id()
                    + " failed while checking its stored files at " + directory + ", so they are not known to be intact: " + e, e);
        }
    }

    /** Whether a read failed because the reading thread was interrupted (a cancelled run, a closing engine), not because of the file. */
    private static boolean interrupted(IOException e) {
        return e instanceof java.nio.channels.ClosedByInterruptException || e instanceof java.io.InterruptedIOException
                || Thread.currentThread().isInterrupted();
    }

    /**
     * An interrupted check says nothing about the data: it is reported as an interrupted read ({@code STORE_FAILURE}), never
     * as {@code INTEGRITY_VIOLATION}, which would claim the artifact is damaged.
     */
    private static CairnException interruptedWhileReading(String described, URI uri, IOException e) {
        return new CairnException(ErrorCode.STORE_FAILURE, described + ": reading " + uri + " to check it was interrupted (a cancelled run or"
                + " a closing engine), so it was not checked; nothing is known to be wrong with it: " + e, e);
    }

    /** A read buffer per thread for {@link #verify}: a cache hit re-hashes small files, so it should not allocate. */
    /** Largest manifest read (a manifest lists files and carries metadata; 256 MiB is far beyond any real one). */
    private static final int MAX_MANIFEST_BYTES = 256 << 20;
    private static final ThreadLocal<ByteBuffer> VERIFY_BUFFER = ThreadLocal.withInitial(() -> ByteBuffer.allocate(1 << 16));

    /** The whole content of a small file (a manifest), read without a stream buffer. */
    private static byte[] readFully(SeekableByteChannel in, URI uri) throws IOException {
        long size = in.size();
        if (size > MAX_MANIFEST_BYTES) {
            throw new IOException("the manifest " + uri + " is " + size + " bytes, more than the " + MAX_MANIFEST_BYTES + " a manifest may have");
        }
        ByteBuffer content = ByteBuffer.allocate((int) size);
        while (content.hasRemaining() && in.read(content) >= 0) {
            // read on
        }
        if (content.hasRemaining() || in.read(ByteBuffer.allocate(1)) >= 0) {
            throw new IOException("the manifest " + uri + " changed size while it was read");
        }
        return content.array();
    }
}
