package dev.cairn.engine.materializers;

import dev.cairn.api.MetadataKeys;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;

import dev.cairn.api.artifact.Visualization;
import dev.cairn.api.artifact.VisualizationType;
import dev.cairn.api.spi.ArtifactReader;
import dev.cairn.api.spi.ArtifactWriter;
import dev.cairn.api.spi.Materializer;
import org.apiguardian.api.API;

/**
 * Stores a {@code byte[]} as its raw bytes in one file, {@code data.bin}. Thread-safe and stateless.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class BytesMaterializer implements Materializer<byte[]> {
    /** The id recorded with every artifact it writes. */
    public static final String ID = "cairn.bytes";
    /** The file it writes. */
    public static final String FILE_NAME = "data.bin";

    static final int HEX_DUMP_BYTES = 256;
    private static final int CHUNK_BYTES = 64 * 1024;
    private static final int MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String version() {
        return "1";
    }

    @Override
    public List<Class<?>> handledTypes() {
        return List.of(byte[].class);
    }

    @Override
    public boolean canSave(Type type) {
        return type == byte[].class;
    }

    @Override
    public void save(byte[] value, ArtifactWriter writer) throws IOException {
        requireNonNull(value, "value is null");
        requireNonNull(writer, "writer is null");
        try (OutputStream out = writer.create(FILE_NAME)) {
            for (int offset = 0; offset < value.length; offset += CHUNK_BYTES) {
                out.write(value, offset, Math.min(CHUNK_BYTES, value.length - offset));
            }
        }
    }

    /** Reads all of {@code data.bin}; a file too large for one Java array fails with {@code MATERIALIZER_FAILED}. */
    @Override
    public byte[] load(Type type, ArtifactReader reader) throws IOException {
        requireNonNull(type, "type is null");
        requireNonNull(reader, "reader is null");
        if (type != byte[].class) {
            throw MaterializerFailure.loading(ID, reader.artifactName(), type, "it stores raw bytes and loads only as byte[]");
        }
        long size = reader.size(FILE_NAME);
        if (size > MAX_ARRAY_LENGTH) {
            throw MaterializerFailure.loading(ID, reader.artifactName(), type, "file " + FILE_NAME + " has " + size
                    + " bytes, more than a Java array holds (" + MAX_ARRAY_LENGTH + "); read it as a stream from the artifact's URI "
                    + reader.uri() + " instead");
        }
        byte[] bytes = new byte[(int) size];
        try (InputStream in = reader.open(FILE_NAME)) {
            int read = in.readNBytes(bytes, 0, bytes.length);
            if (read < bytes.length) {
                throw MaterializerFailure.loading(ID, reader.artifactName(), type, "file " + FILE_NAME + " ended after " + read
                        + " of " + size + " bytes");
            }
            if (in.read() != -1) {
                throw MaterializerFailure.loading(ID, reader.artifactName(), type, "file " + FILE_NAME + " is longer than its recorded size "
                        + size);
            }
        }
        return bytes;
    }

    /** {@code length}: the number of bytes. */
    @Override
    public Map<String, Object> extractMetadata(byte[] value) {
        return Map.of(MetadataKeys.LENGTH, requireNonNull(value, "value is null").length);
    }

    /** A Markdown {@code hexdump} of the first 256 bytes: offset, sixteen bytes in hex, and their printable ASCII. */
    @Override
    public List<Visualization> visualizations(byte[] value) {
        requireNonNull(value, "value is null");
        return List.of(Visualization.text("hexdump", VisualizationType.MARKDOWN, hexDump(value)));
    }

    static String hexDump(byte[] value) {
        int shown = Math.min(HEX_DUMP_BYTES, value.length);
        StringBuilder out = new StringBuilder();
        out.append("_").append(value.length).append(value.length == 1 ? " byte" : " bytes");
        if (shown < value.length) {
            out.append("; the first ").append(shown).append(" are shown");
        }
        out.append("._\n\n```\n");
        for (int line = 0; line < shown; line += 16) {
            out.append(String.format("%08x ", line));
            StringBuilder ascii = new StringBuilder(16);
            for (int i = line; i < line + 16; i++) {
                if (i % 8 == 0) {
                    out.append(' ');
                }
                if (i < shown) {
                    int b = value[i] & 0xFF;
                    out.append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 0xF, 16)).append(' ');
                    ascii.append(b >= 0x20 && b < 0x7F && b != '`' ? (char) b : '.');
                } else {
                    out.append("   ");
                }
            }
            out.append(" |").append(ascii).append("|\n");
        }
        out.append("```\n");
        return out.toString();
    }
}
