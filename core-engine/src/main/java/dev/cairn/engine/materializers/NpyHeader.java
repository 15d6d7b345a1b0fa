package dev.cairn.engine.materializers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The header of a NumPy {@code .npy} file: the data's descriptor, memory order and shape. Writes version 1.0
 * headers byte for byte as {@code numpy.save} does; reads versions 1.0, 2.0 and 3.0.
 *
 * @param descr the dtype descriptor, e.g. {@code <f8}
 * @param fortranOrder whether the data is in column-major order
 * @param shape the dimensions
 */
record NpyHeader(String descr, boolean fortranOrder, List<Long> shape) {
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** The preamble (magic, version, length and header) is padded to a multiple of this, as NumPy does. */
    static final int ALIGNMENT = 64;
    /** NumPy leaves room in the header for the first dimension to grow to this many digits. */
    private static final int GROWTH_AXIS_MAX_DIGITS = 21;
    private static final int MAX_HEADER_BYTES = 1 << 20;

    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN_ORDER = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    NpyHeader {
        shape = List.copyOf(shape);
    }

    /** The header dictionary as NumPy writes it, e.g. {@code {'descr': '<f8', 'fortran_order': False, 'shape': (3,), }}. */
    String dictionary() {
        return "{'descr': '" + descr + "', 'fortran_order': " + (fortranOrder ? "True" : "False") + ", 'shape': "
                + shapeText() + ", }";
    }

    /** The shape in Python's notation: {@code ()}, {@code (3,)}, {@code (2, 3)}. */
    String shapeText() {
        if (shape.size() == 1) {
            return "(" + shape.get(0) + ",)";
        }
        return shape.stream().map(String::valueOf).collect(Collectors.joining(", ", "(", ")"));
    }

    /** The whole version 1.0 preamble: magic, version, header length and the padded dictionary ending in a newline. */
    byte[] toBytes() {
        StringBuilder header = new StringBuilder(dictionary());
        if (!shape.isEmpty()) {
            long growthAxis = fortranOrder ? shape.get(shape.size() - 1) : shape.get(0);
            header.append(" ".repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - Long.toString(growthAxis).length())));
        }
        int headerLength = header.length() + 1;
        int padding = ALIGNMENT - ((MAGIC.length + 2 + 2 + headerLength) % ALIGNMENT);
        header.append(" ".repeat(padding)).append('\n');
        byte[] text = header.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer buffer = ByteBuffer.allocate(MAGIC.length + 2 + 2 + text.length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) text.length).put(text);
        return buffer.array();
    }

    /**
     * Reads a header from the start of {@code in}, leaving the stream at the first data byte.
     *
     * @throws NpyFormatException when the bytes are not an {@code .npy} header
     */
    static NpyHeader read(InputStream in) throws IOException {
        byte[] magic = in.readNBytes(MAGIC.length + 2);
        if (magic.length < MAGIC.length + 2 || !Arrays.equals(magic, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new NpyFormatException("it does not start with the .npy magic string \\x93NUMPY");
        }
        int major = magic[MAGIC.length];
        int minor = magic[MAGIC.length + 1];
        long length;
        if (major == 1) {
            byte[] field = in.readNBytes(2);
            if (field.length < 2) {
                throw new NpyFormatException("its header is truncated");
            }
            length = ByteBuffer.wrap(field).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xFFFF;
        } else if (major == 2 || major == 3) {
            byte[] field = in.readNBytes(4);
            if (field.length < 4) {
                throw new NpyFormatException("its header is truncated");
            }
            length = ByteBuffer.wrap(field).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFFFFFFL;
        } else {
            throw new NpyFormatException("it has format version " + major + "." + minor + "; versions 1.0, 2.0 and 3.0 are supported");
        }
        if (length > MAX_HEADER_BYTES) {
            throw new NpyFormatException("its header claims " + length + " bytes, more than the " + MAX_HEADER_BYTES + " allowed");
        }
        byte[] text = in.readNBytes((int) length);
        if (text.length < length) {
            throw new NpyFormatException("its header is truncated");
        }
        return parse(new String(text, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1));
    }

    static NpyHeader parse(String dictionary) {
        Matcher descr = DESCR.matcher(dictionary);
        Matcher fortranOrder = FORTRAN_ORDER.matcher(dictionary);
        Matcher shape = SHAPE.matcher(dictionary);
        if (!descr.find()) {
            throw new NpyFormatException("its header has no simple 'descr' (structured dtypes are not supported): " + dictionary.strip());
        }
        if (!fortranOrder.find() || !shape.find()) {
            throw new NpyFormatException("its header lacks 'fortran_order' or 'shape': " + dictionary.strip());
        }
        List<Long> dimensions = new ArrayList<>();
        for (String part : shape.group(1).split(",")) {
            String digits = part.strip();
            if (digits.endsWith("L")) {
                digits = digits.substring(0, digits.length() - 1); // written by Python 2
            }
            if (digits.isEmpty()) {
                continue;
            }
            try {
                long dimension = Long.parseLong(digits);
                if (dimension < 0) {
                    throw new NumberFormatException();
                }
                dimensions.add(dimension);
            } catch (NumberFormatException e) {
                throw new NpyFormatException("its header has an invalid shape (" + shape.group(1) + ")");
            }
        }
        return new NpyHeader(descr.group(1), fortranOrder.group(1).equals("True"), dimensions);
    }

    /** The dtype of the descriptor, if Cairn supports it. */
    Optional<NpyDtype> dtype() {
        return NpyDtype.forDescr(descr);
    }

    /** An {@code .npy} file that cannot be read; the message completes "the file ... cannot be read: ". */
    static final class NpyFormatException extends RuntimeException {
        NpyFormatException(String message) {
            super(message);
        }
    }
}
