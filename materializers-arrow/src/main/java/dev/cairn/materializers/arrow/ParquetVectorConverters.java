package dev.cairn.materializers.arrow;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Decimal256Vector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeMilliVector;
import org.apache.arrow.vector.TimeNanoVector;
import org.apache.arrow.vector.UInt1Vector;
import org.apache.arrow.vector.UInt2Vector;
import org.apache.arrow.vector.UInt4Vector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.io.ParquetDecodingException;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;

/**
 * Parquet record assembly straight into Arrow vectors, for the columns that need it (structs, lists and maps; flat columns
 * are read by {@link FlatColumnReader}): a converter per vector writes each value at the current row (or list
 * element) with {@code setSafe}, so no Java object per row is made for fixed-width values. A value Parquet does not
 * deliver stays null (validity buffers start zeroed). The per-value converters also serve {@link FlatColumnReader}
 * for the flat types it does not write directly.
 */
final class ParquetVectorConverters extends RecordMaterializer<Object> {
    private static final Object ROW = new Object();

    /** Where the next value of a converter goes. */
    abstract static class Position {
        abstract int index();
    }

    /** The row being assembled. */
    static final class RowCursor extends Position {
        int row;

        @Override
        int index() {
            return row;
        }
    }

    private static final class ElementCursor extends Position {
        int element;

        @Override
        int index() {
            return element;
        }
    }

    private final GroupConverter root;

    /**
     * Converters of {@code vectors}: the top-level columns of the records read, in the order of the read schema
     * {@code schema} (whose fields are their Parquet types).
     */
    ParquetVectorConverters(List<FieldVector> vectors, GroupType schema, RowCursor cursor) {
        Converter[] children = new Converter[vectors.size()];
        for (int i = 0; i < children.length; i++) {
            children[i] = converter(vectors.get(i), schema.getType(i), cursor);
        }
        this.root = new FieldsConverter(children);
    }

    @Override
    public Object getCurrentRecord() {
        return ROW;
    }

    @Override
    public GroupConverter getRootConverter() {
        return root;
    }

    private static class FieldsConverter extends GroupConverter {
        private final Converter[] children;

        FieldsConverter(Converter[] children) {
            this.children = children;
        }

        @Override
        public Converter getConverter(int fieldIndex) {
            return children[fieldIndex];
        }

        @Override
        public void start() {}

        @Override
        public void end() {}
    }

