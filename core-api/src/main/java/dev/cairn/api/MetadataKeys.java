package dev.cairn.api;

import org.apiguardian.api.API;

/**
 * The keys under which Cairn's own materializers record an artifact's extracted metadata
 * ({@code ArtifactVersion.metadata()}, {@code cairn artifact show}), with the type and meaning of each value.
 * Third-party materializers may reuse them when a value means the same thing. (Queries such as
 * {@code ArtifactFilter.metadata(key)} match logged metadata, {@code ArtifactVersion.loggedMetadata()}, not these.)
 *
 * <p>Numbers are stored as JSON numbers (integers as {@code long}), lists and maps as JSON arrays and objects.
 */
@API(status = API.Status.STABLE, since = "0.1")
public final class MetadataKeys {
    private MetadataKeys() {}

    // ---- tables (cairn-materializers-arrow: Arrow tables, lists of records as Parquet or Arrow IPC)

    /** Number of rows of a table ({@code long}). */
    public static final String ROW_COUNT = "row_count";
    /** Number of columns of a table ({@code long}). */
    public static final String COLUMN_COUNT = "column_count";
    /**
     * The schema of a table: a list with one map per column, in column order, holding {@link #SCHEMA_NAME},
     * {@link #SCHEMA_TYPE} and {@link #SCHEMA_NULLABLE}.
     */
    public static final String SCHEMA = "schema";
    /** Within a {@link #SCHEMA} entry: the column's name ({@code string}). */
    public static final String SCHEMA_NAME = "name";
    /** Within a {@link #SCHEMA} entry: the column's type as Arrow describes it, e.g. {@code Int(64, true)} ({@code string}). */
    public static final String SCHEMA_TYPE = "type";
    /** Within a {@link #SCHEMA} entry: whether the column may hold nulls ({@code boolean}). */
    public static final String SCHEMA_NULLABLE = "nullable";
    /**
     * Per-column statistics of a table: a map from column name to a map holding {@link #NULL_COUNT} and, where
     * the column's type has them, {@link #MIN}, {@link #MAX}, {@link #MEAN} and {@link #STDDEV}.
     */
    public static final String COLUMNS = "columns";
    /** Number of null values of a column ({@code long}). */
    public static final String NULL_COUNT = "null_count";
    /** Number of NaN values of a floating-point column, recorded only when there are some ({@code long}). */
    public static final String NAN_COUNT = "nan_count";

    // ---- numeric summaries (tables' columns, numpy arrays, lists of numbers)

    /** Smallest value: a number, or for dates and timestamps an ISO-8601 {@code string}. */
    public static final String MIN = "min";
    /** Largest value: a number, or for dates and timestamps an ISO-8601 {@code string}. */
    public static final String MAX = "max";
    /** Arithmetic mean ({@code double}). */
    public static final String MEAN = "mean";
    /** Sample standard deviation ({@code double}). */
    public static final String STDDEV = "stddev";

    // ---- arrays, collections and scalars (built-in JSON, bytes and numpy materializers)

    /** Shape of an array: a list of dimension lengths ({@code list of long}), e.g. {@code [100, 3]}. */
    public static final String SHAPE = "shape";
    /** Element type of an array as numpy names it, e.g. {@code float64} ({@code string}). */
    public static final String DTYPE = "dtype";
    /**
     * Length ({@code long}): of a byte array, a string (characters), a collection or array (elements), or the
     * first dimension of a numpy array.
     */
    public static final String LENGTH = "length";
    /** Number of elements ({@code long}): of a numpy array (all dimensions), or of a map (entries). */
    public static final String SIZE = "size";
    /** The value itself, for a scalar saved as JSON (number, boolean, or an enum constant's name). */
    public static final String VALUE = "value";
    /** Number of components of a record saved as JSON ({@code long}). */
    public static final String FIELD_COUNT = "field_count";
    /** Whether an {@code Optional} saved as JSON held a value ({@code boolean}). */
    public static final String PRESENT = "present";

    // ---- models and tensors (cairn-materializers-ml-*)

