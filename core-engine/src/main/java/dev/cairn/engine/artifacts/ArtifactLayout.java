package dev.cairn.engine.artifacts;

import static java.util.Objects.requireNonNull;

import java.lang.reflect.Type;
import java.net.URI;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Supplier;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.LoadOptions;
import dev.cairn.api.metadata.ArtifactVersionRecord;
import dev.cairn.api.spi.ArtifactStore;
import dev.cairn.api.spi.Materializer;
import dev.cairn.engine.materializers.MaterializerRegistry;
import dev.cairn.engine.types.TypeNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where an artifact version's manifest and files are and how it loads, for the two kinds of versions: those a
 * materializer wrote into their own directory ({@link Materialized}) and data registered where it already was
 * ({@link Registered}). {@link ArtifactService} picks the layout of a version once; nothing else asks which kind it is.
 */
sealed interface ArtifactLayout permits ArtifactLayout.Materialized, ArtifactLayout.Registered {
    /** Where the manifest of {@code record} is in {@code store}. */
    URI manifestUri(ArtifactStore store, ArtifactVersionRecord record);

    /** The directory its manifest's file paths are relative to, ending in {@code /}. */
    URI directory(ArtifactVersionRecord record);

    /** The URI of the manifest entry {@code relativePath} under {@code directory}. */
    URI fileUri(URI directory, String relativePath);

    /**
     * Loads the version as {@code type} ({@code null}: as stored); {@code manifest} reads its manifest when needed;
     * temporary files the load makes belong to {@code owner}.
     */
    Object load(ArtifactVersionRecord record, ArtifactStore store, URI uri, Type type, LoadOptions options, Supplier<Manifest> manifest,
            dev.cairn.engine.files.TemporaryFiles.Scope owner);

    /**
     * Whether a verified load of {@code record} as {@code type} ({@code null}: as stored) is checked by the materializer
     * that loads it ({@link Materializer#verifiesOnLoad()}), so the engine need not re-hash its files first.
     */
    default boolean verifiesOnLoad(ArtifactVersionRecord record, @org.jspecify.annotations.Nullable Type type) {
        return false;
    }

    /**
     * The materializer that wrote {@code record}, when it is registered here and may check the version's stored files
     * itself ({@link Materializer#verifyStored}); empty for registered data, imported folders and unknown writers, whose
     * files the engine hashes.
     */
    default java.util.Optional<Materializer<?>> storedFilesVerifier(ArtifactVersionRecord record) {
        return java.util.Optional.empty();
    }

    private static String directoryOf(URI uri) {
        String text = uri.toString();
        return text.endsWith("/") ? text : text + "/";
    }

    /** A version a materializer wrote: its directory holds its files and {@code .cairn/manifest.json}. */
    final class Materialized implements ArtifactLayout {
        private static final Logger LOG = LoggerFactory.getLogger(Materialized.class);

        private final MaterializerRegistry materializers;

        Materialized(MaterializerRegistry materializers) {
            this.materializers = requireNonNull(materializers, "materializers is null");
        }

        @Override
        public URI manifestUri(ArtifactStore store, ArtifactVersionRecord record) {
            return URI.create(directoryOf(record.uri().orElseThrow()) + Manifest.PATH);
        }

        @Override
        public URI directory(ArtifactVersionRecord record) {
            return URI.create(directoryOf(record.uri().orElseThrow()));
        }

        @Override
        public URI fileUri(URI directory, String relativePath) {
            return directory.resolve(relativePath);
        }

        @Override
        public Object load(ArtifactVersionRecord record, ArtifactStore store, URI uri, Type type, LoadOptions options, Supplier<Manifest> manifest,
                dev.cairn.engine.files.TemporaryFiles.Scope owner) {
            String described = "'" + record.name() + "' version " + record.version();
            if (ArtifactTransfer.IMPORTED_FILES_MATERIALIZER.equals(record.materializerId())) {
                throw new CairnException(ErrorCode.NO_MATERIALIZER, "Artifact " + described + " was imported from a folder without a Cairn manifest,"
                        + " so it has files but no materializer: read them with ArtifactVersion.files() and open(path), or export it with"
                        + " 'cairn artifact export'");
            }
            Type target = type != null ? type : TypeNames.parse(record.dataType(), classLoader());
            Materializer<?> materializer = loader(record, type);
            if (!materializer.id().equals(record.materializerId())) {
                LOG.debug("Artifact {} was written by {} as {}; materializer {} loads it as {}", described, record.materializerId(),
                        record.dataType(), materializer.id(), target.getTypeName());
            } else if (!materializer.version().equals(record.materializerVersion())) {
                LOG.debug("Artifact {} was written by {} version {}, reading with version {}", described, materializer.id(), record.materializerVersion(),
                        materializer.version());
            }
            StoreArtifactReader reader = new StoreArtifactReader(store, uri, record.name() + ":" + record.version(), options,
                    () -> recordedFiles(record, manifest.get()));
            try {
                return materializer.load(target, reader);
            } catch (Exception | LinkageError e) {
                NoSuchFileException missing = StoreFailures.missingFile(e);
                if (missing != null) { // the one missing-file signal of every ArtifactStore, also when a materializer wrapped it
                    throw new CairnException(ErrorCode.INTEGRITY_VIOLATION,
                            "Artifact " + described + " is missing file " + missing.getFile() + " at " + uri + ": its data was deleted or moved outside Cairn", e);
                }
                if (e instanceof CairnException cairn) {
                    throw cairn;
                }
                throw new CairnException(ErrorCode.MATERIALIZER_FAILED,
                        "Materializer " + materializer.id() + " failed to load artifact " + described + " (stored as " + record.dataType()
                                + ") as " + target.getTypeName() + " from " + uri + ": " + e, e);
            }
        }