    /**
     * The converter that writes values of the Parquet type {@code type} into {@code vector} at {@code position}: the
     * vector's Arrow type is the one {@link ForeignParquetSchemas} or {@link ParquetSchemas} maps {@code type} to.
     */
    static Converter converter(FieldVector vector, Type type, Position position) {
        ArrowType arrow = vector.getField().getType();
        if (!type.isPrimitive()) {
            GroupType group = type.asGroupType();
            return switch (arrow.getTypeID()) {
                case Struct -> structConverter((StructVector) vector, group, position);
                case List, Map -> new ListConverter((ListVector) vector, group, position);
                default -> throw new IllegalArgumentException("Arrow type " + arrow + " cannot be read from the Parquet group " + type);
            };
        }
        PrimitiveTypeName physical = type.asPrimitiveType().getPrimitiveTypeName();
        String column = type.getName();
        return switch (arrow.getTypeID()) {
            case Bool -> new PrimitiveConverter() {
                private final BitVector bits = (BitVector) vector;

                @Override
                public void addBoolean(boolean value) {
                    bits.setSafe(position.index(), value ? 1 : 0);
                }
            };
            case Int -> ((ArrowType.Int) arrow).getIsSigned() ? signed(vector, ((ArrowType.Int) arrow).getBitWidth(), position)
                    : unsigned(vector, ((ArrowType.Int) arrow).getBitWidth(), position);
            case FloatingPoint -> vector instanceof Float4Vector floats
                    ? new PrimitiveConverter() {
                        @Override
                        public void addFloat(float value) {
                            floats.setSafe(position.index(), value);
                        }
                    }
                    : new PrimitiveConverter() {
                        private final Float8Vector doubles = (Float8Vector) vector;

                        @Override
                        public void addDouble(double value) {
                            doubles.setSafe(position.index(), value);
                        }
                    };
            case Utf8 -> new BinaryConverter(position) {
                private final VarCharVector strings = (VarCharVector) vector;

                @Override
                void set(int index, ByteBuffer bytes) {
                    strings.setSafe(index, bytes, bytes.position(), bytes.remaining());
                }
            };
            case Binary -> new BinaryConverter(position) {
                private final VarBinaryVector binaries = (VarBinaryVector) vector;

                @Override
                void set(int index, ByteBuffer bytes) {
                    binaries.setSafe(index, bytes, bytes.position(), bytes.remaining());
                }
            };
            case FixedSizeBinary -> new BinaryConverter(position) {
                private final FixedSizeBinaryVector binaries = (FixedSizeBinaryVector) vector;

                @Override
                void set(int index, ByteBuffer bytes) {
                    byte[] value = new byte[bytes.remaining()];
                    bytes.duplicate().get(value);
                    binaries.setSafe(index, value);
                }
            };
            case Decimal -> decimal(vector, (ArrowType.Decimal) arrow, physical, position);
            case Date -> new PrimitiveConverter() {
                private final DateDayVector days = (DateDayVector) vector;

                @Override
                public void addInt(int value) {
                    days.setSafe(position.index(), value);
                }
            };
            case Time -> vector instanceof TimeMilliVector millis
                    ? new PrimitiveConverter() {
                        @Override
                        public void addInt(int value) {
                            millis.setSafe(position.index(), value);
                        }
                    }
                    : vector instanceof TimeMicroVector micros
                    ? new PrimitiveConverter() {
                        @Override
                        public void addLong(long value) {
                            micros.setSafe(position.index(), value);
                        }
                    }
                    : new PrimitiveConverter() {
                        private final TimeNanoVector nanos = (TimeNanoVector) vector;

                        @Override
                        public void addLong(long value) {
                            nanos.setSafe(position.index(), value);
                        }
                    };
            case Timestamp -> physical == PrimitiveTypeName.INT96 ? int96((TimeStampVector) vector, column, position) : new PrimitiveConverter() {
                private final TimeStampVector timestamps = (TimeStampVector) vector;

                @Override
                public void addLong(long value) {
                    timestamps.setSafe(position.index(), value);
                }
            };
            default -> throw new IllegalArgumentException("Arrow type " + arrow + " cannot be read from Parquet");
        };
    }

    private static PrimitiveConverter signed(FieldVector vector, int bits, Position position) {
        return switch (bits) {
            case 8 -> new PrimitiveConverter() {
                private final TinyIntVector ints = (TinyIntVector) vector;

                @Override
                public void addInt(int value) {
                    ints.setSafe(position.index(), (byte) value);
                }
            };
            case 16 -> new PrimitiveConverter() {
                private final SmallIntVector ints = (SmallIntVector) vector;

                @Override
                public void addInt(int value) {
                    ints.setSafe(position.index(), (short) value);
                }
            };
            case 32 -> new PrimitiveConverter() {
                private final IntVector ints = (IntVector) vector;

                @Override
                public void addInt(int value) {
                    ints.setSafe(position.index(), value);
                }
            };
            default -> new PrimitiveConverter() {
                private final BigIntVector longs = (BigIntVector) vector;

                @Override
                public void addLong(long value) {
                    longs.setSafe(position.index(), value);
                }
            };
        };
    }

    /** Unsigned integers: Parquet stores their bits in an int32 (8, 16, 32 bits) or int64, as Arrow does. */
    private static PrimitiveConverter unsigned(FieldVector vector, int bits, Position position) {
        return switch (bits) {
            case 8 -> new PrimitiveConverter() {
                private final UInt1Vector ints = (UInt1Vector) vector;

                @Override
                public void addInt(int value) {
                    ints.setSafe(position.index(), value);
                }
            };
            case 16 -> new PrimitiveConverter() {
                private final UInt2Vector ints = (UInt2Vector) vector;

                @Override
                public void addInt(int value) {
                    ints.setSafe(position.index(), value);
                }
            };
            case 32 -> new PrimitiveConverter() {
                private final UInt4Vector ints = (UInt4Vector) vector;

                @Override
                public void addInt(int value) {
                    ints.setSafe(position.index(), value);
                }
            };
            default -> new PrimitiveConverter() {
                private final UInt8Vector longs = (UInt8Vector) vector;

                @Override
                public void addLong(long value) {
                    longs.setSafe(position.index(), value);
                }
            };
        };
    }

