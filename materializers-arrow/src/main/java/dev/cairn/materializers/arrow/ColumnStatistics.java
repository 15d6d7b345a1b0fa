package dev.cairn.materializers.arrow;

import dev.cairn.api.MetadataKeys;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.FloatingPointVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.jspecify.annotations.Nullable;

/**
 * Per-column statistics of a table, accumulated batch by batch: row count, null count, and for numeric columns
 * minimum, maximum, mean and sample standard deviation (per-batch two-pass sums merged with Chan's formula; NaNs are
 * counted, not summarised);
 * dates and UTC timestamps get minimum and maximum as ISO-8601 text. Not thread-safe.
 */
final class ColumnStatistics {
    private final Schema schema;
    private final Column[] columns;
    private long rows;
    /** The non-null values of one column of the current batch; shared by the columns, which are summarised in turn. */
    private double[] scratch = new double[0];

    ColumnStatistics(Schema schema) {
        this.schema = schema;
        this.columns = new Column[schema.getFields().size()];
        for (int i = 0; i < columns.length; i++) {
            columns[i] = new Column(schema.getFields().get(i));
        }
    }

    /** Adds the rows of {@code batch}, whose schema is this one. */
    void add(VectorSchemaRoot batch) {
        int count = batch.getRowCount();
        rows += count;
        List<FieldVector> vectors = batch.getFieldVectors();
        if (scratch.length < count) {
            scratch = new double[count];
        }
        for (int i = 0; i < columns.length; i++) {
            columns[i].merge(columns[i].summarize(vectors.get(i), count, scratch));
        }
    }

    /** The number of columns. */
    int columnCount() {
        return columns.length;
    }

    /**
     * The summary of column {@code column} of {@code batch}, without changing these statistics: safe to call from
     * any thread while the batch is alive (it only reads the batch). {@link #merge} folds such summaries in; merging
     * every column's summary of each batch, batch after batch, gives exactly the results of {@link #add}, to the bit.
     */
    Summary summarize(int column, VectorSchemaRoot batch) {
        int count = batch.getRowCount();
        return columns[column].summarize(batch.getVector(column), count, null);
    }

    /** Adds a batch of {@code rowCount} rows given by its summaries, one per column in schema order (see {@link #summarize}). */
    void merge(int rowCount, Summary[] summaries) {
        if (summaries.length != columns.length) {
            throw new IllegalArgumentException(summaries.length + " column summaries for " + columns.length + " columns");
        }
        rows += rowCount;
        for (int i = 0; i < columns.length; i++) {
            columns[i].merge(summaries[i]);
        }
    }

    /**
     * One column of one batch summarised: its null and NaN counts, the count, mean, squared deviations from the mean,
     * minimum and maximum of its numbers ({@code numbers == 0}: none), the integer (or date, timestamp) minimum and
     * maximum and the number of dates or timestamps.
     */
    record Summary(long nulls, long nans, int numbers, double mean, double m2, double min, double max, long longMin, long longMax,
            long instants) {}

    Schema schema() {
        return schema;
    }

    long rows() {
        return rows;
    }

    /** One entry per column, in schema order. */
    List<Column> columns() {
        return List.of(columns);
    }

    /**
     * The artifact metadata: {@code row_count}, {@code column_count}, {@code schema} (name, type, nullable per column)
     * and {@code columns} (statistics by column name).
     */
    Map<String, Object> toMetadata() {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put(MetadataKeys.ROW_COUNT, rows);
        metadata.put(MetadataKeys.COLUMN_COUNT, columns.length);
        List<Object> fields = new ArrayList<>();
        for (Field field : schema.getFields()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put(MetadataKeys.SCHEMA_NAME, field.getName());
            entry.put(MetadataKeys.SCHEMA_TYPE, ColumnTypes.describe(field));
            entry.put(MetadataKeys.SCHEMA_NULLABLE, field.isNullable());
            fields.add(entry);
        }
        metadata.put(MetadataKeys.SCHEMA, fields);
        Map<String, Object> statistics = new LinkedHashMap<>();
        for (Column column : columns) {
            statistics.put(column.field.getName(), column.toMetadata());
        }
        metadata.put(MetadataKeys.COLUMNS, statistics);
        return metadata;
    }

