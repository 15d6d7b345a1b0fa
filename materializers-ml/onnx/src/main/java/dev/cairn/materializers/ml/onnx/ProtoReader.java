package dev.cairn.materializers.ml.onnx;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads the protobuf wire format (varints, 64/32-bit fields, length-delimited fields) over a byte range, so the ONNX
 * graph can be inspected without a protobuf library. Every length is checked against the range before use. The bytes
 * may be a memory-mapped file: fields that are not read (tensor data) are skipped, not touched.
 */
final class ProtoReader {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;

    private final ByteBuffer bytes;
    private int position;
    private final int end;
    private int field;
    private int wireType;
    private int valueStart;
    private int valueEnd;

    ProtoReader(byte[] bytes, int start, int end) {
        this(ByteBuffer.wrap(bytes), start, end);
    }

    /** Reads {@code bytes} (absolute positions; the buffer's own position and limit are not used) from {@code start} to {@code end}. */
    ProtoReader(ByteBuffer bytes, int start, int end) {
        this.bytes = bytes;
        this.position = start;
        this.end = end;
    }

    /** Moves to the next field; false at the end of the range. */
    boolean next() {
        if (position >= end) {
            return false;
        }
        long key = varint();
        field = (int) (key >>> 3);
        wireType = (int) (key & 7);
        switch (wireType) {
            case VARINT -> {
                valueStart = position;
                varint();
                valueEnd = position;
            }
            case FIXED64 -> skip(8);
            case FIXED32 -> skip(4);
            case LENGTH_DELIMITED -> {
                long length = varint();
                if (length < 0 || length > end - position) {
                    throw new IllegalArgumentException("a field of " + length + " bytes at offset " + position + " runs past the end of its message");
                }
                valueStart = position;
                position += (int) length;
                valueEnd = position;
            }
            default -> throw new IllegalArgumentException("unsupported protobuf wire type " + wireType + " at offset " + position);
        }
        return true;
    }

    int field() {
        return field;
    }

    int wireType() {
        return wireType;
    }

    long longValue() {
        if (wireType != VARINT) {
            throw new IllegalArgumentException("field " + field + " is not a varint");
        }
        int saved = position;
        position = valueStart;
        long value = varint();
        position = saved;
        return value;
    }

    String stringValue() {
        requireLengthDelimited();
        byte[] text = new byte[valueEnd - valueStart];
        bytes.get(valueStart, text);
        return new String(text, StandardCharsets.UTF_8);
    }

    ProtoReader message() {
        requireLengthDelimited();
        return new ProtoReader(bytes, valueStart, valueEnd);
    }

    /** The int64 values of a repeated field, packed or not (call for each occurrence). */
    void longs(java.util.List<Long> into) {
        if (wireType == VARINT) {
            into.add(longValue());
            return;
        }
        requireLengthDelimited();
        ProtoReader packed = new ProtoReader(bytes, valueStart, valueEnd);
        while (packed.position < packed.end) {
            into.add(packed.varint());
        }
    }

    private void requireLengthDelimited() {
        if (wireType != LENGTH_DELIMITED) {
            throw new IllegalArgumentException("field " + field + " is not length-delimited");
        }
    }

    private void skip(int count) {
        if (count > end - position) {
            throw new IllegalArgumentException("truncated message at offset " + position);
        }
        valueStart = position;
        position += count;
        valueEnd = position;
    }

    private long varint() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (position >= end) {
                throw new IllegalArgumentException("truncated varint at offset " + position);
            }
            byte b = bytes.get(position++);
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new IllegalArgumentException("malformed varint at offset " + position);
    }
}
