package dev.cairn.materializers.ml.xgboost;

import dev.cairn.api.MetadataKeys;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Type;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.WeakHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.ArtifactType;
import dev.cairn.api.artifact.Visualization;
import dev.cairn.api.spi.ArtifactReader;
import dev.cairn.api.spi.ArtifactWriter;
import dev.cairn.api.spi.Materializer;
import dev.cairn.materializers.ml.DType;
import dev.cairn.materializers.ml.JsonText;
import dev.cairn.materializers.ml.ModelFiles;
import dev.cairn.materializers.ml.ModelSidecar;
import dev.cairn.materializers.ml.ModelSignature;
import dev.cairn.materializers.ml.ModelSummaryHtml;
import dev.cairn.materializers.ml.TensorSpec;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.apiguardian.api.API;

/**
 * Stores an {@link XGBoostModel} (or a bare {@link Booster}, with no parameters) as XGBoost's own model file —
 * {@code model.ubj} (Universal Binary JSON, the default) or {@code model.json} with the output option
 * {@code format=json} — plus {@code cairn-model.json} holding the training parameters and the signature. Both files
 * open in Python ({@code xgboost.Booster(model_file=…)}, {@code json.load}). The bytes are deterministic for a given
 * booster, so an unchanged model is an early cut-off for the steps below it. Predictions after loading are identical.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class XGBoostMaterializer implements Materializer<Object> {
    public static final String ID = "cairn.ml.xgboost";
    public static final String FRAMEWORK = "xgboost";
    /** The output option that picks the file format: {@code ubj} (default) or {@code json}. */
    public static final String FORMAT_OPTION = "format";
    /** The version of xgboost4j on the classpath, e.g. {@code 3.4.0}. */
    public static final String XGBOOST_VERSION = xgboostVersion();
    private static final int FORMAT_VERSION = 1;
    private static final long MAX_MODEL_BYTES = Integer.MAX_VALUE - 8;
    /** Sizes of the files just saved, by booster (weakly held), so metadata does not serialize a large model twice. */
    private final Map<Booster, Saved> saved = Collections.synchronizedMap(new WeakHashMap<>());

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
        return List.of(XGBoostModel.class, Booster.class);
    }

    @Override
    public ArtifactType artifactType() {
        return ArtifactType.MODEL;
    }

    @Override
    public void save(Object value, ArtifactWriter writer) throws IOException {
        XGBoostModel model = asModel(value);
        String format = writer.options().getOrDefault(FORMAT_OPTION, "ubj").toLowerCase(Locale.ROOT);
        if (!format.equals("ubj") && !format.equals("json")) {
            throw ModelFiles.savingFailed(ID, writer, "output option format=" + format + " is not an XGBoost model format; use ubj (the default) or json", null);
        }
        try {
            JsonText.write(model.params());
        } catch (IllegalArgumentException e) {
            throw ModelFiles.savingFailed(ID, writer, "the training params are not JSON values (" + e.getMessage()
                    + "); pass strings, numbers, booleans, lists or maps", e);
        }
        byte[] bytes;
        try {
            bytes = model.booster().toByteArray(format);
        } catch (XGBoostError e) {
            throw ModelFiles.savingFailed(ID, writer, "XGBoost could not serialize the booster: " + e.getMessage(), e);
        }
        String file = "model." + format;
        int features;
        try {
            features = Math.toIntExact(model.booster().getNumFeature());
        } catch (XGBoostError | ArithmeticException e) {
            throw ModelFiles.savingFailed(ID, writer, "XGBoost could not report the booster's feature count: " + e.getMessage(), e);
        }
        // the tree statistics (tree count, total gain per feature) scan the same bytes while they are hashed and
        // written: on a machine with a free core the scan costs no time of its own
        java.util.concurrent.FutureTask<java.util.Optional<TreeStatistics>> scan = new java.util.concurrent.FutureTask<>(() -> statistics(bytes, format, features));
        Thread scanner = new Thread(scan, "cairn-xgboost-tree-statistics");
        scanner.setDaemon(true);
        scanner.start();
        try (OutputStream out = writer.create(file)) {
            out.write(bytes);
        } finally {
            joinQuietly(scanner);
        }
        saved.put(model.booster(), new Saved(bytes.length, format, statisticsOf(scan)));
        ModelFiles.writeSidecar(writer, sidecar(model, format, file), model.exampleInput());
    }

    /**
     * {@code true}: a verified load checks the artifact's files against its manifest on a thread of its own while XGBoost
     * loads the model, and returns the booster only when they match (on a mismatch it is disposed and the load fails
     * with {@code INTEGRITY_VIOLATION} naming the file), instead of the engine re-reading them first.
     */
    @Override
    public boolean verifiesOnLoad() {
        return true;
    }

    @Override
    public Object load(Type type, ArtifactReader reader) throws IOException {
        return ModelFiles.load(reader, () -> loadModel(type, reader),
                value -> (value instanceof XGBoostModel model ? model.booster() : (Booster) value).dispose());
    }

    private Object loadModel(Type type, ArtifactReader reader) throws IOException {
        ModelSidecar sidecar = ModelFiles.readSidecar(reader, FRAMEWORK, XGBOOST_VERSION, FORMAT_VERSION);
        Booster booster;
        java.util.Optional<java.nio.file.Path> local = ModelFiles.localFile(reader, sidecar.modelFile());
        try {
            // from a local store XGBoost reads the file itself, as its own loadModel(path) does: no copy through a
            // Java array (with LoadOptions.verify the files are checked meanwhile, see load); other stores stream
            booster = local.isPresent() ? XGBoost.loadModel(local.get().toString())
                    : XGBoost.loadModel(ModelFiles.readAll(reader, sidecar.modelFile(), MAX_MODEL_BYTES));
        } catch (XGBoostError | RuntimeException e) {
            throw ModelFiles.corrupted(reader, sidecar.modelFile(), e);
        }
        if (type == Booster.class) {
            return booster;
        }
        return new XGBoostModel(booster, sidecar.hyperParameters(), ModelFiles.readExampleInput(reader, sidecar));
    }

    @Override
    public Map<String, Object> extractMetadata(Object value) {
        XGBoostModel model = asModel(value);
        Saved file = savedOrMeasured(model.booster(), false);
        ModelSidecar sidecar = sidecar(model, file.format(), "model." + file.format());
        Map<String, Object> extra = new LinkedHashMap<>(sidecar.properties());
        file.statistics().ifPresent(statistics -> extra.put(MetadataKeys.TREE_COUNT, (long) statistics.treeCount()));
        extra.put(MetadataKeys.HYPER_PARAMETERS, new LinkedHashMap<>(model.params()));
        long size = file.size();
        return ModelFiles.metadata(sidecar, size, extra);
    }

    @Override
    public List<Visualization> visualizations(Object value) {
        XGBoostModel model = asModel(value);
        Saved file = savedOrMeasured(model.booster(), true);
        Map<String, Double> importance = new LinkedHashMap<>();
        if (file.statistics().isPresent()) {
            try {
                String[] names = featureNames(model.booster());
                double[] gains = file.statistics().get().totalGain();
                for (int i = 0; i < gains.length && i < names.length; i++) {
                    if (gains[i] > 0) {
                        importance.put(names[i], gains[i]);
                    }
                }
            } catch (XGBoostError e) {
                importance.clear();
            }
        }
        return List.of(ModelSummaryHtml.render(sidecar(model, file.format(), "model." + file.format()), "total gain", importance));
    }

    private static String[] featureNames(Booster booster) throws XGBoostError {
        String[] names = booster.getFeatureNames();
        if (names != null && names.length > 0 && java.util.Arrays.stream(names).allMatch(java.util.Objects::nonNull)) {
            return names;
        }
        String[] generated = new String[Math.toIntExact(booster.getNumFeature())];
        for (int i = 0; i < generated.length; i++) {
            generated[i] = "f" + i;
        }
        return generated;
    }

    private record Saved(long size, String format, java.util.Optional<TreeStatistics> statistics) {}

    private static java.util.Optional<TreeStatistics> statistics(byte[] bytes, String format, Booster booster) {
        try {
            return statistics(bytes, format, Math.toIntExact(booster.getNumFeature()));
        } catch (ArithmeticException | XGBoostError e) {
            return java.util.Optional.empty();
        }
    }

    private static java.util.Optional<TreeStatistics> statistics(byte[] bytes, String format, int features) {
        try {
            return java.util.Optional.of(TreeStatistics.of(bytes, format, features));
        } catch (IllegalArgumentException | ArithmeticException | IndexOutOfBoundsException e) {
            return java.util.Optional.empty();
        }
    }

    private static java.util.Optional<TreeStatistics> statisticsOf(java.util.concurrent.FutureTask<java.util.Optional<TreeStatistics>> scan) {
        try {
            return scan.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return java.util.Optional.empty();
        } catch (java.util.concurrent.ExecutionException e) {
            // statistics are a summary: a model they cannot be read from is still saved, without them
            return java.util.Optional.empty();
        }
    }

    private static void joinQuietly(Thread thread) {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** What save() measured for this booster, or a fresh UBJSON serialization when it was not just saved. */
    private Saved savedOrMeasured(Booster booster, boolean remove) {
        Saved file = remove ? saved.remove(booster) : saved.get(booster);
        if (file != null) {
            return file;
        }
        try {
            byte[] bytes = booster.toByteArray("ubj");
            return new Saved(bytes.length, "ubj", statistics(bytes, "ubj", booster));
        } catch (XGBoostError e) {
            throw new CairnException(ErrorCode.MATERIALIZER_FAILED, "XGBoost could not serialize the booster to measure it: " + e.getMessage(), e);
        }
    }

    private static ModelSidecar sidecar(XGBoostModel model, String format, String file) {
        Booster booster = model.booster();
        long features;
        int rounds;
        String[] featureNames;
        try {
            features = booster.getNumFeature();
            rounds = booster.getNumBoostedRound();
            featureNames = booster.getFeatureNames();
        } catch (XGBoostError e) {
            throw new CairnException(ErrorCode.MATERIALIZER_FAILED, "XGBoost could not describe the booster: " + e.getMessage(), e);
        }
        long classes = model.params().get("num_class") instanceof Number n ? n.longValue() : 1;
        String objective = String.valueOf(model.params().getOrDefault("objective", ""));
        List<TensorSpec> outputs = classes > 1 && objective.equals("multi:softprob")
                ? List.of(TensorSpec.of("predictions", DType.F32, -1, classes))
                : List.of(TensorSpec.of("predictions", DType.F32, -1));
        ModelSignature signature = new ModelSignature(List.of(TensorSpec.of("features", DType.F32, -1, features)), outputs);
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(MetadataKeys.BOOSTED_ROUNDS, (long) rounds);
        properties.put(MetadataKeys.FEATURE_COUNT, features);
        if (featureNames != null && featureNames.length > 0 && java.util.Arrays.stream(featureNames).allMatch(java.util.Objects::nonNull)) {
            properties.put(MetadataKeys.FEATURE_NAMES, List.of(featureNames));
        }
        return ModelSidecar.create(FRAMEWORK, XGBOOST_VERSION, format, Integer.toString(FORMAT_VERSION), file, signature, model.params(), properties,
                model.exampleInput().map(example -> ModelFiles.EXAMPLE_INPUT_FILE), "cairn-materializers-ml-xgboost");
    }

    private static XGBoostModel asModel(Object value) {
        return value instanceof Booster booster ? new XGBoostModel(booster, Map.of()) : (XGBoostModel) value;
    }

    private static String xgboostVersion() {
        try (InputStream in = Booster.class.getClassLoader().getResourceAsStream("xgboost4j-version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