    /** The statistics of one column. */
    static final class Column {
        private final Field field;
        private final Kind kind;
        private long nulls;
        private long count;
        private long nans;
        private double mean;
        private double m2;
        private double min = Double.POSITIVE_INFINITY;
        private double max = Double.NEGATIVE_INFINITY;
        private long longMin = Long.MAX_VALUE;
        private long longMax = Long.MIN_VALUE;

        private enum Kind { INTEGER, FLOATING, DECIMAL, DATE, TIMESTAMP, OTHER }

        Column(Field field) {
            this.field = field;
            ArrowType type = field.getType();
            this.kind = switch (type.getTypeID()) {
                // a uint64 above Long.MAX_VALUE has no long value: no min, max or mean
                case Int -> ((ArrowType.Int) type).getIsSigned() || ((ArrowType.Int) type).getBitWidth() < 64 ? Kind.INTEGER : Kind.OTHER;
                case FloatingPoint -> Kind.FLOATING;
                case Decimal -> Kind.DECIMAL;
                case Date -> Kind.DATE;
                case Timestamp -> Kind.TIMESTAMP;
                default -> Kind.OTHER;
            };
        }

        Field field() {
            return field;
        }

        /** This column's summary of a batch of {@code rowCount} rows (reads only; {@code scratch} may be null). */
        Summary summarize(FieldVector vector, int rowCount, double @Nullable [] scratch) {
            Summing summing = new Summing();
            summing.nulls = vector.getNullCount();
            boolean mayBeNull = summing.nulls > 0;
            switch (kind) {
                case INTEGER, FLOATING, DECIMAL -> summing.addNumbers(vector, rowCount, mayBeNull, scratch);
                case DATE -> {
                    DateDayVector days = (DateDayVector) vector;
                    for (int i = 0; i < rowCount; i++) {
                        if (!mayBeNull || !vector.isNull(i)) {
                            summing.extend(days.get(i));
                        }
                    }
                }
                case TIMESTAMP -> {
                    TimeStampVector timestamps = (TimeStampVector) vector;
                    for (int i = 0; i < rowCount; i++) {
                        if (!mayBeNull || !vector.isNull(i)) {
                            summing.extend(timestamps.get(i));
                        }
                    }
                }
                case OTHER -> {
                }
            }
            return summing.summary();
        }

        /** Folds a batch's summary into the running totals (numbers with Chan et al.'s formula). */
        void merge(Summary summary) {
            nulls += summary.nulls();
            nans += summary.nans();
            count += summary.instants();
            longMin = Math.min(longMin, summary.longMin());
            longMax = Math.max(longMax, summary.longMax());
            if (summary.numbers() > 0) {
                merge(summary.numbers(), summary.mean(), summary.m2(), summary.min(), summary.max());
            }
        }

        /** Merges a batch's count, mean, squared deviations, minimum and maximum into the running totals (Chan et al.). */
        private void merge(int n, double batchMean, double batchM2, double batchMin, double batchMax) {
            long total = count + n;
            double delta = batchMean - mean;
            mean += delta * n / total;
            m2 += batchM2 + delta * delta * ((double) count * n / total);
            count = total;
            min = Math.min(min, batchMin);
            max = Math.max(max, batchMax);
        }

        long nullCount() {
            return nulls;
        }

