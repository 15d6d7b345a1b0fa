package dev.cairn.materializers.ml;

import dev.cairn.api.MetadataKeys;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Type;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.Map;
import java.util.Optional;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.ArtifactFile;
import dev.cairn.api.spi.ArtifactReader;
import dev.cairn.api.spi.ArtifactWriter;
import org.apiguardian.api.API;

/**
 * What every model materializer of {@code materializers-ml} does the same way: the sidecar, the example input, reading
 * a model file whole after checking its size, the metadata map and the failures. For the jars of this project.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class ModelFiles {
    /** The example input's file name inside a model artifact. */
    public static final String EXAMPLE_INPUT_FILE = "example-input.safetensors";

    private ModelFiles() {}

    /** Writes {@code sidecar} as {@code cairn-model.json}, and the example input beside it when given. */
    public static void writeSidecar(ArtifactWriter writer, ModelSidecar sidecar, Optional<TensorMap> exampleInput) throws IOException {
        requireNonNull(writer, "writer is null");
        if (exampleInput.isPresent()) {
            try (OutputStream out = writer.create(EXAMPLE_INPUT_FILE)) {
                SafeTensors.write(exampleInput.get(), out);
            }
        }
        try (OutputStream out = writer.create(ModelSidecar.FILE_NAME)) {
            out.write(sidecar.toJson().getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * Reads the sidecar of the artifact {@code reader} reads, checking that this reader can load the model (see
     * {@link ModelSidecar#requireReadable}).
     */
    public static ModelSidecar readSidecar(ArtifactReader reader, String framework, String runtimeFrameworkVersion, int supportedFormatVersion) throws IOException {
        String described = ModelSidecar.FILE_NAME + " of artifact " + reader.artifactName();
        if (!reader.files().contains(ModelSidecar.FILE_NAME)) {
            throw new CairnException(ErrorCode.INTEGRITY_VIOLATION, "Artifact " + reader.artifactName() + " at " + reader.uri() + " has no "
                    + ModelSidecar.FILE_NAME + " (files: " + reader.files() + "); it was not written by a Cairn model materializer or is damaged. "
                    + "Re-run the step that produced it.");
        }
        byte[] bytes = readAll(reader, ModelSidecar.FILE_NAME, 64L << 20);
        ModelSidecar sidecar = ModelSidecar.parse(new String(bytes, StandardCharsets.UTF_8), described);
        sidecar.requireReadable("artifact " + reader.artifactName(), framework, runtimeFrameworkVersion, supportedFormatVersion);
        if (!reader.files().contains(sidecar.modelFile())) {
            throw new CairnException(ErrorCode.INTEGRITY_VIOLATION, "Artifact " + reader.artifactName() + " names model file '" + sidecar.modelFile()
                    + "' in its sidecar, but the artifact has only " + reader.files() + ". Re-run the step that produced it.");
        }
        return sidecar;
    }

    /** The example input named by {@code sidecar}, if any. */
    public static Optional<TensorMap> readExampleInput(ArtifactReader reader, ModelSidecar sidecar) throws IOException {
        if (sidecar.exampleInputFile().isEmpty()) {
            return Optional.empty();
        }
        String file = sidecar.exampleInputFile().get();
        try (SeekableByteChannel channel = reader.openRandomAccess(file)) {
            return Optional.of(SafeTensors.read(channel, file + " of artifact " + reader.artifactName()));
        }
    }

    /** The whole of a data file, after checking that it is no larger than {@code maxBytes}. */
    public static byte[] readAll(ArtifactReader reader, String file, long maxBytes) throws IOException {
        long size = reader.size(file);
        if (size > maxBytes || size > Integer.MAX_VALUE - 8) {
            throw new CairnException(ErrorCode.MATERIALIZER_FAILED, "File " + file + " of artifact " + reader.artifactName() + " has " + size
                    + " bytes, more than the " + Math.min(maxBytes, Integer.MAX_VALUE - 8) + " this materializer reads into memory.");
        }
        byte[] bytes = new byte[(int) size];
        try (InputStream in = reader.open(file)) {
            int read = in.readNBytes(bytes, 0, bytes.length);
            if (read != bytes.length || in.read() != -1) {
                throw new CairnException(ErrorCode.INTEGRITY_VIOLATION, "File " + file + " of artifact " + reader.artifactName()
                        + " changed size while it was read (expected " + size + " bytes); check the artifact with ArtifactVersion.verify().");
            }
        }
        return bytes;
    }

    /**
     * The model file as a local path, when the artifact lies in a local ({@code file:}) store and the file, with
     * symbolic links resolved, is a regular file inside the artifact's directory; empty otherwise (read it through
     * {@link ArtifactReader#open}). For libraries whose native loader reads a path faster than a copied array.
     */
    public static java.util.Optional<java.nio.file.Path> localFile(ArtifactReader reader, String file) throws IOException {
        if (!"file".equals(reader.uri().getScheme())) {
            return java.util.Optional.empty();
        }
        reader.size(file); // the reader's own path checks, and NOT_FOUND as for a streamed read
        java.nio.file.Path directory;
        java.nio.file.Path path;
        try {
            directory = java.nio.file.Path.of(reader.uri()).toRealPath();
            path = directory.resolve(file).toRealPath();
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
        return path.startsWith(directory) && java.nio.file.Files.isRegularFile(path) ? java.util.Optional.of(path) : java.util.Optional.empty();
    }

    /** A load that reads an artifact's files; see {@link #load}. */
    @FunctionalInterface
    public interface Load<T> {
        T load() throws IOException;
    }

    /**
     * Runs {@code load}. For a verified load ({@code reader.options().verify()}) every file is checked against the
     * manifest ({@link #checkRecordedFiles}) on a thread of its own while {@code load} runs, and the value is returned
     * only when all match: on a mismatch {@code discard} releases the value (a native model, a session) and the load
     * fails with {@code INTEGRITY_VIOLATION} naming the file; when {@code load} itself fails, a mismatch is reported in
     * its place (the changed file is the cause). For materializers whose {@code verifiesOnLoad()} is {@code true}.
     */
    public static <T> T load(ArtifactReader reader, Load<T> load, java.util.function.Consumer<? super T> discard) throws IOException {
        if (!reader.options().verify()) {
            return load.load();
        }
        FileCheck check = checkRecordedFiles(reader);
        T value;
        try {
            value = load.load();
        } catch (IOException | RuntimeException e) {
            try {
                check.await();
            } catch (CairnException integrity) {
                integrity.addSuppressed(e);
                throw integrity;
            }
            throw e;
        }
        try {
            check.await();
        } catch (CairnException integrity) {
            try {
                discard.accept(value);
            } catch (RuntimeException e) {
                integrity.addSuppressed(e);
            }
            throw integrity;
        }
        return value;
    }

    /**
     * Starts checking every data file of the artifact {@code reader} reads against the size and SHA-256 its manifest
     * records ({@link ArtifactReader#recordedFiles()}), on a thread of its own, so that a materializer that
     * {@linkplain dev.cairn.api.spi.Materializer#verifiesOnLoad() verifies on load} can build the model meanwhile; it
     * must call {@link FileCheck#await()} before returning anything, and drop what it built when that throws
     * ({@link #load} does both).
     *
     * @throws CairnException ({@link ErrorCode#INTEGRITY_VIOLATION}) when the reader does not know the recorded files
     */
    public static FileCheck checkRecordedFiles(ArtifactReader reader) {
        List<ArtifactFile> recorded = reader.recordedFiles().orElseThrow(() -> new CairnException(ErrorCode.INTEGRITY_VIOLATION,
                "Artifact " + reader.artifactName() + " at " + reader.uri() + " cannot be verified: its reader does not know the manifest's file list"));
        FutureTask<Void> task = new FutureTask<>(() -> {
            for (ArtifactFile file : recorded) {
                check(reader, file);
            }
            return null;
        });
        Thread thread = new Thread(task, "cairn-verify " + reader.artifactName());
        thread.setDaemon(true);
        thread.start();
        return new FileCheck(task, thread, reader);
    }

    private static void check(ArtifactReader reader, ArtifactFile file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
        long size = 0;
        byte[] buffer = new byte[1 << 20];
        try (InputStream in = reader.open(file.path())) {
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                digest.update(buffer, 0, read);
                size += read;
            }
        } catch (java.nio.file.NoSuchFileException e) {
            throw new CairnException(ErrorCode.INTEGRITY_VIOLATION, "File '" + file.path() + "' of artifact " + reader.artifactName() + " at "
                    + reader.uri() + " is missing; its manifest lists it. Re-run the step that produced it.", e);
        }
        String sha256 = HexFormat.of().formatHex(digest.digest());
        if (size != file.size() || !sha256.equals(file.sha256())) {
            throw new CairnException(ErrorCode.INTEGRITY_VIOLATION, "File '" + file.path() + "' of artifact " + reader.artifactName() + " at "
                    + reader.uri() + " does not match its manifest (read " + size + " bytes with SHA-256 " + sha256 + ", recorded " + file.size()
                    + " bytes with SHA-256 " + file.sha256() + "): it was changed or damaged after it was written. Re-run the step that produced it.");
        }
    }

    /** A check of an artifact's files running on its own thread; see {@link #checkRecordedFiles}. */
    public static final class FileCheck {
        private final FutureTask<Void> task;
        private final Thread thread;
        private final ArtifactReader reader;

        private FileCheck(FutureTask<Void> task, Thread thread, ArtifactReader reader) {
            this.task = task;
            this.thread = thread;
            this.reader = reader;
        }

        /**
         * Waits until every file is checked (and the thread has ended).
         *
         * @throws CairnException ({@link ErrorCode#INTEGRITY_VIOLATION}) naming the first file that is missing, of
         *     another size or of another SHA-256, or that could not be read
         */
        public void await() {
            boolean interrupted = false;
            while (thread.isAlive()) {
                try {
                    thread.join(); // the task has ended with its thread, whatever its outcome
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            try {
                task.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CairnException(ErrorCode.INTEGRITY_VIOLATION, "Verifying artifact " + reader.artifactName() + " was interrupted", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof CairnException cairn) {
                    throw new CairnException(cairn.errorCode(), cairn.getMessage(), cairn);
                }
                throw new CairnException(ErrorCode.INTEGRITY_VIOLATION, "Cannot verify artifact " + reader.artifactName() + " at " + reader.uri()
                        + ": reading its files failed (" + e.getCause() + ")", e.getCause());
            }
        }
    }

    /** The metadata every model artifact records: framework, format, signature, file size, plus {@code extra}. */
    public static Map<String, Object> metadata(ModelSidecar sidecar, long modelFileSize, Map<String, Object> extra) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put(MetadataKeys.FRAMEWORK, sidecar.framework());
        metadata.put(MetadataKeys.FRAMEWORK_VERSION, sidecar.frameworkVersion());
        metadata.put(MetadataKeys.FORMAT, sidecar.modelFormat());
        metadata.put(MetadataKeys.FILE_SIZE, modelFileSize);
        metadata.put(MetadataKeys.SIGNATURE, sidecar.signature().toJson());
        metadata.putAll(extra);
        return metadata;
    }

    /** A save failure naming the artifact, the type and what to do. */
    public static CairnException savingFailed(String materializerId, ArtifactWriter writer, String problem, Throwable cause) {
        Type type = writer.type();
        return new CairnException(ErrorCode.MATERIALIZER_FAILED, "Cannot save artifact '" + writer.artifactName() + "' of type " + type.getTypeName()
                + " with materializer " + materializerId + ": " + problem, cause);
    }

    /** A model file that its library cannot read back: truncated or corrupted. */
    public static CairnException corrupted(ArtifactReader reader, String file, Throwable cause) {
        if (cause instanceof CairnException cairn) {
            return cairn;
        }
        return new CairnException(ErrorCode.INTEGRITY_VIOLATION, "The model file " + file + " of artifact " + reader.artifactName() + " at "
                + reader.uri() + " is truncated or corrupted and cannot be loaded (" + cause.getClass().getSimpleName() + ": " + cause.getMessage()
                + "). Check it with ArtifactVersion.verify(); re-run the step that produced it to store a good copy.", cause);
    }
}
