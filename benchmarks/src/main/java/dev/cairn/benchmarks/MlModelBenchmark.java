package dev.cairn.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Type;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.cairn.api.artifact.LoadOptions;
import dev.cairn.api.spi.ArtifactDraft;
import dev.cairn.api.spi.ArtifactReader;
import dev.cairn.api.spi.ArtifactWriter;
import dev.cairn.api.spi.Materializer;
import dev.cairn.materializers.ml.DType;
import dev.cairn.materializers.ml.JsonText;
import dev.cairn.materializers.ml.Tensor;
import dev.cairn.materializers.ml.TensorMap;
import dev.cairn.materializers.ml.TensorMapMaterializer;
import dev.cairn.materializers.ml.onnx.OnnxMaterializer;
import dev.cairn.materializers.ml.onnx.OnnxModel;
import dev.cairn.materializers.ml.lightgbm.LightGBMMaterializer;
import dev.cairn.materializers.ml.tribuo.TribuoMaterializer;
import dev.cairn.materializers.ml.xgboost.XGBoostMaterializer;
import dev.cairn.materializers.ml.xgboost.XGBoostModel;
import dev.cairn.stores.local.LocalArtifactStore;
import io.github.metarank.lightgbm4j.LGBMBooster;
import io.github.metarank.lightgbm4j.LGBMDataset;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;

/**
 * Save and load through Cairn's ML materializers vs the library's own save and load, in the same run:
 * <ul>
 *   <li>a TensorMap of {@code tensorMegabytes} MB (64 MB F32 tensors) stored as safetensors vs writing and reading the
 *       same bytes with a {@code FileChannel}, and (when a Python is given) vs Python's {@code safetensors.numpy.save_file}
 *       of the same tensors, timed inside Python; the saves are interleaved, including Cairn's save with hashing on a
 *       helper thread ({@code Sha256OutputStream.overlapping}, what the engine uses) next to in-line hashing; both
 *       loads then read every value (a sum), since Cairn's load maps the file; and {@code safetensors.numpy.load_file} in
 *       Python on the Cairn-written file;</li>
 *   <li>an XGBoost booster of about {@code xgboostMegabytes} MB (UBJSON) vs {@code Booster.saveModel(path)} /
 *       {@code XGBoost.loadModel(path)};</li>
 *   <li>an ONNX model with one {@code onnxMegabytes} MB initializer vs writing its bytes and creating an onnxruntime
 *       session from the file (Cairn's load includes creating the session), saves and loads each interleaved with their
 *       baseline;</li>
 *   <li>a LightGBM booster (400 trees of 255 leaves on noise) vs {@code saveModelToString} written with {@code Files.writeString} (lightgbm4j has no save to a file) /
 *       {@code createFromModelfile};</li>
 *   <li>a Tribuo logistic regression (2,000 features, 20 classes) vs {@code Model.serializeToFile} /
 *       {@code Model.deserializeFromFile}; Cairn's save also writes the ONNX export.</li>
 * </ul>
 * "Through Cairn" means the materializer writing into a draft of the local artifact store with SHA-256 over every byte
 * while it streams (as the engine's writer does), metadata extraction and visualizations, then the atomic commit; and
 * loading through the store. Median of {@code runs} runs after one warm-up.
 *
 * <p>Arguments: {@code workDir tensorMegabytes xgboostMegabytes onnxMegabytes runs [python [tensorRuns [sections]]]}, where
 * {@code sections} is a comma-separated subset of {@code tensors,xgboost,onnx,lightgbm,tribuo} (default all) and an
 * empty {@code python} skips the Python comparisons; e.g. {@code sections} {@code tensors,onnx} with {@code runs} 5 and
 * {@code tensorRuns} 5 for a short run.
 */
public final class MlModelBenchmark {
    private MlModelBenchmark() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        Path work = Files.createDirectories(Path.of(args.length > 0 ? args[0] : "/tmp/cairn-ml-bench"));
        int tensorMegabytes = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
        int xgboostMegabytes = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        int onnxMegabytes = args.length > 3 ? Integer.parseInt(args[3]) : 100;
        int runs = args.length > 4 ? Integer.parseInt(args[4]) : 3;
        String python = args.length > 5 && !args[5].isEmpty() ? args[5] : null;
        int tensorRuns = args.length > 6 ? Integer.parseInt(args[6]) : runs;
        List<String> sections = List.of((args.length > 7 ? args[7] : "tensors,xgboost,onnx,lightgbm,tribuo").split(","));
        Path storeRoot = Files.createTempDirectory(work, "store-");
        LocalArtifactStore store = new LocalArtifactStore(storeRoot);
        List<String> table = new ArrayList<>();