        /** {@code null_count}, and where the column has them {@code min}, {@code max}, {@code mean}, {@code stddev}, {@code nan_count}. */
        Map<String, Object> toMetadata() {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put(MetadataKeys.NULL_COUNT, nulls);
            if (count > 0) {
                switch (kind) {
                    case INTEGER -> {
                        entry.put(MetadataKeys.MIN, longMin);
                        entry.put(MetadataKeys.MAX, longMax);
                    }
                    case FLOATING, DECIMAL -> {
                        entry.put(MetadataKeys.MIN, min);
                        entry.put(MetadataKeys.MAX, max);
                    }
                    case DATE -> {
                        entry.put(MetadataKeys.MIN, LocalDate.ofEpochDay(longMin).toString());
                        entry.put(MetadataKeys.MAX, LocalDate.ofEpochDay(longMax).toString());
                    }
                    case TIMESTAMP -> {
                        ArrowType.Timestamp type = (ArrowType.Timestamp) field.getType();
                        entry.put(MetadataKeys.MIN, timestampText(longMin, type));
                        entry.put(MetadataKeys.MAX, timestampText(longMax, type));
                    }
                    case OTHER -> {
                    }
                }
                if (kind == Kind.INTEGER || kind == Kind.FLOATING || kind == Kind.DECIMAL) {
                    entry.put(MetadataKeys.MEAN, finite(mean));
                    if (count > 1) {
                        entry.put(MetadataKeys.STDDEV, finite(Math.sqrt(m2 / (count - 1))));
                    }
                }
            }
            if (nans > 0) {
                entry.put(MetadataKeys.NAN_COUNT, nans);
            }
            return entry;
        }

        private static Object finite(double value) {
            return Double.isFinite(value) ? (Object) value : Double.toString(value);
        }
    }

    /** The summary of one column of one batch being computed (one thread; see {@link Column#summarize}). */
    private static final class Summing {
        long nulls;
        long nans;
        int numbers;
        double mean;
        double m2;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        long longMin = Long.MAX_VALUE;
        long longMax = Long.MIN_VALUE;
        long instants;

        /**
         * Two passes over the batch (sum, then squared deviations from the batch mean), later merged into the running totals
         * with Chan et al.'s formula: stable like Welford's, without a division per value.
         */
        void addNumbers(FieldVector vector, int rowCount, boolean mayBeNull, double @Nullable [] scratch) {
            double[] values = scratch != null && scratch.length >= rowCount ? scratch : null;
            if (!mayBeNull && MemoryUtil.LITTLE_ENDIAN && rowCount > 0
                    && (vector instanceof BigIntVector || vector instanceof IntVector || vector instanceof Float8Vector)) {
                addRaw(vector, rowCount);
                return;
            }
            if (values == null) {
                values = new double[rowCount];
            }
            int n = 0;
            if (vector instanceof BaseIntVector ints) {
                boolean raw = !mayBeNull && MemoryUtil.LITTLE_ENDIAN && (vector instanceof BigIntVector || vector instanceof IntVector);
                long address = raw ? vector.getDataBufferAddress() : 0;
                boolean wide = vector instanceof BigIntVector;
                for (int i = 0; i < rowCount; i++) {
                    if (!mayBeNull || !vector.isNull(i)) {
                        long value = raw ? (wide ? MemoryUtil.getLong(address + 8L * i) : MemoryUtil.getInt(address + 4L * i)) : ints.getValueAsLong(i);
                        longMin = Math.min(longMin, value);
                        longMax = Math.max(longMax, value);
                        values[n++] = value;
                    }
                }
            } else if (vector instanceof FloatingPointVector floats) {
                boolean raw = !mayBeNull && MemoryUtil.LITTLE_ENDIAN && vector instanceof Float8Vector;
                long address = raw ? vector.getDataBufferAddress() : 0;
                for (int i = 0; i < rowCount; i++) {
                    if (!mayBeNull || !vector.isNull(i)) {
                        double value = raw ? Double.longBitsToDouble(MemoryUtil.getLong(address + 8L * i)) : floats.getValueAsDouble(i);
                        if (Double.isNaN(value)) {
                            nans++;
                        } else {
                            values[n++] = value;
                        }
                    }
                }
            } else {
                // a decimal128 or decimal256 vector
                for (int i = 0; i < rowCount; i++) {
                    if (!mayBeNull || !vector.isNull(i)) {
                        values[n++] = ((java.math.BigDecimal) vector.getObject(i)).doubleValue();
                    }
                }
            }
            if (n == 0) {
                return;
            }
            double sum = 0;
            double batchMin = Double.POSITIVE_INFINITY;
            double batchMax = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                double value = values[i];
                sum += value;
                batchMin = Math.min(batchMin, value);
                batchMax = Math.max(batchMax, value);
            }
            double batchMean = sum / n;
            double batchM2 = 0;
            for (int i = 0; i < n; i++) {
                double deviation = values[i] - batchMean;
                batchM2 += deviation * deviation;
            }
            done(n, batchMean, batchM2, batchMin, batchMax);
        }