    /**
     * A decimal stored as an int32 or int64 (the unscaled value) or as big-endian two's complement bytes (binary or a
     * fixed-length array of any length; longer than the vector's width only with redundant sign bytes).
     */
    private static PrimitiveConverter decimal(FieldVector vector, ArrowType.Decimal type, PrimitiveTypeName physical, Position position) {
        int width = type.getBitWidth() / 8;
        return new PrimitiveConverter() {
            @Override
            public void addInt(int value) {
                addLong(value);
            }

            @Override
            public void addLong(long value) {
                if (vector instanceof DecimalVector decimals) {
                    decimals.setSafe(position.index(), value);
                } else {
                    ((Decimal256Vector) vector).setSafe(position.index(), value);
                }
            }

            @Override
            public void addBinary(Binary value) {
                byte[] bytes = value.getBytes();
                if (bytes.length > width) {
                    bytes = new BigInteger(bytes).toByteArray();
                    if (bytes.length > width) {
                        throw new UnrepresentableValueException("a " + physical + " decimal of " + bytes.length + " significant bytes exceeds "
                                + type + " (the precision its column declares)");
                    }
                }
                if (vector instanceof DecimalVector decimals) {
                    decimals.setBigEndianSafe(position.index(), bytes);
                } else {
                    ((Decimal256Vector) vector).setBigEndianSafe(position.index(), bytes);
                }
            }
        };
    }

    private static final long NANOS_PER_DAY = 86_400_000_000_000L;

    /**
     * An int96 timestamp (Spark's and Impala's legacy layout): 8 little-endian bytes of nanoseconds within the day, then 4
     * of the Julian day number; stored as nanoseconds since the Unix epoch: the instant pyarrow and DuckDB read.
     */
    private static PrimitiveConverter int96(TimeStampVector timestamps, String column, Position position) {
        if (!(timestamps.getField().getType() instanceof ArrowType.Timestamp type) || type.getUnit() != TimeUnit.NANOSECOND) {
            throw new IllegalArgumentException("int96 column '" + column + "' reads only as timestamp[ns]");
        }
        return new PrimitiveConverter() {
            @Override
            public void addBinary(Binary value) {
                ByteBuffer bytes = value.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                if (bytes.remaining() != 12) {
                    throw new ParquetDecodingException("an int96 value of column '" + column + "' has " + bytes.remaining() + " bytes");
                }
                long nanosOfDay = bytes.getLong(bytes.position());
                long julianDay = Integer.toUnsignedLong(bytes.getInt(bytes.position() + 8));
                long epochNanos;
                try {
                    long days = julianDay - ForeignParquetSchemas.JULIAN_EPOCH_DAY;
                    // before the epoch, one day less times the day and the nanoseconds less one day: reaches Long.MIN_VALUE
                    epochNanos = days < 0 ? Math.addExact(Math.multiplyExact(days + 1, NANOS_PER_DAY), Math.subtractExact(nanosOfDay, NANOS_PER_DAY))
                            : Math.addExact(Math.multiplyExact(days, NANOS_PER_DAY), nanosOfDay);
                } catch (ArithmeticException e) {
                    throw new UnrepresentableValueException("the int96 timestamp of column '" + column + "' at Julian day " + julianDay
                            + " is outside what timestamp[ns] holds (years 1677-2262); write it as TIMESTAMP_MICROS"
                            + " (spark.sql.parquet.outputTimestampType) to read it");
                }
                timestamps.setSafe(position.index(), epochNanos);
            }
        };
    }

