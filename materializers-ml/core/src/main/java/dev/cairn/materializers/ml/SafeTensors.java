package dev.cairn.materializers.ml;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import org.apiguardian.api.API;

/**
 * Reads and writes the safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian
 * header length N, N bytes of UTF-8 JSON ({@code {"__metadata__": {…}, "name": {"dtype", "shape", "data_offsets":
 * [begin, end]}, …}}), then the data. Written files are deterministic and laid out as the reference implementation
 * lays them out: tensors sorted by dtype (widest first, in the reference's dtype order) then by name, the header in
 * that order with metadata keys sorted, padded with spaces to a multiple of 8 bytes, so every tensor starts aligned
 * to its element size (for the same tensors and at most one metadata key, the bytes equal Python's
 * {@code safetensors.numpy.save}). Reading checks every size against the file before allocating anything, and
 * memory-maps the data when the channel is a {@link FileChannel} (no copy).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class SafeTensors {
    /** The largest header accepted, as in the reference implementation (100 MB). */
    public static final long MAX_HEADER_SIZE = 100_000_000L;
    /** Bytes copied at a time from an off-heap or memory-mapped tensor to the output stream. */
    private static final int TRANSFER_SIZE = 1 << 20;

    private SafeTensors() {}

    /**
     * Writes {@code tensors} to {@code out} (not closed).
     *
     * @throws CairnException ({@link ErrorCode#MATERIALIZER_FAILED}) before writing anything when the header would be
     *         larger than {@link #MAX_HEADER_SIZE}, which no safetensors reader accepts
     */
    public static void write(TensorMap tensors, OutputStream out) throws IOException {
        requireNonNull(out, "out is null");
        encode(tensors).writeTo(out);
    }

    /**
     * The checked layout and header of {@code tensors}, so that a caller can refuse bad input before it creates the
     * file.
     *
     * @throws CairnException ({@link ErrorCode#MATERIALIZER_FAILED}) when the header would be larger than
     *         {@link #MAX_HEADER_SIZE}
     */
    static Encoded encode(TensorMap tensors) {
        requireNonNull(tensors, "tensors is null");
        List<Map.Entry<String, Tensor>> layout = layout(tensors);
        byte[] json = header(tensors, layout);
        long padded = (json.length + 7L) / 8 * 8;
        if (padded > MAX_HEADER_SIZE) {
            throw new CairnException(ErrorCode.MATERIALIZER_FAILED, "The safetensors header of these " + tensors.tensors().size()
                    + " tensors would be " + padded + " bytes, more than the " + MAX_HEADER_SIZE + " that safetensors readers accept"
                    + (tensors.metadata().isEmpty() ? "" : " (its __metadata__ holds " + tensors.metadata().size() + " entries)")
                    + "; store fewer tensors per map or less metadata.");
        }
        ByteBuffer prefix = ByteBuffer.allocate(8 + (int) padded).order(ByteOrder.LITTLE_ENDIAN);
        prefix.putLong(padded).put(json);
        while (prefix.hasRemaining()) {
            prefix.put((byte) ' ');
        }
        return new Encoded(layout, prefix.array());
    }

    /** The tensors in file order and the length-prefixed, padded header: what {@link #write} puts in the file. */
    static final class Encoded {
        private final List<Map.Entry<String, Tensor>> layout;
        private final byte[] prefix;

        private Encoded(List<Map.Entry<String, Tensor>> layout, byte[] prefix) {
            this.layout = layout;
            this.prefix = prefix;
        }

        /** Writes the file's bytes to {@code out} (not closed). */
        void writeTo(OutputStream out) throws IOException {
            out.write(prefix);
            byte[] chunk = null;
            for (Map.Entry<String, Tensor> entry : layout) {
                ByteBuffer data = entry.getValue().data();
                if (data.hasArray()) {
                    out.write(data.array(), data.arrayOffset() + data.position(), data.remaining());
                } else {
                    if (chunk == null) {
                        chunk = new byte[TRANSFER_SIZE];
                    }
                    while (data.hasRemaining()) {
                        int length = Math.min(chunk.length, data.remaining());
                        data.get(chunk, 0, length);
                        out.write(chunk, 0, length);
                    }
                }
            }
            out.flush();
        }
    }

    /** The size in bytes that {@link #write} produces for {@code tensors}. */
    public static long serializedSize(TensorMap tensors) {
        int json = header(tensors, layout(tensors)).length;
        return 8 + (json + 7) / 8 * 8 + tensors.byteSize();
    }

    private static byte[] header(TensorMap tensors, List<Map.Entry<String, Tensor>> layout) {
        Map<String, Object> header = new LinkedHashMap<>();
        if (!tensors.metadata().isEmpty()) {
            header.put(TensorMap.METADATA_KEY, tensors.metadata());
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> entry : layout) {
            Tensor tensor = entry.getValue();
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", tensor.dtype().safetensorsName());
            info.put("shape", tensor.shape());
            info.put("data_offsets", List.of(offset, offset + tensor.byteSize()));
            header.put(entry.getKey(), info);
            offset += tensor.byteSize();
        }
        return JsonText.writeInOrder(header).getBytes(StandardCharsets.UTF_8);
    }

    private static List<Map.Entry<String, Tensor>> layout(TensorMap tensors) {
        List<Map.Entry<String, Tensor>> entries = new ArrayList<>(tensors.tensors().entrySet());
        entries.sort(Comparator.<Map.Entry<String, Tensor>>comparingInt(e -> -rank(e.getValue().dtype())).thenComparing(Map.Entry::getKey));
        return entries;
    }

    /** The position of a dtype in the reference implementation's {@code Dtype} enum (its sort key), among ours. */
    private static int rank(DType dtype) {
        return switch (dtype) {
            case BOOL -> 0;
            case U8 -> 1;
            case I8 -> 2;
            case I16 -> 3;
            case F16 -> 4;
            case BF16 -> 5;
            case I32 -> 6;
            case F32 -> 7;
            case F64 -> 8;
            case I64 -> 9;
        };
    }

    /**
     * Reads a safetensors file from {@code channel} (from position 0; not closed). {@code described} names the file in
     * messages, e.g. "tensors.safetensors of artifact weights:3".
     *
     * @throws CairnException ({@link ErrorCode#INTEGRITY_VIOLATION}) for a truncated or malformed file, naming it and the problem
     */
    public static TensorMap read(SeekableByteChannel channel, String described) throws IOException {
        requireNonNull(channel, "channel is null");
        requireNonNull(described, "described is null");
        long fileSize = channel.size();
        if (fileSize < 8) {
            throw corrupted(described, "it has " + fileSize + " bytes, fewer than the 8-byte header length");
        }
        ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, lengthBytes, 0, described);
        long headerSize = lengthBytes.getLong(0);
        if (headerSize < 0 || headerSize > fileSize - 8) {
            throw corrupted(described, "its header claims " + Long.toUnsignedString(headerSize) + " bytes but the file has only "
                    + (fileSize - 8) + " after the length (truncated, or not a safetensors file)");
        }
        if (headerSize > MAX_HEADER_SIZE) {
            throw corrupted(described, "its header claims " + headerSize + " bytes, more than the " + MAX_HEADER_SIZE + " safetensors allows");
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) headerSize);
        readFully(channel, headerBytes, 8, described);
        String headerText;
        try {
            headerText = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(headerBytes.flip()).toString();
        } catch (CharacterCodingException e) {
            throw corrupted(described, "its header is not UTF-8");
        }
        Object parsed;
        try {
            parsed = JsonText.parse(headerText);
        } catch (IllegalArgumentException e) {
            throw corrupted(described, "its header is not JSON (" + e.getMessage() + ")");
        }
        if (!(parsed instanceof Map<?, ?> header)) {
            throw corrupted(described, "its header is not a JSON object");
        }
        long dataStart = 8 + headerSize;
        long dataSize = fileSize - dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<?, ?> field : header.entrySet()) {
            String name = (String) field.getKey();
            if (name.equals(TensorMap.METADATA_KEY)) {
                if (!(field.getValue() instanceof Map<?, ?> values)) {
                    throw corrupted(described, "its __metadata__ is not an object of strings");
                }
                for (Map.Entry<?, ?> value : values.entrySet()) {
                    if (!(value.getValue() instanceof String text)) {
                        throw corrupted(described, "its __metadata__ value '" + value.getKey() + "' is not a string");
                    }
                    metadata.put((String) value.getKey(), text);
                }
                continue;
            }
            entries.add(entry(name, field.getValue(), described));
        }
        entries.sort(Comparator.comparingLong(Entry::begin));
        long expectedBegin = 0;
        for (Entry entry : entries) {
            if (entry.begin != expectedBegin) {
                throw corrupted(described, "tensor '" + entry.name + "' starts at data offset " + entry.begin + " but the previous tensor ends at "
                        + expectedBegin + " (overlapping tensors or a hole in the data)");
            }
            expectedBegin = entry.end;
        }
        if (expectedBegin != dataSize) {
            throw corrupted(described, "its tensors cover " + expectedBegin + " bytes of data but the file has " + dataSize
                    + (expectedBegin > dataSize ? " (truncated)" : " (trailing bytes)"));
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        if (channel instanceof FileChannel file) {
            for (Entry entry : entries) {
                ByteBuffer data = entry.size() == 0 ? ByteBuffer.allocate(0) : file.map(FileChannel.MapMode.READ_ONLY, dataStart + entry.begin, entry.size());
                tensors.put(entry.name, Tensor.of(entry.dtype, data, entry.shape));
            }
        } else {
            for (Entry entry : entries) {
                ByteBuffer data = ByteBuffer.allocate((int) entry.size());
                readFully(channel, data, dataStart + entry.begin, described);
                tensors.put(entry.name, Tensor.of(entry.dtype, data.flip(), entry.shape));
            }
        }
        try {
            return TensorMap.of(tensors, metadata);
        } catch (CairnException e) {
            throw corrupted(described, e.getMessage());
        }
    }

    private record Entry(String name, DType dtype, long[] shape, long begin, long end) {
        long size() {
            return end - begin;
        }
    }

    private static Entry entry(String name, Object value, String described) {
        if (!(value instanceof Map<?, ?> info)) {
            throw corrupted(described, "header entry '" + name + "' is not an object");
        }
        Object dtypeName = info.get("dtype");
        if (!(dtypeName instanceof String dtypeText)) {
            throw corrupted(described, "tensor '" + name + "' has no dtype");
        }
        DType dtype = DType.fromSafetensorsName(dtypeText).orElseThrow(() -> new CairnException(ErrorCode.TYPE_MISMATCH, "Tensor '" + name
                + "' in " + described + " has dtype " + dtypeText + ", which Cairn does not support (supported: " + DType.supportedNames()
                + "). Convert it to a supported dtype before storing it."));
        long[] shape = longs(info.get("shape"), name, "shape", described);
        long[] offsets = longs(info.get("data_offsets"), name, "data_offsets", described);
        if (offsets.length != 2 || offsets[0] > offsets[1]) {
            throw corrupted(described, "tensor '" + name + "' has data_offsets " + Arrays.toString(offsets) + "; expected [begin, end] with begin <= end");
        }
        long expected;
        try {
            expected = Tensor.byteSize(dtype, Tensor.checkedShape(shape));
        } catch (CairnException e) {
            throw corrupted(described, "tensor '" + name + "': " + e.getMessage());
        }
        if (expected != offsets[1] - offsets[0]) {
            throw new CairnException(ErrorCode.INTEGRITY_VIOLATION, "Tensor '" + name + "' in " + described + " has dtype " + dtype + " and shape "
                    + Arrays.toString(shape) + " (" + expected + " bytes) but its data_offsets span " + (offsets[1] - offsets[0])
                    + " bytes: the file is corrupted or was written by a faulty writer; write it again.");
        }
        if (expected > Integer.MAX_VALUE) {
            throw new CairnException(ErrorCode.MATERIALIZER_FAILED, "Tensor '" + name + "' in " + described + " has " + expected
                    + " bytes; a Cairn Tensor holds at most " + Integer.MAX_VALUE + ". Split it into several tensors.");
        }
        return new Entry(name, dtype, shape, offsets[0], offsets[1]);
    }

    private static long[] longs(Object value, String name, String field, String described) {
        if (!(value instanceof List<?> list)) {
            throw corrupted(described, "tensor '" + name + "' has no " + field + " list");
        }
        long[] longs = new long[list.size()];
        for (int i = 0; i < longs.length; i++) {
            if (!(list.get(i) instanceof Long l) || l < 0) {
                throw corrupted(described, "tensor '" + name + "' has a " + field + " entry that is not a non-negative integer: " + list.get(i));
            }
            longs[i] = l;
        }
        return longs;
    }

    private static void readFully(SeekableByteChannel channel, ByteBuffer buffer, long position, String described) throws IOException {
        channel.position(position);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw corrupted(described, "it ends early at byte " + channel.position());
            }
        }
    }

    private static CairnException corrupted(String described, String problem) {
        return new CairnException(ErrorCode.INTEGRITY_VIOLATION, "The safetensors file " + described + " cannot be read: " + problem
                + ". Re-create it from its source, or check the artifact with ArtifactVersion.verify().");
    }
}
