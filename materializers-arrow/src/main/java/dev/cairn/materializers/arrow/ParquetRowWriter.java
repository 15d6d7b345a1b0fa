package dev.cairn.materializers.arrow;

import java.util.List;
import java.util.Map;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeMilliVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.UInt1Vector;
import org.apache.arrow.vector.UInt2Vector;
import org.apache.arrow.vector.UInt4Vector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

/**
 * Parquet {@link WriteSupport} that writes the rows of the Arrow vectors it is bound to, one Parquet record per
 * {@link Row}, column by column through a tree of writers built once per binding (no per-value type dispatch).
 * Not thread-safe.
 */
final class ParquetRowWriter extends WriteSupport<ParquetRowWriter.Row> {
    /** The index of the row to write next; one mutable instance is reused for every row. */
    static final class Row {
        int index;
    }

    /**
     * Fixed-width values are read straight from the vectors' memory (Arrow's checked accessors cost more than the Parquet
     * encoding); every index is below the vector's value count, checked once per binding. Little-endian platforms only.
     */
    private static final boolean RAW = MemoryUtil.LITTLE_ENDIAN;
    /** The {@code writer.model.name} recorded in the footer. */
    static final String MODEL_NAME = "cairn-arrow";

    private final MessageType parquetSchema;
    private final Map<String, String> extraMetadata;
    private RecordConsumer consumer;
    private FieldWriter[] columns = new FieldWriter[0];

    ParquetRowWriter(MessageType parquetSchema, Map<String, String> extraMetadata) {
        this.parquetSchema = parquetSchema;
        this.extraMetadata = Map.copyOf(extraMetadata);
    }

    /** Points the writer at the vectors of {@code root} (whose schema is the one this writer was made for). */
    void bind(VectorSchemaRoot root) {
        List<FieldVector> vectors = root.getFieldVectors();
        FieldWriter[] bound = new FieldWriter[vectors.size()];
        for (int i = 0; i < bound.length; i++) {
            FieldVector vector = vectors.get(i);
            bound[i] = new FieldWriter(vector.getName(), i, vector, valueWriter(vector));
        }
        this.columns = bound;
        if (root.getRowCount() > 0) {
            for (FieldVector vector : vectors) {
                if (vector.getValueCount() < root.getRowCount()) {
                    throw new IllegalArgumentException("column '" + vector.getName() + "' has " + vector.getValueCount()
                            + " values but the table has " + root.getRowCount() + " rows");
                }
            }
        }
    }

    @Override
    public WriteContext init(Configuration configuration) {
        return new WriteContext(parquetSchema, extraMetadata);
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
        return new WriteContext(parquetSchema, extraMetadata);
    }

    @Override
    public String getName() {
        return MODEL_NAME;
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
        this.consumer = recordConsumer;
    }

    @Override
    public void write(Row row) {
        RecordConsumer out = consumer;
        int index = row.index;
        out.startMessage();
        for (FieldWriter column : columns) {
            column.write(out, index);
        }
        out.endMessage();
    }

    /** Writes one field of a group (or of the message) when its value is not null. */
    private static final class FieldWriter {
        private final String name;
        private final int position;
        private final FieldVector vector;
        private final ValueWriter value;
        private final boolean mayBeNull;

        FieldWriter(String name, int position, FieldVector vector, ValueWriter value) {
            this.name = name;
            this.position = position;
            this.vector = vector;
            this.value = value;
            this.mayBeNull = vector.getNullCount() > 0;
        }

        void write(RecordConsumer out, int index) {
            if (mayBeNull && vector.isNull(index)) {
                return;
            }
            out.startField(name, position);
            value.write(out, index);
            out.endField(name, position);
        }
    }

    @FunctionalInterface
    private interface ValueWriter {
        void write(RecordConsumer out, int index);
    }

