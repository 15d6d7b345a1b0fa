package dev.cairn.materializers.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import org.junit.jupiter.api.Test;

class TensorTest {
    @Test
    void factoriesKeepValuesShapeAndLittleEndianBytes() {
        Tensor floats = Tensor.ofFloats(new float[] {1.5f, -2f, 3f, 4f, 5f, 6f}, 2, 3);
        assertThat(floats.dtype()).isEqualTo(DType.F32);
        assertThat(floats.shape()).containsExactly(2, 3);
        assertThat(floats.elementCount()).isEqualTo(6);
        assertThat(floats.byteSize()).isEqualTo(24);
        assertThat(floats.toFloatArray()).containsExactly(1.5f, -2f, 3f, 4f, 5f, 6f);
        assertThat(floats.toByteArray()).startsWith(0x00, 0x00, (byte) 0xC0, 0x3F); // 1.5f little-endian
        assertThat(floats.getDouble(1)).isEqualTo(-2.0);

        assertThat(Tensor.ofDoubles(new double[] {1e300, -0.5}, 2).toDoubleArray()).containsExactly(1e300, -0.5);
        assertThat(Tensor.ofInts(new int[] {Integer.MIN_VALUE, 7}, 2).toIntArray()).containsExactly(Integer.MIN_VALUE, 7);
        assertThat(Tensor.ofLongs(new long[] {Long.MAX_VALUE}, 1).toLongArray()).containsExactly(Long.MAX_VALUE);
        assertThat(Tensor.ofShorts(new short[] {-3}, 1).getDouble(0)).isEqualTo(-3.0);
        assertThat(Tensor.ofBytes(DType.U8, new byte[] {(byte) 255}, 1).getDouble(0)).isEqualTo(255.0);
        assertThat(Tensor.ofBytes(DType.I8, new byte[] {(byte) 255}, 1).getDouble(0)).isEqualTo(-1.0);
        assertThat(Tensor.ofBooleans(new boolean[] {true, false}, 2).toBooleanArray()).containsExactly(true, false);
        Tensor scalar = Tensor.ofFloats(new float[] {42f});
        assertThat(scalar.shape()).isEmpty();
        assertThat(scalar.elementCount()).isEqualTo(1);
    }

    @Test
    void halfAndBfloat16ConvertByHandWithRoundingToNearestEven() {
        float[] exact = {0f, -0f, 1f, -2f, 0.5f, 65504f, 6.1035156e-5f /* smallest normal */, 5.9604645e-8f /* smallest subnormal */,
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        Tensor half = Tensor.ofHalfFloats(DType.F16, exact, exact.length);
        assertThat(half.byteSize()).isEqualTo(exact.length * 2L);
        assertThat(half.toFloatArray()).containsExactly(exact);
        assertThat(Float.isNaN(Tensor.ofHalfFloats(DType.F16, new float[] {Float.NaN}, 1).toFloatArray()[0])).isTrue();
        assertThat(half.data().getShort(2 * 2)).isEqualTo((short) 0x3C00); // 1.0 in binary16
        // 1 + 2^-11 is halfway between 1 and the next half (1 + 2^-10): ties go to the even mantissa, i.e. 1.
        assertThat(Tensor.ofHalfFloats(DType.F16, new float[] {1f + 0x1p-11f, 1f + 3 * 0x1p-11f, 70000f}, 3).toFloatArray())
                .containsExactly(1f, 1f + 0x1p-9f, Float.POSITIVE_INFINITY);

        Tensor bf16 = Tensor.ofHalfFloats(DType.BF16, new float[] {1f, -3.5f, 3.3895314e38f, 1f + 0x1p-8f, 1f + 3 * 0x1p-8f}, 5);
        assertThat(bf16.toFloatArray()).containsExactly(1f, -3.5f, 3.3895314e38f, 1f, 1f + 0x1p-6f);
        assertThat(bf16.data().getShort(0)).isEqualTo((short) 0x3F80);
    }

    @Test
    void aBufferThatDoesNotMatchDtypeAndShapeIsRefusedWithBothNamed() {
        ByteBuffer twenty = ByteBuffer.allocate(20);
        assertThatThrownBy(() -> Tensor.of(DType.F32, twenty, 2, 3))
                .isInstanceOf(CairnException.class)
                .satisfies(e -> assertThat(((CairnException) e).errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                .hasMessageContaining("F32").hasMessageContaining("[2, 3]").hasMessageContaining("needs 24 bytes").hasMessageContaining("has 20");
        assertThatThrownBy(() -> Tensor.ofFloats(new float[5], 2, 3)).isInstanceOf(CairnException.class).hasMessageContaining("5 values");
        assertThatThrownBy(() -> Tensor.of(DType.I8, ByteBuffer.allocate(0), -1)).isInstanceOf(CairnException.class).hasMessageContaining("negative");
        assertThatThrownBy(() -> Tensor.ofInts(new int[] {1}, 1).toFloatArray())
                .isInstanceOf(CairnException.class)
                .satisfies(e -> assertThat(((CairnException) e).errorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH))
                .hasMessageContaining("I32");
    }

    @Test
    void viewsShareTheBufferWithoutCopying() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(16).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putFloat(0, 1f);
        Tensor tensor = Tensor.of(DType.F32, buffer, 4);
        Tensor reshaped = tensor.reshape(2, 2);
        buffer.putFloat(0, 9f);
        assertThat(tensor.toFloatArray()[0]).as("the tensor is a view of the caller's buffer").isEqualTo(9f);
        assertThat(reshaped.toFloatArray()[0]).isEqualTo(9f);
        assertThat(reshaped.data().isDirect()).isTrue();
        assertThat(reshaped.data().isReadOnly()).isTrue();
        assertThatThrownBy(() -> tensor.reshape(3)).isInstanceOf(CairnException.class).hasMessageContaining("4 elements");
        assertThat(tensor).isNotEqualTo(reshaped).isEqualTo(Tensor.ofFloats(new float[] {9, 0, 0, 0}, 4));
    }
}
