package dev.cairn.engine.artifacts;

import static java.util.Objects.requireNonNull;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.spi.ArtifactDraft;
import dev.cairn.api.spi.ArtifactWriter;
import dev.cairn.api.spi.support.Sha256OutputStream;

/** An {@link ArtifactWriter} over a store draft that hashes and counts every file while it is written. */
final class HashingArtifactWriter implements ArtifactWriter {
    private final ArtifactDraft draft;
    private final String artifactName;
    private final Type type;
    private final Map<String, String> options;
    private final Map<String, Manifest.FileEntry> files = new LinkedHashMap<>();
    private final List<String> open = new ArrayList<>();

    HashingArtifactWriter(ArtifactDraft draft, String artifactName, Type type, Map<String, String> options) {
        this.draft = requireNonNull(draft, "draft is null");
        this.artifactName = requireNonNull(artifactName, "artifactName is null");
        this.type = requireNonNull(type, "type is null");
        this.options = Map.copyOf(options);
    }

    @Override
    public OutputStream create(String relativePath) throws IOException {
        requireNonNull(relativePath, "relativePath is null");
        dev.cairn.api.spi.RelativePaths.problem(relativePath).ifPresent(problem -> {
            throw new CairnException(ErrorCode.MATERIALIZER_FAILED, "A materializer tried to write '" + relativePath + "' for artifact '" + artifactName
                    + "': " + problem + "; " + dev.cairn.api.spi.RelativePaths.RULE);
        });
        if (relativePath.equals(".cairn") || relativePath.startsWith(".cairn/")) {
            throw new CairnException(ErrorCode.MATERIALIZER_FAILED,
                    "A materializer tried to write '" + relativePath + "' for artifact '" + artifactName + "': paths under .cairn/ are reserved for Cairn's manifest");
        }
        if (files.containsKey(relativePath) || open.contains(relativePath)) {
            throw new CairnException(ErrorCode.MATERIALIZER_FAILED, "File '" + relativePath + "' of artifact '" + artifactName + "' was created twice");
        }
        OutputStream target = draft.create(relativePath);
        open.add(relativePath);
        return new HashingStream(Sha256OutputStream.overlapping(target, "file '" + relativePath + "' of artifact '" + artifactName + "'"), relativePath);
    }

    @Override
    public String artifactName() {
        return artifactName;
    }

    @Override
    public Type type() {
        return type;
    }

    @Override
    public Map<String, String> options() {
        return options;
    }

    @Override
    public java.util.Optional<dev.cairn.api.spi.ExternalWrites> externalWrites() {
        return draft.externalWrites().map(AdoptingWrites::new);
    }

    /** The draft's external writes; adopted files join the manifest with the SHA-256s their writers computed. */
    private final class AdoptingWrites implements dev.cairn.api.spi.ExternalWrites {
        private final dev.cairn.api.spi.ExternalWrites delegate;

        AdoptingWrites(dev.cairn.api.spi.ExternalWrites delegate) {
            this.delegate = delegate;
        }

        @Override
        public java.net.URI stagingDirectory() {
            return delegate.stagingDirectory();
        }

        @Override
        public void adopt(List<dev.cairn.api.artifact.ArtifactFile> adopted) throws IOException {
            requireNonNull(adopted, "adopted is null");
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (dev.cairn.api.artifact.ArtifactFile file : adopted) {
                String path = requireNonNull(file, "file is null").path();
                dev.cairn.api.spi.RelativePaths.problem(path).ifPresent(problem -> {
                    throw new CairnException(ErrorCode.PATH_OUTSIDE_STORE, "A materializer tried to adopt '" + path + "' into artifact '"
                            + artifactName + "': " + problem + "; " + dev.cairn.api.spi.RelativePaths.RULE);
                });
                if (path.equals(".cairn") || path.startsWith(".cairn/")) {
                    throw new CairnException(ErrorCode.PATH_OUTSIDE_STORE, "A materializer tried to adopt '" + path + "' into artifact '"
                            + artifactName + "': paths under .cairn/ are reserved for Cairn's manifest");
                }
                if (files.containsKey(path) || open.contains(path) || !seen.add(path)) {
                    throw new CairnException(ErrorCode.INVALID_ARGUMENT, "File '" + path + "' of artifact '" + artifactName
                            + "' was created or adopted twice");
                }
                if (file.size() < 0 || !file.sha256().matches("[0-9a-f]{64}")) {
                    throw new CairnException(ErrorCode.INVALID_ARGUMENT, "File '" + path + "' of artifact '" + artifactName
                            + "' was adopted with size " + file.size() + " and SHA-256 '" + file.sha256()
                            + "'; give its size in bytes and its SHA-256 as 64 lower-case hex digits");
                }
            }
            delegate.adopt(List.copyOf(adopted));
            for (dev.cairn.api.artifact.ArtifactFile file : adopted) {
                files.put(file.path(), new Manifest.FileEntry(file.path(), file.size(), file.sha256()));
            }
        }
    }

    /** The data files written, once every stream is closed. */
    List<Manifest.FileEntry> finish() {
        if (!open.isEmpty()) {
            throw new CairnException(ErrorCode.MATERIALIZER_FAILED,
                    "The materializer of artifact '" + artifactName + "' left file(s) " + open + " open: close every stream from ArtifactWriter.create");
        }
        return List.copyOf(files.values());
    }

    /** Hashes through {@link Sha256OutputStream} (large writes on its helper thread while written) and records the file on close. */
    private final class HashingStream extends FilterOutputStream {
        private final String path;
        private final Sha256OutputStream hashing;
        private boolean closed;

        HashingStream(Sha256OutputStream hashing, String path) {
            super(hashing);
            this.hashing = hashing;
            this.path = path;
        }

        @Override
        public void write(int b) throws IOException {
            hashing.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            hashing.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            super.close();
            open.remove(path);
            files.put(path, new Manifest.FileEntry(path, hashing.size(), hashing.sha256()));
        }
    }
}
