package com.example.cairnplugin;

import java.io.*;
import java.net.URI;
import java.nio.file.*;
import java.time.*;
import java.util.*;
import java.util.stream.Stream;

import dev.cairn.api.*;
import dev.cairn.api.spi.*;
import dev.cairn.api.spi.support.*;

/** Artifacts in a local directory ({@code dir:///path/}); a URI is inside when its path is, with symbolic links resolved. */
public record DirectoryStore(Path root, Clock clock) implements ArtifactStore {
    public DirectoryStore { root = root.toAbsolutePath().normalize(); }

    @Override
    public URI rootUri() {
        return URI.create("dir://" + root.toUri().getRawPath().replaceFirst("/?$", "/"));
    }

    @Override
    public URI checkInside(URI uri) { // the default's lexical check, then the same with links resolved
        URI checked = ArtifactStore.super.checkInside(uri);
        RealPathContainment.requireInside(root, Path.of(checked.getPath()), checked, rootUri());
        return checked;
    }

    @Override
    public ArtifactDraft createDraft() {
        try {
            return new Draft(Files.createDirectories(root.resolve(".staging").resolve(UUID.randomUUID().toString())));
        } catch (IOException e) {
            throw new CairnException(ErrorCode.STORE_FAILURE, "Cannot create a draft in " + rootUri() + ": " + e, e);
        }
    }

    @Override
    public InputStream openRead(URI file) throws IOException {
        size(file); // a missing file or a directory fails here
        return Files.newInputStream(path(file));
    }

    @Override
    public boolean exists(URI uri) {
        return Files.exists(path(uri), LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public long size(URI file) throws IOException {
        if (!exists(file) || Files.isDirectory(path(file))) { // a missing file is a NoSuchFileException naming the URI
            throw exists(file) ? new IOException(file + " is a directory") : new NoSuchFileException(file.toString());
        }
        return Files.size(path(file));
    }

    @Override
    public List<String> listFiles(URI directory) throws IOException {
        Path start = path(directory);
        if (!Files.isDirectory(start)) {
            throw Files.exists(start) ? new NotDirectoryException(directory.toString()) : new NoSuchFileException(directory.toString());
        }
        try (Stream<Path> files = Files.walk(start)) {
            return files.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) && !f.startsWith(root.resolve(".staging")))
                    .map(f -> start.relativize(f).toString()).sorted().toList();
        }
    }

    @Override
    public void delete(URI uri) throws IOException {
        if (path(uri).equals(root)) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "Refusing to delete the root of " + rootUri());
        }
        deleteTree(path(uri));
    }

    @Override
    public int deleteAbandonedDrafts(Duration age) throws IOException {
        ArtifactStore.super.deleteAbandonedDrafts(age); // refuses a negative age
        long cutoff = clock.instant().minus(age).toEpochMilli();
        int deleted = 0;
        try (Stream<Path> drafts = Files.list(Files.createDirectories(root.resolve(".staging")))) {
            for (Path draft : drafts.toList()) {
                try (Stream<Path> files = Files.walk(draft)) {
                    if (files.allMatch(f -> f.toFile().lastModified() < cutoff)) {
                        deleteTree(draft);
                        deleted++;
                    }
                }
            }
        }
        return deleted;
    }

    private Path path(URI uri) { return Path.of(checkInside(uri).getPath()); } // checked lexically and with links resolved

    private static void deleteTree(Path path) throws IOException {
        try (Stream<Path> files = Files.exists(path, LinkOption.NOFOLLOW_LINKS) ? Files.walk(path) : Stream.empty()) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    /** A directory under {@code .staging/}; StagedArtifactDraft supplies the life cycle and the messages. */
    private final class Draft extends StagedArtifactDraft {
        private final Path directory;
        Draft(Path directory) { super(directory.toString()); this.directory = directory; }

        @Override
        public OutputStream create(String relativePath) throws IOException {
            checkUsable("create a file in");
            Path file = directory.resolve(root.relativize(path(resolve(relativePath))).toString()); // refuses escapes
            Files.createDirectories(file.getParent());
            return track(Files.newOutputStream(file, StandardOpenOption.CREATE_NEW), relativePath, 32 * 1024);
        }

        @Override
        protected URI commitStaging(String targetRelativeDirectory) throws IOException {
            URI target = resolve(targetRelativeDirectory);
            if (exists(target)) {
                throw targetExists(target, null);
            }
            Files.createDirectories(path(target).getParent());
            try {
                Files.move(directory, path(target), StandardCopyOption.ATOMIC_MOVE);
            } catch (NoSuchFileException e) {
                throw stagingGone(target, e);
            } catch (IOException e) {
                if (exists(target)) { // another commit took the target first
                    throw targetExists(target, e);
                }
                throw e;
            }
            return target;
        }

        @Override
        protected void deleteStaging() {
            try {
                deleteTree(directory);
            } catch (IOException e) {
                throw cannotDelete(rootUri(), e.toString(), e);
            }
        }
    }
}
