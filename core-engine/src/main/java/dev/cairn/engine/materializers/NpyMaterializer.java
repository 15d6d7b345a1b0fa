package dev.cairn.engine.materializers;

import dev.cairn.api.MetadataKeys;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Array;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.cairn.api.artifact.Visualization;
import dev.cairn.api.artifact.VisualizationType;
import dev.cairn.api.spi.ArtifactReader;
import dev.cairn.api.spi.ArtifactWriter;
import dev.cairn.api.spi.Materializer;
import dev.cairn.engine.json.JsonCodec;
import org.apiguardian.api.API;

/**
 * Stores primitive arrays as one NumPy file, {@code data.npy} (format version 1.0, little-endian, C order), that
 * {@code numpy.load(path, allow_pickle=False)} reads as is.
 *
 * <p>Handles 1-D {@code double[]} ({@code <f8}), {@code float[]} ({@code <f4}), {@code long[]} ({@code <i8}),
 * {@code int[]} ({@code <i4}), {@code short[]} ({@code <i2}) and {@code boolean[]} ({@code |b1}), and 2-D
 * rectangular arrays of those and of {@code byte} ({@code |i1}); a 1-D {@code byte[]} belongs to
 * {@link BytesMaterializer}. A ragged 2-D array fails to save. Loading reads files written by {@code numpy.save}
 * (versions 1.0 to 3.0, either byte order, C or Fortran order) whose dtype and rank match the requested Java type
 * exactly; anything else fails with {@code MATERIALIZER_FAILED} naming both.
 *
 * <p>Thread-safe and stateless.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class NpyMaterializer implements Materializer<Object> {
    /** The id recorded with every artifact it writes. */
    public static final String ID = "cairn.npy";
    /** The file it writes. */
    public static final String FILE_NAME = "data.npy";

    static final int CSV_ROWS = 1_000;
    static final int CSV_COLUMNS = 1_000;
    /** A multiple of every item size, so that chunks never split an element. */
    private static final int CHUNK_BYTES = 64 * 1024;
    private static final long MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

    private static final List<Class<?>> HANDLED_TYPES = List.of(
            double[].class, float[].class, long[].class, int[].class, short[].class, boolean[].class,
            double[][].class, float[][].class, long[][].class, int[][].class, short[][].class, byte[][].class, boolean[][].class);

    private final ObjectWriter summaryWriter = JsonCodec.newCanonicalMapper().writerWithDefaultPrettyPrinter();

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
        return HANDLED_TYPES;
    }

    @Override
    public boolean canSave(Type type) {
        return type instanceof Class<?> c && HANDLED_TYPES.contains(c);
    }

    @Override
    public void save(Object value, ArtifactWriter writer) throws IOException {
        requireNonNull(value, "value is null");
        requireNonNull(writer, "writer is null");
        ArrayKind kind = ArrayKind.of(value.getClass()).orElseThrow(() -> MaterializerFailure.saving(ID, writer.artifactName(),
                writer.type(), "a value of class " + value.getClass().getTypeName() + " is not one of the arrays it stores: "
                        + supportedTypes()));
        Object[] rows = kind.rank() == 1 ? new Object[] {value} : (Object[]) value;
        int rowLength = kind.rank() == 1 ? Array.getLength(value) : checkRectangular(rows, writer);
        List<Long> shape = kind.rank() == 1 ? List.of((long) rowLength) : List.of((long) rows.length, (long) rowLength);
        NpyHeader header = new NpyHeader(kind.dtype().descr(), false, shape);
        try (OutputStream out = writer.create(FILE_NAME)) {
            out.write(header.toBytes());
            writeRows(out, kind.dtype(), rows);
        }
    }

    /**
     * Reads {@code data.npy} as {@code type}, which must be one of the handled array classes with the file's dtype
     * and rank; a mismatch, a truncated file or a malformed header fails with {@code MATERIALIZER_FAILED}.
     */
    @Override
    public Object load(Type type, ArtifactReader reader) throws IOException {
        requireNonNull(type, "type is null");
        requireNonNull(reader, "reader is null");
        ArrayKind kind = ArrayKind.of(type).orElseThrow(() -> MaterializerFailure.loading(ID, reader.artifactName(), type,
                "it loads only " + supportedTypes()));
        try (InputStream in = reader.open(FILE_NAME)) {
            NpyHeader header;
            try {
                header = NpyHeader.read(in);
            } catch (NpyHeader.NpyFormatException e) {
                throw MaterializerFailure.loading(ID, reader.artifactName(), type, "file " + FILE_NAME + " cannot be read: " + e.getMessage());
            }
            checkMatches(header, kind, type, reader);
            return readData(in, header, kind, type, reader);
        }
    }

    /**
     * {@code shape} (a list), {@code dtype} (the NumPy name, e.g. {@code float64}), {@code length} (the first
     * dimension), {@code size} (all elements) and, for numeric dtypes, {@code min}, {@code max} and {@code mean}.
     */
    @Override
    public Map<String, Object> extractMetadata(Object value) {
        requireNonNull(value, "value is null");
        Optional<ArrayKind> kind = ArrayKind.of(value.getClass());
        if (kind.isEmpty()) {
            return Map.of();
        }
        NpyDtype dtype = kind.get().dtype();
        Object[] rows = kind.get().rank() == 1 ? new Object[] {value} : (Object[]) value;
        Map<String, Object> metadata = new LinkedHashMap<>();
        int firstRowLength = rows.length > 0 && rows[0] != null ? Array.getLength(rows[0]) : 0;
        metadata.put(MetadataKeys.SHAPE, kind.get().rank() == 1 ? List.of(firstRowLength) : List.of(rows.length, firstRowLength));
        metadata.put(MetadataKeys.DTYPE, dtype.numpyName());
        metadata.put(MetadataKeys.LENGTH, kind.get().rank() == 1 ? firstRowLength : rows.length);
        long size = 0;
        NumericSummary summary = new NumericSummary();
        for (Object row : rows) {
            if (row != null) {
                size += Array.getLength(row);
                dtype.summarize(row, summary);
            }
        }
        metadata.put(MetadataKeys.SIZE, size);
        summary.putInto(metadata);
        return metadata;
    }

    /**
     * {@code values} as CSV (the first 1,000 values of a 1-D array under a {@code value} header; the first 1,000 rows
     * and columns of a 2-D one under column indices) and a {@code summary} as JSON (the metadata).
     */
    @Override
    public List<Visualization> visualizations(Object value) {
        requireNonNull(value, "value is null");
        Optional<ArrayKind> kind = ArrayKind.of(value.getClass());
        if (kind.isEmpty()) {
            return List.of();
        }
        List<Visualization> visualizations = new ArrayList<>();
        visualizations.add(Visualization.text("values", VisualizationType.CSV, csv(value, kind.get())));
        try {
            visualizations.add(Visualization.text("summary", VisualizationType.JSON, summaryWriter.writeValueAsString(extractMetadata(value))));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("metadata of JSON values cannot fail to serialize", e);
        }
        return visualizations;
    }

    private static String csv(Object value, ArrayKind kind) {
        NpyDtype dtype = kind.dtype();
        StringBuilder out = new StringBuilder();
        if (kind.rank() == 1) {
            out.append("value\r\n");
            int shown = Math.min(CSV_ROWS, Array.getLength(value));
            for (int i = 0; i < shown; i++) {
                out.append(dtype.format(value, i)).append("\r\n");
            }
            return out.toString();
        }
        Object[] rows = (Object[]) value;
        int columns = rows.length > 0 && rows[0] != null ? Math.min(CSV_COLUMNS, Array.getLength(rows[0])) : 0;
        for (int j = 0; j < columns; j++) {
            out.append(j == 0 ? "" : ",").append(j);
        }
        out.append("\r\n");
        for (int i = 0; i < Math.min(CSV_ROWS, rows.length); i++) {
            int length = rows[i] == null ? 0 : Math.min(columns, Array.getLength(rows[i]));
            for (int j = 0; j < length; j++) {
                out.append(j == 0 ? "" : ",").append(dtype.format(rows[i], j));
            }
            out.append("\r\n");
        }
        return out.toString();
    }

    private static int checkRectangular(Object[] rows, ArtifactWriter writer) {
        if (rows.length == 0) {
            return 0;
        }
        int expected = -1;
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] == null) {
                throw MaterializerFailure.saving(ID, writer.artifactName(), writer.type(), "row " + i
                        + " is null; a 2-D array stored as .npy must be rectangular with no null rows");
            }
            int length = Array.getLength(rows[i]);
            if (expected < 0) {
                expected = length;
            } else if (length != expected) {
                throw MaterializerFailure.saving(ID, writer.artifactName(), writer.type(), "the array is ragged: row " + i
                        + " has " + length + " elements but row 0 has " + expected
                        + "; a 2-D array stored as .npy must be rectangular (pad the rows, or store a List<double[]> as JSON)");
            }
        }
        return expected;
    }

    private static void writeRows(OutputStream out, NpyDtype dtype, Object[] rows) throws IOException {
        int itemSize = dtype.itemSize();
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (Object row : rows) {
            int length = Array.getLength(row);
            int position = 0;
            while (position < length) {
                int count = Math.min(length - position, buffer.remaining() / itemSize);
                if (count == 0) {
                    out.write(buffer.array(), 0, buffer.position());
                    buffer.clear();
                    continue;
                }
                dtype.put(buffer, row, position, count);
                position += count;
            }
        }
        out.write(buffer.array(), 0, buffer.position());
    }

    private static void checkMatches(NpyHeader header, ArrayKind kind, Type type, ArtifactReader reader) {
        Optional<NpyDtype> fileDtype = header.dtype();
        if (fileDtype.isPresent() && fileDtype.get() == kind.dtype() && header.shape().size() == kind.rank()) {
            return;
        }
        String held = fileDtype.map(d -> article(d.numpyName()) + " array").orElse("an array of unsupported dtype")
                + " ('" + header.descr() + "') of shape " + header.shapeText();
        String wanted = type.getTypeName() + " needs " + article(kind.dtype().numpyName()) + " array ('" + kind.dtype().descr()
                + "') of rank " + kind.rank();
        String hint = fileDtype.flatMap(d -> ArrayKind.javaType(d, header.shape().size()))
                .map(c -> "; load it as " + c.getTypeName() + " instead")
                .orElse("; no Java array type that " + ID + " loads matches it");
        throw MaterializerFailure.loading(ID, reader.artifactName(), type, "file " + FILE_NAME + " holds " + held + ", but "
                + wanted + hint);
    }

    private static Object readData(InputStream in, NpyHeader header, ArrayKind kind, Type type, ArtifactReader reader) throws IOException {
        NpyDtype dtype = kind.dtype();
        ByteOrder order = NpyDtype.byteOrder(header.descr());
        List<Long> shape = header.shape();
        for (long dimension : shape) {
            if (dimension > MAX_ARRAY_LENGTH) {
                throw MaterializerFailure.loading(ID, reader.artifactName(), type, "file " + FILE_NAME + " has shape "
                        + header.shapeText() + ", too large for a Java array");
            }
        }
        long dataBytes = dataBytes(header, dtype);
        long fileBytes = reader.size(FILE_NAME);
        if (dataBytes > fileBytes) {
            throw MaterializerFailure.loading(ID, reader.artifactName(), type, "file " + FILE_NAME + " is truncated: shape "
                    + header.shapeText() + " of " + dtype.numpyName() + " needs " + dataBytes + " data bytes, but the file has only "
                    + fileBytes + " bytes");
        }
        long heapBytes = heapBytes(shape, dtype, header.fortranOrder());
        long maxHeap = Runtime.getRuntime().maxMemory();
        if (heapBytes > maxHeap) {
            throw MaterializerFailure.loading(ID, reader.artifactName(), type, "file " + FILE_NAME + " has shape " + header.shapeText()
                    + " of " + dtype.numpyName() + ", which needs about " + heapBytes + " bytes of Java heap (" + shape.get(0)
                    + " row arrays and " + dataBytes + " data bytes), more than the JVM's maximum heap of " + maxHeap
                    + " bytes; give the JVM more heap (-Xmx), or check the file (a damaged header can claim a huge shape)");
        }
        ChunkedReader chunks = new ChunkedReader(in, order, header, dtype, dataBytes, reader, type);
        if (kind.rank() == 1) {
            Object array = Array.newInstance(dtype.javaType(), shape.get(0).intValue());
            chunks.fill(array, shape.get(0).intValue());
            return array;
        }
        int rows = shape.get(0).intValue();
        int columns = shape.get(1).intValue();
        Object[] matrix = (Object[]) Array.newInstance(dtype.javaType(), rows, columns);
        if (!header.fortranOrder()) {
            for (Object row : matrix) {
                chunks.fill(row, columns);
            }
            return matrix;
        }
        long total = (long) rows * columns;
        if (total > MAX_ARRAY_LENGTH) {
            throw MaterializerFailure.loading(ID, reader.artifactName(), type, "file " + FILE_NAME + " holds a Fortran-order array of shape "
                    + header.shapeText() + ", too large to transpose in memory; save it in C order (numpy.ascontiguousarray)");
        }
        Object flat = Array.newInstance(dtype.javaType(), (int) total);
        chunks.fill(flat, (int) total);
        for (int j = 0; j < columns; j++) {
            for (int i = 0; i < rows; i++) {
                System.arraycopy(flat, j * rows + i, matrix[i], j, 1);
            }
        }
        return matrix;
    }

    /** Heap bytes the Java arrays of {@code shape} take, at least (16-byte array headers, 4-byte references), saturating. */
    private static long heapBytes(List<Long> shape, NpyDtype dtype, boolean fortranOrder) {
        final long arrayHeader = 16;
        try {
            if (shape.size() == 1) {
                return Math.addExact(arrayHeader, Math.multiplyExact(shape.get(0), (long) dtype.itemSize()));
            }
            long rows = shape.get(0);
            long columns = shape.get(1);
            long row = Math.addExact(arrayHeader, Math.multiplyExact(columns, (long) dtype.itemSize()));
            long total = Math.addExact(Math.addExact(arrayHeader, Math.multiplyExact(rows, 4L)), Math.multiplyExact(rows, row));
            return fortranOrder ? Math.addExact(total, Math.multiplyExact(Math.multiplyExact(rows, columns), (long) dtype.itemSize())) : total;
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /** The number of data bytes the header announces, saturating at {@code Long.MAX_VALUE}. */
    private static long dataBytes(NpyHeader header, NpyDtype dtype) {
        try {
            long bytes = dtype.itemSize();
            for (long dimension : header.shape()) {
                bytes = Math.multiplyExact(bytes, dimension);
            }
            return bytes;
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private static String article(String word) {
        return ("aeiou".indexOf(word.charAt(0)) >= 0 ? "an " : "a ") + word;
    }

    private static String supportedTypes() {
        return HANDLED_TYPES.stream().map(Class::getTypeName).toList().toString();
    }

    /** Reads the data section in chunks into Java arrays, failing clearly when the file ends early. Not thread-safe. */
    private static final class ChunkedReader {
        private final InputStream in;
        private final NpyHeader header;
        private final NpyDtype dtype;
        private final ArtifactReader reader;
        private final Type type;
        private final ByteBuffer buffer;
        private final long expectedBytes;
        private long bytesRead;

        ChunkedReader(InputStream in, ByteOrder order, NpyHeader header, NpyDtype dtype, long expectedBytes, ArtifactReader reader, Type type) {
            this.in = in;
            this.header = header;
            this.dtype = dtype;
            this.reader = reader;
            this.type = type;
            this.buffer = ByteBuffer.allocate(CHUNK_BYTES).order(order);
            this.expectedBytes = expectedBytes;
            buffer.limit(0);
        }

        void fill(Object array, int length) throws IOException {
            int position = 0;
            while (position < length) {
                if (!buffer.hasRemaining()) {
                    int wanted = (int) Math.min(CHUNK_BYTES, expectedBytes - bytesRead);
                    int read = in.readNBytes(buffer.array(), 0, wanted);
                    bytesRead += read;
                    if (read < wanted) {
                        throw MaterializerFailure.loading(ID, reader.artifactName(), type, "file " + FILE_NAME
                                + " is truncated: shape " + header.shapeText() + " of " + dtype.numpyName() + " needs " + expectedBytes
                                + " data bytes, but it ends after " + bytesRead);
                    }
                    buffer.clear();
                    buffer.limit(wanted);
                }
                int count = Math.min(length - position, buffer.remaining() / dtype.itemSize());
                dtype.get(buffer, array, position, count);
                position += count;
            }
        }
    }

    /** The dtype and rank of a handled Java array class. */
    private record ArrayKind(NpyDtype dtype, int rank) {
        static Optional<ArrayKind> of(Type type) {
            if (!(type instanceof Class<?> c) || !HANDLED_TYPES.contains(c)) {
                return Optional.empty();
            }
            int rank = 0;
            Class<?> component = c;
            while (component.isArray()) {
                component = component.getComponentType();
                rank++;
            }
            int finalRank = rank;
            return NpyDtype.forJavaType(component).map(dtype -> new ArrayKind(dtype, finalRank));
        }

        static Optional<Class<?>> javaType(NpyDtype dtype, int rank) {
            if (rank < 1 || rank > 2) {
                return Optional.empty();
            }
            Class<?> array = Array.newInstance(dtype.javaType(), new int[rank]).getClass();
            return HANDLED_TYPES.contains(array) ? Optional.of(array) : Optional.empty();
        }
    }
}
