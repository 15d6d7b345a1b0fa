package dev.cairn.materializers.ml;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import org.apiguardian.api.API;

/**
 * An n-dimensional array: a {@link DType}, a shape ({@code long[]}, row-major, possibly empty for a scalar) and a
 * little-endian buffer of exactly {@code elementCount × dtype.byteSize()} bytes. Immutable: the buffer is a read-only
 * view, shared (not copied) by {@link #of(DType, ByteBuffer, long...)}, {@link #reshape(long...)} and {@link #data()},
 * so a tensor loaded from a memory-mapped file is never copied until asked to. A tensor holds at most
 * {@link Integer#MAX_VALUE} bytes (one Java buffer); split larger arrays into several tensors of a {@link TensorMap}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class Tensor {
    private final DType dtype;
    private final long[] shape;
    private final ByteBuffer data;

    private Tensor(DType dtype, long[] shape, ByteBuffer data) {
        this.dtype = dtype;
        this.shape = shape;
        this.data = data;
    }

    /**
     * A tensor over the remaining bytes of {@code data} (little-endian), without copying them. Later writes to
     * {@code data} by the caller show through; pass a copy to prevent that.
     *
     * @throws CairnException ({@link ErrorCode#INVALID_ARGUMENT}) when the buffer's size does not match the dtype and shape
     */
    public static Tensor of(DType dtype, ByteBuffer data, long... shape) {
        requireNonNull(dtype, "dtype is null");
        requireNonNull(data, "data is null");
        long[] dims = checkedShape(shape);
        long expected = byteSize(dtype, dims);
        if (expected != data.remaining()) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "A tensor of dtype " + dtype + " and shape " + Arrays.toString(dims)
                    + " needs " + expected + " bytes (" + elementCount(dims) + " elements of " + dtype.byteSize() + " bytes), but the buffer has "
                    + data.remaining() + ". Pass a buffer that matches the shape, or a shape that matches the buffer.");
        }
        return new Tensor(dtype, dims, data.slice().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN));
    }

    /** An F32 tensor holding a copy of {@code values}. */
    public static Tensor ofFloats(float[] values, long... shape) {
        requireNonNull(values, "values is null");
        ByteBuffer buffer = allocate(DType.F32, values.length, shape);
        buffer.asFloatBuffer().put(values);
        return of(DType.F32, buffer, shape);
    }

    /** An F64 tensor holding a copy of {@code values}. */
    public static Tensor ofDoubles(double[] values, long... shape) {
        requireNonNull(values, "values is null");
        ByteBuffer buffer = allocate(DType.F64, values.length, shape);
        buffer.asDoubleBuffer().put(values);
        return of(DType.F64, buffer, shape);
    }

    /** An I32 tensor holding a copy of {@code values}. */
    public static Tensor ofInts(int[] values, long... shape) {
        requireNonNull(values, "values is null");
        ByteBuffer buffer = allocate(DType.I32, values.length, shape);
        buffer.asIntBuffer().put(values);
        return of(DType.I32, buffer, shape);
    }

    /** An I64 tensor holding a copy of {@code values}. */
    public static Tensor ofLongs(long[] values, long... shape) {
        requireNonNull(values, "values is null");
        ByteBuffer buffer = allocate(DType.I64, values.length, shape);
        buffer.asLongBuffer().put(values);
        return of(DType.I64, buffer, shape);
    }

    /** An I16 tensor holding a copy of {@code values}. */
    public static Tensor ofShorts(short[] values, long... shape) {
        requireNonNull(values, "values is null");
        ByteBuffer buffer = allocate(DType.I16, values.length, shape);
        buffer.asShortBuffer().put(values);
        return of(DType.I16, buffer, shape);
    }

    /** An I8 or U8 tensor holding a copy of {@code values} (for U8, each byte is read as 0…255). */
    public static Tensor ofBytes(DType dtype, byte[] values, long... shape) {
        requireNonNull(values, "values is null");
        if (dtype != DType.I8 && dtype != DType.U8) {
            throw new IllegalArgumentException("ofBytes makes I8 or U8 tensors, not " + dtype);
        }
        return of(dtype, ByteBuffer.wrap(values.clone()), shape);
    }

    /** A BOOL tensor holding {@code values} as bytes 0 and 1. */
    public static Tensor ofBooleans(boolean[] values, long... shape) {
        requireNonNull(values, "values is null");
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) (values[i] ? 1 : 0);
        }
        return of(DType.BOOL, ByteBuffer.wrap(bytes), shape);
    }

    /** An F16 or BF16 tensor of {@code values} rounded to nearest even (overflow to F16 gives infinity). */
    public static Tensor ofHalfFloats(DType dtype, float[] values, long... shape) {
        requireNonNull(values, "values is null");
        if (dtype != DType.F16 && dtype != DType.BF16) {
            throw new IllegalArgumentException("ofHalfFloats makes F16 or BF16 tensors, not " + dtype);
        }
        ByteBuffer buffer = allocate(dtype, values.length, shape);
        for (float value : values) {
            buffer.putShort(dtype == DType.F16 ? HalfFloats.floatToHalf(value) : HalfFloats.floatToBfloat16(value));
        }
        buffer.flip();
        return of(dtype, buffer, shape);
    }

    public DType dtype() {
        return dtype;
    }

    /** A copy of the shape. */
    public long[] shape() {
        return shape.clone();
    }

    /** The product of the shape (1 for a scalar). */
    public long elementCount() {
        return elementCount(shape);
    }

    /** Bytes of data: element count × dtype size. */
    public long byteSize() {
        return data.capacity();
    }

    /** A read-only little-endian view of the data, positioned at 0; no copy. */
    public ByteBuffer data() {
        return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The same data under another shape with the same element count; no copy. */
    public Tensor reshape(long... newShape) {
        long[] dims = checkedShape(newShape);
        if (elementCount(dims) != elementCount()) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "Cannot reshape a tensor of shape " + Arrays.toString(shape) + " ("
                    + elementCount() + " elements) to " + Arrays.toString(dims) + " (" + elementCount(dims) + " elements).");
        }
        return new Tensor(dtype, dims, data);
    }

    /** Element {@code index} (row-major) as a double, for every dtype (BOOL gives 0 or 1, U8 gives 0…255). */
    public double getDouble(long index) {
        if (index < 0 || index >= elementCount()) {
            throw new IndexOutOfBoundsException("index " + index + " of a tensor with " + elementCount() + " elements");
        }
        int at = Math.toIntExact(index * dtype.byteSize());
        return switch (dtype) {
            case F16 -> HalfFloats.halfToFloat(data.getShort(at));
            case BF16 -> HalfFloats.bfloat16ToFloat(data.getShort(at));
            case F32 -> data.getFloat(at);
            case F64 -> data.getDouble(at);
            case I8 -> data.get(at);
            case I16 -> data.getShort(at);
            case I32 -> data.getInt(at);
            case I64 -> data.getLong(at);
            case U8, BOOL -> data.get(at) & 0xFF;
        };
    }

    /** The elements as floats; F16 and BF16 are widened exactly. Only for F16, BF16 and F32. */
    public float[] toFloatArray() {
        requireDType("toFloatArray", DType.F16, DType.BF16, DType.F32);
        float[] values = new float[Math.toIntExact(elementCount())];
        if (dtype == DType.F32) {
            data().asFloatBuffer().get(values);
        } else {
            ByteBuffer view = data();
            for (int i = 0; i < values.length; i++) {
                short bits = view.getShort(i * 2);
                values[i] = dtype == DType.F16 ? HalfFloats.halfToFloat(bits) : HalfFloats.bfloat16ToFloat(bits);
            }
        }
        return values;
    }

    /** The elements of an F64 tensor. */
    public double[] toDoubleArray() {
        requireDType("toDoubleArray", DType.F64);
        double[] values = new double[Math.toIntExact(elementCount())];
        data().asDoubleBuffer().get(values);
        return values;
    }

    /** The elements of an I32 tensor. */
    public int[] toIntArray() {
        requireDType("toIntArray", DType.I32);
        int[] values = new int[Math.toIntExact(elementCount())];
        data().asIntBuffer().get(values);
        return values;
    }

    /** The elements of an I64 tensor. */
    public long[] toLongArray() {
        requireDType("toLongArray", DType.I64);
        long[] values = new long[Math.toIntExact(elementCount())];
        data().asLongBuffer().get(values);
        return values;
    }

    /** The elements of a BOOL tensor (any non-zero byte is true). */
    public boolean[] toBooleanArray() {
        requireDType("toBooleanArray", DType.BOOL);
        boolean[] values = new boolean[Math.toIntExact(elementCount())];
        ByteBuffer view = data();
        for (int i = 0; i < values.length; i++) {
            values[i] = view.get(i) != 0;
        }
        return values;
    }

    /** A copy of the raw little-endian bytes. */
    public byte[] toByteArray() {
        byte[] bytes = new byte[Math.toIntExact(byteSize())];
        data().get(bytes);
        return bytes;
    }

    private void requireDType(String method, DType... allowed) {
        for (DType candidate : allowed) {
            if (candidate == dtype) {
                return;
            }
        }
        throw new CairnException(ErrorCode.TYPE_MISMATCH, "Tensor." + method + "() needs a tensor of dtype " + Arrays.toString(allowed)
                + ", but this tensor is " + dtype + " " + Arrays.toString(shape) + "; use getDouble(index) or the method for " + dtype + ".");
    }

    static long[] checkedShape(long[] shape) {
        requireNonNull(shape, "shape is null");
        long[] dims = shape.clone();
        long count = 1;
        for (long dim : dims) {
            if (dim < 0) {
                throw new CairnException(ErrorCode.INVALID_ARGUMENT, "A tensor shape must not have negative dimensions: " + Arrays.toString(dims));
            }
            try {
                count = Math.multiplyExact(count, dim);
            } catch (ArithmeticException e) {
                throw new CairnException(ErrorCode.INVALID_ARGUMENT, "The tensor shape " + Arrays.toString(dims) + " has more elements than a long can count.");
            }
        }
        return dims;
    }

    static long elementCount(long[] shape) {
        long count = 1;
        for (long dim : shape) {
            count *= dim;
        }
        return count;
    }

    static long byteSize(DType dtype, long[] shape) {
        try {
            return Math.multiplyExact(elementCount(shape), (long) dtype.byteSize());
        } catch (ArithmeticException e) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "The tensor shape " + Arrays.toString(shape) + " is too large for dtype " + dtype);
        }
    }

    private static ByteBuffer allocate(DType dtype, int length, long[] shape) {
        long[] dims = checkedShape(shape);
        if (elementCount(dims) != length) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "A tensor of shape " + Arrays.toString(dims) + " has " + elementCount(dims)
                    + " elements, but " + length + " values were given; pass values.length elements or fix the shape.");
        }
        long bytes = byteSize(dtype, dims);
        if (bytes > Integer.MAX_VALUE) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "A tensor holds at most " + Integer.MAX_VALUE + " bytes; " + Arrays.toString(dims)
                    + " of " + dtype + " needs " + bytes + ". Split it into several tensors of a TensorMap.");
        }
        return ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Equal dtype, shape and bytes. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor other && dtype == other.dtype && Arrays.equals(shape, other.shape) && data().equals(other.data());
    }

    @Override
    public int hashCode() {
        return 31 * (31 * dtype.hashCode() + Arrays.hashCode(shape)) + data().hashCode();
    }

    @Override
    public String toString() {
        return "Tensor[" + dtype + " " + Arrays.toString(shape) + "]";
    }
}
