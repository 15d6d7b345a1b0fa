package dev.cairn.materializers.arrow;

import java.util.function.IntToLongFunction;

import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * The min, max and null count of one page of a flat fixed-width column (int32, int64, float, double), gathered value
 * by value without parquet-java's per-value {@link Statistics} and turned into parquet-java's {@link Statistics} once
 * a page: its comparators (signed integers, {@link Double#compare}/{@link Float#compare} for floating point), and for
 * a page with a NaN or a zero extreme (where the sign of zero or NaN ordering matters) the page's values one by one
 * through {@link Statistics#updateStats}, as parquet-java's column writer would. Used by {@link PlainPageEncoder} and
 * {@link DictionaryPageEncoder}; not thread-safe.
 */
final class PageStatistics {
    private final PrimitiveType primitive;
    private final PrimitiveTypeName type;
    // min and max of the page's values so far (integers in the longs, floating point in the doubles; special: a NaN seen)
    private long minLong;
    private long maxLong;
    private double minDouble;
    private double maxDouble;
    private boolean special;
    private int nulls;

    PageStatistics(PrimitiveType primitive) {
        this.primitive = primitive;
        this.type = primitive.getPrimitiveTypeName();
        reset();
    }

    void reset() {
        minLong = Long.MAX_VALUE;
        maxLong = Long.MIN_VALUE;
        minDouble = Double.POSITIVE_INFINITY;
        maxDouble = Double.NEGATIVE_INFINITY;
        special = false;
        nulls = 0;
    }

    void addNull() {
        nulls++;
    }

    int nulls() {
        return nulls;
    }

    /** Adds an integer value (int32 or int64). */
    void addLong(long v) {
        if (v < minLong) {
            minLong = v;
        }
        if (v > maxLong) {
            maxLong = v;
        }
    }

    /** Adds a floating-point value (a float widened to double). */
    void addDouble(double v) {
        if (v != v) {
            special = true;
            return;
        }
        if (v < minDouble) {
            minDouble = v;
        }
        if (v > maxDouble) {
            maxDouble = v;
        }
    }

    /** Adds a value given as its raw little-endian bits (a float's in the low 32 bits). */
    void addBits(long bits) {
        switch (type) {
            case INT32 -> addLong((int) bits);
            case INT64 -> addLong(bits);
            case FLOAT -> addDouble(Float.intBitsToFloat((int) bits));
            default -> addDouble(Double.longBitsToDouble(bits));
        }
    }

    /**
     * The page's statistics as parquet-java's column writer makes them: {@code values} non-null values, whose raw
     * bits {@code bitsOf} gives by index (read again only for a floating-point page with a NaN or a zero extreme).
     */
    Statistics<?> build(int values, IntToLongFunction bitsOf) {
        Statistics<?> statistics = Statistics.createStats(primitive);
        if (values > 0) {
            switch (type) {
                case INT32 -> {
                    statistics.updateStats((int) minLong);
                    statistics.updateStats((int) maxLong);
                }
                case INT64 -> {
                    statistics.updateStats(minLong);
                    statistics.updateStats(maxLong);
                }
                default -> {
                    if (special || minDouble == 0.0 || maxDouble == 0.0 || minDouble > maxDouble) {
                        // a NaN, a zero extreme (-0.0 and 0.0 are ordered), or only NaNs: every value as parquet-java does
                        for (int i = 0; i < values; i++) {
                            long bits = bitsOf.applyAsLong(i);
                            if (type == PrimitiveTypeName.FLOAT) {
                                statistics.updateStats(Float.intBitsToFloat((int) bits));
                            } else {
                                statistics.updateStats(Double.longBitsToDouble(bits));
                            }
                        }
                    } else if (type == PrimitiveTypeName.FLOAT) {
                        statistics.updateStats((float) minDouble);
                        statistics.updateStats((float) maxDouble);
                    } else {
                        statistics.updateStats(minDouble);
                        statistics.updateStats(maxDouble);
                    }
                }
            }
        }
        for (int i = 0; i < nulls; i++) {
            statistics.incrementNumNulls();
        }
        return statistics;
    }
}