    private static ValueWriter valueWriter(FieldVector vector) {
        ArrowType type = vector.getField().getType();
        return switch (type.getTypeID()) {
            case Bool -> {
                BitVector bits = (BitVector) vector;
                yield (out, i) -> out.addBoolean(bits.get(i) != 0);
            }
            case Int -> !((ArrowType.Int) type).getIsSigned() ? unsignedWriter(vector) : switch (((ArrowType.Int) type).getBitWidth()) {
                case 8 -> {
                    TinyIntVector ints = (TinyIntVector) vector;
                    yield (out, i) -> out.addInteger(ints.get(i));
                }
                case 16 -> {
                    SmallIntVector ints = (SmallIntVector) vector;
                    yield (out, i) -> out.addInteger(ints.get(i));
                }
                case 32 -> {
                    if (RAW) {
                        long data = vector.getDataBufferAddress();
                        yield (out, i) -> out.addInteger(MemoryUtil.getInt(data + 4L * i));
                    }
                    IntVector ints = (IntVector) vector;
                    yield (out, i) -> out.addInteger(ints.get(i));
                }
                default -> {
                    if (RAW) {
                        long data = vector.getDataBufferAddress();
                        yield (out, i) -> out.addLong(MemoryUtil.getLong(data + 8L * i));
                    }
                    BigIntVector longs = (BigIntVector) vector;
                    yield (out, i) -> out.addLong(longs.get(i));
                }
            };
            case FloatingPoint -> {
                if (vector instanceof Float4Vector floats) {
                    if (RAW) {
                        long data = vector.getDataBufferAddress();
                        yield (out, i) -> out.addFloat(Float.intBitsToFloat(MemoryUtil.getInt(data + 4L * i)));
                    }
                    yield (out, i) -> out.addFloat(floats.get(i));
                }
                if (RAW) {
                    long data = vector.getDataBufferAddress();
                    yield (out, i) -> out.addDouble(Double.longBitsToDouble(MemoryUtil.getLong(data + 8L * i)));
                }
                Float8Vector doubles = (Float8Vector) vector;
                yield (out, i) -> out.addDouble(doubles.get(i));
            }
            case Utf8 -> {
                VarCharVector strings = (VarCharVector) vector;
                yield (out, i) -> out.addBinary(Binary.fromConstantByteArray(strings.get(i)));
            }
            case Binary -> {
                VarBinaryVector bytes = (VarBinaryVector) vector;
                yield (out, i) -> out.addBinary(Binary.fromConstantByteArray(bytes.get(i)));
            }
            case FixedSizeBinary -> {
                FixedSizeBinaryVector bytes = (FixedSizeBinaryVector) vector;
                yield (out, i) -> out.addBinary(Binary.fromConstantByteArray(bytes.get(i)));
            }
            case Decimal -> {
                BaseFixedWidthVector decimals = (BaseFixedWidthVector) vector;
                yield (out, i) -> out.addBinary(Binary.fromConstantByteArray(bigEndian(decimals, i)));
            }
            case Time -> {
                if (vector instanceof TimeMilliVector millis) {
                    yield (out, i) -> out.addInteger(millis.get(i));
                }
                BaseFixedWidthVector times = (BaseFixedWidthVector) vector;
                yield (out, i) -> out.addLong(times.getDataBuffer().getLong(8L * i));
            }
            case Date -> {
                DateDayVector days = (DateDayVector) vector;
                yield (out, i) -> out.addInteger(days.get(i));
            }
            case Timestamp -> {
                TimeStampVector timestamps = (TimeStampVector) vector;
                yield (out, i) -> out.addLong(timestamps.get(i));
            }
            case Struct -> structWriter((StructVector) vector);
            case Map -> mapWriter((MapVector) vector);
            case List -> listWriter((ListVector) vector);
            default -> throw new IllegalArgumentException("Arrow type " + type + " cannot be written to Parquet");
        };
    }

    private static ValueWriter structWriter(StructVector struct) {
        List<FieldVector> children = struct.getChildrenFromFields();
        FieldWriter[] fields = new FieldWriter[children.size()];
        for (int i = 0; i < fields.length; i++) {
            FieldVector child = children.get(i);
            fields[i] = new FieldWriter(child.getName(), i, child, valueWriter(child));
        }
        return (out, index) -> {
            out.startGroup();
            for (FieldWriter field : fields) {
                field.write(out, index);
            }
            out.endGroup();
        };
    }

