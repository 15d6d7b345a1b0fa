package dev.cairn.engine.materializers;

import java.util.List;
import java.util.Random;

import dev.cairn.api.spi.Materializer;
import dev.cairn.testkit.MaterializerContract;

/** The materializer contract for {@link BytesMaterializer}. */
class BytesMaterializerContractTest extends MaterializerContract<byte[]> {
    private final BytesMaterializer materializer = new BytesMaterializer();

    @Override
    protected Materializer<byte[]> materializer() {
        return materializer;
    }

    @Override
    protected List<Sample<byte[]>> samples() {
        byte[] large = new byte[200_000];
        new Random(11).nextBytes(large);
        return List.of(Sample.of(byte[].class, new byte[] {1, 2, 3}), Sample.of(byte[].class, large), Sample.of(byte[].class, new byte[0]));
    }

    /** Raw bytes have no length or end marker: a cut file is a shorter value, which only the manifest hash notices. */
    @Override
    protected boolean detectsTruncation(Sample<byte[]> sample) {
        return false;
    }

    /** Every byte string is a valid value: garbage is only noticed by the manifest hash. */
    @Override
    protected boolean detectsCorruption(Sample<byte[]> sample) {
        return false;
    }
}
