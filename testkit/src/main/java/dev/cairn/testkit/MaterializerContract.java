package dev.cairn.testkit;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import dev.cairn.api.CairnException;
import dev.cairn.api.artifact.Visualization;
import dev.cairn.api.spi.Materializer;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every {@link Materializer} must have. A materializer's module extends this class in a test (named
 * {@code *Test}), supplies the materializer and sample values with their declared types, and gets checked: id and
 * version, {@code canSave}/{@code handledTypes} agreement with the samples, round trips, deterministic bytes for equal
 * values, a {@link CairnException} naming the artifact for truncated, corrupted or missing files, no success reported
 * for an incomplete write, and non-null metadata (JSON values) and visualizations. It needs JUnit 5 and AssertJ.
 *
 * <p>Override {@link #assertSameValue} when {@code equals} is not the right comparison (arrays are compared by
 * content already), {@link #release} when values hold resources, and {@link #detectsTruncation} /
 * {@link #detectsCorruption} for a format that cannot tell a damaged file from another value.
 *
 * @param <T> the materializer's value type
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class MaterializerContract<T> {
    /** A materializer id: lower-case words separated by {@code .}, {@code _} or {@code -}, e.g. {@code cairn.json}. */
    private static final Pattern ID = Pattern.compile("[a-z0-9]+([._-][a-z0-9]+)*");

    /** One sample: a value, the type a step declares for it, and a description for messages. */
    public record Sample<T>(String description, Type type, T value) {
        public Sample {
            requireNonNull(description, "description is null");
            requireNonNull(type, "type is null");
            requireNonNull(value, "value is null");
        }

        /** A sample described by its type. */
        public static <T> Sample<T> of(Type type, T value) {
            return new Sample<>(type.getTypeName(), type, value);
        }
    }

    @TempDir
    @Nullable Path temp;

    /** The materializer under test; may be the same instance on every call (materializers are stateless). */
    protected abstract Materializer<T> materializer();

    /**
     * Sample values, each with its declared type; every call returns new instances equal to the previous ones (so
     * that equal values written twice can be compared). Cover every kind of value the materializer supports.
     */
    protected abstract List<Sample<T>> samples();

    /** Asserts that {@code loaded} is the same value as {@code expected}; defaults to equality (arrays by content). */
    protected void assertSameValue(Sample<T> expected, Object loaded) {
        assertThat(loaded).as("loaded %s", expected.description()).isEqualTo(expected.value());
    }

    /** Releases a value's resources (off-heap memory, ...) after a test; the default closes {@link AutoCloseable}s. */
    protected void release(@Nullable Object value) throws Exception {
        if (value instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    /**
     * Whether loading {@code sample} from a file cut short fails. True by default; a format without length or end
     * markers (raw bytes, a single JSON number) cannot tell, and relies on the engine's manifest hashes instead.
     */
    protected boolean detectsTruncation(Sample<T> sample) {
        return true;
    }

    /**
     * Whether loading {@code sample} from a file overwritten with garbage of the same length fails. True by default;
     * only a format in which every byte string is a valid value (raw bytes) cannot tell.
     */
    protected boolean detectsCorruption(Sample<T> sample) {
        return true;
    }

    // ---------------------------------------------------------------------------------------------------------

    @Test
    void idVersionAndHandledTypesArePresent() {
        Materializer<T> materializer = materializer();
        assertThat(materializer.id()).as("id()").isNotNull().matches(ID);
        assertThat(materializer.version()).as("version()").isNotNull().isNotBlank();
        assertThat(materializer.handledTypes()).as("handledTypes()").isNotNull().isNotEmpty().doesNotContainNull();
        assertThat(materializer.artifactType()).as("artifactType()").isNotNull();
        assertThat(samples()).as("samples()").isNotEmpty();
    }

    @Test
    void canSaveAndHandledTypesAgreeWithEverySample() {
        Materializer<T> materializer = materializer();
        for (Sample<T> sample : samples()) {
            try {
                assertThat(materializer.canSave(sample.type())).as("canSave(%s)", sample.type().getTypeName()).isTrue();
                Class<?> raw = rawClass(sample.type());
                assertThat(materializer.handledTypes()).as("handledTypes() for %s", raw.getName())
                        .anySatisfy(handled -> assertThat(handled.isAssignableFrom(raw)).isTrue());
                assertThat(raw.isInstance(sample.value())).as("the sample value is a %s", raw.getName()).isTrue();
            } finally {
                releaseQuietly(sample.value());
            }
        }
    }

    @Test
    void everySampleRoundTrips() throws Exception {
        Materializer<T> materializer = materializer();
        int index = 0;
        for (Sample<T> sample : samples()) {
            Path directory = directory("round-trip-" + index++);
            Object loaded = null;
            try {
                TestingArtifactWriter writer = new TestingArtifactWriter(directory, "sample", sample.type());
                materializer.save(sample.value(), writer);
                assertThat(writer.created()).as("files written for %s", sample.description()).isNotEmpty();
                assertThat(writer.open()).as("streams left open by save(%s)", sample.description()).isEmpty();
                TestingArtifactReader reader = new TestingArtifactReader(directory, "sample:1");
                loaded = materializer.load(sample.type(), reader);
                assertThat(loaded).as("load(%s)", sample.description()).isNotNull();
                assertThat(rawClass(sample.type()).isInstance(loaded)).as("load(%s) returns a %s", sample.description(),
                        rawClass(sample.type()).getName()).isTrue();
                assertSameValue(sample, loaded);
                assertThat(reader.openChannels()).as("channels left open by load(%s)", sample.description()).isZero();
            } finally {
                releaseQuietly(loaded);
                releaseQuietly(sample.value());
            }
        }
    }

    @Test
    void equalValuesAreSavedAsEqualBytes() throws Exception {
        Materializer<T> materializer = materializer();
        List<Sample<T>> first = samples();
        List<Sample<T>> second = samples();
        assertThat(second).as("samples() called twice").hasSameSizeAs(first);
        try {
            for (int i = 0; i < first.size(); i++) {
                Path a = directory("deterministic-" + i + "-a");
                Path b = directory("deterministic-" + i + "-b");
                TestingArtifactWriter writerA = new TestingArtifactWriter(a, "sample", first.get(i).type());
                TestingArtifactWriter writerB = new TestingArtifactWriter(b, "sample", second.get(i).type());
                materializer.save(first.get(i).value(), writerA);
                materializer.save(second.get(i).value(), writerB);
                assertThat(writerB.created()).as("files of %s", first.get(i).description()).isEqualTo(writerA.created());
                for (String file : writerA.created()) {
                    assertThat(Files.readAllBytes(b.resolve(file))).as("bytes of %s for %s, saved twice", file, first.get(i).description())
                            .isEqualTo(Files.readAllBytes(a.resolve(file)));
                }
            }
        } finally {
            first.forEach(sample -> releaseQuietly(sample.value()));
            second.forEach(sample -> releaseQuietly(sample.value()));
        }
    }

    @Test
    void aTruncatedFileFailsWithACairnExceptionNamingTheArtifact() throws Exception {
        damageEveryFile("truncated", (file, bytes) -> Arrays.copyOf(bytes, bytes.length / 2), true);
    }

    @Test
    void aCorruptedFileFailsWithACairnExceptionNamingTheArtifact() throws Exception {
        // Garbage of the same length: no format can read it as the value it was.
        damageEveryFile("corrupted", (file, bytes) -> {
            byte[] garbage = new byte[bytes.length];
            new Random(file.hashCode()).nextBytes(garbage);
            for (int i = 0; i < garbage.length; i++) {
                if (garbage[i] == bytes[i]) {
                    garbage[i] ^= 0x5A;
                }
            }
            return garbage;
        }, false);
    }

    @Test
    void missingFilesFailWithTheStoresMissingFileSignal() throws Exception {
        Materializer<T> materializer = materializer();
        Sample<T> sample = samples().get(0);
        try {
            Path directory = directory("missing");
            TestingArtifactWriter writer = new TestingArtifactWriter(directory, "sample", sample.type());
            materializer.save(sample.value(), writer);
            for (String file : writer.created()) {
                Files.delete(directory.resolve(file));
            }
            assertThatThrownBy(() -> releaseQuietly(materializer.load(sample.type(), new TestingArtifactReader(directory, "sample:1"))))
                    .as("load(%s) with its files deleted", sample.description())
                    .satisfies(e -> assertThat(hasMissingFileSignal(e) || (e instanceof CairnException && String.valueOf(e.getMessage()).contains("sample:1")))
                            .as("a NoSuchFileException (which the engine maps to INTEGRITY_VIOLATION) or a CairnException naming"
                                    + " the artifact, got %s", e).isTrue());
        } finally {
            releaseQuietly(sample.value());
        }
    }

    @Test
    void aFailedWriteIsReportedNotSwallowed() throws Exception {
        Materializer<T> materializer = materializer();
        int index = 0;
        for (Sample<T> sample : samples()) {
            try {
                Path full = directory("size-" + index);
                TestingArtifactWriter measuring = new TestingArtifactWriter(full, "sample", sample.type());
                materializer.save(sample.value(), measuring);
                long size = measuring.bytesWritten();
                if (size == 0) {
                    continue; // nothing to interrupt
                }
                TestingArtifactWriter failing = new TestingArtifactWriter(directory("failing-" + index), "sample", sample.type())
                        .failingAfter(size / 2);
                assertThatThrownBy(() -> materializer.save(sample.value(), failing))
                        .as("save(%s) onto a disk that fills up after %d of %d bytes", sample.description(), size / 2, size)
                        .isInstanceOfAny(IOException.class, CairnException.class);
                assertThat(failing.open()).as("streams left open by the failed save(%s)", sample.description()).isEmpty();
            } finally {
                index++;
                releaseQuietly(sample.value());
            }
        }
    }

    @Test
    void metadataAndVisualizationsAreNeverNull() {
        Materializer<T> materializer = materializer();
        for (Sample<T> sample : samples()) {
            try {
                Map<String, Object> metadata = materializer.extractMetadata(sample.value());
                assertThat(metadata).as("extractMetadata(%s)", sample.description()).isNotNull();
                metadata.forEach((key, value) -> {
                    assertThat(key).as("metadata key").isNotNull();
                    assertJsonValue("metadata '" + key + "' of " + sample.description(), value);
                });
                List<Visualization> visualizations = materializer.visualizations(sample.value());
                assertThat(visualizations).as("visualizations(%s)", sample.description()).isNotNull().doesNotContainNull();
            } finally {
                releaseQuietly(sample.value());
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    /** How to damage one file: its relative path and bytes in, the damaged bytes out. */
    @FunctionalInterface
    private interface Damage {
        byte[] apply(String file, byte[] bytes);
    }

    private void damageEveryFile(String how, Damage damage, boolean truncation) throws Exception {
        Materializer<T> materializer = materializer();
        int index = 0;
        for (Sample<T> sample : samples()) {
            try {
                if (truncation ? !detectsTruncation(sample) : !detectsCorruption(sample)) {
                    continue;
                }
                Path original = directory(how + "-" + index + "-original");
                TestingArtifactWriter writer = new TestingArtifactWriter(original, "sample", sample.type());
                materializer.save(sample.value(), writer);
                for (String file : writer.created()) {
                    byte[] bytes = Files.readAllBytes(original.resolve(file));
                    if (bytes.length < 2) {
                        continue; // nothing to cut or change that a format could notice
                    }
                    Path damaged = directory(how + "-" + index + "-" + file.replace('/', '_'));
                    for (String other : writer.created()) {
                        Path target = damaged.resolve(other);
                        Files.createDirectories(requireNonNull(target.getParent()));
                        Files.write(target, other.equals(file) ? damage.apply(file, bytes) : Files.readAllBytes(original.resolve(other)));
                    }
                    TestingArtifactReader reader = new TestingArtifactReader(damaged, "sample:1");
                    assertThatThrownBy(() -> releaseQuietly(materializer.load(sample.type(), reader)))
                            .as("load(%s) with %s %s", sample.description(), how, file)
                            .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.getMessage())
                                    .as("message of the failure for %s %s", how, file).contains("sample:1"));
                    assertThat(reader.openChannels()).as("channels left open after the failed load").isZero();
                }
            } finally {
                index++;
                releaseQuietly(sample.value());
            }
        }
    }

    private Path directory(String name) throws IOException {
        return Files.createDirectories(requireNonNull(temp, "temp").resolve(name));
    }

    private void releaseQuietly(@Nullable Object value) {
        try {
            release(value);
        } catch (Exception e) {
            fail("release(" + value + ") failed", e);
        }
    }

    private static boolean hasMissingFileSignal(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.nio.file.NoSuchFileException) {
                return true;
            }
        }
        return false;
    }

    private static void assertJsonValue(String what, @Nullable Object value) {
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Integer
                || value instanceof Long || value instanceof Double || value instanceof Float || value instanceof Short
                || value instanceof Byte || value instanceof BigDecimal || value instanceof BigInteger) {
            return;
        }
        if (value instanceof List<?> list) {
            list.forEach(element -> assertJsonValue(what + "[]", element));
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, element) -> {
                assertThat(key).as("key in %s", what).isInstanceOf(String.class);
                assertJsonValue(what + "." + key, element);
            });
            return;
        }
        fail(what + " is a " + value.getClass().getName() + ", not a JSON value (string, number, boolean, list or map of them)");
    }

    private static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        if (type instanceof GenericArrayType g) {
            return java.lang.reflect.Array.newInstance(rawClass(g.getGenericComponentType()), 0).getClass();
        }
        throw new IllegalArgumentException("A sample's type must be a class, a parameterized type or a generic array, not " + type);
    }

    /** The samples as a list of {@code Sample<T>}, for subclasses whose samples have narrower value types. */
    @SafeVarargs
    protected static <T> List<Sample<T>> samplesOf(Sample<? extends T>... samples) {
        List<Sample<T>> list = new ArrayList<>();
        for (Sample<? extends T> sample : samples) {
            @SuppressWarnings("unchecked")
            Sample<T> widened = (Sample<T>) sample;
            list.add(widened);
        }
        return list;
    }
}
