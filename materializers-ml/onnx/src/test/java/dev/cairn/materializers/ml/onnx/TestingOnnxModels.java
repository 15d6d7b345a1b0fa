package dev.cairn.materializers.ml.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes small ONNX models with a hand-written protobuf encoder (following onnx.proto), so the ONNX tests need no
 * Python: {@code Y = X · W + B} with X of shape [N, 3], W [3, 2], B [2], W optionally kept in an external-data file.
 */
final class TestingOnnxModels {
    static final float[] W = {0.5f, -1f, 2f, 0.25f, -0.75f, 1.5f};
    static final float[] B = {0.1f, -0.2f};

    private TestingOnnxModels() {}

    /** The expected output for one row of X. */
    static float[] expected(float[] row) {
        float[] y = new float[2];
        for (int j = 0; j < 2; j++) {
            float sum = 0;
            for (int k = 0; k < 3; k++) {
                sum += row[k] * W[k * 2 + j];
            }
            y[j] = sum + B[j];
        }
        return y;
    }

    /** The model; with {@code externalLocation} non-null, W's data is in that file ({@link #weightBytes()}). */
    static byte[] linear(long irVersion, String externalLocation) {
        Proto graph = new Proto()
                .message(1, node("MatMul", "X", "W", "H"))
                .message(1, node("Add", "H", "B", "Y"))
                .string(2, "linear")
                .message(5, initializer("W", new long[] {3, 2}, W, externalLocation))
                .message(5, initializer("B", new long[] {2}, B, null))
                .message(11, valueInfo("X", 3))
                .message(12, valueInfo("Y", 2));
        return new Proto()
                .varint(1, irVersion)
                .string(2, "cairn-tests")
                .string(3, "1")
                .message(7, graph)
                .message(8, new Proto().string(1, "").varint(2, 13))
                .message(14, new Proto().string(1, "purpose").string(2, "<test>"))
                .bytes();
    }

    static byte[] weightBytes() {
        return floats(W);
    }

    private static Proto node(String op, String a, String b, String out) {
        return new Proto().string(1, a).string(1, b).string(2, out).string(4, op);
    }

    private static Proto initializer(String name, long[] dims, float[] values, String externalLocation) {
        Proto tensor = new Proto();
        for (long dim : dims) {
            tensor.varint(1, dim);
        }
        tensor.varint(2, 1).string(8, name);
        if (externalLocation == null) {
            tensor.raw(9, floats(values));
        } else {
            tensor.message(13, new Proto().string(1, "location").string(2, externalLocation));
            tensor.message(13, new Proto().string(1, "offset").string(2, "0"));
            tensor.message(13, new Proto().string(1, "length").string(2, Integer.toString(values.length * 4)));
            tensor.varint(14, 1);
        }
        return tensor;
    }

    private static Proto valueInfo(String name, long width) {
        Proto shape = new Proto().message(1, new Proto().string(2, "N")).message(1, new Proto().varint(1, width));
        Proto tensorType = new Proto().varint(1, 1).message(2, shape);
        return new Proto().string(1, name).message(2, new Proto().message(1, tensorType));
    }

    static byte[] floats(float[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : values) {
            buffer.putFloat(value);
        }
        return buffer.array();
    }

    /** A protobuf message under construction. */
    static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Proto varint(int field, long value) {
            writeVarint(((long) field << 3));
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
}
