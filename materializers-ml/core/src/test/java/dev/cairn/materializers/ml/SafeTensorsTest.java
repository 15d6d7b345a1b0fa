package dev.cairn.materializers.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
    @TempDir
    Path directory;

    static TensorMap everyDtype() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("f16", Tensor.ofHalfFloats(DType.F16, new float[] {1f, 2f, 3f}, 3));
        tensors.put("bf16", Tensor.ofHalfFloats(DType.BF16, new float[] {-1f, 0.5f}, 2, 1));
        tensors.put("f32", Tensor.ofFloats(new float[] {1.25f, 2.5f, 3.75f, 5f}, 2, 2));
        tensors.put("f64", Tensor.ofDoubles(new double[] {Math.PI}, 1));
        tensors.put("i8", Tensor.ofBytes(DType.I8, new byte[] {-1, 2, 3}, 3));
        tensors.put("i16", Tensor.ofShorts(new short[] {-300}, 1));
        tensors.put("i32", Tensor.ofInts(new int[] {7, 8, 9}, 3));
        tensors.put("i64", Tensor.ofLongs(new long[] {Long.MIN_VALUE, 1}, 2));
        tensors.put("u8", Tensor.ofBytes(DType.U8, new byte[] {(byte) 200}, 1));
        tensors.put("bool", Tensor.ofBooleans(new boolean[] {true, false, true}, 3));
        tensors.put("empty", Tensor.ofFloats(new float[0], 0, 4));
        return TensorMap.of(tensors, Map.of("format", "pt", "note", "ünïcode & <tags>"));
    }

    static byte[] bytes(TensorMap tensors) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SafeTensors.write(tensors, out);
        return out.toByteArray();
    }

    @Test
    void everyDtypeRoundTripsThroughAFileAndIsMemoryMapped() throws IOException {
        TensorMap tensors = everyDtype();
        Path file = directory.resolve("t.safetensors");
        Files.write(file, bytes(tensors));
        assertThat(Files.size(file)).isEqualTo(SafeTensors.serializedSize(tensors));
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            TensorMap read = SafeTensors.read(channel, "t.safetensors");
            assertThat(read).isEqualTo(tensors);
            assertThat(read.metadata()).containsEntry("note", "ünïcode & <tags>");
            assertThat(read.require("f32").data().isDirect()).as("a file channel is memory-mapped, not copied").isTrue();
            assertThat(read.require("f16").toFloatArray()).containsExactly(1f, 2f, 3f);
        }
    }

    @Test
    void bytesAreDeterministicHeaderIsPaddedAndTensorsAreAligned() throws IOException {
        byte[] first = bytes(everyDtype());
        Map<String, Tensor> reversed = new LinkedHashMap<>();
        java.util.List<String> names = new java.util.ArrayList<>(everyDtype().tensors().keySet());
        java.util.Collections.reverse(names);
        names.forEach(name -> reversed.put(name, everyDtype().require(name)));
        assertThat(bytes(TensorMap.of(reversed, everyDtype().metadata()))).isEqualTo(first);

        long headerSize = ByteBuffer.wrap(first).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        assertThat(headerSize % 8).isZero();
        String header = new String(first, 8, (int) headerSize, StandardCharsets.UTF_8);
        assertThat(header).startsWith("{\"__metadata__\":{\"format\":\"pt\",\"note\":");
        assertThat(header.indexOf("\"i64\"")).isLessThan(header.indexOf("\"f64\"")).isLessThan(header.indexOf("\"f32\""));
        @SuppressWarnings("unchecked")
        Map<String, Object> parsed = (Map<String, Object>) JsonText.parse(header.strip());
        parsed.forEach((name, info) -> {
            if (!name.equals(TensorMap.METADATA_KEY)) {
                Map<?, ?> entry = (Map<?, ?>) info;
                long begin = (Long) ((java.util.List<?>) entry.get("data_offsets")).get(0);
                DType dtype = DType.valueOf((String) entry.get("dtype"));
                assertThat((8 + headerSize + begin) % dtype.byteSize()).as("alignment of %s", name).isZero();
            }
        });
    }

    /** A map whose header would exceed what safetensors readers accept: 100 MB of {@code __metadata__}. */
    static TensorMap headerTooLarge() {
        return TensorMap.of(Map.of("w", Tensor.ofFloats(new float[] {1, 2}, 2)), Map.of("notes", "x".repeat((int) SafeTensors.MAX_HEADER_SIZE)));
    }

    @Test
    void aHeaderLargerThanReadersAcceptIsRefusedBeforeAnythingIsWritten() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThatThrownBy(() -> SafeTensors.write(headerTooLarge(), out))
                .isInstanceOf(CairnException.class)
                .satisfies(e -> assertThat(((CairnException) e).errorCode()).isEqualTo(ErrorCode.MATERIALIZER_FAILED))
                .hasMessageContaining("more than the 100000000 that safetensors readers accept")
                .hasMessageContaining("__metadata__");
        assertThat(out.size()).isZero();

        Path artifact = Files.createDirectories(directory.resolve("refused"));
        TestingArtifactWriter writer = new TestingArtifactWriter(artifact, TensorMap.class);
        assertThatThrownBy(() -> new TensorMapMaterializer().save(headerTooLarge(), writer))
                .isInstanceOf(CairnException.class)
                .hasMessageContaining("Cannot save artifact 'test_model'").hasMessageContaining("safetensors readers accept");
        NothingHalfWritten.assertNothingWritten(writer, artifact);
    }

    @Test
    void aHeaderClaimingMoreBytesThanTheFileIsRefusedBeforeAllocating() throws IOException {
        ByteBuffer lying = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE - 1).put("{}      ".getBytes(StandardCharsets.US_ASCII));
        Path file = directory.resolve("lying.safetensors");
        Files.write(file, lying.array());
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            assertThatThrownBy(() -> SafeTensors.read(channel, "lying.safetensors of artifact w:1"))
                    .isInstanceOf(CairnException.class)
                    .satisfies(e -> assertThat(((CairnException) e).errorCode()).isEqualTo(ErrorCode.INTEGRITY_VIOLATION))
                    .hasMessageContaining("lying.safetensors of artifact w:1")
                    .hasMessageContaining("header claims 9223372036854775806 bytes but the file has only 8");
        }
        ByteBuffer huge = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(-2); // 2^64 - 2 unsigned
        Files.write(file, huge.array());
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            assertThatThrownBy(() -> SafeTensors.read(channel, "x")).isInstanceOf(CairnException.class).hasMessageContaining("18446744073709551614");
        }
    }

    @Test
    void truncatedOrMalformedFilesAreRefusedWithTheProblemNamed() throws IOException {
        byte[] good = bytes(everyDtype());
        assertRefused(java.util.Arrays.copyOf(good, good.length - 1), "truncated");
        assertRefused(java.util.Arrays.copyOf(good, good.length + 3), "trailing bytes");
        assertRefused(new byte[] {1, 2, 3}, "fewer than the 8-byte header length");
        assertRefused(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8), "(12 bytes) but its data_offsets span 8");
        assertRefused(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12),
                "overlapping");
        assertRefused(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[2]", 8), "not JSON");
        assertRefused(withHeader("[1,2]", 0), "not a JSON object");
        byte[] unsupported = withHeader("{\"a\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[0,2]}}", 2);
        Path file = directory.resolve("u.safetensors");
        Files.write(file, unsupported);
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            assertThatThrownBy(() -> SafeTensors.read(channel, "u.safetensors"))
                    .isInstanceOf(CairnException.class)
                    .satisfies(e -> assertThat(((CairnException) e).errorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH))
                    .hasMessageContaining("F8_E4M3").hasMessageContaining("supported: F16, BF16");
        }
    }

    private static byte[] withHeader(String json, int dataBytes) {
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).put(header).array();
    }

    private void assertRefused(byte[] content, String problem) throws IOException {
        Path file = directory.resolve("bad.safetensors");
        Files.write(file, content);
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            assertThatThrownBy(() -> SafeTensors.read(channel, "bad.safetensors of artifact weights:2"))
                    .isInstanceOf(CairnException.class)
                    .hasMessageContaining("bad.safetensors of artifact weights:2")
                    .hasMessageContaining(problem);
        }
    }
}
