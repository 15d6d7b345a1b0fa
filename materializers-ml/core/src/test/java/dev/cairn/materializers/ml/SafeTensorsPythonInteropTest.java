package dev.cairn.materializers.ml;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The safetensors package (the reference implementation, numpy backend) reads what Cairn writes, and the reverse. */
class SafeTensorsPythonInteropTest {
    @TempDir
    Path directory;

    @Test
    void pythonSafetensorsReadsCairnFilesWithEqualValuesAndWritesTheSameBytes() throws Exception {
        TestingPython.interpreter("numpy", "safetensors");
        TensorMap tensors = TensorMap.of(Map.of(
                "weights", Tensor.ofFloats(new float[] {0.1f, -2.5f, 3e-8f, 1e30f, 5f, 6f}, 2, 3),
                "bias", Tensor.ofDoubles(new double[] {Math.E, -1}, 2),
                "ids", Tensor.ofLongs(new long[] {1L << 40, -7}, 2),
                "half", Tensor.ofHalfFloats(DType.F16, new float[] {0.5f, -65504f}, 2),
                "mask", Tensor.ofBooleans(new boolean[] {true, false}, 2),
                "pixels", Tensor.ofBytes(DType.U8, new byte[] {0, (byte) 255}, 1, 2)), Map.of("format", "np"));
        Path file = directory.resolve("cairn.safetensors");
        try (OutputStream out = Files.newOutputStream(file)) {
            SafeTensors.write(tensors, out);
        }
        String output = TestingPython.run(directory, """
                import sys, numpy as np
                from safetensors.numpy import load_file, save_file
                from safetensors import safe_open
                t = load_file(sys.argv[1])
                assert sorted(t) == ['bias', 'half', 'ids', 'mask', 'pixels', 'weights'], sorted(t)
                assert t['weights'].dtype == np.float32 and t['weights'].shape == (2, 3)
                np.testing.assert_array_equal(t['weights'], np.array([[0.1, -2.5, 3e-8], [1e30, 5, 6]], dtype=np.float32))
                np.testing.assert_array_equal(t['bias'], np.array([np.e, -1.0]))
                np.testing.assert_array_equal(t['ids'], np.array([1 << 40, -7], dtype=np.int64))
                np.testing.assert_array_equal(t['half'], np.array([0.5, -65504], dtype=np.float16))
                np.testing.assert_array_equal(t['mask'], np.array([True, False]))
                np.testing.assert_array_equal(t['pixels'], np.array([[0, 255]], dtype=np.uint8))
                with safe_open(sys.argv[1], framework='np') as f:
                    assert f.metadata() == {'format': 'np'}, f.metadata()
                save_file(t, sys.argv[2], metadata={'format': 'np'})
                print('ok')
                """, file.toString(), directory.resolve("python.safetensors").toString());
        assertThat(output).contains("ok");
        assertThat(Files.readAllBytes(directory.resolve("python.safetensors")))
                .as("Python's writer lays out the same tensors byte for byte as Cairn does").isEqualTo(Files.readAllBytes(file));
    }

    @Test
    void cairnReadsWhatPythonWrites() throws Exception {
        TestingPython.interpreter("numpy", "safetensors");
        Path file = directory.resolve("python.safetensors");
        TestingPython.run(directory, """
                import sys, numpy as np
                from safetensors.numpy import save_file
                save_file({
                    'embedding': np.arange(12, dtype=np.float32).reshape(3, 4) / 8,
                    'counts': np.array([3, 1, 4, 1, 5], dtype=np.int32),
                    'scale': np.array(2.5, dtype=np.float64),
                    'small': np.array([-128, 127], dtype=np.int8),
                    'h': np.array([1.5, -0.25], dtype=np.float16),
                }, sys.argv[1], metadata={'source': 'python'})
                """, file.toString());
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            TensorMap read = SafeTensors.read(channel, file.toString());
            assertThat(read.tensors().keySet()).containsExactly("counts", "embedding", "h", "scale", "small");
            assertThat(read.require("embedding").shape()).containsExactly(3, 4);
            assertThat(read.require("embedding").toFloatArray()).containsExactly(0f, 0.125f, 0.25f, 0.375f, 0.5f, 0.625f, 0.75f, 0.875f, 1f, 1.125f, 1.25f, 1.375f);
            assertThat(read.require("counts").toIntArray()).containsExactly(3, 1, 4, 1, 5);
            assertThat(read.require("scale").shape()).isEmpty();
            assertThat(read.require("scale").toDoubleArray()).containsExactly(2.5);
            assertThat(read.require("small").getDouble(0)).isEqualTo(-128);
            assertThat(read.require("h").toFloatArray()).containsExactly(1.5f, -0.25f);
            assertThat(read.metadata()).containsExactly(Map.entry("source", "python"));
        }
    }
}