    /** The library a model comes from, e.g. {@code xgboost}, {@code onnx}, {@code lightgbm}, {@code tribuo} ({@code string}). */
    public static final String FRAMEWORK = "framework";
    /** Version of {@link #FRAMEWORK} that saved the model ({@code string}). */
    public static final String FRAMEWORK_VERSION = "framework_version";
    /** File format of the stored model or tensors, e.g. {@code json}, {@code ubj}, {@code onnx}, {@code safetensors} ({@code string}). */
    public static final String FORMAT = "format";
    /** Size in bytes of the model file(s) ({@code long}). */
    public static final String FILE_SIZE = "file_size";
    /** A model's input and output signature: a map with the inputs' and outputs' names, types and shapes. */
    public static final String SIGNATURE = "signature";
    /** Number of trees of a tree ensemble ({@code long}). */
    public static final String TREE_COUNT = "tree_count";
    /** Training parameters a model was built with ({@code map of string to string}). */
    public static final String HYPER_PARAMETERS = "hyper_parameters";
    /** The ONNX IR version of an ONNX model ({@code long}). */
    public static final String IR_VERSION = "ir_version";
    /** Number of input features a model takes ({@code long}). */
    public static final String FEATURE_COUNT = "feature_count";
    /** Names of a model's input features, in order ({@code list of string}). */
    public static final String FEATURE_NAMES = "feature_names";
    /** Number of classes of a classifier (LightGBM) ({@code long}). */
    public static final String CLASS_COUNT = "class_count";
    /** Number of outputs (labels or dimensions) of a Tribuo model ({@code long}). */
    public static final String OUTPUT_COUNT = "output_count";
    /** The training objective of a LightGBM model, e.g. {@code regression} ({@code string}). */
    public static final String OBJECTIVE = "objective";
    /** Number of boosting rounds of an XGBoost model ({@code long}). */
    public static final String BOOSTED_ROUNDS = "boosted_rounds";
    /** Version of LightGBM's text model format, e.g. {@code v4} ({@code string}). */
    public static final String MODEL_TEXT_VERSION = "model_text_version";
    /** Number of scalar parameters in an ONNX model's initializers ({@code long}). */
    public static final String PARAMETER_COUNT = "parameter_count";
    /** Number of initializers (weight tensors) of an ONNX model ({@code long}). */
    public static final String INITIALIZER_COUNT = "initializer_count";
    /** The tool that wrote an ONNX model, from its {@code producer_name} ({@code string}). */
    public static final String PRODUCER_NAME = "producer_name";
    /** Version of {@link #PRODUCER_NAME} ({@code string}). */
    public static final String PRODUCER_VERSION = "producer_version";
    /** ONNX operator sets a model imports: domain to version ({@code map of string to long}). */
    public static final String OPSETS = "opsets";
    /** Relative paths of an ONNX model's external-data files, sorted ({@code list of string}). */
    public static final String EXTERNAL_DATA = "external_data";
    /** An ONNX model's {@code metadata_props} ({@code map of string to string}). */
    public static final String METADATA_PROPS = "metadata_props";
    /** Java class of a Tribuo model ({@code string}). */
    public static final String MODEL_CLASS = "model_class";
    /** Name Tribuo gave a model ({@code string}). */
    public static final String MODEL_NAME = "model_name";
    /** Whether a Tribuo model produces probabilities ({@code boolean}). */
    public static final String GENERATES_PROBABILITIES = "generates_probabilities";
    /** Tribuo version a model was trained with, from its provenance ({@code string}). */
    public static final String TRIBUO_VERSION_TRAINED_WITH = "tribuo_version_trained_with";
    /** For a Tribuo model: the file of its ONNX export stored beside it, or {@code none} ({@code string}). */
    public static final String ONNX_EXPORT = "onnx_export";
    /** Number of tensors in a safetensors file ({@code long}). */
    public static final String TENSOR_COUNT = "tensor_count";
    /** Total size in bytes of the tensors' data ({@code long}). */
    public static final String TOTAL_BYTES = "total_bytes";
    /** The first tensors by name, each described as {@code "<dtype> [<shape>]"} ({@code map of string to string}). */
    public static final String TENSORS = "tensors";
    /** The free-form {@code __metadata__} map of a safetensors file ({@code map of string to string}). */
    public static final String SAFETENSORS_METADATA = "safetensors_metadata";
}