    /** A stored value the column's Arrow type cannot hold: the file is fine, the read is refused. */
    static final class UnrepresentableValueException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnrepresentableValueException(String message) {
            super(message);
        }
    }

    private static GroupConverter structConverter(StructVector struct, GroupType group, Position position) {
        return new FieldsConverter(childConverters(struct, group, position)) {
            @Override
            public void start() {
                struct.setIndexDefined(position.index());
            }
        };
    }

    private static Converter[] childConverters(StructVector struct, GroupType group, Position position) {
        List<FieldVector> children = struct.getChildrenFromFields();
        Converter[] converters = new Converter[children.size()];
        for (int i = 0; i < converters.length; i++) {
            converters[i] = converter(children.get(i), group.getType(i), position);
        }
        return converters;
    }

    /** A string or binary column; dictionary pages are decoded once per column chunk. */
    private abstract static class BinaryConverter extends PrimitiveConverter {
        private final Position position;
        private ByteBuffer[] dictionary = new ByteBuffer[0];

        BinaryConverter(Position position) {
            this.position = position;
        }

        abstract void set(int index, ByteBuffer bytes);

        @Override
        public void addBinary(Binary value) {
            set(position.index(), value.toByteBuffer());
        }

        @Override
        public boolean hasDictionarySupport() {
            return true;
        }

        @Override
        public void setDictionary(Dictionary values) {
            ByteBuffer[] decoded = new ByteBuffer[values.getMaxId() + 1];
            for (int id = 0; id < decoded.length; id++) {
                decoded[id] = values.decodeToBinary(id).toByteBuffer();
            }
            this.dictionary = decoded;
        }

        @Override
        public void addValueFromDictionary(int dictionaryId) {
            set(position.index(), dictionary[dictionaryId].duplicate());
        }
    }

    /**
     * A Parquet {@code LIST} or {@code MAP} group: the outer group is one list (map) value, each repetition of its repeated
     * field one element (entry). In the standard three-level list the repeated group wraps the element; in the legacy
     * two-level lists ({@link ForeignParquetSchemas#repeatedIsElement}) and in maps the repeated field is the element
     * (the map's key-value struct).
     */
    private static final class ListConverter extends GroupConverter {
        private final ListVector list;
        private final Position position;
        private final ElementCursor elements = new ElementCursor();
        private final Converter repeated;
        private int start;
        private int count;

        ListConverter(ListVector list, GroupType group, Position position) {
            this.list = list;
            this.position = position;
            Type repeatedType = group.getType(0);
            FieldVector data = list.getDataVector();
            if (!(list instanceof MapVector) && !ForeignParquetSchemas.repeatedIsElement(group)) {
                Converter element = converter(data, repeatedType.asGroupType().getType(0), elements);
                this.repeated = new GroupConverter() {
                    @Override
                    public Converter getConverter(int fieldIndex) {
                        return element;
                    }

                    @Override
                    public void start() {
                        elements.element = start + count;
                    }

                    @Override
                    public void end() {
                        count++;
                    }
                };
            } else if (repeatedType.isPrimitive()) {
                this.repeated = new CountingConverter(converter(data, repeatedType, elements).asPrimitiveConverter());
            } else {
                StructVector struct = (StructVector) data;
                this.repeated = new FieldsConverter(childConverters(struct, repeatedType.asGroupType(), elements)) {
                    @Override
                    public void start() {
                        elements.element = start + count;
                        struct.setIndexDefined(elements.element);
                    }

                    @Override
                    public void end() {
                        count++;
                    }
                };
            }
        }

        @Override
        public Converter getConverter(int fieldIndex) {
            return repeated;
        }

        @Override
        public void start() {
            start = list.startNewValue(position.index());
            count = 0;
        }

        @Override
        public void end() {
            list.endValue(position.index(), count);
        }

        /** The repeated primitive of a two-level list: each value is the next element. */
        private final class CountingConverter extends PrimitiveConverter {
            private final PrimitiveConverter element;

            CountingConverter(PrimitiveConverter element) {
                this.element = element;
            }

            /** Points the element converter at the next element of the list and counts it. */
            private PrimitiveConverter next() {
                elements.element = start + count++;
                return element;
            }

            @Override
            public boolean hasDictionarySupport() {
                return element.hasDictionarySupport();
            }

            @Override
            public void setDictionary(Dictionary dictionary) {
                element.setDictionary(dictionary);
            }

            @Override
            public void addValueFromDictionary(int dictionaryId) {
                next().addValueFromDictionary(dictionaryId);
            }

            @Override
            public void addBinary(Binary value) {
                next().addBinary(value);
            }

            @Override
            public void addBoolean(boolean value) {
                next().addBoolean(value);
            }

            @Override
            public void addDouble(double value) {
                next().addDouble(value);
            }

            @Override
            public void addFloat(float value) {
                next().addFloat(value);
            }

            @Override
            public void addInt(int value) {
                next().addInt(value);
            }

            @Override
            public void addLong(long value) {
                next().addLong(value);
            }
        }
    }
}