        @Override
        public boolean verifiesOnLoad(ArtifactVersionRecord record, @org.jspecify.annotations.Nullable Type type) {
            if (ArtifactTransfer.IMPORTED_FILES_MATERIALIZER.equals(record.materializerId())) {
                return false;
            }
            return loader(record, type).verifiesOnLoad();
        }

        @Override
        public java.util.Optional<Materializer<?>> storedFilesVerifier(ArtifactVersionRecord record) {
            if (ArtifactTransfer.IMPORTED_FILES_MATERIALIZER.equals(record.materializerId())) {
                return java.util.Optional.empty();
            }
            return materializers.find(record.materializerId());
        }

        /**
         * The writer of {@code record}, or, when it cannot produce {@code type}, the materializer that declares it reads the
         * writer's files as {@code type} ({@link MaterializerRegistry#forLoad(String, Type, Type)}).
         */
        private Materializer<?> loader(ArtifactVersionRecord record, @org.jspecify.annotations.Nullable Type type) {
            return materializers.forLoad(record.materializerId(), storedType(record), type);
        }

        /** The recorded data type, or null when its classes are not on this class path. */
        static @org.jspecify.annotations.Nullable Type storedType(ArtifactVersionRecord record) {
            try {
                return TypeNames.parse(record.dataType(), classLoader());
            } catch (RuntimeException e) {
                return null;
            }
        }

        /** The manifest's data files, once they are known to match the recorded content hash. */
        private static java.util.List<dev.cairn.api.artifact.ArtifactFile> recordedFiles(ArtifactVersionRecord record, Manifest manifest) {
            if (!manifest.contentHash().equals(record.contentHash()) || !ContentHash.of(manifest.files()).equals(record.contentHash())) {
                throw new CairnException(ErrorCode.INTEGRITY_VIOLATION, "Artifact '" + record.name() + "' version " + record.version()
                        + ": its manifest does not match the recorded content hash " + record.contentHash());
            }
            return manifest.files().stream().sorted(java.util.Comparator.comparing(Manifest.FileEntry::path))
                    .map(file -> new dev.cairn.api.artifact.ArtifactFile(file.path(), file.size(), file.sha256())).toList();
        }

        private static ClassLoader classLoader() {
            ClassLoader context = Thread.currentThread().getContextClassLoader();
            return context != null ? context : ArtifactService.class.getClassLoader();
        }
    }

    /** Data registered where it was: its manifest is a side file of the store, its files are relative to the data's folder. */
    final class Registered implements ArtifactLayout {
        private final RegisteredData registered;

        Registered(RegisteredData registered) {
            this.registered = requireNonNull(registered, "registered is null");
        }

        @Override
        public URI manifestUri(ArtifactStore store, ArtifactVersionRecord record) {
            return RegisteredData.manifestUri(store, record.id());
        }

        @Override
        public URI directory(ArtifactVersionRecord record) {
            return RegisteredData.baseDirectory(record);
        }

        @Override
        public URI fileUri(URI directory, String relativePath) {
            return directory.resolve(RegisteredData.encode(relativePath));
        }

        @Override
        public Object load(ArtifactVersionRecord record, ArtifactStore store, URI uri, Type type, LoadOptions options, Supplier<Manifest> manifest,
                dev.cairn.engine.files.TemporaryFiles.Scope owner) {
            if (type != null && !(type instanceof Class<?> c && c.isAssignableFrom(Path.class))) {
                throw new CairnException(ErrorCode.TYPE_MISMATCH, "Artifact '" + record.name() + "' version " + record.version()
                        + " is registered data and loads as a java.nio.file.Path (a temporary local view), not as " + type.getTypeName()
                        + "; load it as Path and read the files");
            }
            return registered.load(record, store, manifest.get(), owner);
        }
    }
}
