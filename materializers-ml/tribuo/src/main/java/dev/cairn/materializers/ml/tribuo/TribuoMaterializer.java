package dev.cairn.materializers.ml.tribuo;

import dev.cairn.api.MetadataKeys;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.util.Pair;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.ArtifactType;
import dev.cairn.api.artifact.Visualization;
import dev.cairn.api.spi.ArtifactReader;
import dev.cairn.api.spi.ArtifactWriter;
import dev.cairn.api.spi.Materializer;
import dev.cairn.materializers.ml.DType;
import dev.cairn.materializers.ml.ModelFiles;
import dev.cairn.materializers.ml.ModelSidecar;
import dev.cairn.materializers.ml.ModelSignature;
import dev.cairn.materializers.ml.ModelSummaryHtml;
import dev.cairn.materializers.ml.TensorSpec;
import org.apiguardian.api.API;
import org.tribuo.Model;
import org.tribuo.ONNXExportable;
import org.tribuo.Tribuo;
import org.tribuo.provenance.TrainerProvenance;

/**
 * Stores a Tribuo {@link Model} as Tribuo's protobuf format, {@code model.pb} ({@code Model.serialize()}; never Java
 * serialization), plus {@code model.onnx} when the model is {@link ONNXExportable} (linear SGD, factorization machines,
 * …: runs in onnxruntime, in Java or Python), and {@code cairn-model.json} with the trainer's configured parameters.
 *
 * <p>Tribuo's bytes are not deterministic: a model carries its provenance, with training timestamps. A cached training
 * step is still reused (the cache key is computed from its inputs and code), but a retrained model never has the same
 * content hash as the earlier one, so the steps below it run again (no early cut-off).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class TribuoMaterializer implements Materializer<Model<?>> {
    public static final String ID = "cairn.ml.tribuo";
    public static final String FRAMEWORK = "tribuo";
    public static final String MODEL_FILE = "model.pb";
    public static final String ONNX_FILE = "model.onnx";
    /** The ONNX domain of exported models. */
    public static final String ONNX_DOMAIN = "dev.cairn.tribuo";
    private static final int FORMAT_VERSION = 1;
    private static final int TOP_FEATURES = 50;

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String version() {
        return Integer.toString(FORMAT_VERSION);
    }

    @Override
    public List<Class<?>> handledTypes() {
        return List.of(Model.class);
    }

    @Override
    public ArtifactType artifactType() {
        return ArtifactType.MODEL;
    }

    @Override
    public void save(Model<?> model, ArtifactWriter writer) throws IOException {
        byte[] protobuf;
        byte[] onnx = null;
        try {
            protobuf = model.serialize().toByteArray();
            if (model instanceof ONNXExportable exportable) {
                onnx = exportable.exportONNXModel(ONNX_DOMAIN, 1).toByteArray();
            }
        } catch (RuntimeException e) {
            throw ModelFiles.savingFailed(ID, writer, "Tribuo could not serialize the " + model.getClass().getName() + ": " + e, e);
        }
        try (OutputStream out = writer.create(MODEL_FILE)) {
            out.write(protobuf);
        }
        if (onnx != null) {
            try (OutputStream out = writer.create(ONNX_FILE)) {
                out.write(onnx);
            }
        }
        ModelFiles.writeSidecar(writer, sidecar(model, onnx), Optional.empty());
    }

    @Override
    public Model<?> load(Type type, ArtifactReader reader) throws IOException {
        ModelSidecar sidecar = ModelFiles.readSidecar(reader, FRAMEWORK, Tribuo.VERSION, FORMAT_VERSION);
        Model<?> model;
        try (InputStream in = reader.open(sidecar.modelFile())) {
            model = Model.deserializeFromStream(in);
        } catch (IOException | RuntimeException e) {
            throw ModelFiles.corrupted(reader, sidecar.modelFile(), e);
        }
        if (ONNX_FILE.equals(sidecar.properties().get("onnx_export"))) {
            // The export is not needed to load the model, but a damaged one must not be served as if it were intact.
            try (InputStream in = reader.open(ONNX_FILE)) {
                ai.onnx.proto.OnnxMl.ModelProto onnx = ai.onnx.proto.OnnxMl.ModelProto.parseFrom(in);
                if (!onnx.hasGraph() || onnx.getIrVersion() <= 0) {
                    throw new IllegalStateException("it has no graph or no IR version");
                }
            } catch (IOException | RuntimeException e) {
                throw ModelFiles.corrupted(reader, ONNX_FILE, e);
            }
        }
        Class<?> raw = type instanceof ParameterizedType parameterized ? (Class<?>) parameterized.getRawType() : type instanceof Class<?> c ? c : Model.class;
        if (!raw.isInstance(model)) {
            throw new CairnException(ErrorCode.TYPE_MISMATCH, "Artifact " + reader.artifactName() + " holds a " + model.getClass().getName()
                    + ", which is not a " + raw.getName() + "; load it as " + model.getClass().getSimpleName() + " or as Model.");
        }
        return model;
    }

    @Override
    public Map<String, Object> extractMetadata(Model<?> model) {
        ModelSidecar sidecar = sidecar(model, onnxExport(model));
        long size = model.serialize().getSerializedSize();
        return ModelFiles.metadata(sidecar, size, new LinkedHashMap<>(sidecar.properties()));
    }

    @Override
    public List<Visualization> visualizations(Model<?> model) {
        Map<String, Double> importance = new LinkedHashMap<>();
        try {
            Map<String, List<Pair<String, Double>>> top = model.getTopFeatures(TOP_FEATURES);
            top.forEach((output, features) -> features.forEach(pair -> importance.merge(pair.getA(), Math.abs(pair.getB()), Math::max)));
        } catch (RuntimeException e) {
            importance.clear();
        }
        return List.of(ModelSummaryHtml.render(sidecar(model, onnxExport(model)), "largest |weight| over outputs", importance));
    }

    /** The ONNX export's bytes, or null when the model is not {@link ONNXExportable} or Tribuo cannot export it. */
    private static byte @org.jspecify.annotations.Nullable [] onnxExport(Model<?> model) {
        if (!(model instanceof ONNXExportable exportable)) {
            return null;
        }
        try {
            return exportable.exportONNXModel(ONNX_DOMAIN, 1).toByteArray();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * The number of trained values in an ONNX export: the elements of every initializer of its graph (for a linear
     * model, the weights and biases). -1 when the bytes are not a model with a graph.
     */
    static long parameterCount(byte[] onnx) {
        ai.onnx.proto.OnnxMl.ModelProto proto;
        try {
            proto = ai.onnx.proto.OnnxMl.ModelProto.parseFrom(onnx);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            return -1;
        }
        if (!proto.hasGraph()) {
            return -1;
        }
        long count = 0;
        for (ai.onnx.proto.OnnxMl.TensorProto initializer : proto.getGraph().getInitializerList()) {
            long elements = 1;
            for (long dim : initializer.getDimsList()) {
                elements = Math.multiplyExact(elements, dim);
            }
            count = Math.addExact(count, elements);
        }
        return count;
    }

    private static ModelSidecar sidecar(Model<?> model, byte @org.jspecify.annotations.Nullable [] onnx) {
        long features = model.getFeatureIDMap().size();
        long outputs = model.getOutputIDInfo().size();
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(MetadataKeys.MODEL_CLASS, model.getClass().getName());
        properties.put(MetadataKeys.MODEL_NAME, model.getName());
        properties.put(MetadataKeys.FEATURE_COUNT, features);
        properties.put(MetadataKeys.OUTPUT_COUNT, outputs);
        properties.put(MetadataKeys.GENERATES_PROBABILITIES, model.generatesProbabilities());
        properties.put(MetadataKeys.TRIBUO_VERSION_TRAINED_WITH, model.getProvenance().getTribuoVersion());
        properties.put(MetadataKeys.ONNX_EXPORT, model instanceof ONNXExportable ? ONNX_FILE : "none");
        if (onnx != null) {
            long parameters = parameterCount(onnx);
            if (parameters >= 0) {
                properties.put(MetadataKeys.PARAMETER_COUNT, parameters);
            }
        }
        ModelSignature signature = new ModelSignature(List.of(TensorSpec.of("input", DType.F32, -1, features)),
                List.of(TensorSpec.of("output", DType.F32, -1, outputs)));
        return ModelSidecar.create(FRAMEWORK, Tribuo.VERSION, "protobuf", Integer.toString(FORMAT_VERSION), MODEL_FILE, signature,
                trainerParameters(model), properties, Optional.empty(), "cairn-materializers-ml-tribuo");
    }

    /** The trainer's configured fields from the model's provenance (class name, hyper-parameters), as strings. */
    static Map<String, Object> trainerParameters(Model<?> model) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        TrainerProvenance trainer = model.getProvenance().getTrainerProvenance();
        if (trainer == null) {
            return parameters;
        }
        for (Pair<String, Provenance> entry : trainer) {
            String name = entry.getA();
            if (name.equals("host-short-name") || name.equals("tribuo-version") || name.equals("java-version") || name.equals("os-name")
                    || name.equals("os-arch")) {
                continue;
            }
            parameters.put(name, String.valueOf(entry.getB()));
        }
        return parameters;
    }
}
