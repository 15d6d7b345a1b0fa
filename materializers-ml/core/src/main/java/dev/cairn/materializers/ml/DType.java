package dev.cairn.materializers.ml;

import java.util.Locale;
import java.util.Optional;

import org.apiguardian.api.API;

/**
 * The element type of a {@link Tensor}, named as the safetensors format names it ({@code F32}, {@code BF16}, …).
 * Every element is stored little-endian in {@link #byteSize()} bytes; {@code BOOL} is one byte, 0 or 1.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public enum DType {
    F16(2, true), BF16(2, true), F32(4, true), F64(8, true),
    I8(1, false), I16(2, false), I32(4, false), I64(8, false),
    U8(1, false), BOOL(1, false);

    private final int byteSize;
    private final boolean floatingPoint;

    DType(int byteSize, boolean floatingPoint) {
        this.byteSize = byteSize;
        this.floatingPoint = floatingPoint;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** True for F16, BF16, F32 and F64. */
    public boolean isFloatingPoint() {
        return floatingPoint;
    }

    /** The name in a safetensors header, e.g. {@code F32}. */
    public String safetensorsName() {
        return name();
    }

    /** The dtype of a safetensors header name, or empty when Cairn does not support it (e.g. {@code U16}, {@code F8_E4M3}). */
    public static Optional<DType> fromSafetensorsName(String name) {
        for (DType dtype : values()) {
            if (dtype.name().equals(name)) {
                return Optional.of(dtype);
            }
        }
        return Optional.empty();
    }

    /** The supported names, for messages. */
    static String supportedNames() {
        StringBuilder names = new StringBuilder();
        for (DType dtype : values()) {
            names.append(names.length() == 0 ? "" : ", ").append(dtype.name().toUpperCase(Locale.ROOT));
        }
        return names.toString();
    }
}