        /**
         * The same two passes straight over the Arrow buffer of a column without nulls (64- or 32-bit integers,
         * doubles), with no copy into the scratch array: the same sums in the same order, so the same results.
         */
        private void addRaw(FieldVector vector, int rowCount) {
            long address = vector.getDataBufferAddress();
            int n = 0;
            double sum = 0;
            double batchMin = Double.POSITIVE_INFINITY;
            double batchMax = Double.NEGATIVE_INFINITY;
            double batchM2 = 0;
            double batchMean;
            if (vector instanceof Float8Vector) {
                for (int i = 0; i < rowCount; i++) {
                    double value = Double.longBitsToDouble(MemoryUtil.getLong(address + 8L * i));
                    if (Double.isNaN(value)) {
                        nans++;
                    } else {
                        n++;
                        sum += value;
                        batchMin = Math.min(batchMin, value);
                        batchMax = Math.max(batchMax, value);
                    }
                }
                if (n == 0) {
                    return;
                }
                batchMean = sum / n;
                for (int i = 0; i < rowCount; i++) {
                    double value = Double.longBitsToDouble(MemoryUtil.getLong(address + 8L * i));
                    if (!Double.isNaN(value)) {
                        double deviation = value - batchMean;
                        batchM2 += deviation * deviation;
                    }
                }
            } else {
                boolean wide = vector instanceof BigIntVector;
                long lowest = Long.MAX_VALUE;
                long highest = Long.MIN_VALUE;
                for (int i = 0; i < rowCount; i++) {
                    long value = wide ? MemoryUtil.getLong(address + 8L * i) : MemoryUtil.getInt(address + 4L * i);
                    lowest = Math.min(lowest, value);
                    highest = Math.max(highest, value);
                    sum += (double) value;
                }
                n = rowCount;
                longMin = Math.min(longMin, lowest);
                longMax = Math.max(longMax, highest);
                batchMin = lowest;
                batchMax = highest;
                batchMean = sum / n;
                for (int i = 0; i < rowCount; i++) {
                    long value = wide ? MemoryUtil.getLong(address + 8L * i) : MemoryUtil.getInt(address + 4L * i);
                    double deviation = (double) value - batchMean;
                    batchM2 += deviation * deviation;
                }
            }
            done(n, batchMean, batchM2, batchMin, batchMax);
        }

        private void done(int n, double batchMean, double batchM2, double batchMin, double batchMax) {
            numbers = n;
            mean = batchMean;
            m2 = batchM2;
            min = batchMin;
            max = batchMax;
        }

        void extend(long value) {
            instants++;
            longMin = Math.min(longMin, value);
            longMax = Math.max(longMax, value);
        }

        Summary summary() {
            return new Summary(nulls, nans, numbers, mean, m2, min, max, longMin, longMax, instants);
        }
    }

    /** A timestamp as ISO-8601: an instant ({@code Z}) when the column has a time zone, else a local date-time. */
    static String timestampText(long raw, ArrowType.Timestamp type) {
        Instant instant = switch (type.getUnit()) {
            case SECOND -> Instant.ofEpochSecond(raw);
            case MILLISECOND -> Instant.ofEpochMilli(raw);
            case MICROSECOND -> Instant.ofEpochSecond(Math.floorDiv(raw, 1_000_000L), Math.floorMod(raw, 1_000_000L) * 1_000L);
            case NANOSECOND -> Instant.ofEpochSecond(Math.floorDiv(raw, 1_000_000_000L), Math.floorMod(raw, 1_000_000_000L));
        };
        return type.getTimezone() != null ? instant.toString() : java.time.LocalDateTime.ofInstant(instant, java.time.ZoneOffset.UTC).toString();
    }
}
