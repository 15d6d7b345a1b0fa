package dev.cairn.engine.materializers;

import java.util.List;

import dev.cairn.api.spi.Materializer;
import dev.cairn.testkit.MaterializerContract;

/** The materializer contract for {@link NpyMaterializer}: one- and two-dimensional arrays of every dtype. */
class NpyMaterializerContractTest extends MaterializerContract<Object> {
    private final NpyMaterializer materializer = new NpyMaterializer();

    @Override
    protected Materializer<Object> materializer() {
        return materializer;
    }

    @Override
    protected List<Sample<Object>> samples() {
        return samplesOf(
                Sample.of(double[].class, new double[] {0.5, -1.25, Double.MAX_VALUE, Double.NaN}),
                Sample.of(float[].class, new float[] {1.5f, -0f}),
                Sample.of(long[].class, new long[] {Long.MIN_VALUE, 0, 42}),
                Sample.of(int[].class, new int[] {7, 8, 9}),
                Sample.of(short[].class, new short[] {-1, 1}),
                Sample.of(boolean[].class, new boolean[] {true, false, true}),
                Sample.of(double[][].class, new double[][] {{1, 2, 3}, {4, 5, 6}}),
                Sample.of(byte[][].class, new byte[][] {{1, 2}, {3, 4}, {5, 6}}),
                Sample.of(int[].class, new int[0]));
    }
}
