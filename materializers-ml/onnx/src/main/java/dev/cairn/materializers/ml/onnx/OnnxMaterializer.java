package dev.cairn.materializers.ml.onnx;

import dev.cairn.api.MetadataKeys;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Type;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

import ai.onnxruntime.OrtEnvironment;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.ArtifactType;
import dev.cairn.api.artifact.Visualization;
import dev.cairn.api.spi.ArtifactReader;
import dev.cairn.api.spi.ArtifactWriter;
import dev.cairn.api.spi.Materializer;
import dev.cairn.materializers.ml.JsonText;
import dev.cairn.materializers.ml.ModelFiles;
import dev.cairn.materializers.ml.ModelSidecar;
import dev.cairn.materializers.ml.ModelSummaryHtml;
import org.apiguardian.api.API;

/**
 * Stores an {@link OnnxModel} as {@code model.onnx}, its external-data files beside it under the locations the model
 * names (always inside the artifact: escaping locations are refused), and {@code cairn-model.json} with the signature
 * read from the graph. The stored files are the model's own bytes: Python's {@code onnxruntime.InferenceSession} opens
 * {@code model.onnx} in place. Loading from a local store hands onnxruntime the stored file; see {@link #load}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class OnnxMaterializer implements Materializer<OnnxModel> {
    public static final String ID = "cairn.ml.onnx";
    public static final String FRAMEWORK = "onnx";
    public static final String MODEL_FILE = "model.onnx";
    /** The newest ONNX IR version this jar accepts: the newest onnxruntime 1.29 loads (IR 14 fails there; checked by OnnxMaterializerTest). */
    public static final int MAX_IR_VERSION = 13;
    private static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 8;

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String version() {
        return "1";
    }

    @Override
    public List<Class<?>> handledTypes() {
        return List.of(OnnxModel.class);
    }

    @Override
    public ArtifactType artifactType() {
        return ArtifactType.MODEL;
    }

    @Override
    public void save(OnnxModel model, ArtifactWriter writer) throws IOException {
        try {
            JsonText.write(model.hyperParameters());
        } catch (IllegalArgumentException e) {
            throw ModelFiles.savingFailed(ID, writer, "the hyper-parameters are not JSON values (" + e.getMessage() + ")", e);
        }
        try (OutputStream out = writer.create(MODEL_FILE)) {
            out.write(model.modelBytesShared());
        }
        for (Map.Entry<String, byte[]> entry : model.externalData().entrySet()) {
            try (OutputStream out = writer.create(entry.getKey())) {
                out.write(entry.getValue());
            }
        }
        ModelFiles.writeSidecar(writer, sidecar(model), model.exampleInput());
    }

    /**
     * {@code true}: a verified load checks the artifact's files against its manifest on a thread of its own while the
     * session is created from them, and returns only when they match (on a mismatch the session is closed and the load
     * fails with {@code INTEGRITY_VIOLATION} naming the file), instead of the engine re-reading them first.
     */
    @Override
    public boolean verifiesOnLoad() {
        return true;
    }

    /**
     * Loads the model: from a local store, the session reads the artifact's files in place ({@link OnnxModel} reads its
     * bytes only when asked for them); elsewhere the bytes are read into memory. A verified load
     * ({@code reader.options().verify()}) creates the session now, while the files are checked, so the model it returns
     * was verified; otherwise the session is created on demand.
     */
    @Override
    public OnnxModel load(Type type, ArtifactReader reader) throws IOException {
        if (!reader.options().verify()) {
            return loadModel(reader);
        }
        return ModelFiles.load(reader, () -> {
            OnnxModel model = loadModel(reader);
            model.session();
            return model;
        }, OnnxModel::close);
    }

    private OnnxModel loadModel(ArtifactReader reader) throws IOException {
        ModelSidecar sidecar = ModelFiles.readSidecar(reader, FRAMEWORK, Integer.toString(MAX_IR_VERSION), MAX_IR_VERSION);
        String source = "of artifact " + reader.artifactName();
        Optional<Path> local = ModelFiles.localFile(reader, sidecar.modelFile());
        OnnxModel model = null;
        if (local.isPresent()) {
            OnnxGraphInfo info = graphInfo(reader, sidecar.modelFile(), local.get());
            SortedMap<String, Path> externalFiles = new TreeMap<>();
            long storedSize = reader.size(sidecar.modelFile());
            for (String location : checkedExternalData(reader, info)) {
                ModelFiles.localFile(reader, location).ifPresent(path -> externalFiles.put(location, path));
                storedSize += reader.size(location);
            }
            if (externalFiles.size() == info.externalDataLocations().size()) {
                model = OnnxModel.stored(local.get(), storedSize, info, externalFiles, source);
            } // else an external-data file is a link: read through the reader, as from any store
        }
        if (model == null) {
            byte[] bytes = ModelFiles.readAll(reader, sidecar.modelFile(), MAX_FILE_BYTES);
            OnnxGraphInfo info;
            try {
                info = OnnxGraphInfo.parse(bytes);
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw ModelFiles.corrupted(reader, sidecar.modelFile(), e);
            }
            Map<String, byte[]> external = new LinkedHashMap<>();
            for (String location : checkedExternalData(reader, info)) {
                external.put(location, ModelFiles.readAll(reader, location, MAX_FILE_BYTES));
            }
            try {
                model = OnnxModel.of(bytes, external, source);
            } catch (CairnException e) {
                throw e.errorCode() == ErrorCode.INVALID_ARGUMENT ? ModelFiles.corrupted(reader, sidecar.modelFile(), new IllegalStateException(e.getMessage(), e)) : e;
            }
        }
        model = model.withHyperParameters(sidecar.hyperParameters());
        Optional<dev.cairn.materializers.ml.TensorMap> example = ModelFiles.readExampleInput(reader, sidecar);
        return example.isPresent() ? model.withExampleInput(example.get()) : model;
    }

    /**
     * The graph of the stored model file, parsed from a memory map of it: only the graph's structure is read, not the
     * tensor data it holds (onnxruntime reads that when it creates the session). The mapping is released before this
     * returns.
     */
    private static OnnxGraphInfo graphInfo(ArtifactReader reader, String file, Path path) throws IOException {
        OnnxGraphInfo info;
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size > MAX_FILE_BYTES) {
                throw new CairnException(ErrorCode.MATERIALIZER_FAILED, "File " + file + " of artifact " + reader.artifactName() + " has " + size
                        + " bytes, more than the " + MAX_FILE_BYTES + " an ONNX model file can hold (protobuf's limit).");
            }
            MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
            try {
                info = OnnxGraphInfo.parse(mapped);
            } finally {
                // the graph info holds copies only: unmapped now, not when the buffer is collected
                MappedFiles.unmap(mapped);
            }
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw ModelFiles.corrupted(reader, file, e);
        }
        requireSupported(reader, info);
        return info;
    }

    /** The model's external-data locations, each checked to be a file of the artifact. */
    private static List<String> checkedExternalData(ArtifactReader reader, OnnxGraphInfo info) {
        requireSupported(reader, info);
        for (String location : info.sortedExternalDataLocations()) {
            OnnxModel.checkLocation(location, "of artifact " + reader.artifactName());
            if (!reader.files().contains(location)) {
                throw new CairnException(ErrorCode.INTEGRITY_VIOLATION, "The ONNX model of artifact " + reader.artifactName() + " keeps tensor data in '"
                        + location + "', which the artifact does not hold (files: " + reader.files() + "). Re-run the step that produced it.");
            }
        }
        return info.sortedExternalDataLocations();
    }

    private static void requireSupported(ArtifactReader reader, OnnxGraphInfo info) {
        if (info.irVersion() > MAX_IR_VERSION) {
            throw new CairnException(ErrorCode.MATERIALIZER_FAILED, "The ONNX model of artifact " + reader.artifactName() + " has IR version "
                    + info.irVersion() + "; this reader (onnxruntime " + OrtEnvironment.getEnvironment().getVersion() + ") supports up to "
                    + MAX_IR_VERSION + ". Upgrade cairn-materializers-ml-onnx and onnxruntime.");
        }
    }

    @Override
    public Map<String, Object> extractMetadata(OnnxModel model) {
        ModelSidecar sidecar = sidecar(model);
        long size = model.storedSize();
        Map<String, Object> extra = new LinkedHashMap<>(sidecar.properties());
        extra.put(MetadataKeys.IR_VERSION, model.info().irVersion());
        return ModelFiles.metadata(sidecar, size, extra);
    }

    @Override
    public List<Visualization> visualizations(OnnxModel model) {
        return List.of(ModelSummaryHtml.render(sidecar(model), "", Map.of()));
    }

    private static ModelSidecar sidecar(OnnxModel model) {
        OnnxGraphInfo info = model.info();
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(MetadataKeys.PRODUCER_NAME, info.producerName());
        properties.put(MetadataKeys.PRODUCER_VERSION, info.producerVersion());
        properties.put(MetadataKeys.OPSETS, new LinkedHashMap<>(info.opsets()));
        properties.put(MetadataKeys.PARAMETER_COUNT, info.parameterCount());
        properties.put(MetadataKeys.INITIALIZER_COUNT, info.initializerCount());
        properties.put(MetadataKeys.EXTERNAL_DATA, info.sortedExternalDataLocations());
        if (!info.metadataProps().isEmpty()) {
            properties.put(MetadataKeys.METADATA_PROPS, new LinkedHashMap<>(info.metadataProps()));
        }
        return ModelSidecar.create(FRAMEWORK, Long.toString(info.irVersion()), "onnx", Long.toString(info.irVersion()), MODEL_FILE, info.signature(),
                model.hyperParameters(), properties, model.exampleInput().map(example -> ModelFiles.EXAMPLE_INPUT_FILE), "cairn-materializers-ml-onnx");
    }
}
