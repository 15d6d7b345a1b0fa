package dev.cairn.materializers.ml.onnx;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import dev.cairn.materializers.ml.ModelSignature;
import dev.cairn.materializers.ml.TensorSpec;
import org.apiguardian.api.API;

/**
 * What Cairn reads from an ONNX {@code ModelProto} without running it: IR version, opsets, producer, the signature
 * (graph inputs that are not initializers, and graph outputs), the parameter count (elements of all initializers,
 * subgraphs included) and the external-data file locations of every tensor that keeps its data outside the model.
 *
 * @param irVersion the ONNX IR version
 * @param opsets opset version by domain ({@code ""} is the default ONNX domain)
 * @param producerName the tool that wrote the model
 * @param producerVersion its version
 * @param signature inputs and outputs
 * @param parameterCount elements in all initializers
 * @param initializerCount number of initializers
 * @param externalDataLocations the {@code location} of every external-data tensor, as written in the model
 * @param metadataProps the model's {@code metadata_props}
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record OnnxGraphInfo(long irVersion, Map<String, Long> opsets, String producerName, String producerVersion, ModelSignature signature,
                            long parameterCount, long initializerCount, Set<String> externalDataLocations, Map<String, String> metadataProps) {
    private static final int MAX_DEPTH = 64;

    /** Parses {@code model}; {@link IllegalArgumentException} when the bytes are not a well-formed ModelProto. */
    static OnnxGraphInfo parse(byte[] model) {
        return parse(java.nio.ByteBuffer.wrap(model), new Accumulator());
    }

    /**
     * Parses the model in {@code model} (all of it, from index 0 to its limit; a memory-mapped file is read only where
     * the graph's structure is, tensor data being skipped); {@link IllegalArgumentException} when it is not a ModelProto.
     */
    static OnnxGraphInfo parse(java.nio.ByteBuffer model) {
        return parse(model, new Accumulator());
    }

    /**
     * A tensor of the main graph's initializers whose data is in an external-data file: its name, ONNX element type,
     * shape, and where its bytes are ({@code location}, {@code offset}, {@code length}; {@code length} -1 when the model
     * does not say, meaning "to the end of the file").
     */
    record ExternalInitializer(String name, int dataType, long[] dims, String location, long offset, long length) {}

    /**
     * The main graph's external-data initializers, or empty when some tensor with external data lies elsewhere (a
     * subgraph, a node attribute, a sparse tensor), where onnxruntime's in-memory initializers cannot replace it.
     */
    static Optional<List<ExternalInitializer>> externalInitializers(byte[] model) {
        Accumulator accumulator = new Accumulator();
        parse(java.nio.ByteBuffer.wrap(model), accumulator);
        return accumulator.externalTensors == accumulator.mainExternalInitializers.size()
                ? Optional.of(List.copyOf(accumulator.mainExternalInitializers)) : Optional.empty();
    }

    private static OnnxGraphInfo parse(java.nio.ByteBuffer model, Accumulator accumulator) {
        ProtoReader reader = new ProtoReader(model, 0, model.limit());
        long irVersion = -1;
        Map<String, Long> opsets = new LinkedHashMap<>();
        String producerName = "";
        String producerVersion = "";
        Map<String, String> metadataProps = new LinkedHashMap<>();
        ModelSignature signature = null;
        while (reader.next()) {
            switch (reader.field()) {
                case 1 -> irVersion = reader.longValue();
                case 2 -> producerName = reader.stringValue();
                case 3 -> producerVersion = reader.stringValue();
                case 7 -> signature = graph(reader.message(), accumulator, 0, true);
                case 8 -> {
                    ProtoReader opset = reader.message();
                    String domain = "";
                    long version = 0;
                    while (opset.next()) {
                        if (opset.field() == 1) {
                            domain = opset.stringValue();
                        } else if (opset.field() == 2) {
                            version = opset.longValue();
                        }
                    }
                    opsets.put(domain, version);
                }
                case 14 -> {
                    String[] entry = stringEntry(reader.message());
                    metadataProps.put(entry[0], entry[1]);
                }
                case 25 -> function(reader.message(), accumulator);
                default -> { }
            }
        }
        if (irVersion < 0 || signature == null) {
            throw new IllegalArgumentException("not an ONNX ModelProto: no ir_version or no graph");
        }
        return new OnnxGraphInfo(irVersion, Map.copyOf(opsets), producerName, producerVersion, signature, accumulator.parameters,
                accumulator.initializers, Set.copyOf(accumulator.locations), Map.copyOf(metadataProps));
    }

    /** The external-data locations, sorted. */
    public List<String> sortedExternalDataLocations() {
        return List.copyOf(new TreeSet<>(externalDataLocations));
    }

    private static final class Accumulator {
        long parameters;
        long initializers;
        final Set<String> locations = new HashSet<>();
        int externalTensors;
        final List<ExternalInitializer> mainExternalInitializers = new ArrayList<>();
    }

    private static ModelSignature graph(ProtoReader graph, Accumulator accumulator, int depth, boolean main) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("subgraphs nested more than " + MAX_DEPTH + " levels");
        }
        List<TensorSpec> inputs = new ArrayList<>();
        List<TensorSpec> outputs = new ArrayList<>();
        Set<String> initializerNames = new HashSet<>();
        while (graph.next()) {
            switch (graph.field()) {
                case 1 -> node(graph.message(), accumulator, depth);
                case 5 -> {
                    initializerNames.add(tensor(graph.message(), accumulator, true, main));
                }
                case 15 -> sparseTensor(graph.message(), accumulator, true);
                case 11 -> inputs.add(valueInfo(graph.message()));
                case 12 -> outputs.add(valueInfo(graph.message()));
                default -> { }
            }
        }
        if (!main) {
            return null;
        }
        return new ModelSignature(inputs.stream().filter(input -> !initializerNames.contains(input.name())).toList(), outputs);
    }

    private static void function(ProtoReader function, Accumulator accumulator) {
        while (function.next()) {
            if (function.field() == 7) {
                node(function.message(), accumulator, 1);
            }
        }
    }

    private static void node(ProtoReader node, Accumulator accumulator, int depth) {
        while (node.next()) {
            if (node.field() != 5) {
                continue;
            }
            ProtoReader attribute = node.message();
            while (attribute.next()) {
                switch (attribute.field()) {
                    case 5, 10 -> tensor(attribute.message(), accumulator, false, false);
                    case 6, 11 -> graph(attribute.message(), accumulator, depth + 1, false);
                    case 22, 23 -> sparseTensor(attribute.message(), accumulator, false);
                    default -> { }
                }
            }
        }
    }

    private static void sparseTensor(ProtoReader sparse, Accumulator accumulator, boolean initializer) {
        while (sparse.next()) {
            if (sparse.field() == 1 || sparse.field() == 2) {
                tensor(sparse.message(), accumulator, initializer && sparse.field() == 1, false);
            }
        }
    }

    /** Records a TensorProto ({@code mainInitializer}: one of the main graph's initializers); returns its name. */
    private static String tensor(ProtoReader tensor, Accumulator accumulator, boolean initializer, boolean mainInitializer) {
        List<Long> dims = new ArrayList<>();
        String name = "";
        boolean external = false;
        String location = null;
        int dataType = 0;
        long offset = 0;
        long length = -1;
        while (tensor.next()) {
            switch (tensor.field()) {
                case 1 -> tensor.longs(dims);
                case 2 -> dataType = (int) tensor.longValue();
                case 8 -> name = tensor.stringValue();
                case 13 -> {
                    String[] entry = stringEntry(tensor.message());
                    switch (entry[0]) {
                        case "location" -> location = entry[1];
                        case "offset" -> offset = externalNumber(name, entry);
                        case "length" -> length = externalNumber(name, entry);
                        default -> { }
                    }
                }
                case 14 -> external = tensor.longValue() == 1;
                default -> { }
            }
        }
        if (external || location != null) {
            if (location == null) {
                throw new IllegalArgumentException("tensor '" + name + "' keeps its data externally but names no location");
            }
            accumulator.locations.add(location);
            accumulator.externalTensors++;
            if (mainInitializer) {
                accumulator.mainExternalInitializers.add(new ExternalInitializer(name, dataType,
                        dims.stream().mapToLong(Long::longValue).toArray(), location, offset, length));
            }
        }
        if (initializer) {
            long count = 1;
            for (long dim : dims) {
                count *= dim;
            }
            accumulator.parameters += count;
            accumulator.initializers++;
        }
        return name;
    }

    private static long externalNumber(String tensor, String[] entry) {
        try {
            long value = Long.parseLong(entry[1]);
            if (value < 0) {
                throw new NumberFormatException("negative");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("tensor '" + tensor + "' has external-data " + entry[0] + " '" + entry[1] + "', not a byte count");
        }
    }

    private static String[] stringEntry(ProtoReader entry) {
        String key = "";
        String value = "";
        while (entry.next()) {
            if (entry.field() == 1) {
                key = entry.stringValue();
            } else if (entry.field() == 2) {
                value = entry.stringValue();
            }
        }
        return new String[] {key, value};
    }

    private static TensorSpec valueInfo(ProtoReader valueInfo) {
        String name = "";
        String dtype = "UNKNOWN";
        List<Long> shape = new ArrayList<>();
        while (valueInfo.next()) {
            if (valueInfo.field() == 1) {
                name = valueInfo.stringValue();
            } else if (valueInfo.field() == 2) {
                ProtoReader type = valueInfo.message();
                while (type.next()) {
                    switch (type.field()) {
                        case 1 -> {
                            ProtoReader tensorType = type.message();
                            while (tensorType.next()) {
                                if (tensorType.field() == 1) {
                                    dtype = elementType(tensorType.longValue());
                                } else if (tensorType.field() == 2) {
                                    ProtoReader tensorShape = tensorType.message();
                                    while (tensorShape.next()) {
                                        if (tensorShape.field() == 1) {
                                            shape.add(dimension(tensorShape.message()));
                                        }
                                    }
                                }
                            }
                        }
                        case 4 -> dtype = "SEQUENCE";
                        case 5 -> dtype = "MAP";
                        case 9 -> dtype = "OPTIONAL";
                        case 8 -> dtype = "SPARSE_TENSOR";
                        default -> { }
                    }
                }
            }
        }
        return new TensorSpec(name, dtype, shape);
    }

    private static long dimension(ProtoReader dimension) {
        long value = -1;
        while (dimension.next()) {
            if (dimension.field() == 1) {
                value = dimension.longValue();
            }
        }
        return value;
    }

    /** The Cairn-style name of an ONNX {@code TensorProto.DataType}. */
    static String elementType(long type) {
        return switch ((int) type) {
            case 1 -> "F32";
            case 2 -> "U8";
            case 3 -> "I8";
            case 4 -> "U16";
            case 5 -> "I16";
            case 6 -> "I32";
            case 7 -> "I64";
            case 8 -> "STRING";
            case 9 -> "BOOL";
            case 10 -> "F16";
            case 11 -> "F64";
            case 12 -> "U32";
            case 13 -> "U64";
            case 14 -> "C64";
            case 15 -> "C128";
            case 16 -> "BF16";
            default -> "ONNX_TYPE_" + type;
        };
    }
}
