package dev.cairn.engine.lifecycle;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.api.metadata.ArtifactDeletion;
import dev.cairn.api.spi.ArtifactStore;
import dev.cairn.engine.artifacts.ArtifactNames;
import dev.cairn.engine.artifacts.ContentHash;
import dev.cairn.engine.artifacts.Manifest;
import dev.cairn.engine.artifacts.RegisteredData;
import dev.cairn.engine.json.JsonCodec;

/**
 * Deletes the files of one deletion tombstone, but only those that still belong to the artifact version the tombstone
 * was made for: a tombstone is bound to its artifact id and content hash, and to the files its manifest lists.
 *
 * <ul>
 *   <li>A directory Cairn wrote ({@code artifacts/<name>/<version>-<id>}) is deleted unless its manifest now names
 *       another artifact id or content hash.</li>
 *   <li>Registered data (files Cairn did not write) is never deleted while a live registered version's path is, lies
 *       inside or contains the tombstone's path (the folder was registered again). Otherwise only the files its sidecar
 *       manifest lists are deleted, and only while their size (and, when replaying a tombstone left by an earlier prune,
 *       their SHA-256) is as recorded; other files stay, and a folder is removed only once it is empty. Without a
 *       readable sidecar manifest nothing of the data is deleted.</li>
 * </ul>
 *
 * Thread-safe.
 */
final class TombstoneFiles {
    private final ObjectMapper json = JsonCodec.newCanonicalMapper();

    /** The part of a manifest that binds a tombstone. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record BindingManifest(String artifactId, String contentHash, List<Manifest.FileEntry> files) {}

    /**
     * Deletes what still belongs to {@code deletion}; returns why something was kept (empty when everything went).
     *
     * @param liveRegistered URIs of the registered versions that exist now
     * @param replay whether the tombstone was left by an earlier prune (hashes are then re-checked)
     */
    Optional<String> delete(ArtifactStore store, ArtifactDeletion deletion, List<URI> liveRegistered, boolean replay) throws IOException {
        requireNonNull(store, "store is null");
        if (deletion.uri().isEmpty()) { // never committed: its draft-named directory carries the id
            store.delete(store.resolve(ArtifactNames.directory(deletion.name(), deletion.version(), deletion.id())));
            return Optional.empty();
        }
        URI uri = deletion.uri().get();
        if (!deletion.registered()) {
            Optional<BindingManifest> manifest = replay ? read(store, URI.create(uri + "/" + Manifest.PATH)) : Optional.empty();
            if (manifest.isPresent() && !boundTo(manifest.get(), deletion)) {
                return Optional.of(uri + " now holds artifact " + manifest.get().artifactId() + ", not " + deletion.id() + "; it was left alone");
            }
            store.delete(uri);
            return Optional.empty();
        }
        Optional<String> kept = deleteRegistered(store, deletion, uri, liveRegistered, replay);
        store.delete(store.resolve(RegisteredData.sidecarPath(deletion.id())));
        return kept;
    }

    private Optional<String> deleteRegistered(ArtifactStore store, ArtifactDeletion deletion, URI uri, List<URI> liveRegistered, boolean replay)
            throws IOException {
        for (URI live : liveRegistered) {
            if (Pruner.nested(uri, live) || Pruner.nested(live, uri)) {
                return Optional.of(uri + " is used by a registered version that exists now (at " + live + "); its files were left alone");
            }
        }
        Optional<BindingManifest> manifest = read(store, store.resolve(RegisteredData.sidecarPath(deletion.id()) + "/" + Manifest.PATH));
        if (manifest.isEmpty()) {
            return Optional.of("the manifest of " + uri + " is gone, so nothing binds its files to this deletion; they were left alone");
        }
        if (!boundTo(manifest.get(), deletion)) {
            return Optional.of("the manifest of " + uri + " describes other content; its files were left alone");
        }
        boolean file = isFile(store, uri);
        String base = file ? uri.resolve(".").toString() : uri.toString().endsWith("/") ? uri.toString() : uri + "/";
        List<String> changed = new ArrayList<>();
        java.util.TreeSet<String> folders = new java.util.TreeSet<>(java.util.Comparator.comparingInt(String::length).reversed()
                .thenComparing(java.util.Comparator.naturalOrder()));
        for (Manifest.FileEntry entry : manifest.get().files()) {
            URI fileUri = store.checkInside(URI.create(base + RegisteredData.encode(entry.path())));
            if (!store.exists(fileUri)) {
                continue;
            }
            if (store.size(fileUri) != entry.size() || (replay && !sha256(store, fileUri).equals(entry.sha256()))) {
                changed.add(entry.path());
                continue;
            }
            store.delete(fileUri);
            for (int slash = entry.path().lastIndexOf('/'); slash > 0; slash = entry.path().lastIndexOf('/', slash - 1)) {
                folders.add(RegisteredData.encode(entry.path().substring(0, slash)));
            }
        }
        if (!file) {
            for (String folder : folders) { // deepest first; a folder that still holds anything stays
                store.deleteEmptyDirectory(store.checkInside(URI.create(base + folder)));
            }
            store.deleteEmptyDirectory(uri);
        }
        return changed.isEmpty() ? Optional.empty()
                : Optional.of(changed.size() + " files of " + uri + " changed since they were registered and were left alone (first: " + changed.get(0) + ")");
    }

    private static boolean boundTo(BindingManifest manifest, ArtifactDeletion deletion) {
        return UUID.fromString(manifest.artifactId()).equals(deletion.id())
                && deletion.contentHash().map(hash -> hash.equals(manifest.contentHash()) && hash.equals(ContentHash.of(manifest.files()))).orElse(true);
    }

    private static boolean isFile(ArtifactStore store, URI uri) {
        try {
            store.size(uri);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private Optional<BindingManifest> read(ArtifactStore store, URI manifestUri) throws IOException {
        if (!store.exists(manifestUri)) {
            return Optional.empty();
        }
        try (InputStream in = store.openRead(manifestUri)) {
            return Optional.of(json.readValue(in.readAllBytes(), BindingManifest.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // unreadable: no evidence of what it describes, so it binds nothing
        }
    }

    private static String sha256(ArtifactStore store, URI file) throws IOException {
        MessageDigest digest = ContentHash.sha256();
        try (InputStream in = store.openRead(file)) {
            byte[] buffer = new byte[64 * 1024];
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                digest.update(buffer, 0, read);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
