package dev.cairn.engine.materializers;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * The NumPy dtypes Cairn reads and writes, each tied to one Java primitive type, with bulk conversions between
 * Java arrays and byte buffers.
 */
enum NpyDtype {
    FLOAT64('f', 8, double.class, "float64"),
    FLOAT32('f', 4, float.class, "float32"),
    INT64('i', 8, long.class, "int64"),
    INT32('i', 4, int.class, "int32"),
    INT16('i', 2, short.class, "int16"),
    INT8('i', 1, byte.class, "int8"),
    BOOL('b', 1, boolean.class, "bool");

    private final char kind;
    private final int itemSize;
    private final Class<?> javaType;
    private final String numpyName;

    NpyDtype(char kind, int itemSize, Class<?> javaType, String numpyName) {
        this.kind = kind;
        this.itemSize = itemSize;
        this.javaType = javaType;
        this.numpyName = numpyName;
    }

    int itemSize() {
        return itemSize;
    }

    Class<?> javaType() {
        return javaType;
    }

    /** The NumPy name, e.g. {@code float64}. */
    String numpyName() {
        return numpyName;
    }

    /** The little-endian descriptor NumPy writes, e.g. {@code <f8}; {@code |i1} and {@code |b1} for single bytes. */
    String descr() {
        return (itemSize == 1 ? "|" : "<") + kind + itemSize;
    }

    static Optional<NpyDtype> forJavaType(Class<?> javaType) {
        for (NpyDtype dtype : values()) {
            if (dtype.javaType == javaType) {
                return Optional.of(dtype);
            }
        }
        return Optional.empty();
    }

    /** The dtype of a descriptor such as {@code <f8}, {@code >i4} or {@code |b1}; empty for any other. */
    static Optional<NpyDtype> forDescr(String descr) {
        if (descr.length() < 3 || "<>|=".indexOf(descr.charAt(0)) < 0) {
            return Optional.empty();
        }
        String body = descr.substring(1);
        for (NpyDtype dtype : values()) {
            if (body.equals(String.valueOf(dtype.kind) + dtype.itemSize)) {
                return Optional.of(dtype);
            }
        }
        return Optional.empty();
    }

    /** The byte order of a descriptor's data. */
    static ByteOrder byteOrder(String descr) {
        return switch (descr.charAt(0)) {
            case '>' -> ByteOrder.BIG_ENDIAN;
            case '=' -> ByteOrder.nativeOrder();
            default -> ByteOrder.LITTLE_ENDIAN;
        };
    }

    /** Puts {@code count} elements of {@code array} from {@code offset} into {@code buffer}, advancing its position. */
    void put(ByteBuffer buffer, Object array, int offset, int count) {
        int start = buffer.position();
        switch (this) {
            case FLOAT64 -> buffer.asDoubleBuffer().put((double[]) array, offset, count);
            case FLOAT32 -> buffer.asFloatBuffer().put((float[]) array, offset, count);
            case INT64 -> buffer.asLongBuffer().put((long[]) array, offset, count);
            case INT32 -> buffer.asIntBuffer().put((int[]) array, offset, count);
            case INT16 -> buffer.asShortBuffer().put((short[]) array, offset, count);
            case INT8 -> buffer.put((byte[]) array, offset, count);
            case BOOL -> {
                boolean[] values = (boolean[]) array;
                for (int i = offset; i < offset + count; i++) {
                    buffer.put(values[i] ? (byte) 1 : (byte) 0);
                }
            }
        }
        buffer.position(start + count * itemSize);
    }

    /** Gets {@code count} elements from {@code buffer} into {@code array} at {@code offset}, advancing its position. */
    void get(ByteBuffer buffer, Object array, int offset, int count) {
        int start = buffer.position();
        switch (this) {
            case FLOAT64 -> buffer.asDoubleBuffer().get((double[]) array, offset, count);
            case FLOAT32 -> buffer.asFloatBuffer().get((float[]) array, offset, count);
            case INT64 -> buffer.asLongBuffer().get((long[]) array, offset, count);
            case INT32 -> buffer.asIntBuffer().get((int[]) array, offset, count);
            case INT16 -> buffer.asShortBuffer().get((short[]) array, offset, count);
            case INT8 -> buffer.get((byte[]) array, offset, count);
            case BOOL -> {
                boolean[] values = (boolean[]) array;
                for (int i = offset; i < offset + count; i++) {
                    values[i] = buffer.get() != 0;
                }
            }
        }
        buffer.position(start + count * itemSize);
    }

    /** Adds the elements of a 1-D array of this dtype to {@code summary}; booleans add nothing. */
    void summarize(Object array, NumericSummary summary) {
        switch (this) {
            case FLOAT64 -> {
                for (double v : (double[]) array) {
                    summary.add(v);
                }
            }
            case FLOAT32 -> {
                for (float v : (float[]) array) {
                    summary.add(v);
                }
            }
            case INT64 -> {
                for (long v : (long[]) array) {
                    summary.add(v);
                }
            }
            case INT32 -> {
                for (int v : (int[]) array) {
                    summary.add(v);
                }
            }
            case INT16 -> {
                for (short v : (short[]) array) {
                    summary.add(v);
                }
            }
            case INT8 -> {
                for (byte v : (byte[]) array) {
                    summary.add(v);
                }
            }
            case BOOL -> { }
        }
    }

    /** The element at {@code index} of a 1-D array of this dtype, as text for CSV. */
    String format(Object array, int index) {
        return switch (this) {
            case FLOAT64 -> Double.toString(((double[]) array)[index]);
            case FLOAT32 -> Float.toString(((float[]) array)[index]);
            case INT64 -> Long.toString(((long[]) array)[index]);
            case INT32 -> Integer.toString(((int[]) array)[index]);
            case INT16 -> Short.toString(((short[]) array)[index]);
            case INT8 -> Byte.toString(((byte[]) array)[index]);
            case BOOL -> Boolean.toString(((boolean[]) array)[index]);
        };
    }
}
