package dev.cairn.engine.materializers;

import dev.cairn.api.MetadataKeys;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;

/**
 * Minimum, maximum and mean of a run of numbers, for artifact metadata. Integers keep exact minimum and
 * maximum; any floating-point value makes them doubles. A NaN propagates to all three, as in NumPy. Not
 * thread-safe; one instance per summary.
 */
final class NumericSummary {
    private long count;
    private boolean integral = true;
    private long longMin = Long.MAX_VALUE;
    private long longMax = Long.MIN_VALUE;
    private double doubleMin = Double.POSITIVE_INFINITY;
    private double doubleMax = Double.NEGATIVE_INFINITY;
    private boolean sawNaN;
    private double sum;

    void add(long value) {
        count++;
        longMin = Math.min(longMin, value);
        longMax = Math.max(longMax, value);
        doubleMin = Math.min(doubleMin, value);
        doubleMax = Math.max(doubleMax, value);
        sum += value;
    }

    void add(double value) {
        count++;
        integral = false;
        if (Double.isNaN(value)) {
            sawNaN = true;
        } else {
            doubleMin = Math.min(doubleMin, value);
            doubleMax = Math.max(doubleMax, value);
        }
        sum += value;
    }

    /** Adds a boxed number; returns false (adding nothing) when it is of a kind without a numeric reading. */
    boolean add(Number value) {
        if (value instanceof Byte || value instanceof Short || value instanceof Integer || value instanceof Long) {
            add(value.longValue());
        } else if (value instanceof BigInteger big && big.bitLength() < 64) {
            add(big.longValue());
        } else if (value instanceof Double || value instanceof Float || value instanceof BigDecimal || value instanceof BigInteger) {
            add(value.doubleValue());
        } else {
            return false;
        }
        return true;
    }

    long count() {
        return count;
    }

    /** Puts {@code min}, {@code max} and {@code mean} into {@code metadata}; nothing when no value was added. */
    void putInto(Map<String, Object> metadata) {
        if (count == 0) {
            return;
        }
        if (integral) {
            metadata.put(MetadataKeys.MIN, longMin);
            metadata.put(MetadataKeys.MAX, longMax);
        } else {
            metadata.put(MetadataKeys.MIN, jsonNumber(sawNaN ? Double.NaN : doubleMin));
            metadata.put(MetadataKeys.MAX, jsonNumber(sawNaN ? Double.NaN : doubleMax));
        }
        metadata.put(MetadataKeys.MEAN, jsonNumber(sum / count));
    }

    /** A double as a JSON value: itself when finite, else its name ({@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}). */
    static Object jsonNumber(double value) {
        return Double.isFinite(value) ? (Object) value : Double.toString(value);
    }
}
