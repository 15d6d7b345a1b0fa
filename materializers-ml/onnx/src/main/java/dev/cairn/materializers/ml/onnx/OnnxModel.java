package dev.cairn.materializers.ml.onnx;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.lang.ref.PhantomReference;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.spi.RelativePaths;
import dev.cairn.materializers.ml.TensorMap;
import org.apiguardian.api.API;

/**
 * An ONNX model: its bytes, the files holding its external data (by the relative location the model names), its
 * {@link OnnxGraphInfo} (signature, opsets, parameter count) and optional hyper-parameters and example input. An
 * onnxruntime {@link OrtSession} is created on the first call to {@link #session()} and closed by {@link #close()}.
 *
 * <p>A model loaded from an artifact in a local store keeps its bytes in the artifact's files: onnxruntime reads them
 * from there when the session is created (as its own {@code createSession(path)} does), and {@link #modelBytes()} and
 * {@link #externalData()} read them when first called.
 *
 * <p>External-data locations must be relative paths inside the model's folder ({@link RelativePaths#RULE}); a location
 * such as {@code ../../x} or {@code /etc/passwd} is refused when the model is created, so such a model can neither be
 * stored nor loaded. Thread-safe.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class OnnxModel implements AutoCloseable {
    private final Contents contents;
    private final OnnxGraphInfo info;
    private final Map<String, Object> hyperParameters;
    private final Optional<TensorMap> exampleInput;
    private final String source;
    private OrtSession session;
    private boolean closed;

    private OnnxModel(Contents contents, OnnxGraphInfo info, Map<String, Object> hyperParameters, Optional<TensorMap> exampleInput, String source) {
        this.contents = contents;
        this.info = info;
        this.hyperParameters = hyperParameters;
        this.exampleInput = exampleInput;
        this.source = source;
    }

    /** A model with all its data inside {@code model}; one that references external data is refused (use {@link #fromFile}). */
    public static OnnxModel fromBytes(byte[] model) {
        return of(model, Map.of(), "ONNX model bytes");
    }

    /**
     * Reads the model at {@code modelFile} and the external-data files it references, resolved against its folder.
     *
     * @throws CairnException ({@link ErrorCode#PATH_OUTSIDE_STORE}) for a location that escapes the folder,
     *     ({@link ErrorCode#INVALID_ARGUMENT}) for a missing file or bytes that are not an ONNX model
     */
    public static OnnxModel fromFile(Path modelFile) throws IOException {
        requireNonNull(modelFile, "modelFile is null");
        byte[] bytes = Files.readAllBytes(modelFile);
        OnnxGraphInfo info = parse(bytes, modelFile.toString());
        Path folder = modelFile.toAbsolutePath().getParent().toRealPath();
        Map<String, byte[]> external = new LinkedHashMap<>();
        for (String location : info.sortedExternalDataLocations()) {
            checkLocation(location, modelFile.toString());
            Path file = folder.resolve(location);
            if (!Files.isRegularFile(file)) {
                throw new CairnException(ErrorCode.INVALID_ARGUMENT, "The ONNX model " + modelFile + " keeps tensor data in '" + location
                        + "', but " + file + " does not exist; put the external-data file beside the model.");
            }
            if (!file.toRealPath().startsWith(folder)) {
                throw new CairnException(ErrorCode.PATH_OUTSIDE_STORE, "The ONNX model " + modelFile + " keeps tensor data in '" + location
                        + "', which resolves (through a link) to " + file.toRealPath() + ", outside the model's folder " + folder + "; refused.");
            }
            external.put(location, Files.readAllBytes(file));
        }
        return of(bytes, external, modelFile.toString());
    }

    /**
     * A model from its bytes and its external-data files by location. {@code source} names it in messages (a file, an
     * artifact). Every location the model names must be given, and nothing else.
     */
    public static OnnxModel of(byte[] model, Map<String, byte[]> externalData, String source) {
        requireNonNull(model, "model is null");
        requireNonNull(externalData, "externalData is null");
        requireNonNull(source, "source is null");
        OnnxGraphInfo info = parse(model, source);
        for (String location : info.externalDataLocations()) {
            checkLocation(location, source);
            if (!externalData.containsKey(location)) {
                throw new CairnException(ErrorCode.INVALID_ARGUMENT, "The ONNX model " + source + " keeps tensor data in '" + location
                        + "', which was not given (given: " + externalData.keySet() + ").");
            }
        }
        SortedMap<String, byte[]> copies = new TreeMap<>();
        externalData.forEach((location, bytes) -> {
            if (!info.externalDataLocations().contains(location)) {
                throw new CairnException(ErrorCode.INVALID_ARGUMENT, "External-data file '" + location + "' is not referenced by the ONNX model "
                        + source + " (it references " + info.sortedExternalDataLocations() + ").");
            }
            copies.put(location, bytes.clone());
        });
        return new OnnxModel(new Contents(model.clone(), Collections.unmodifiableSortedMap(copies)), info, Map.of(), Optional.empty(), source);
    }

    /**
     * A model whose bytes stay in {@code modelFile} (a committed artifact's file, which does not change) and its
     * external data in {@code externalFiles} (by location; each inside the model's folder, as the caller checked),
     * {@code storedSize} bytes in all:
     * onnxruntime reads them from there when the session is created, and {@link #modelBytes()} or
     * {@link #externalData()} read them when first asked.
     */
    static OnnxModel stored(Path modelFile, long storedSize, OnnxGraphInfo info, SortedMap<String, Path> externalFiles, String source) {
        return new OnnxModel(new Contents(modelFile, storedSize, externalFiles), info, Map.of(), Optional.empty(), source);
    }

    static void checkLocation(String location, String source) {
        Optional<String> problem = RelativePaths.problem(location);
        if (problem.isPresent()) {
            throw new CairnException(ErrorCode.PATH_OUTSIDE_STORE, "The ONNX model " + source + " keeps tensor data in '"
                    + RelativePaths.printable(location) + "', which is refused: " + problem.get() + ". External data must stay inside the model's "
                    + "folder: " + RelativePaths.RULE + ".");
        }
        if (location.equals(OnnxMaterializer.MODEL_FILE) || location.equals(dev.cairn.materializers.ml.ModelSidecar.FILE_NAME)
                || location.equals(dev.cairn.materializers.ml.ModelFiles.EXAMPLE_INPUT_FILE)) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "The ONNX model " + source + " keeps tensor data in '" + location
                    + "', a name Cairn's model artifact uses for its own files; save the external data under another name.");
        }
    }

    private static OnnxGraphInfo parse(byte[] model, String source) {
        try {
            return OnnxGraphInfo.parse(model);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "The ONNX model " + source + " cannot be read: it is not a well-formed ONNX "
                    + "ModelProto (" + e.getMessage() + "). Export it again.", e);
        }
    }

    /** This model with training {@code hyperParameters} (JSON values) to record in its sidecar. */
    public OnnxModel withHyperParameters(Map<String, Object> hyperParameters) {
        return new OnnxModel(contents, info, Collections.unmodifiableMap(new LinkedHashMap<>(hyperParameters)), exampleInput, source);
    }

    /** This model with an example input stored beside it. */
    public OnnxModel withExampleInput(TensorMap example) {
        return new OnnxModel(contents, info, hyperParameters, Optional.of(requireNonNull(example, "example is null")), source);
    }

    /** A copy of the model's bytes. */
    public byte[] modelBytes() {
        return contents.model(source).clone();
    }

    /** The bytes of the model and of its external-data files. */
    long storedSize() {
        return contents.size();
    }

    byte[] modelBytesShared() {
        return contents.model(source);
    }

    /** The external-data files by location (shared arrays: do not modify). */
    public SortedMap<String, byte[]> externalData() {
        return contents.externalData(source);
    }

    public OnnxGraphInfo info() {
        return info;
    }

    public Map<String, Object> hyperParameters() {
        return hyperParameters;
    }

    public Optional<TensorMap> exampleInput() {
        return exampleInput;
    }

    /** Where the model came from, for messages. */
    public String source() {
        return source;
    }

    /**
     * The onnxruntime session, created on the first call with default options and kept until {@link #close()}.
     *
     * @throws CairnException ({@link ErrorCode#MATERIALIZER_FAILED}) when onnxruntime refuses the model (an opset or
     *     IR version it does not support, an unknown operator), with onnxruntime's reason
     */
    public synchronized OrtSession session() {
        if (closed) {
            throw new IllegalStateException("the ONNX model " + source + " is closed");
        }
        if (session == null) {
            session = createSession(new OrtSession.SessionOptions());
        }
        return session;
    }

    /**
     * A new session with {@code options}, owned (and closed) by the caller.
     *
     * <p>External data is handed to onnxruntime from memory ({@code SessionOptions.addExternalInitializers}, so
     * {@code options} gain the model's external initializers: use fresh options for each call); nothing is written to
     * disk. The in-memory copies live as long as the returned session object is reachable, and are released once it is
     * collected. Only a model whose external data lies outside the main graph's initializers (in a subgraph, a node
     * attribute or a sparse tensor), or whose external tensors have an element type Java cannot hand over (unsigned 16,
     * 32 or 64 bits, strings, complex numbers), is still staged in a folder under {@code java.io.tmpdir}, deleted before
     * this method returns.
     */
    public OrtSession createSession(OrtSession.SessionOptions options) {
        requireNonNull(options, "options is null");
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try {
            if (contents.file != null) {
                // onnxruntime reads the stored file itself, and the external data beside it: no copy through Java
                return environment.createSession(contents.file.toString(), options);
            }
            byte[] model = contents.model(source);
            SortedMap<String, byte[]> externalData = contents.externalData(source);
            if (externalData.isEmpty()) {
                return environment.createSession(model, options);
            }
            Optional<List<OnnxGraphInfo.ExternalInitializer>> inMemory = OnnxGraphInfo.externalInitializers(model)
                    .filter(tensors -> tensors.stream().allMatch(tensor -> javaType(tensor.dataType()) != OnnxJavaType.UNKNOWN));
            if (inMemory.isPresent()) {
                return inMemorySession(environment, options, inMemory.get(), model, externalData);
            }
            return stagedSession(environment, options, model, externalData);
        } catch (OrtException e) {
            throw new CairnException(ErrorCode.MATERIALIZER_FAILED, "onnxruntime " + environment.getVersion() + " cannot load the ONNX model " + source
                    + " (IR version " + info.irVersion() + ", opsets " + info.opsets() + "): " + e.getMessage()
                    + ". Export the model for an opset this onnxruntime supports, or upgrade onnxruntime.", e);
        } catch (IOException e) {
            throw new CairnException(ErrorCode.MATERIALIZER_FAILED, "Cannot stage the ONNX model " + source + " with its external data in a temporary folder: " + e, e);
        }
    }

    private OrtSession inMemorySession(OrtEnvironment environment, OrtSession.SessionOptions options,
            List<OnnxGraphInfo.ExternalInitializer> initializers, byte[] model, SortedMap<String, byte[]> externalData) throws OrtException {
        SessionTensors.expunge();
        List<OnnxTensor> tensors = new ArrayList<>(initializers.size());
        try {
            Map<String, OnnxTensorLike> byName = new LinkedHashMap<>();
            for (OnnxGraphInfo.ExternalInitializer initializer : initializers) {
                byte[] file = externalData.get(initializer.location());
                if (file == null) {
                    throw new CairnException(ErrorCode.MATERIALIZER_FAILED, "The ONNX model " + source + " keeps tensor '" + initializer.name()
                            + "' in external-data file '" + initializer.location() + "', which it does not have (it has " + externalData.keySet() + ")");
                }
                long length = initializer.length() < 0 ? file.length - initializer.offset() : initializer.length();
                if (initializer.offset() > file.length || length < 0 || initializer.offset() + length > file.length) {
                    throw new CairnException(ErrorCode.MATERIALIZER_FAILED, "The ONNX model " + source + " keeps tensor '" + initializer.name()
                            + "' at bytes " + initializer.offset() + "+" + length + " of external-data file '" + initializer.location()
                            + "', which has only " + file.length + " bytes");
                }
                // onnxruntime reads a direct buffer in place (the tensor keeps it reachable); ONNX raw data is little-endian
                ByteBuffer data = ByteBuffer.allocateDirect((int) length).order(ByteOrder.nativeOrder());
                data.put(file, (int) initializer.offset(), (int) length).flip();
                OnnxTensor tensor = OnnxTensor.createTensor(environment, data, initializer.dims(), javaType(initializer.dataType()));
                tensors.add(tensor);
                byName.put(initializer.name(), tensor);
            }
            options.addExternalInitializers(byName);
            OrtSession created = environment.createSession(model, options);
            SessionTensors.keep(created, tensors);
            return created;
        } catch (OrtException | RuntimeException e) {
            tensors.forEach(OnnxTensor::close);
            throw e;
        }
    }

    /** The fallback for external data onnxruntime cannot take from memory; see {@link #createSession}. */
    private OrtSession stagedSession(OrtEnvironment environment, OrtSession.SessionOptions options, byte[] model, SortedMap<String, byte[]> externalData)
            throws IOException, OrtException {
        Path folder = Files.createTempDirectory("cairn-onnx");
        try {
            Path modelFile = folder.resolve(OnnxMaterializer.MODEL_FILE);
            Files.write(modelFile, model);
            for (Map.Entry<String, byte[]> entry : externalData.entrySet()) {
                Path file = folder.resolve(entry.getKey());
                Files.createDirectories(file.getParent());
                Files.write(file, entry.getValue());
            }
            return environment.createSession(modelFile.toString(), options);
        } finally {
            try (Stream<Path> files = Files.walk(folder)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    /** The Java type onnxruntime takes for ONNX element type {@code dataType}, {@code UNKNOWN} when there is none. */
    private static OnnxJavaType javaType(int dataType) {
        return switch (dataType) {
            case 1 -> OnnxJavaType.FLOAT;
            case 2 -> OnnxJavaType.UINT8;
            case 3 -> OnnxJavaType.INT8;
            case 5 -> OnnxJavaType.INT16;
            case 6 -> OnnxJavaType.INT32;
            case 7 -> OnnxJavaType.INT64;
            case 9 -> OnnxJavaType.BOOL;
            case 10 -> OnnxJavaType.FLOAT16;
            case 11 -> OnnxJavaType.DOUBLE;
            case 16 -> OnnxJavaType.BFLOAT16;
            default -> OnnxJavaType.UNKNOWN;
        };
    }

    /**
     * The in-memory external initializers of one session, which onnxruntime reads in place for the session's whole life:
     * kept reachable until the session object is collected, then closed (polled on the next session creation and on
     * {@link OnnxModel#close()}; no thread of its own). The model's own {@link #session()} releases them when it closes.
     */
    private static final class SessionTensors extends PhantomReference<OrtSession> {
        private static final ReferenceQueue<OrtSession> COLLECTED = new ReferenceQueue<>();
        private static final Set<SessionTensors> LIVE = ConcurrentHashMap.newKeySet();
        private final List<OnnxTensor> tensors;

        private SessionTensors(OrtSession session, List<OnnxTensor> tensors) {
            super(session, COLLECTED);
            this.tensors = tensors;
        }

        static void keep(OrtSession session, List<OnnxTensor> tensors) {
            LIVE.add(new SessionTensors(session, tensors));
        }

        static void expunge() {
            for (Reference<? extends OrtSession> collected = COLLECTED.poll(); collected != null; collected = COLLECTED.poll()) {
                ((SessionTensors) collected).release();
            }
        }

        /** Releases the tensors of {@code session}, which the caller has just closed. */
        static void released(OrtSession session) {
            LIVE.removeIf(kept -> {
                if (kept.refersTo(session)) {
                    kept.tensors.forEach(OnnxTensor::close);
                    kept.clear();
                    return true;
                }
                return false;
            });
        }

        private void release() {
            if (LIVE.remove(this)) {
                tensors.forEach(OnnxTensor::close);
            }
        }
    }

    /** Closes the session, if one was created. */
    @Override
    public synchronized void close() {
        closed = true;
        SessionTensors.expunge();
        if (session != null) {
            try {
                session.close();
            } catch (OrtException e) {
                throw new CairnException(ErrorCode.MATERIALIZER_FAILED, "Closing the onnxruntime session of " + source + " failed: " + e.getMessage(), e);
            } finally {
                SessionTensors.released(session);
                session = null;
            }
        }
    }

    @Override
    public String toString() {
        return "OnnxModel[" + source + ", IR " + info.irVersion() + ", " + info.parameterCount() + " parameters, external data "
                + info.sortedExternalDataLocations() + "]";
    }

    /** The model's bytes and external data: in memory, or stored files read when first asked for. Thread-safe. */
    private static final class Contents {
        private final Path file;
        private final SortedMap<String, Path> externalFiles;
        private final long storedSize;
        private byte[] model;
        private SortedMap<String, byte[]> externalData;

        Contents(byte[] model, SortedMap<String, byte[]> externalData) {
            this.file = null;
            this.externalFiles = null;
            this.model = model;
            this.externalData = externalData;
            this.storedSize = model.length + externalData.values().stream().mapToLong(bytes -> bytes.length).sum();
        }

        Contents(Path file, long storedSize, SortedMap<String, Path> externalFiles) {
            this.file = file;
            this.externalFiles = externalFiles;
            this.storedSize = storedSize;
        }

        long size() {
            return storedSize;
        }

        synchronized byte[] model(String source) {
            if (model == null) {
                model = read(file, source);
            }
            return model;
        }

        synchronized SortedMap<String, byte[]> externalData(String source) {
            if (externalData == null) {
                SortedMap<String, byte[]> read = new TreeMap<>();
                externalFiles.forEach((location, path) -> read.put(location, read(path, source)));
                externalData = Collections.unmodifiableSortedMap(read);
            }
            return externalData;
        }

        private static byte[] read(Path path, String source) {
            try {
                return Files.readAllBytes(path);
            } catch (IOException e) {
                throw unreadable(path, source, e);
            }
        }

        private static CairnException unreadable(Path path, String source, IOException e) {
            return new CairnException(ErrorCode.INTEGRITY_VIOLATION, "The ONNX model " + source + " can no longer read its stored file " + path
                    + " (" + e + "); the artifact's files were moved or deleted after it was loaded. Load the artifact again.", e);
        }
    }

}
