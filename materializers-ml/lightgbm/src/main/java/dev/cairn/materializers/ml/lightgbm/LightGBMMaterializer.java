package dev.cairn.materializers.ml.lightgbm;

import dev.cairn.api.MetadataKeys;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

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
import io.github.metarank.lightgbm4j.LGBMBooster;
import io.github.metarank.lightgbm4j.LGBMException;
import org.apiguardian.api.API;

/**
 * Stores a LightGBM {@link LGBMBooster} as LightGBM's own text format, {@code model.txt} (which Python's
 * {@code lightgbm.Booster(model_file=…)} reads), plus {@code cairn-model.json} with the training parameters read from
 * the model's {@code parameters:} section, the tree count and the signature. A loaded booster holds native memory: the
 * caller closes it.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class LightGBMMaterializer implements Materializer<LGBMBooster> {
    public static final String ID = "cairn.ml.lightgbm";
    public static final String FRAMEWORK = "lightgbm";
    public static final String MODEL_FILE = "model.txt";
    /** The LightGBM core version of lightgbm4j on the classpath, e.g. {@code 4.3.0}. */
    public static final String LIGHTGBM_VERSION = lightgbmVersion();
    /** The newest {@code version=vN} of model.txt this reader accepts. */
    static final int MAX_MODEL_TEXT_VERSION = 4;
    private static final long MAX_MODEL_BYTES = Integer.MAX_VALUE - 8;

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
        return List.of(LGBMBooster.class);
    }

    @Override
    public ArtifactType artifactType() {
        return ArtifactType.MODEL;
    }

    @Override
    public void save(LGBMBooster booster, ArtifactWriter writer) throws IOException {
        String text;
        try {
            text = booster.saveModelToString(0, 0, LGBMBooster.FeatureImportanceType.SPLIT);
        } catch (LGBMException e) {
            throw ModelFiles.savingFailed(ID, writer, "LightGBM could not write the model: " + e.getMessage(), e);
        }
        ModelSidecar sidecar = sidecar(booster, text);
        try (OutputStream out = writer.create(MODEL_FILE)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        ModelFiles.writeSidecar(writer, sidecar, Optional.empty());
    }

    @Override
    public LGBMBooster load(Type type, ArtifactReader reader) throws IOException {
        ModelSidecar sidecar = ModelFiles.readSidecar(reader, FRAMEWORK, LIGHTGBM_VERSION, MAX_MODEL_TEXT_VERSION);
        String text = new String(ModelFiles.readAll(reader, sidecar.modelFile(), MAX_MODEL_BYTES), StandardCharsets.UTF_8);
        int textVersion = modelTextVersion(text);
        if (textVersion < 0) {
            throw ModelFiles.corrupted(reader, sidecar.modelFile(), new IllegalStateException("it does not start with a LightGBM 'tree' header and 'version=v…' line"));
        }
        if (textVersion > MAX_MODEL_TEXT_VERSION) {
            throw new CairnException(ErrorCode.MATERIALIZER_FAILED, "The LightGBM model of artifact " + reader.artifactName() + " is model.txt version v"
                    + textVersion + "; LightGBM " + LIGHTGBM_VERSION + " reads up to v" + MAX_MODEL_TEXT_VERSION + ". Upgrade lightgbm4j.");
        }
        if (!text.contains("end of trees")) {
            throw ModelFiles.corrupted(reader, sidecar.modelFile(), new IllegalStateException("it has no 'end of trees' line (truncated)"));
        }
        try {
            return LGBMBooster.loadModelFromString(text);
        } catch (LGBMException | RuntimeException e) {
            throw ModelFiles.corrupted(reader, sidecar.modelFile(), e);
        }
    }

    @Override
    public Map<String, Object> extractMetadata(LGBMBooster booster) {
        String text = modelText(booster);
        ModelSidecar sidecar = sidecar(booster, text);
        return ModelFiles.metadata(sidecar, text.getBytes(StandardCharsets.UTF_8).length, new LinkedHashMap<>(sidecar.properties()));
    }

    @Override
    public List<Visualization> visualizations(LGBMBooster booster) {
        ModelSidecar sidecar = sidecar(booster, modelText(booster));
        Map<String, Double> importance = new LinkedHashMap<>();
        try {
            String[] names = booster.getFeatureNames();
            double[] gains = booster.featureImportance(0, LGBMBooster.FeatureImportanceType.GAIN);
            for (int i = 0; i < gains.length; i++) {
                importance.put(names != null && i < names.length ? names[i] : "Column_" + i, gains[i]);
            }
        } catch (LGBMException e) {
            importance.clear();
        }
        return List.of(ModelSummaryHtml.render(sidecar, "gain", importance));
    }

    private static String modelText(LGBMBooster booster) {
        try {
            return booster.saveModelToString(0, 0, LGBMBooster.FeatureImportanceType.SPLIT);
        } catch (LGBMException e) {
            throw new CairnException(ErrorCode.MATERIALIZER_FAILED, "LightGBM could not write the model: " + e.getMessage(), e);
        }
    }

    private static ModelSidecar sidecar(LGBMBooster booster, String text) {
        int features;
        int classes;
        String[] featureNames;
        try {
            features = booster.getNumFeature();
            classes = booster.getNumClasses();
            featureNames = booster.getFeatureNames();
        } catch (LGBMException e) {
            throw new CairnException(ErrorCode.MATERIALIZER_FAILED, "LightGBM could not describe the booster: " + e.getMessage(), e);
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(MetadataKeys.TREE_COUNT, text.lines().filter(line -> line.startsWith("Tree=")).count());
        properties.put(MetadataKeys.FEATURE_COUNT, (long) features);
        properties.put(MetadataKeys.CLASS_COUNT, (long) classes);
        properties.put(MetadataKeys.MODEL_TEXT_VERSION, "v" + Math.max(0, modelTextVersion(text)));
        text.lines().filter(line -> line.startsWith("objective=")).findFirst().ifPresent(line -> properties.put(MetadataKeys.OBJECTIVE, line.substring(10)));
        if (featureNames != null) {
            properties.put(MetadataKeys.FEATURE_NAMES, List.of(featureNames));
        }
        ModelSignature signature = new ModelSignature(List.of(TensorSpec.of("features", DType.F64, -1, features)),
                List.of(classes > 1 ? TensorSpec.of("predictions", DType.F64, -1, classes) : TensorSpec.of("predictions", DType.F64, -1)));
        return ModelSidecar.create(FRAMEWORK, LIGHTGBM_VERSION, "text", Integer.toString(Math.max(0, modelTextVersion(text))), MODEL_FILE, signature,
                parameters(text), properties, Optional.empty(), "cairn-materializers-ml-lightgbm");
    }

    /** The {@code [key: value]} lines of the model text's {@code parameters:} section (the training parameters). */
    static Map<String, Object> parameters(String text) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        boolean inside = false;
        for (String line : (Iterable<String>) text.lines()::iterator) {
            if (line.equals("parameters:")) {
                inside = true;
            } else if (line.equals("end of parameters")) {
                break;
            } else if (inside && line.startsWith("[") && line.endsWith("]") && line.contains(": ")) {
                int colon = line.indexOf(": ");
                parameters.put(line.substring(1, colon), line.substring(colon + 2, line.length() - 1));
            }
        }
        return parameters;
    }

    /** N of the {@code version=vN} line in the header, or -1 when the text is not a LightGBM model. */
    static int modelTextVersion(String text) {
        if (!text.startsWith("tree")) {
            return -1;
        }
        int at = text.indexOf("\nversion=v");
        int lineEnd = at < 0 ? -1 : text.indexOf('\n', at + 1);
        if (at < 0 || at > 200 || lineEnd < 0) {
            return -1;
        }
        try {
            return Integer.parseInt(text.substring(at + "\nversion=v".length(), lineEnd).trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String lightgbmVersion() {
        try (InputStream in = LGBMBooster.class.getClassLoader().getResourceAsStream("META-INF/maven/io.github.metarank/lightgbm4j/pom.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            String version = properties.getProperty("version", "unknown");
            int dash = version.indexOf('-');
            return dash < 0 ? version : version.substring(0, dash);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
