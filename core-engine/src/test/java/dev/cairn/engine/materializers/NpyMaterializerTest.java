package dev.cairn.engine.materializers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.api.artifact.Visualization;
import dev.cairn.engine.json.JsonCodec;
import dev.cairn.testkit.TestingArtifactWriter;
import dev.cairn.testkit.TestingArtifactReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NpyMaterializerTest {
    @TempDir
    Path temporaryDirectory;

    private final NpyMaterializer materializer = new NpyMaterializer();

    static Stream<Arguments> arrays() {
        return Stream.of(
                Arguments.of(new double[] {1.5, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE, Double.MAX_VALUE}),
                Arguments.of(new float[] {0.1f, Float.NaN, -Float.MAX_VALUE, Float.MIN_VALUE}),
                Arguments.of(new long[] {Long.MIN_VALUE, -1, 0, Long.MAX_VALUE}),
                Arguments.of(new int[] {Integer.MIN_VALUE, -1, 0, 42, Integer.MAX_VALUE}),
                Arguments.of(new short[] {Short.MIN_VALUE, -2, 3, Short.MAX_VALUE}),
                Arguments.of(new boolean[] {true, false, false, true}),
                Arguments.of((Object) new double[][] {{1, 2, 3}, {4, 5, Double.NaN}}),
                Arguments.of((Object) new float[][] {{1f, 2f}, {3f, 4f}, {5f, 6f}}),
                Arguments.of((Object) new long[][] {{Long.MIN_VALUE}, {Long.MAX_VALUE}}),
                Arguments.of((Object) new int[][] {{1, 2, 3, 4}}),
                Arguments.of((Object) new short[][] {{-1, 1}, {2, -2}}),
                Arguments.of((Object) new byte[][] {{Byte.MIN_VALUE, 0, Byte.MAX_VALUE}, {1, 2, 3}}),
                Arguments.of((Object) new boolean[][] {{true, false}, {false, true}}),
                Arguments.of(new double[0]),
                Arguments.of(new boolean[0]),
                Arguments.of((Object) new double[0][]),
                Arguments.of((Object) new int[3][0]));
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("arrays")
    void roundTripsEverySupportedArrayType(Object value) throws IOException {
        assertThat(materializer.canSave(value.getClass())).isTrue();
        Object loaded = roundTrip(value);
        assertThat(loaded).isInstanceOf(value.getClass());
        assertThat(Arrays.deepEquals(new Object[] {loaded}, new Object[] {value}))
                .as("%s equals %s", Arrays.deepToString(new Object[] {loaded}), Arrays.deepToString(new Object[] {value}))
                .isTrue();
    }

    @Test
    void roundTripsArraysLargerThanOneChunk() throws IOException {
        Random random = new Random(42);
        double[] vector = random.doubles(100_003).toArray();
        assertThat((double[]) roundTrip(vector)).isEqualTo(vector);
        long[][] matrix = new long[301][257]; // rows straddle the 64 KiB chunks
        for (long[] row : matrix) {
            for (int j = 0; j < row.length; j++) {
                row[j] = random.nextLong();
            }
        }
        assertThat((long[][]) roundTrip(matrix)).isDeepEqualTo(matrix);
        boolean[] flags = new boolean[200_000];
        for (int i = 0; i < flags.length; i += 3) {
            flags[i] = true;
        }
        assertThat((boolean[]) roundTrip(flags)).isEqualTo(flags);
    }

    @Test
    void writesTheHeaderExactlyAsNumpyDoes() throws IOException {
        Path directory = save(new double[] {1, 2, 3});
        byte[] file = Files.readAllBytes(directory.resolve("data.npy"));

        // numpy.save(f, numpy.array([1.0, 2.0, 3.0])) writes this preamble (NumPy 1.x and 2.x)
        String dictionary = "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }";
        assertThat(Arrays.copyOfRange(file, 0, 8)).isEqualTo(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        assertThat(ByteBuffer.wrap(file, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort()).isEqualTo((short) 118);
        assertThat(new String(file, 10, 118, StandardCharsets.ISO_8859_1)).isEqualTo(dictionary + " ".repeat(60) + "\n");
        assertThat(file).hasSize(128 + 3 * 8);
        ByteBuffer data = ByteBuffer.wrap(file, 128, 24).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(new double[] {data.getDouble(), data.getDouble(), data.getDouble()}).containsExactly(1, 2, 3);
    }

    @Test
    void writesSingleByteDtypesWithoutByteOrderAndPadsTo64() throws IOException {
        byte[] file = Files.readAllBytes(save(new byte[][] {{1, 2, 3}, {4, 5, 6}}).resolve("data.npy"));
        String dictionary = "{'descr': '|i1', 'fortran_order': False, 'shape': (2, 3), }";
        assertThat(new String(file, 10, 118, StandardCharsets.ISO_8859_1)).isEqualTo(dictionary + " ".repeat(58) + "\n");
        assertThat(Arrays.copyOfRange(file, 128, file.length)).containsExactly(1, 2, 3, 4, 5, 6);

        byte[] flags = Files.readAllBytes(save(new boolean[] {true, false}).resolve("data.npy"));
        assertThat(new String(flags, 10, 118, StandardCharsets.ISO_8859_1))
                .startsWith("{'descr': '|b1', 'fortran_order': False, 'shape': (2,), }");
        assertThat(Arrays.copyOfRange(flags, 128, flags.length)).containsExactly(1, 0);
    }

    @Test
    void padsEveryPreambleToAMultipleOf64() throws IOException {
        for (Object value : List.of(new double[0], new int[12_345], new short[7][0], new float[1][1], new long[1_000][2])) {
            byte[] file = Files.readAllBytes(save(value).resolve("data.npy"));
            int headerLength = ByteBuffer.wrap(file, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort();
            assertThat((10 + headerLength) % 64).isZero();
            assertThat(file[10 + headerLength - 1]).isEqualTo((byte) '\n');
        }
        String emptyMatrix = new String(Files.readAllBytes(save(new double[0][]).resolve("data.npy")), StandardCharsets.ISO_8859_1);
        assertThat(emptyMatrix).contains("'shape': (0, 0), }");
        String emptyVector = new String(Files.readAllBytes(save(new double[0]).resolve("data.npy")), StandardCharsets.ISO_8859_1);
        assertThat(emptyVector).contains("'shape': (0,), }");
    }

    @Test
    void refusesARaggedArrayNamingTheRow() throws IOException {
        Path directory = Files.createTempDirectory(temporaryDirectory, "artifact");
        TestingArtifactWriter writer = new TestingArtifactWriter(directory, "training::features::output", double[][].class);

        assertThatThrownBy(() -> materializer.save(new double[][] {{1, 2}, {3, 4}, {5}}, writer))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.MATERIALIZER_FAILED))
                .hasMessageContaining("'training::features::output'")
                .hasMessageContaining("double[][]")
                .hasMessageContaining("row 2 has 1 elements but row 0 has 2");
        assertThat(writer.created()).isEmpty();
    }

    @Test
    void refusesANullRow() throws IOException {
        Path directory = Files.createTempDirectory(temporaryDirectory, "artifact");
        TestingArtifactWriter writer = new TestingArtifactWriter(directory, "matrix", int[][].class);
        assertThatThrownBy(() -> materializer.save(new int[][] {{1}, null}, writer))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.MATERIALIZER_FAILED))
                .hasMessageContaining("row 1 is null");
    }

    @Test
    void refusesToLoadAnotherDtypeNamingBoth() throws IOException {
        Path directory = save(new int[] {1, 2, 3});
        assertThatThrownBy(() -> materializer.load(double[].class, new TestingArtifactReader(directory, "ids:2")))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.MATERIALIZER_FAILED))
                .hasMessageContaining("'ids:2'")
                .hasMessageContaining("an int32 array ('<i4') of shape (3,)")
                .hasMessageContaining("double[] needs a float64 array ('<f8') of rank 1")
                .hasMessageContaining("load it as int[] instead");
    }

    @Test
    void refusesToLoadAnotherRank() throws IOException {
        Path directory = save(new double[][] {{1}, {2}});
        assertThatThrownBy(() -> materializer.load(double[].class, new TestingArtifactReader(directory, "m:1")))
                .isInstanceOf(CairnException.class)
                .hasMessageContaining("shape (2, 1)")
                .hasMessageContaining("load it as double[][] instead");
    }

    @Test
    void refusesTypesItDoesNotHandle() throws IOException {
        assertThat(materializer.canSave(byte[].class)).isFalse();
        assertThat(materializer.canSave(double[][][].class)).isFalse();
        assertThat(materializer.canSave(Double[].class)).isFalse();
        assertThat(materializer.canSave(char[].class)).isFalse();
        Path directory = save(new double[] {1});
        assertThatThrownBy(() -> materializer.load(byte[].class, new TestingArtifactReader(directory, "x:1")))
                .isInstanceOf(CairnException.class)
                .hasMessageContaining("loads only [double[], float[]");
    }

    @Test
    void failsOnATruncatedFile() throws IOException {
        Path directory = save(new long[] {1, 2, 3, 4});
        Path file = directory.resolve("data.npy");
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 9));
        assertThatThrownBy(() -> materializer.load(long[].class, new TestingArtifactReader(directory, "x:1")))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.MATERIALIZER_FAILED))
                .hasMessageContaining("truncated")
                .hasMessageContaining("needs 32 data bytes");
    }

    @Test
    void failsOnAFileThatIsNotNpy() throws IOException {
        Path directory = Files.createTempDirectory(temporaryDirectory, "artifact");
        Files.writeString(directory.resolve("data.npy"), "PK\u0003\u0004 this is a zip");
        assertThatThrownBy(() -> materializer.load(double[].class, new TestingArtifactReader(directory, "x:1")))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.MATERIALIZER_FAILED))
                .hasMessageContaining("magic string");
    }

    @Test
    void readsBigEndianAndFortranOrderFiles() throws IOException {
        Path bigEndian = Files.createTempDirectory(temporaryDirectory, "artifact");
        ByteBuffer data = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN).putDouble(1.25).putDouble(-7);
        writeNpy(bigEndian, new NpyHeader(">f8", false, List.of(2L)), data.array());
        assertThat((double[]) materializer.load(double[].class, new TestingArtifactReader(bigEndian, "x:1"))).containsExactly(1.25, -7);

        Path fortran = Files.createTempDirectory(temporaryDirectory, "artifact");
        ByteBuffer columns = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        for (int value : new int[] {1, 4, 2, 5, 3, 6}) { // [[1, 2, 3], [4, 5, 6]] column by column
            columns.putInt(value);
        }
        writeNpy(fortran, new NpyHeader("<i4", true, List.of(2L, 3L)), columns.array());
        assertThat((int[][]) materializer.load(int[][].class, new TestingArtifactReader(fortran, "x:1")))
                .isDeepEqualTo(new int[][] {{1, 2, 3}, {4, 5, 6}});
    }

    @Test
    void extractsShapeDtypeAndStatistics() {
        assertThat(materializer.extractMetadata(new double[] {1, 2, 3, 6})).containsExactlyEntriesOf(orderedMap(
                "shape", List.of(4), "dtype", "float64", "length", 4, "size", 4L, "min", 1.0, "max", 6.0, "mean", 3.0));
        assertThat(materializer.extractMetadata(new int[][] {{1, 2}, {3, 4}, {5, 6}})).containsExactlyEntriesOf(orderedMap(
                "shape", List.of(3, 2), "dtype", "int32", "length", 3, "size", 6L, "min", 1L, "max", 6L, "mean", 3.5));
        assertThat(materializer.extractMetadata(new boolean[] {true})).containsExactlyEntriesOf(orderedMap(
                "shape", List.of(1), "dtype", "bool", "length", 1, "size", 1L));
        assertThat(materializer.extractMetadata(new float[] {1, Float.NaN})).containsEntry("min", "NaN").containsEntry("mean", "NaN");
        assertThat(materializer.extractMetadata(new byte[2][0])).containsEntry("shape", List.of(2, 0)).doesNotContainKey("min");
    }

    @Test
    void rendersCsvAndAJsonSummary() throws IOException {
        List<Visualization> vector = materializer.visualizations(new long[] {3, -1});
        assertThat(vector).extracting(Visualization::fileName).containsExactly("values.csv", "summary.json");
        assertThat(vector.get(0).text()).isEqualTo("value\r\n3\r\n-1\r\n");
        ObjectMapper mapper = JsonCodec.newCanonicalMapper();
        assertThat(JsonCodec.readMap(mapper, vector.get(1).text()))
                .containsEntry("dtype", "int64").containsEntry("shape", List.of(2)).containsEntry("mean", 1.0);

        String matrix = materializer.visualizations(new boolean[][] {{true, false}, {false, false}}).get(0).text();
        assertThat(matrix).isEqualTo("0,1\r\ntrue,false\r\nfalse,false\r\n");
    }

    @Test
    void limitsTheCsvToTheFirstThousandRows() {
        String csv = materializer.visualizations(new double[5_000]).get(0).text();
        assertThat(csv.split("\r\n")).hasSize(1 + 1_000);
        String wide = materializer.visualizations(new int[2_000][1_500]).get(0).text();
        String[] lines = wide.split("\r\n");
        assertThat(lines).hasSize(1 + 1_000);
        assertThat(lines[0].split(",")).hasSize(1_000);
    }

    private static Map<String, Object> orderedMap(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private static void writeNpy(Path directory, NpyHeader header, byte[] data) throws IOException {
        byte[] preamble = header.toBytes();
        byte[] file = Arrays.copyOf(preamble, preamble.length + data.length);
        System.arraycopy(data, 0, file, preamble.length, data.length);
        Files.write(directory.resolve("data.npy"), file);
    }

    private Object roundTrip(Object value) throws IOException {
        Path directory = save(value);
        return materializer.load(value.getClass(), new TestingArtifactReader(directory, "array:1"));
    }

    private Path save(Object value) throws IOException {
        Path directory = Files.createTempDirectory(temporaryDirectory, "artifact");
        TestingArtifactWriter writer = new TestingArtifactWriter(directory, "array", value.getClass());
        materializer.save(value, writer);
        assertThat(writer.created()).containsExactly("data.npy");
        return directory;
    }
}
