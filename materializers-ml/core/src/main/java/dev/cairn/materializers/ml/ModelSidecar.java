package dev.cairn.materializers.ml;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import org.apiguardian.api.API;

/**
 * The {@code cairn-model.json} file stored beside every model: which framework and format wrote the model file and
 * in which versions, its signature, the hyper-parameters it was trained with, other facts (tree count, feature
 * names, …), an optional example input ({@code example-input.safetensors}) and the Cairn library that wrote it.
 * Plain JSON, so any tool can read it.
 *
 * @param sidecarFormat the version of this file's own layout ({@link #SIDECAR_FORMAT} when written by this library)
 * @param framework the library that wrote the model file, e.g. {@code xgboost}
 * @param frameworkVersion its version, e.g. {@code 3.4.0}
 * @param modelFormat the model file's format, e.g. {@code ubj}, {@code onnx}
 * @param modelFormatVersion the version of that format as the materializer understands it (e.g. the ONNX IR version)
 * @param modelFile the model file's path inside the artifact
 * @param signature the inputs and outputs
 * @param hyperParameters training parameters (JSON values)
 * @param properties other facts about the model (JSON values)
 * @param exampleInputFile the safetensors file holding an example input, when one was given
 * @param writerLibrary the Cairn jar that wrote it, e.g. {@code cairn-materializers-ml-xgboost}
 * @param writerVersion that jar's version
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record ModelSidecar(int sidecarFormat, String framework, String frameworkVersion, String modelFormat, String modelFormatVersion,
                           String modelFile, ModelSignature signature, Map<String, Object> hyperParameters, Map<String, Object> properties,
                           Optional<String> exampleInputFile, String writerLibrary, String writerVersion) {
    /** The file name inside a model artifact. */
    public static final String FILE_NAME = "cairn-model.json";
    /** The sidecar layout this library writes and the newest it reads. */
    public static final int SIDECAR_FORMAT = 1;

    public ModelSidecar {
        requireNonNull(framework, "framework is null");
        requireNonNull(frameworkVersion, "frameworkVersion is null");
        requireNonNull(modelFormat, "modelFormat is null");
        requireNonNull(modelFormatVersion, "modelFormatVersion is null");
        requireNonNull(modelFile, "modelFile is null");
        requireNonNull(signature, "signature is null");
        hyperParameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(hyperParameters, "hyperParameters is null")));
        properties = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(properties, "properties is null")));
        requireNonNull(exampleInputFile, "exampleInputFile is null");
        requireNonNull(writerLibrary, "writerLibrary is null");
        requireNonNull(writerVersion, "writerVersion is null");
    }

    /** A sidecar in the current layout, written by {@code writerLibrary} at this library's version. */
    public static ModelSidecar create(String framework, String frameworkVersion, String modelFormat, String modelFormatVersion, String modelFile,
                                      ModelSignature signature, Map<String, Object> hyperParameters, Map<String, Object> properties,
                                      Optional<String> exampleInputFile, String writerLibrary) {
        return new ModelSidecar(SIDECAR_FORMAT, framework, frameworkVersion, modelFormat, modelFormatVersion, modelFile, signature,
                hyperParameters, properties, exampleInputFile, writerLibrary, LibraryVersion.VERSION);
    }

    /** The sidecar as indented JSON with sorted keys: equal sidecars give equal bytes. */
    public String toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("cairn_model_format", sidecarFormat);
        json.put("framework", framework);
        json.put("framework_version", frameworkVersion);
        json.put("model_format", modelFormat);
        json.put("model_format_version", modelFormatVersion);
        json.put("model_file", modelFile);
        json.put("signature", signature.toJson());
        json.put("hyper_parameters", hyperParameters);
        json.put("properties", properties);
        exampleInputFile.ifPresent(file -> json.put("example_input", file));
        Map<String, Object> writer = new LinkedHashMap<>();
        writer.put("library", writerLibrary);
        writer.put("version", writerVersion);
        json.put("writer", writer);
        return JsonText.writePretty(json);
    }

    /**
     * Parses a sidecar; {@code described} names it in messages. A sidecar in a newer layout than {@link #SIDECAR_FORMAT}
     * is refused with the writer's version, so the user knows which library to upgrade to.
     */
    public static ModelSidecar parse(String text, String described) {
        requireNonNull(text, "text is null");
        Object parsed;
        try {
            parsed = JsonText.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CairnException(ErrorCode.INTEGRITY_VIOLATION, "The model sidecar " + described + " is not valid JSON (" + e.getMessage()
                    + "); the artifact is corrupted: re-run the step that produced it.");
        }
        if (!(parsed instanceof Map<?, ?> json)) {
            throw new CairnException(ErrorCode.INTEGRITY_VIOLATION, "The model sidecar " + described + " is not a JSON object; re-run the step that produced it.");
        }
        String writerText = json.get("writer") instanceof Map<?, ?> writer ? writer.get("library") + " " + writer.get("version") : "an unknown writer";
        if (!(json.get("cairn_model_format") instanceof Long format)) {
            throw new CairnException(ErrorCode.INTEGRITY_VIOLATION, "The model sidecar " + described + " has no cairn_model_format; re-run the step that produced it.");
        }
        if (format > SIDECAR_FORMAT) {
            throw new CairnException(ErrorCode.MATERIALIZER_FAILED, "The model sidecar " + described + " is in cairn_model_format " + format
                    + ", written by " + writerText + "; this reader (cairn-materializers-ml " + LibraryVersion.VERSION + ") reads format "
                    + SIDECAR_FORMAT + " and older. Upgrade the Cairn ML materializers to at least " + writerText + ".");
        }
        try {
            Map<?, ?> writer = (Map<?, ?>) json.get("writer");
            return new ModelSidecar(format.intValue(), string(json, "framework"), string(json, "framework_version"), string(json, "model_format"),
                    string(json, "model_format_version"), string(json, "model_file"), ModelSignature.fromJson(json.get("signature")),
                    stringKeyed(json.get("hyper_parameters")), stringKeyed(json.get("properties")),
                    Optional.ofNullable((String) json.get("example_input")), string(writer, "library"), string(writer, "version"));
        } catch (IllegalArgumentException | ClassCastException | NullPointerException e) {
            throw new CairnException(ErrorCode.INTEGRITY_VIOLATION, "The model sidecar " + described + " is malformed (" + e.getMessage()
                    + "); re-run the step that produced it.");
        }
    }

    /**
     * Refuses a model this reader cannot load: another framework, a model format version above
     * {@code supportedModelFormatVersion}, or a framework major.minor version above {@code runtimeFrameworkVersion}
     * (libraries read older models, not newer ones).
     */
    public void requireReadable(String described, String expectedFramework, String runtimeFrameworkVersion, int supportedModelFormatVersion) {
        if (!framework.equals(expectedFramework)) {
            throw new CairnException(ErrorCode.TYPE_MISMATCH, "The model " + described + " was written by framework '" + framework + "', not '"
                    + expectedFramework + "'; load it with the " + framework + " materializer's type.");
        }
        long storedFormat;
        try {
            storedFormat = Long.parseLong(modelFormatVersion);
        } catch (NumberFormatException e) {
            storedFormat = Long.MAX_VALUE;
        }
        if (storedFormat > supportedModelFormatVersion) {
            throw new CairnException(ErrorCode.MATERIALIZER_FAILED, "The model " + described + " is in " + framework + " " + modelFormat
                    + " format version " + modelFormatVersion + ", written by " + writerLibrary + " " + writerVersion + "; this reader supports version "
                    + supportedModelFormatVersion + " and older. Upgrade " + writerLibrary + " to at least " + writerVersion + ".");
        }
        if (compareVersions(frameworkVersion, runtimeFrameworkVersion) > 0) {
            throw new CairnException(ErrorCode.MATERIALIZER_FAILED, "The model " + described + " was written by " + framework + " " + frameworkVersion
                    + ", newer than the " + framework + " " + runtimeFrameworkVersion + " on this classpath, which cannot be trusted to read it. "
                    + "Upgrade " + framework + " to at least " + frameworkVersion + " (with " + writerLibrary + " " + writerVersion + " or newer).");
        }
    }

    /** Compares the numeric major and minor parts of two versions ({@code 3.4.0} vs {@code 3.10}); other parts are ignored. */
    static int compareVersions(String left, String right) {
        int[] l = majorMinor(left);
        int[] r = majorMinor(right);
        return l[0] != r[0] ? Integer.compare(l[0], r[0]) : Integer.compare(l[1], r[1]);
    }

    private static int[] majorMinor(String version) {
        String[] parts = version.replaceFirst("^v", "").split("[.-]");
        int[] numbers = new int[2];
        for (int i = 0; i < 2 && i < parts.length; i++) {
            try {
                numbers[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                numbers[i] = 0;
            }
        }
        return numbers;
    }

    private static String string(Map<?, ?> json, String key) {
        if (!(json.get(key) instanceof String value)) {
            throw new IllegalArgumentException(key + " is missing or not a string");
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stringKeyed(Object value) {
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("expected an object: " + value);
        }
        return (Map<String, Object>) value;
    }
}