    private static ValueWriter listWriter(ListVector list) {
        FieldVector data = list.getDataVector();
        ValueWriter element = valueWriter(data);
        return (out, index) -> {
            out.startGroup();
            int start = list.getElementStartIndex(index);
            int end = list.getElementEndIndex(index);
            if (end > start) {
                out.startField(ParquetSchemas.LIST_GROUP, 0);
                for (int j = start; j < end; j++) {
                    out.startGroup();
                    if (!data.isNull(j)) {
                        out.startField(ParquetSchemas.LIST_ELEMENT, 0);
                        element.write(out, j);
                        out.endField(ParquetSchemas.LIST_ELEMENT, 0);
                    }
                    out.endGroup();
                }
                out.endField(ParquetSchemas.LIST_GROUP, 0);
            }
            out.endGroup();
        };
    }

    /**
     * Unsigned integers: Parquet's {@code INT(bits, false)} holds the value in an int32 (8, 16, 32 bits; a uint32 above
     * 2^31 - 1 as its bits) or an int64 (its bits).
     */
    private static ValueWriter unsignedWriter(FieldVector vector) {
        return switch (((ArrowType.Int) vector.getField().getType()).getBitWidth()) {
            case 8 -> {
                UInt1Vector ints = (UInt1Vector) vector;
                yield (out, i) -> out.addInteger(Byte.toUnsignedInt(ints.get(i)));
            }
            case 16 -> {
                UInt2Vector ints = (UInt2Vector) vector;
                yield (out, i) -> out.addInteger(ints.get(i));
            }
            case 32 -> {
                UInt4Vector ints = (UInt4Vector) vector;
                yield (out, i) -> out.addInteger(ints.get(i));
            }
            default -> {
                UInt8Vector longs = (UInt8Vector) vector;
                yield (out, i) -> out.addLong(longs.get(i));
            }
        };
    }

    /**
     * A map as Parquet's three-level {@code MAP} group: one {@code key_value} group per entry, holding the key (never null)
     * and the value when it is not null.
     */
    private static ValueWriter mapWriter(MapVector map) {
        StructVector entries = (StructVector) map.getDataVector();
        List<FieldVector> children = entries.getChildrenFromFields();
        FieldWriter key = new FieldWriter(children.get(0).getName(), 0, children.get(0), valueWriter(children.get(0)));
        FieldWriter value = new FieldWriter(children.get(1).getName(), 1, children.get(1), valueWriter(children.get(1)));
        return (out, index) -> {
            out.startGroup();
            int start = map.getElementStartIndex(index);
            int end = map.getElementEndIndex(index);
            if (end > start) {
                out.startField(ParquetSchemas.MAP_GROUP, 0);
                for (int j = start; j < end; j++) {
                    out.startGroup();
                    key.write(out, j);
                    value.write(out, j);
                    out.endGroup();
                }
                out.endField(ParquetSchemas.MAP_GROUP, 0);
            }
            out.endGroup();
        };
    }

    /** The 16-byte two's-complement big-endian form Parquet uses for a decimal stored little-endian by Arrow. */
    static byte[] bigEndian(DecimalVector decimals, int index) {
        return bigEndian((BaseFixedWidthVector) decimals, index);
    }

    /**
     * The two's-complement big-endian form (16 bytes for a decimal128, 32 for a decimal256) Parquet uses for a decimal
     * stored little-endian by Arrow.
     */
    private static byte[] bigEndian(BaseFixedWidthVector decimals, int index) {
        int width = decimals.getTypeWidth();
        ArrowBuf data = decimals.getDataBuffer();
        long offset = (long) index * width;
        byte[] bytes = new byte[width];
        for (int k = 0; k < width; k++) {
            bytes[width - 1 - k] = data.getByte(offset + k);
        }
        return bytes;
    }
}
