package dev.cairn.engine.materializers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import dev.cairn.testkit.TestingArtifactWriter;
import dev.cairn.testkit.TestingArtifactReader;

/** Checks {@code .npy} files against NumPy itself, when a Python with NumPy is installed. */
class NpyInteropTest {
    private static Optional<String> python = Optional.empty();

    @TempDir
    Path temporaryDirectory;

    private final NpyMaterializer materializer = new NpyMaterializer();

    @BeforeAll
    static void findPythonWithNumpy() {
        List<String> candidates = new ArrayList<>();
        String configured = System.getenv("CAIRN_TEST_PYTHON");
        if (configured != null && !configured.isBlank()) {
            candidates.add(configured);
        }
        candidates.addAll(List.of("python3", "/usr/bin/python3"));
        for (String candidate : candidates) {
            try {
                Process process = new ProcessBuilder(candidate, "-c", "import numpy").redirectErrorStream(true).start();
                process.getInputStream().readAllBytes();
                if (process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0) {
                    python = Optional.of(candidate);
                    return;
                }
                process.destroyForcibly();
            } catch (IOException e) {
                // not installed under this name; try the next
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Test
    void numpyReadsWhatCairnWrites() throws Exception {
        assumeNumpy();
        Map<String, Object> arrays = new LinkedHashMap<>();
        arrays.put("float64", new double[] {1.5, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e-300});
        arrays.put("float32", new float[] {0.1f, -2.5f, Float.NaN, Float.MAX_VALUE});
        arrays.put("int64", new long[] {Long.MIN_VALUE, -1, 0, Long.MAX_VALUE});
        arrays.put("int32", new int[] {Integer.MIN_VALUE, 7, Integer.MAX_VALUE});
        arrays.put("int16", new short[] {Short.MIN_VALUE, 0, Short.MAX_VALUE});
        arrays.put("bool", new boolean[] {true, false, true});
        arrays.put("empty", new double[0]);
        arrays.put("float64-2d", new double[][] {{1, 2, 3}, {4, 5, Double.NaN}});
        arrays.put("float32-2d", new float[][] {{1.25f}, {-3f}});
        arrays.put("int64-2d", new long[][] {{1L << 40, -(1L << 50)}});
        arrays.put("int32-2d", new int[][] {{1, 2}, {3, 4}, {5, 6}});
        arrays.put("int16-2d", new short[][] {{-300, 300}});
        arrays.put("int8-2d", new byte[][] {{Byte.MIN_VALUE, -1, 0, 1, Byte.MAX_VALUE}});
        arrays.put("bool-2d", new boolean[][] {{true, false}, {false, true}});
        arrays.put("empty-2d", new int[0][]);
        arrays.put("no-columns-2d", new short[4][0]);
        arrays.put("large-2d", largeMatrix());

        List<Map<String, Object>> expectations = new ArrayList<>();
        for (Map.Entry<String, Object> entry : arrays.entrySet()) {
            Path directory = Files.createDirectories(temporaryDirectory.resolve(entry.getKey()));
            materializer.save(entry.getValue(), new TestingArtifactWriter(directory, entry.getKey(), entry.getValue().getClass()));
            Map<String, Object> metadata = materializer.extractMetadata(entry.getValue());
            Map<String, Object> expectation = new LinkedHashMap<>();
            expectation.put("path", directory.resolve("data.npy").toString());
            expectation.put("dtype", metadata.get("dtype"));
            expectation.put("shape", metadata.get("shape"));
            expectation.put("values", nestedLists(entry.getValue()));
            expectations.add(expectation);
        }
        Path spec = temporaryDirectory.resolve("expected.json");
        ObjectMapper mapper = JsonMapper.builder().disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS).build(); // Python reads bare NaN
        mapper.writeValue(spec.toFile(), expectations);

        String output = runPython("""
                import json, sys
                import numpy as np
                failures = []
                for e in json.load(open(sys.argv[1])):
                    a = np.load(e['path'], allow_pickle=False)
                    expected = np.array(e['values'], dtype=e['dtype']).reshape(e['shape'])
                    if str(a.dtype) != e['dtype'] or list(a.shape) != e['shape']:
                        failures.append(f"{e['path']}: {a.dtype} {a.shape}, expected {e['dtype']} {e['shape']}")
                    elif not np.array_equal(a, expected, equal_nan=a.dtype.kind == 'f'):
                        failures.append(f"{e['path']}: {a!r}, expected {expected!r}")
                    elif a.dtype.kind == 'f' and not np.array_equal(np.signbit(a), np.signbit(expected)):
                        failures.append(f"{e['path']}: signs differ")
                    # numpy.save of the same array must give the same bytes
                    import io
                    buffer = io.BytesIO()
                    np.save(buffer, expected)
                    if buffer.getvalue() != open(e['path'], 'rb').read():
                        failures.append(f"{e['path']}: bytes differ from numpy.save")
                print('\\n'.join(failures) if failures else 'ok')
                """, spec.toString());

        assertThat(output).isEqualTo("ok");
    }

    @Test
    void cairnReadsWhatNumpyWrites() throws Exception {
        assumeNumpy();
        Path matrix = Files.createDirectories(temporaryDirectory.resolve("matrix"));
        Path vector = Files.createDirectories(temporaryDirectory.resolve("vector"));
        Path fortran = Files.createDirectories(temporaryDirectory.resolve("fortran"));
        Path bigEndian = Files.createDirectories(temporaryDirectory.resolve("big-endian"));
        Path flags = Files.createDirectories(temporaryDirectory.resolve("flags"));

        String output = runPython("""
                import sys
                import numpy as np
                np.save(sys.argv[1] + '/data.npy', np.array([[0.5, -1.0, np.nan], [np.inf, 2.0, 1e300]], dtype=np.float64))
                np.save(sys.argv[2] + '/data.npy', np.array([-5, 0, 7, 2**31 - 1], dtype=np.int32))
                np.save(sys.argv[3] + '/data.npy', np.asfortranarray(np.arange(12, dtype=np.int64).reshape(3, 4)))
                np.save(sys.argv[4] + '/data.npy', np.array([1.5, -2.25], dtype='>f8'))
                np.save(sys.argv[5] + '/data.npy', np.array([[True, False, True]]))
                print('ok')
                """, matrix.toString(), vector.toString(), fortran.toString(), bigEndian.toString(), flags.toString());
        assertThat(output).isEqualTo("ok");

        double[][] loadedMatrix = (double[][]) materializer.load(double[][].class, new TestingArtifactReader(matrix, "matrix:1"));
        assertThat(loadedMatrix).hasDimensions(2, 3);
        assertThat(loadedMatrix[0]).containsExactly(0.5, -1.0, Double.NaN);
        assertThat(loadedMatrix[1]).containsExactly(Double.POSITIVE_INFINITY, 2.0, 1e300);
        int[] loadedVector = (int[]) materializer.load(int[].class, new TestingArtifactReader(vector, "vector:1"));
        assertThat(loadedVector).containsExactly(-5, 0, 7, Integer.MAX_VALUE);
        long[][] loadedFortran = (long[][]) materializer.load(long[][].class, new TestingArtifactReader(fortran, "fortran:1"));
        assertThat(loadedFortran).isDeepEqualTo(new long[][] {{0, 1, 2, 3}, {4, 5, 6, 7}, {8, 9, 10, 11}});
        double[] loadedBigEndian = (double[]) materializer.load(double[].class, new TestingArtifactReader(bigEndian, "big:1"));
        assertThat(loadedBigEndian).containsExactly(1.5, -2.25);
        boolean[][] loadedFlags = (boolean[][]) materializer.load(boolean[][].class, new TestingArtifactReader(flags, "flags:1"));
        assertThat(loadedFlags).isDeepEqualTo(new boolean[][] {{true, false, true}});
    }

    /** An array as nested lists, so that Jackson writes a {@code byte[]} row as numbers rather than Base64. */
    private static Object nestedLists(Object array) {
        if (!array.getClass().isArray()) {
            return array;
        }
        List<Object> list = new ArrayList<>();
        for (int i = 0; i < Array.getLength(array); i++) {
            list.add(nestedLists(Array.get(array, i)));
        }
        return list;
    }

    private static double[][] largeMatrix() {
        double[][] matrix = new double[70][130]; // 72,800 bytes: more than one write chunk
        for (int i = 0; i < matrix.length; i++) {
            for (int j = 0; j < matrix[i].length; j++) {
                matrix[i][j] = i * 1000.0 + j / 8.0;
            }
        }
        return matrix;
    }

    private static void assumeNumpy() {
        Assumptions.assumeTrue(python.isPresent(),
                "NumPy interop skipped: neither $CAIRN_TEST_PYTHON, python3 nor /usr/bin/python3 can import numpy (./run-tests installs it from local wheels)");
    }

    private static String runPython(String script, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(python.orElseThrow(), "-c", script));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("python finished").isTrue();
        assertThat(process.exitValue()).as("python exit code; output:%n%s", output).isZero();
        return output.strip();
    }
}