        if (sections.contains("tensors")) {
            // ----- TensorMap / safetensors -----
            TensorMap tensors = randomTensors(tensorMegabytes);
            TensorMapMaterializer tensorMaterializer = new TensorMapMaterializer();
            Path rawFile = work.resolve("raw.bin");
            URI[] tensorArtifact = new URI[1];
            tensorArtifact[0] = cairnSave(tensorMaterializer, store, tensors, TensorMap.class, Map.of(), Hashing.IN_LINE);
            Path pythonSaved = work.resolve("python-saved.safetensors");
            List<Callable<?>> saveActions = new ArrayList<>(List.of(
                    () -> tensorArtifact[0] = cairnSave(tensorMaterializer, store, tensors, TensorMap.class, Map.of(), Hashing.IN_LINE),
                    () -> cairnSave(tensorMaterializer, store, tensors, TensorMap.class, Map.of(), Hashing.OVERLAPPED),
                    () -> {
                        rawWrite(tensors, rawFile);
                        return null;
                    }));
            // Python's own save of the same tensors (read once from Cairn's file into numpy arrays), timed inside Python
            try (PythonSaver pythonSaver = python == null ? null : new PythonSaver(python, Path.of(file(tensorArtifact[0], TensorMapMaterializer.FILE)), work)) {
                if (pythonSaver != null) {
                    saveActions.add(() -> new SelfTimed(pythonSaver.save(pythonSaved)));
                }
                // The saves take turns (the order rotating each round) so that a change of load hits all of them, and
                // every artifact but the newest is deleted between timings, as the baselines overwrite their one file:
                // no save pays for the dirty pages of earlier ones.
                Timing[] saves = interleaved(tensorRuns, saveActions, () -> {
                    Files.deleteIfExists(pythonSaved);
                    return deleteArtifactsExcept(storeRoot, tensorArtifact[0]);
                });
                long cairnSize = Files.size(Path.of(file(tensorArtifact[0], TensorMapMaterializer.FILE)));
                table.add(row("TensorMap " + mib(cairnSize) + " save, SHA-256 in line", saves[0], "FileChannel write of the same bytes", saves[2]));
                table.add(row("TensorMap " + mib(cairnSize) + " save, SHA-256 on a helper thread while writing", saves[1],
                        "FileChannel write of the same bytes", saves[2]));
                if (pythonSaver != null) {
                    table.add(row("TensorMap " + mib(cairnSize) + " save, SHA-256 in line", saves[0],
                            "safetensors.numpy.save_file (Python, timed inside Python)", saves[3]));
                    table.add(row("TensorMap " + mib(cairnSize) + " save, SHA-256 on a helper thread while writing", saves[1],
                            "safetensors.numpy.save_file (Python, timed inside Python)", saves[3]));
                    pythonSaver.save(pythonSaved);
                    System.out.println("  Python's file is " + (Files.mismatch(pythonSaved, Path.of(file(tensorArtifact[0], TensorMapMaterializer.FILE))) < 0
                            ? "byte for byte Cairn's" : "not byte for byte Cairn's (" + Files.size(pythonSaved) + " vs " + cairnSize + " bytes)"));
                    Files.deleteIfExists(pythonSaved);
                }
                Timing rawTensorSave = saves[2];
                Timing hashOnly = median(tensorRuns, () -> {
                    MessageDigest digest = MessageDigest.getInstance("SHA-256");
                    for (Tensor tensor : tensors.tensors().values()) {
                        digest.update(tensor.data());
                    }
                    return digest.digest();
                });
                double[] sums = new double[2];
                Timing cairnTensorLoad = median(tensorRuns, () -> {
                    TensorMap loaded = (TensorMap) tensorMaterializer.load(TensorMap.class, new StoreReader(store, tensorArtifact[0]));
                    sums[0] = sum(loaded);
                    return null;
                });
                Timing rawTensorLoad = median(tensorRuns, () -> {
                    sums[1] = rawReadAndSum(rawFile, tensors);
                    return null;
                });
                if (sums[0] != sums[1]) {
                    throw new IllegalStateException("the loads disagree: " + sums[0] + " vs " + sums[1]);
                }
                long tensorFileSize = Files.size(Path.of(file(tensorArtifact[0], TensorMapMaterializer.FILE)));
                table.add(row("(SHA-256 of the same bytes, part of every Cairn save)", hashOnly, "FileChannel write of the same bytes", rawTensorSave));
                table.add(row("TensorMap " + mib(tensorFileSize) + " load + read all", cairnTensorLoad, "FileChannel read + read all", rawTensorLoad));
                if (python != null) {
                    Path safetensors = Path.of(file(tensorArtifact[0], TensorMapMaterializer.FILE));
                    double[] pythonTimes = pythonLoad(python, safetensors, runs, work);
                    long start = System.nanoTime();
                    for (int i = 0; i < runs; i++) {
                        try (SeekableByteChannel channel = Files.newByteChannel(safetensors)) {
                            sum(dev.cairn.materializers.ml.SafeTensors.read(channel, safetensors.toString()));
                        }
                    }
                    double javaRead = (System.nanoTime() - start) / 1e9 / runs;
                    table.add(row("SafeTensors.read + read all (Java)", javaRead, "safetensors.numpy.load_file + np.sum (Python)", pythonTimes[1]));
                    table.add(String.format(Locale.ROOT, "| (Python load_file alone) | | | %.3f s | |", pythonTimes[0]));
                }
            }
            System.gc();

        }
        if (sections.contains("xgboost")) {
            // ----- XGBoost -----
            Booster booster = trainToSize(xgboostMegabytes);
            XGBoostModel xgboostModel = new XGBoostModel(booster, XGBOOST_PARAMS);
            XGBoostMaterializer xgboostMaterializer = new XGBoostMaterializer();
            Path nativeUbj = work.resolve("native.ubj");
            URI[] xgboostArtifact = new URI[1];
            xgboostArtifact[0] = cairnSave(xgboostMaterializer, store, xgboostModel, XGBoostModel.class, Map.of(), Hashing.OVERLAPPED);
            // the saves take turns with their baseline (the order rotating each round); Cairn's writer hashes on the
            // stream's helper thread as the engine's does, and in line for comparison
            Timing[] xgboostSaves = interleaved(runs, List.of(
                    () -> xgboostArtifact[0] = cairnSave(xgboostMaterializer, store, xgboostModel, XGBoostModel.class, Map.of(), Hashing.OVERLAPPED),
                    () -> {
                        booster.saveModel(nativeUbj.toString());
                        return null;
                    },
                    () -> cairnSave(xgboostMaterializer, store, xgboostModel, XGBoostModel.class, Map.of(), Hashing.IN_LINE)),
                    () -> deleteArtifactsExcept(storeRoot, xgboostArtifact[0]));
            List<dev.cairn.api.artifact.ArtifactFile> xgboostFiles = recordedFiles(store, xgboostArtifact[0]);
            Timing[] xgboostLoads = interleaved(runs, List.of(
                    () -> {
                        ((XGBoostModel) xgboostMaterializer.load(XGBoostModel.class, new StoreReader(store, xgboostArtifact[0]))).booster().dispose();
                        return null;
                    },
                    () -> {
                        XGBoost.loadModel(nativeUbj.toString()).dispose();
                        return null;
                    },
                    () -> {
                        ((XGBoostModel) xgboostMaterializer.load(XGBoostModel.class, new StoreReader(store, xgboostArtifact[0], xgboostFiles))).booster().dispose();
                        return null;
                    },
                    () -> {
                        // the engine's way for a materializer that does not verify its own loads: re-hash every file, then load
                        recordedFiles(store, xgboostArtifact[0]);
                        ((XGBoostModel) xgboostMaterializer.load(XGBoostModel.class, new StoreReader(store, xgboostArtifact[0]))).booster().dispose();
                        return null;
                    }), () -> null);
            Timing cairnXgboostSave = xgboostSaves[0];
            Timing nativeXgboostSave = xgboostSaves[1];
            Timing cairnXgboostLoad = xgboostLoads[0];
            Timing nativeXgboostLoad = xgboostLoads[1];
            long ubjSize = Files.size(Path.of(file(xgboostArtifact[0], "model.ubj")));
            table.add(row("XGBoost " + mib(ubjSize) + " (" + booster.getNumBoostedRound() + " trees) save, SHA-256 on a helper thread while writing",
                    cairnXgboostSave, "Booster.saveModel(path)", nativeXgboostSave));
            table.add(row("XGBoost " + mib(ubjSize) + " save, SHA-256 in line", xgboostSaves[2], "Booster.saveModel(path)", nativeXgboostSave));
            table.add(row("XGBoost " + mib(ubjSize) + " load", cairnXgboostLoad, "XGBoost.loadModel(path)", nativeXgboostLoad));
            table.add(row("XGBoost " + mib(ubjSize) + " verified load (files checked while XGBoost loads)", xgboostLoads[2],
                    "XGBoost.loadModel(path) (not verified)", nativeXgboostLoad));
            table.add(row("XGBoost " + mib(ubjSize) + " SHA-256 of every file, then load", xgboostLoads[3], "XGBoost.loadModel(path) (not verified)",
                    nativeXgboostLoad));
            booster.dispose();

        }
        if (sections.contains("onnx")) {
            // ----- ONNX -----
            byte[] onnxBytes = onnxModel(onnxMegabytes);
            OnnxModel onnxModel = OnnxModel.fromBytes(onnxBytes);
            OnnxMaterializer onnxMaterializer = new OnnxMaterializer();
            Path nativeOnnx = work.resolve("native.onnx");
            URI[] onnxArtifact = new URI[1];
            onnxArtifact[0] = cairnSave(onnxMaterializer, store, onnxModel, OnnxModel.class, Map.of());
            // saves and loads each interleaved with their baseline (the order rotating each round)
            Timing[] onnxSaves = interleaved(runs, List.of(
                    () -> onnxArtifact[0] = cairnSave(onnxMaterializer, store, onnxModel, OnnxModel.class, Map.of()),
                    () -> {
                        Files.write(nativeOnnx, onnxBytes);
                        return null;
                    },
                    () -> cairnSave(onnxMaterializer, store, onnxModel, OnnxModel.class, Map.of(), Hashing.OVERLAPPED)),
                    () -> deleteArtifactsExcept(storeRoot, onnxArtifact[0]));
            Timing cairnOnnxSave = onnxSaves[0];
            Timing nativeOnnxSave = onnxSaves[1];
            OrtEnvironment environment = OrtEnvironment.getEnvironment();
            // the files as the manifest records them, for the verified loads (what a step's input gets by default)
            List<dev.cairn.api.artifact.ArtifactFile> recorded = recordedFiles(store, onnxArtifact[0]);
            Timing[] onnxLoads = interleaved(runs, List.of(
                    () -> {
                        try (OnnxModel loaded = onnxMaterializer.load(OnnxModel.class, new StoreReader(store, onnxArtifact[0]))) {
                            loaded.session();
                        }
                        return null;
                    },
                    () -> {
                        try (OrtSession session = environment.createSession(nativeOnnx.toString())) {
                            session.getNumInputs();
                        }
                        return null;
                    },
                    () -> {
                        try (OnnxModel loaded = onnxMaterializer.load(OnnxModel.class, new StoreReader(store, onnxArtifact[0], recorded))) {
                            loaded.session();
                        }
                        return null;
                    },
                    () -> {
                        // the engine's way for a materializer that does not verify its own loads: re-hash every file, then load
                        recordedFiles(store, onnxArtifact[0]);
                        try (OnnxModel loaded = onnxMaterializer.load(OnnxModel.class, new StoreReader(store, onnxArtifact[0]))) {
                            loaded.session();
                        }
                        return null;
                    }), () -> null);
            Timing cairnOnnxLoad = onnxLoads[0];
            Timing nativeOnnxLoad = onnxLoads[1];
            table.add(row("ONNX " + mib(onnxBytes.length) + " save, SHA-256 in line", cairnOnnxSave, "Files.write of the model bytes", nativeOnnxSave));
            table.add(row("ONNX " + mib(onnxBytes.length) + " save, SHA-256 on a helper thread while writing", onnxSaves[2], "Files.write of the model bytes",
                    nativeOnnxSave));
            table.add(row("ONNX " + mib(onnxBytes.length) + " load + session", cairnOnnxLoad, "OrtEnvironment.createSession(path)", nativeOnnxLoad));
            table.add(row("ONNX " + mib(onnxBytes.length) + " verified load + session (files checked while the session is created)", onnxLoads[2],
                    "OrtEnvironment.createSession(path) (not verified)", nativeOnnxLoad));
            table.add(row("ONNX " + mib(onnxBytes.length) + " SHA-256 of every file, then load + session", onnxLoads[3],
                    "OrtEnvironment.createSession(path) (not verified)", nativeOnnxLoad));

        }
        if (sections.contains("lightgbm")) {
            lightgbm(work, store, runs, table);
        }
        if (sections.contains("tribuo")) {
            tribuo(work, store, runs, table);
        }
        System.out.println();
        System.out.println("| operation | Cairn | baseline | baseline time | Cairn / baseline |");
        System.out.println("|---|---:|---|---:|---:|");
        table.forEach(System.out::println);
    }

    // ----- LightGBM -----

    private static void lightgbm(Path work, LocalArtifactStore store, int runs, List<String> table) throws Exception {
        int rows = 20_000;
        int features = 20;
        SplittableRandom random = new SplittableRandom(5);
        double[] x = new double[rows * features];
        float[] y = new float[rows];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextDouble();
        }
        for (int i = 0; i < rows; i++) {
            y[i] = (float) random.nextDouble();
        }
        long trained = System.nanoTime();
        LGBMBooster booster;
        try (LGBMDataset dataset = LGBMDataset.createFromMat(x, rows, features, true, "max_bin=255 verbose=-1", null)) {
            dataset.setField("label", y);
            booster = LGBMBooster.create(dataset, "objective=regression num_leaves=255 min_data_in_leaf=1 learning_rate=0.1 seed=1"
                    + " deterministic=true num_threads=2 verbose=-1");
            for (int i = 0; i < 400; i++) {
                booster.updateOneIter();
            }
        }
        System.out.printf(Locale.ROOT, "trained the LightGBM booster in %.1f s%n", (System.nanoTime() - trained) / 1e9);
        LightGBMMaterializer materializer = new LightGBMMaterializer();
        Path nativeFile = work.resolve("native-lightgbm.txt");
        URI[] artifact = new URI[1];
        Timing cairnSave = median(runs, () -> {
            artifact[0] = cairnSave(materializer, store, booster, LGBMBooster.class, Map.of());
            return null;
        });
        Timing nativeSave = median(runs, () -> {
            // lightgbm4j has no save-to-file: its own save is the model text, written as it is
            Files.writeString(nativeFile, booster.saveModelToString(0, 0, LGBMBooster.FeatureImportanceType.SPLIT));
            return null;
        });
        Timing cairnLoad = median(runs, () -> {
            materializer.load(LGBMBooster.class, new StoreReader(store, artifact[0])).close();
            return null;
        });
        Timing nativeLoad = median(runs, () -> {
            LGBMBooster.createFromModelfile(nativeFile.toString()).close();
            return null;
        });
        long size = Files.size(Path.of(file(artifact[0], "model.txt")));
        table.add(row("LightGBM " + mib(size) + " (400 trees) save", cairnSave, "saveModelToString + Files.writeString", nativeSave));
        table.add(row("LightGBM " + mib(size) + " load", cairnLoad, "LGBMBooster.createFromModelfile(path)", nativeLoad));
        booster.close();
    }

    // ----- Tribuo -----

    private static void tribuo(Path work, LocalArtifactStore store, int runs, List<String> table) throws Exception {
        int features = 2_000;
        int classes = 20;
        String[] names = new String[features];
        for (int j = 0; j < features; j++) {
            names[j] = String.format(Locale.ROOT, "f%04d", j);
        }
        org.tribuo.classification.LabelFactory factory = new org.tribuo.classification.LabelFactory();
        org.tribuo.MutableDataset<org.tribuo.classification.Label> dataset = new org.tribuo.MutableDataset<>(
                new org.tribuo.provenance.SimpleDataSourceProvenance("MlModelBenchmark", factory), factory);
        SplittableRandom random = new SplittableRandom(9);
        for (int i = 0; i < 2_000; i++) {
            double[] values = new double[features];
            for (int j = 0; j < features; j++) {
                values[j] = random.nextDouble();
            }
            dataset.add(new org.tribuo.impl.ArrayExample<>(new org.tribuo.classification.Label("c" + (i % classes)), names, values));
        }
        long trained = System.nanoTime();
        org.tribuo.Model<org.tribuo.classification.Label> model = new org.tribuo.classification.sgd.linear.LogisticRegressionTrainer().train(dataset);
        System.out.printf(Locale.ROOT, "trained the Tribuo model in %.1f s%n", (System.nanoTime() - trained) / 1e9);
        TribuoMaterializer materializer = new TribuoMaterializer();
        Path nativeFile = work.resolve("native-tribuo.pb");
        URI[] artifact = new URI[1];
        Timing cairnSave = median(runs, () -> {
            artifact[0] = cairnSave(materializer, store, model, org.tribuo.Model.class, Map.of());
            return null;
        });
        Timing nativeSave = median(runs, () -> {
            model.serializeToFile(nativeFile);
            return null;
        });
        Timing cairnLoad = median(runs, () -> materializer.load(org.tribuo.Model.class, new StoreReader(store, artifact[0])));
        Timing nativeLoad = median(runs, () -> org.tribuo.Model.deserializeFromFile(nativeFile));
        long size = Files.size(Path.of(file(artifact[0], "model.pb")));
        long onnxSize = Files.exists(Path.of(file(artifact[0], "model.onnx"))) ? Files.size(Path.of(file(artifact[0], "model.onnx"))) : 0;
        table.add(row(String.format(Locale.ROOT, "Tribuo logistic regression %.1f MiB (+ %.1f MiB ONNX export) save", size / 1048576.0, onnxSize / 1048576.0),
                cairnSave, "Model.serializeToFile(path) (no ONNX export)", nativeSave));
        table.add(row(String.format(Locale.ROOT, "Tribuo logistic regression %.1f MiB load", size / 1048576.0), cairnLoad, "Model.deserializeFromFile(path)", nativeLoad));
    }

    static final Map<String, Object> XGBOOST_PARAMS = Map.of("objective", "reg:squarederror", "max_depth", 12L, "min_child_weight", 0.0,
            "lambda", 0.0, "tree_method", "hist", "nthread", 2L, "seed", 1L);

    private static String row(String operation, double cairn, String baseline, double baselineTime) {
        return String.format(Locale.ROOT, "| %s | %.3f s | %s | %.3f s | %.2f× |", operation, cairn, baseline, baselineTime, cairn / baselineTime);
    }

    /** A row with medians and, in brackets, the fastest and slowest run of each side. */
    private static String row(String operation, Timing cairn, String baseline, Timing baselineTime) {
        return String.format(Locale.ROOT, "| %s | %s | %s | %s | %.2f× |", operation, cairn, baseline, baselineTime, cairn.median() / baselineTime.median());
    }

    /** The median of the timed runs, and the fastest and slowest. */
    record Timing(double median, double min, double max) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.3f s (%.3f–%.3f)", median, min, max);
        }
    }

    private static URI file(URI directory, String name) {
        return URI.create(directory.toString().endsWith("/") ? directory + name : directory + "/" + name);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.0f MiB", bytes / 1048576.0);
    }

    /** Times each action {@code runs} times after one warm-up each, the actions taking turns in an order that rotates every round. */
    private static Timing[] interleaved(int runs, List<Callable<?>> actions, Callable<?> between) throws Exception {
        int n = actions.size();
        double[][] times = new double[n][runs];
        for (Callable<?> action : actions) {
            action.call();
            between.call();
        }
        for (int round = 0; round < runs; round++) {
            for (int k = 0; k < n; k++) {
                int which = (round + k) % n;
                long start = System.nanoTime();
                Object result = actions.get(which).call();
                times[which][round] = result instanceof SelfTimed self ? self.seconds() : (System.nanoTime() - start) / 1e9;
                between.call();
            }
        }
        Timing[] result = new Timing[n];
        for (int which = 0; which < n; which++) {
            System.out.println("  runs (interleaved, action " + which + "): " + Arrays.toString(times[which]));
            double[] sorted = times[which].clone();
            Arrays.sort(sorted);
            result[which] = new Timing(sorted[runs / 2], sorted[0], sorted[runs - 1]);
        }
        return result;
    }

    /** What an action of {@link #interleaved} returns when it timed itself (the Python save, timed inside Python). */
    record SelfTimed(double seconds) {}

    /**
     * A Python process that loads a safetensors file once into numpy arrays and then, on each request, saves them with
     * {@code safetensors.numpy.save_file} and answers the seconds that save took (timed inside Python).
     */
    static final class PythonSaver implements AutoCloseable {
        private final Process process;
        private final java.io.BufferedReader answers;
        private final java.io.Writer requests;

        PythonSaver(String python, Path source, Path work) throws IOException {
            Path script = work.resolve("save.py");
            Files.writeString(script, """
                    import sys, time
                    from safetensors.numpy import load_file, save_file
                    tensors = load_file(sys.argv[1])
                    print("ready", flush=True)
                    for line in sys.stdin:
                        path = line.strip()
                        if not path:
                            break
                        t = time.perf_counter(); save_file(tensors, path, metadata={"source": "MlModelBenchmark"}); e = time.perf_counter() - t
                        print(e, flush=True)
                    """);
            process = new ProcessBuilder(python, script.toString(), source.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            answers = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            requests = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            String ready = answers.readLine();
            if (!"ready".equals(ready)) {
                throw new IllegalStateException("the Python saver (" + python + ") did not start: " + ready);
            }
        }

        double save(Path target) throws IOException {
            requests.write(target + "\n");
            requests.flush();
            String answer = answers.readLine();
            if (answer == null) {
                throw new IllegalStateException("the Python saver ended while saving " + target);
            }
            return Double.parseDouble(answer.strip());
        }

        @Override
        public void close() throws IOException, InterruptedException {
            requests.write("\n");
            requests.close();
            if (!process.waitFor(1, TimeUnit.MINUTES)) {
                process.destroyForcibly();
            }
        }
    }

    /** Deletes every saved artifact directory under the store's {@code artifacts/bench} except {@code keep}. */
    private static Object deleteArtifactsExcept(Path storeRoot, URI keep) throws IOException {
        Path bench = storeRoot.resolve("artifacts").resolve("bench");
        if (!Files.isDirectory(bench)) {
            return null;
        }
        Path kept = keep == null ? null : Path.of(keep).toAbsolutePath().normalize();
        try (java.util.stream.Stream<Path> directories = Files.list(bench)) {
            for (Path directory : directories.toList()) {
                if (kept != null && directory.toAbsolutePath().normalize().equals(kept)) {
                    continue;
                }
                try (java.util.stream.Stream<Path> files = Files.walk(directory)) {
                    for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(file);
                    }
                }
            }
        }
        return null;
    }

    private static Timing median(int runs, Callable<?> action) throws Exception {
        action.call(); // warm-up
        double[] times = new double[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            action.call();
            times[i] = (System.nanoTime() - start) / 1e9;
        }
        System.out.println("  runs: " + Arrays.toString(times));
        Arrays.sort(times);
        return new Timing(times[runs / 2], times[0], times[runs - 1]);
    }

    // ----- tensors -----

    static TensorMap randomTensors(int megabytes) {
        SplittableRandom random = new SplittableRandom(7);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        int perTensor = 64 << 20;
        long remaining = (long) megabytes << 20;
        for (int i = 0; remaining > 0; i++) {
            int bytes = (int) Math.min(perTensor, remaining);
            ByteBuffer buffer = ByteBuffer.allocateDirect(bytes).order(ByteOrder.LITTLE_ENDIAN);
            FloatBuffer floats = buffer.asFloatBuffer();
            while (floats.hasRemaining()) {
                floats.put((float) random.nextDouble());
            }
            tensors.put(String.format(Locale.ROOT, "layer.%03d.weight", i), Tensor.of(DType.F32, buffer, bytes / 4));
            remaining -= bytes;
        }
        return TensorMap.of(tensors, Map.of("source", "MlModelBenchmark"));
    }

    static double sum(TensorMap tensors) {
        double total = 0;
        for (Tensor tensor : tensors.tensors().values()) {
            FloatBuffer floats = tensor.data().asFloatBuffer();
            for (int i = 0, n = floats.limit(); i < n; i++) {
                total += floats.get(i);
            }
        }
        return total;
    }

    /** The baseline save: the same tensors' bytes, written in order through a FileChannel (no header, no hashing). */
    static void rawWrite(TensorMap tensors, Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            for (Tensor tensor : tensors.tensors().values()) {
                ByteBuffer data = tensor.data();
                while (data.hasRemaining()) {
                    channel.write(data);
                }
            }
        }
    }

    /** The baseline load: read the bytes back into direct buffers, one per tensor, and sum them as floats. */
    static double rawReadAndSum(Path file, TensorMap shapes) throws IOException {
        double total = 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            for (Tensor tensor : shapes.tensors().values()) {
                ByteBuffer buffer = ByteBuffer.allocateDirect((int) tensor.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
                while (buffer.hasRemaining()) {
                    if (channel.read(buffer) < 0) {
                        throw new IOException("short file");
                    }
                }
                FloatBuffer floats = buffer.flip().asFloatBuffer();
                for (int i = 0, n = floats.limit(); i < n; i++) {
                    total += floats.get(i);
                }
            }
        }
        return total;
    }

    /** Times safetensors.numpy.load_file in Python: [load alone, load + np.sum of every tensor], medians. */
    static double[] pythonLoad(String python, Path file, int runs, Path work) throws IOException, InterruptedException {
        Path script = work.resolve("load.py");
        Files.writeString(script, """
                import sys, time, statistics
                import numpy as np
                from safetensors.numpy import load_file
                runs = int(sys.argv[2])
                load_file(sys.argv[1])
                alone, summed = [], []
                for _ in range(runs):
                    t = time.perf_counter(); d = load_file(sys.argv[1]); alone.append(time.perf_counter() - t); del d
                for _ in range(runs):
                    t = time.perf_counter(); d = load_file(sys.argv[1]); s = sum(float(np.sum(v, dtype=np.float64)) for v in d.values())
                    summed.append(time.perf_counter() - t); del d
                print(alone, summed)
                print(statistics.median(alone), statistics.median(summed))
                """);
        Process process = new ProcessBuilder(python, script.toString(), file.toString(), Integer.toString(runs)).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException("python failed: " + output);
        }
        System.out.println("  python runs: " + output.lines().findFirst().orElse(""));
        String[] last = output.strip().lines().reduce((a, b) -> b).orElseThrow().split(" ");
        return new double[] {Double.parseDouble(last[0]), Double.parseDouble(last[1])};
    }

    // ----- XGBoost -----

    /**
     * Trains 10 deep trees on noise (each nearly full), then repeats them in the model's JSON until it reaches about
     * {@code megabytes} as UBJSON, and loads that JSON as the booster: training 100 MB of trees on 2 shared cores takes
     * tens of minutes, and what is measured (saving and loading) depends on the model's size, not on what the trees learnt.
     */
    @SuppressWarnings("unchecked")
    static Booster trainToSize(int megabytes) throws Exception {
        int rows = 20_000;
        int features = 20;
        SplittableRandom random = new SplittableRandom(3);
        float[] x = new float[rows * features];
        float[] y = new float[rows];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextDouble();
        }
        for (int i = 0; i < rows; i++) {
            y[i] = (float) random.nextDouble();
        }
        DMatrix matrix = new DMatrix(x, rows, features, Float.NaN);
        matrix.setLabel(y);
        long start = System.nanoTime();
        Booster seed = XGBoost.train(matrix, XGBOOST_PARAMS, 10, Map.of(), null, null);
        matrix.dispose();
        long seedSize = seed.toByteArray("ubj").length;
        Map<String, Object> json = (Map<String, Object>) JsonText.parse(new String(seed.toByteArray("json"), StandardCharsets.UTF_8));
        seed.dispose();
        Map<String, Object> gbtree = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) json.get("learner")).get("gradient_booster")).get("model");
        List<Object> trees = (List<Object>) gbtree.get("trees");
        int count = (int) Math.max(trees.size(), Math.round(trees.size() * (((long) megabytes << 20) / (double) seedSize)));
        List<Object> repeated = new ArrayList<>(count);
        List<Object> indptr = new ArrayList<>(count + 1);
        List<Object> info = new ArrayList<>(count);
        indptr.add(0L);
        for (int i = 0; i < count; i++) {
            Map<String, Object> tree = new LinkedHashMap<>((Map<String, Object>) trees.get(i % trees.size()));
            tree.put("id", (long) i);
            repeated.add(tree);
            indptr.add((long) i + 1);
            info.add(0L);
        }
        gbtree.put("trees", repeated);
        gbtree.put("iteration_indptr", indptr);
        gbtree.put("tree_info", info);
        ((Map<String, Object>) gbtree.get("gbtree_model_param")).put("num_trees", Integer.toString(count));
        Booster booster = XGBoost.loadModel(JsonText.write(json).getBytes(StandardCharsets.UTF_8));
        System.out.printf(Locale.ROOT, "built %d trees (%.1f MiB UBJSON) in %.1f s%n", booster.getNumBoostedRound(),
                booster.toByteArray("ubj").length / 1048576.0, (System.nanoTime() - start) / 1e9);
        return booster;
    }

    // ----- ONNX -----

    /** Y = X · W + B with W of about {@code megabytes} MB (F32, square), written with a small protobuf encoder. */
    static byte[] onnxModel(int megabytes) {
        int side = (int) Math.sqrt(((long) megabytes << 20) / 4.0);
        ByteBuffer weights = ByteBuffer.allocate(side * side * 4).order(ByteOrder.LITTLE_ENDIAN);
        SplittableRandom random = new SplittableRandom(5);
        while (weights.hasRemaining()) {
            weights.putFloat((float) random.nextGaussian());
        }
        ByteBuffer bias = ByteBuffer.allocate(side * 4).order(ByteOrder.LITTLE_ENDIAN);
        Proto graph = new Proto()
                .message(1, new Proto().string(1, "X").string(1, "W").string(2, "H").string(4, "MatMul"))
                .message(1, new Proto().string(1, "H").string(1, "B").string(2, "Y").string(4, "Add"))
                .string(2, "benchmark")
                .message(5, new Proto().varint(1, side).varint(1, side).varint(2, 1).string(8, "W").raw(9, weights.array()))
                .message(5, new Proto().varint(1, side).varint(2, 1).string(8, "B").raw(9, bias.array()))
                .message(11, valueInfo("X", side))
                .message(12, valueInfo("Y", side));
        return new Proto().varint(1, 8).string(2, "cairn-benchmark").message(7, graph).message(8, new Proto().string(1, "").varint(2, 13)).bytes();
    }

    private static Proto valueInfo(String name, long width) {
        Proto shape = new Proto().message(1, new Proto().string(2, "N")).message(1, new Proto().varint(1, width));
        return new Proto().string(1, name).message(2, new Proto().message(1, new Proto().varint(1, 1).message(2, shape)));
    }

    private static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Proto varint(int field, long value) {
            writeVarint((long) field << 3);
            writeVarint(value);
            return this;
        }

        Proto string(int field, String value) {
            return raw(field, value.getBytes(StandardCharsets.UTF_8));
        }

        Proto message(int field, Proto message) {
            return raw(field, message.bytes());
        }

        Proto raw(int field, byte[] bytes) {
            writeVarint(((long) field << 3) | 2);
            writeVarint(bytes.length);
            out.writeBytes(bytes);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }

        private void writeVarint(long value) {
            while ((value & ~0x7FL) != 0) {
                out.write((int) ((value & 0x7F) | 0x80));
                value >>>= 7;
            }
            out.write((int) value);
        }
    }

    // ----- Cairn through the local store -----

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static URI cairnSave(Materializer materializer, LocalArtifactStore store, Object value, Type type, Map<String, String> options) throws IOException {
        return cairnSave(materializer, store, value, type, options, Hashing.IN_LINE);
    }

    /** How the benchmark's writer hashes: in line, or on the stream's helper thread while writing. */
    enum Hashing { IN_LINE, OVERLAPPED }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static URI cairnSave(Materializer materializer, LocalArtifactStore store, Object value, Type type, Map<String, String> options,
                                 Hashing hashing) throws IOException {
        try (ArtifactDraft draft = store.createDraft()) {
            HashingWriter writer = new HashingWriter(draft, type, options, hashing == Hashing.OVERLAPPED);
            materializer.save(value, writer);
            materializer.extractMetadata(value);
            materializer.visualizations(value);
            return draft.commit("artifacts/bench/" + java.util.UUID.randomUUID());
        }
    }

    /**
     * Hashes every file with SHA-256 while it streams, over the draft's buffered stream as the engine's artifact writer
     * does: in line on the writing thread through core-api's {@link dev.cairn.api.spi.support.Sha256OutputStream}, or,
     * {@code overlapped}, through {@link dev.cairn.api.spi.support.Sha256OutputStream#overlapping} (large writes
     * hashed on the stream's helper thread while they are written; what the engine uses).
     */
    private static final class HashingWriter implements ArtifactWriter {
        private final ArtifactDraft draft;
        private final Type type;
        private final Map<String, String> options;
        private final boolean overlapped;

        HashingWriter(ArtifactDraft draft, Type type, Map<String, String> options, boolean overlapped) {
            this.draft = draft;
            this.type = type;
            this.options = options;
            this.overlapped = overlapped;
        }

        @Override
        public OutputStream create(String relativePath) throws IOException {
            dev.cairn.api.spi.support.Sha256OutputStream hashing = overlapped
                    ? dev.cairn.api.spi.support.Sha256OutputStream.overlapping(draft.create(relativePath), relativePath)
                    : new dev.cairn.api.spi.support.Sha256OutputStream(draft.create(relativePath));
            return new java.io.FilterOutputStream(hashing) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    hashing.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    super.close();
                    hashing.sha256();
                }
            };
        }

        @Override
        public String artifactName() {
            return "bench";
        }

        @Override
        public Type type() {
            return type;
        }

        @Override
        public Map<String, String> options() {
            return options;
        }
    }

    /** Every data file of the artifact with its size and SHA-256, as its manifest records them. */
    private static List<dev.cairn.api.artifact.ArtifactFile> recordedFiles(LocalArtifactStore store, URI artifact) throws Exception {
        StoreReader reader = new StoreReader(store, artifact);
        List<dev.cairn.api.artifact.ArtifactFile> files = new ArrayList<>();
        byte[] buffer = new byte[1 << 20];
        for (String path : reader.files()) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            long size = 0;
            try (InputStream in = reader.open(path)) {
                for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                    digest.update(buffer, 0, read);
                    size += read;
                }
            }
            files.add(new dev.cairn.api.artifact.ArtifactFile(path, size, java.util.HexFormat.of().formatHex(digest.digest())));
        }
        return files;
    }

    private static final class StoreReader implements ArtifactReader {
        private final LocalArtifactStore store;
        private final URI directory;
        private final List<dev.cairn.api.artifact.ArtifactFile> recorded;

        StoreReader(LocalArtifactStore store, URI directory) {
            this(store, directory, null);
        }

        /** A reader for a verified load when {@code recorded} (the manifest's files) is given. */
        StoreReader(LocalArtifactStore store, URI directory, List<dev.cairn.api.artifact.ArtifactFile> recorded) {
            this.store = store;
            this.directory = directory.toString().endsWith("/") ? directory : URI.create(directory + "/");
            this.recorded = recorded;
        }

        @Override
        public java.util.Optional<List<dev.cairn.api.artifact.ArtifactFile>> recordedFiles() {
            return java.util.Optional.ofNullable(recorded);
        }

        @Override
        public InputStream open(String relativePath) throws IOException {
            return store.openRead(directory.resolve(relativePath));
        }

        @Override
        public SeekableByteChannel openRandomAccess(String relativePath) throws IOException {
            return store.openRandomAccess(directory.resolve(relativePath));
        }

        @Override
        public List<String> files() {
            try {
                return store.listFiles(directory);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public long size(String relativePath) throws IOException {
            return store.size(directory.resolve(relativePath));
        }

        @Override
        public URI uri() {
            return directory;
        }

        @Override
        public String artifactName() {
            return "bench:1";
        }

        @Override
        public LoadOptions options() {
            return LoadOptions.DEFAULT.withVerify(recorded != null);
        }
    }
}
