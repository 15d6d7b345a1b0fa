package dev.cairn.materializers.arrow;

import java.nio.ByteBuffer;
import java.util.List;

import org.apache.arrow.vector.BigIntVector;
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
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.io.api.RecordMaterializer;

/**
 * Parquet record assembly straight into Arrow vectors, for the columns that need it (structs and lists; flat columns
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

    /** Converters of {@code vectors}: the top-level columns of the records read, in the order of the read schema. */
    ParquetVectorConverters(List<FieldVector> vectors, RowCursor cursor) {
        Converter[] children = new Converter[vectors.size()];
        for (int i = 0; i < children.length; i++) {
            children[i] = converter(vectors.get(i), cursor);
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

    static Converter converter(FieldVector vector, Position position) {
        ArrowType type = vector.getField().getType();
        return switch (type.getTypeID()) {
            case Bool -> new PrimitiveConverter() {
                private final BitVector bits = (BitVector) vector;

                @Override
                public void addBoolean(boolean value) {
                    bits.setSafe(position.index(), value ? 1 : 0);
                }
            };
            case Int -> switch (((ArrowType.Int) type).getBitWidth()) {
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
            case Decimal -> new PrimitiveConverter() {
                private final DecimalVector decimals = (DecimalVector) vector;

                @Override
                public void addBinary(Binary value) {
                    decimals.setBigEndianSafe(position.index(), value.getBytes());
                }
            };
            case Date -> new PrimitiveConverter() {
                private final DateDayVector days = (DateDayVector) vector;

                @Override
                public void addInt(int value) {
                    days.setSafe(position.index(), value);
                }
            };
            case Timestamp -> new PrimitiveConverter() {
                private final TimeStampVector timestamps = (TimeStampVector) vector;

                @Override
                public void addLong(long value) {
                    timestamps.setSafe(position.index(), value);
                }
            };
            case Struct -> structConverter((StructVector) vector, position);
            case List -> new ListConverter((ListVector) vector, position);
            default -> throw new IllegalArgumentException("Arrow type " + type + " cannot be read from Parquet");
        };
    }

    private static GroupConverter structConverter(StructVector struct, Position position) {
        List<FieldVector> children = struct.getChildrenFromFields();
        Converter[] converters = new Converter[children.size()];
        for (int i = 0; i < converters.length; i++) {
            converters[i] = converter(children.get(i), position);
        }
        return new FieldsConverter(converters) {
            @Override
            public void start() {
                struct.setIndexDefined(position.index());
            }
        };
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

    /** The three-level Parquet {@code LIST}: the outer group is one list value, each repeated group one element. */
    private static final class ListConverter extends GroupConverter {
        private final ListVector list;
        private final Position position;
        private final ElementCursor elements = new ElementCursor();
        private final GroupConverter repeated;
        private int start;
        private int count;

        ListConverter(ListVector list, Position position) {
            this.list = list;
            this.position = position;
            Converter element = converter(list.getDataVector(), elements);
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
    }
}
