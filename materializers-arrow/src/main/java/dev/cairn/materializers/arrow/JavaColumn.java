package dev.cairn.materializers.arrow;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;

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
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.jspecify.annotations.Nullable;

/**
 * How one Java type (a record component, or a list element) is stored as an Arrow column, converted column by
 * column: primitives and their boxes, {@code String}, {@code BigDecimal}, {@code LocalDate}, {@code Instant}, enums,
 * {@code byte[]}, records (as structs) and {@code List}s of these. Built per save or load; a tree of bindings to
 * concrete vectors does the per-value work.
 */
abstract class JavaColumn {
    static final String SUPPORTED = "boolean, byte, short, int, long, float, double (and their boxes), String, BigDecimal, "
            + "LocalDate, Instant, enums, byte[], records of these, and List<…> of these";

    /** Where in the record the column sits, for messages: {@code Row.address.zip}. */
    final String path;
    /** The Java type, for messages. */
    final Type javaType;

    JavaColumn(String path, Type javaType) {
        this.path = path;
        this.javaType = javaType;
    }

    /** The Arrow field that stores this column. */
    abstract Field field(String name, boolean nullable);

    /** A binding to a vector of (a field compatible with) this column. */
    abstract Binding bind(FieldVector vector);

    /** Why a stored field cannot be read as this column; {@code null} when it can. */
    abstract @Nullable String mismatch(Field stored);

    /** Looks at a value before the schema is fixed (decimal scale); most columns need not. */
    void observe(Object value) {}

    boolean observes() {
        return false;
    }

    /** A reason this type cannot be stored, for {@link #of}. */
    static final class UnsupportedTypeException extends RuntimeException {
        UnsupportedTypeException(String message) {
            super(message, null, false, false);
        }
    }

    /** Writes and reads values of one vector. */
    abstract static class Binding {
        final FieldVector vector;

        Binding(FieldVector vector) {
            this.vector = vector;
        }

        /** Writes {@code value} (never {@code null}) at {@code index}. */
        abstract void write(int index, Object value);

        /** Reads the value at {@code index}, which is not null. */
        abstract Object read(int index);

        final void writeNullable(int index, @Nullable Object value) {
            if (value == null) {
                vector.setNull(index);
            } else {
                write(index, value);
            }
        }
    }

    /**
     * The column for {@code type}.
     *
     * @throws UnsupportedTypeException naming the component path and the type
     */
    static JavaColumn of(Type type, String path) {
        return of(type, path, new ArrayDeque<>());
    }

    private static JavaColumn of(Type type, String path, Deque<Class<?>> enclosing) {
        if (type instanceof Class<?> c) {
            if (c == boolean.class || c == Boolean.class) {
                return new BoolColumn(path, type);
            } else if (c == byte.class || c == Byte.class) {
                return new IntegerColumn(path, type, 8);
            } else if (c == short.class || c == Short.class) {
                return new IntegerColumn(path, type, 16);
            } else if (c == int.class || c == Integer.class) {
                return new IntegerColumn(path, type, 32);
            } else if (c == long.class || c == Long.class) {
                return new IntegerColumn(path, type, 64);
            } else if (c == float.class || c == Float.class) {
                return new FloatingColumn(path, type, false);
            } else if (c == double.class || c == Double.class) {
                return new FloatingColumn(path, type, true);
            } else if (c == String.class) {
                return new StringColumn(path);
            } else if (c == byte[].class) {
                return new BytesColumn(path);
            } else if (c == BigDecimal.class) {
                return new DecimalColumn(path);
            } else if (c == LocalDate.class) {
                return new DateColumn(path);
            } else if (c == Instant.class) {
                return new InstantColumn(path);
            } else if (c.isEnum()) {
                return new EnumColumn(path, c);
            } else if (c.isRecord()) {
                if (enclosing.contains(c)) {
                    throw new UnsupportedTypeException("component '" + path + "' of type " + c.getName()
                            + " contains itself: recursive records cannot be stored as columns");
                }
                enclosing.push(c);
                try {
                    return new RecordColumn(path, c, enclosing);
                } finally {
                    enclosing.pop();
                }
            }
        } else if (type instanceof ParameterizedType parameterized && parameterized.getRawType() == List.class) {
            Type element = parameterized.getActualTypeArguments()[0];
            return new ListColumn(path, type, JavaColumn.of(element, path + "[]", enclosing));
        }
        throw new UnsupportedTypeException("component '" + path + "' has type " + type.getTypeName()
                + ", which materializer " + ArrowMaterializer.ID + " cannot store as a column. Supported component types: " + SUPPORTED);
    }

    static String typeName(Field field) {
        return ColumnTypes.describe(field);
    }

    static String expected(JavaColumn column, String needs, Field stored) {
        return "component '" + column.path + "' (" + column.javaType.getTypeName() + ") needs " + needs + ", but the stored column '"
                + stored.getName() + "' is " + typeName(stored);
    }

    // ----- leaves -----

    private static final class BoolColumn extends JavaColumn {
        BoolColumn(String path, Type type) {
            super(path, type);
        }

        @Override
        Field field(String name, boolean nullable) {
            return new Field(name, new FieldType(nullable, ArrowType.Bool.INSTANCE, null), null);
        }

        @Override
        @Nullable String mismatch(Field stored) {
            return stored.getType() instanceof ArrowType.Bool ? null : expected(this, "a bool column", stored);
        }

        @Override
        Binding bind(FieldVector vector) {
            BitVector bits = (BitVector) vector;
            return new Binding(vector) {
                @Override
                void write(int index, Object value) {
                    bits.setSafe(index, (Boolean) value ? 1 : 0);
                }

                @Override
                Object read(int index) {
                    return bits.get(index) != 0;
                }
            };
        }
    }

    private static final class IntegerColumn extends JavaColumn {
        private final int bits;

        IntegerColumn(String path, Type type, int bits) {
            super(path, type);
            this.bits = bits;
        }

        @Override
        Field field(String name, boolean nullable) {
            return new Field(name, new FieldType(nullable, new ArrowType.Int(bits, true), null), null);
        }

        @Override
        @Nullable String mismatch(Field stored) {
            return stored.getType() instanceof ArrowType.Int i && i.getIsSigned() && i.getBitWidth() == bits ? null
                    : expected(this, "an int" + bits + " column", stored);
        }

        @Override
        Binding bind(FieldVector vector) {
            return switch (bits) {
                case 8 -> new Binding(vector) {
                    private final TinyIntVector v = (TinyIntVector) vector;

                    @Override
                    void write(int index, Object value) {
                        v.setSafe(index, (Byte) value);
                    }

                    @Override
                    Object read(int index) {
                        return v.get(index);
                    }
                };
                case 16 -> new Binding(vector) {
                    private final SmallIntVector v = (SmallIntVector) vector;

                    @Override
                    void write(int index, Object value) {
                        v.setSafe(index, (Short) value);
                    }

                    @Override
                    Object read(int index) {
                        return v.get(index);
                    }
                };
                case 32 -> new Binding(vector) {
                    private final IntVector v = (IntVector) vector;

                    @Override
                    void write(int index, Object value) {
                        v.setSafe(index, (Integer) value);
                    }

                    @Override
                    Object read(int index) {
                        return v.get(index);
                    }
                };
                default -> new Binding(vector) {
                    private final BigIntVector v = (BigIntVector) vector;

                    @Override
                    void write(int index, Object value) {
                        v.setSafe(index, (Long) value);
                    }

                    @Override
                    Object read(int index) {
                        return v.get(index);
                    }
                };
            };
        }
    }

    private static final class FloatingColumn extends JavaColumn {
        private final boolean isDouble;

        FloatingColumn(String path, Type type, boolean isDouble) {
            super(path, type);
            this.isDouble = isDouble;
        }

        @Override
        Field field(String name, boolean nullable) {
            FloatingPointPrecision precision = isDouble ? FloatingPointPrecision.DOUBLE : FloatingPointPrecision.SINGLE;
            return new Field(name, new FieldType(nullable, new ArrowType.FloatingPoint(precision), null), null);
        }

        @Override
        @Nullable String mismatch(Field stored) {
            FloatingPointPrecision precision = isDouble ? FloatingPointPrecision.DOUBLE : FloatingPointPrecision.SINGLE;
            return stored.getType() instanceof ArrowType.FloatingPoint f && f.getPrecision() == precision ? null
                    : expected(this, isDouble ? "a float64 column" : "a float32 column", stored);
        }

        @Override
        Binding bind(FieldVector vector) {
            if (isDouble) {
                Float8Vector v = (Float8Vector) vector;
                return new Binding(vector) {
                    @Override
                    void write(int index, Object value) {
                        v.setSafe(index, (Double) value);
                    }

                    @Override
                    Object read(int index) {
                        return v.get(index);
                    }
                };
            }
            Float4Vector v = (Float4Vector) vector;
            return new Binding(vector) {
                @Override
                void write(int index, Object value) {
                    v.setSafe(index, (Float) value);
                }

                @Override
                Object read(int index) {
                    return v.get(index);
                }
            };
        }
    }

    private static final class StringColumn extends JavaColumn {
        StringColumn(String path) {
            super(path, String.class);
        }

        @Override
        Field field(String name, boolean nullable) {
            return new Field(name, new FieldType(nullable, ArrowType.Utf8.INSTANCE, null), null);
        }

        @Override
        @Nullable String mismatch(Field stored) {
            return stored.getType() instanceof ArrowType.Utf8 ? null : expected(this, "a utf8 column", stored);
        }

        @Override
        Binding bind(FieldVector vector) {
            VarCharVector v = (VarCharVector) vector;
            return new Binding(vector) {
                @Override
                void write(int index, Object value) {
                    v.setSafe(index, ((String) value).getBytes(StandardCharsets.UTF_8));
                }

                @Override
                Object read(int index) {
                    return new String(v.get(index), StandardCharsets.UTF_8);
                }
            };
        }
    }

    private static final class BytesColumn extends JavaColumn {
        BytesColumn(String path) {
            super(path, byte[].class);
        }

        @Override
        Field field(String name, boolean nullable) {
            return new Field(name, new FieldType(nullable, ArrowType.Binary.INSTANCE, null), null);
        }

        @Override
        @Nullable String mismatch(Field stored) {
            return stored.getType() instanceof ArrowType.Binary ? null : expected(this, "a binary column", stored);
        }

        @Override
        Binding bind(FieldVector vector) {
            VarBinaryVector v = (VarBinaryVector) vector;
            return new Binding(vector) {
                @Override
                void write(int index, Object value) {
                    v.setSafe(index, (byte[]) value);
                }

                @Override
                Object read(int index) {
                    return v.get(index);
                }
            };
        }
    }

    /**
     * {@code BigDecimal} as {@code decimal(38, s)}, where {@code s} is the largest scale among the values saved (0 when
     * none): every value keeps its numeric value and comes back at scale {@code s} (so {@code 1.5} saved next to
     * {@code 2.25} loads as {@code 1.50}).
     */
    private static final class DecimalColumn extends JavaColumn {
        static final int PRECISION = 38;
        private int scale;

        DecimalColumn(String path) {
            super(path, BigDecimal.class);
        }

        @Override
        boolean observes() {
            return true;
        }

        @Override
        void observe(Object value) {
            scale = Math.max(scale, ((BigDecimal) value).scale());
            if (scale > PRECISION) {
                throw new UnsupportedTypeException("component '" + path + "' holds " + value + " with scale " + scale
                        + "; decimal columns hold at most " + PRECISION + " digits");
            }
        }

        @Override
        Field field(String name, boolean nullable) {
            return new Field(name, new FieldType(nullable, new ArrowType.Decimal(PRECISION, scale, 128), null), null);
        }

        @Override
        @Nullable String mismatch(Field stored) {
            return stored.getType() instanceof ArrowType.Decimal ? null : expected(this, "a decimal column", stored);
        }

        @Override
        Binding bind(FieldVector vector) {
            DecimalVector v = (DecimalVector) vector;
            int columnScale = v.getScale();
            return new Binding(vector) {
                @Override
                void write(int index, Object value) {
                    BigDecimal scaled = ((BigDecimal) value).setScale(columnScale, RoundingMode.UNNECESSARY);
                    if (scaled.precision() > PRECISION) {
                        throw new UnsupportedTypeException("component '" + path + "' holds " + value + ", which needs more than "
                                + PRECISION + " digits at scale " + columnScale + " (the largest scale among the values)");
                    }
                    v.setSafe(index, scaled);
                }

                @Override
                Object read(int index) {
                    return v.getObject(index);
                }
            };
        }
    }

    private static final class DateColumn extends JavaColumn {
        DateColumn(String path) {
            super(path, LocalDate.class);
        }

        @Override
        Field field(String name, boolean nullable) {
            return new Field(name, new FieldType(nullable, new ArrowType.Date(DateUnit.DAY), null), null);
        }

        @Override
        @Nullable String mismatch(Field stored) {
            return stored.getType() instanceof ArrowType.Date d && d.getUnit() == DateUnit.DAY ? null : expected(this, "a date column", stored);
        }

        @Override
        Binding bind(FieldVector vector) {
            DateDayVector v = (DateDayVector) vector;
            return new Binding(vector) {
                @Override
                void write(int index, Object value) {
                    long day = ((LocalDate) value).toEpochDay();
                    if (day != (int) day) {
                        throw new UnsupportedTypeException("component '" + path + "' holds " + value + ", outside the range of a date column");
                    }
                    v.setSafe(index, (int) day);
                }

                @Override
                Object read(int index) {
                    return LocalDate.ofEpochDay(v.get(index));
                }
            };
        }
    }

    /**
     * {@code Instant} as {@code timestamp[nanosecond, UTC]}: exact to the nanosecond, for instants between the years
     * 1677 and 2262. Loads also accept millisecond and microsecond UTC timestamps.
     */
    private static final class InstantColumn extends JavaColumn {
        InstantColumn(String path) {
            super(path, Instant.class);
        }

        @Override
        Field field(String name, boolean nullable) {
            return new Field(name, new FieldType(nullable, new ArrowType.Timestamp(TimeUnit.NANOSECOND, "UTC"), null), null);
        }

        @Override
        @Nullable String mismatch(Field stored) {
            return stored.getType() instanceof ArrowType.Timestamp t && t.getTimezone() != null && t.getUnit() != TimeUnit.SECOND ? null
                    : expected(this, "a timestamp column with a time zone", stored);
        }

        @Override
        Binding bind(FieldVector vector) {
            TimeStampVector v = (TimeStampVector) vector;
            TimeUnit unit = ((ArrowType.Timestamp) vector.getField().getType()).getUnit();
            return new Binding(vector) {
                @Override
                void write(int index, Object value) {
                    Instant instant = (Instant) value;
                    long nanos;
                    try {
                        nanos = Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
                    } catch (ArithmeticException e) {
                        throw new UnsupportedTypeException("component '" + path + "' holds " + instant
                                + ", outside the range of timestamp[nanosecond] (1677-09-21 to 2262-04-11)");
                    }
                    v.setSafe(index, nanos);
                }

                @Override
                Object read(int index) {
                    long raw = v.get(index);
                    return switch (unit) {
                        case MILLISECOND -> Instant.ofEpochMilli(raw);
                        case MICROSECOND -> Instant.ofEpochSecond(Math.floorDiv(raw, 1_000_000L), Math.floorMod(raw, 1_000_000L) * 1_000L);
                        case NANOSECOND -> Instant.ofEpochSecond(Math.floorDiv(raw, 1_000_000_000L), Math.floorMod(raw, 1_000_000_000L));
                        case SECOND -> Instant.ofEpochSecond(raw);
                    };
                }
            };
        }
    }

    /** An enum as the {@code utf8} name of its constant. */
    private static final class EnumColumn extends JavaColumn {
        private final Map<String, Object> constants;

        EnumColumn(String path, Class<?> type) {
            super(path, type);
            Map<String, Object> byName = new java.util.HashMap<>();
            for (Object constant : type.getEnumConstants()) {
                byName.put(((Enum<?>) constant).name(), constant);
            }
            this.constants = Map.copyOf(byName);
        }

        @Override
        Field field(String name, boolean nullable) {
            return new Field(name, new FieldType(nullable, ArrowType.Utf8.INSTANCE, null), null);
        }

        @Override
        @Nullable String mismatch(Field stored) {
            return stored.getType() instanceof ArrowType.Utf8 ? null : expected(this, "a utf8 column (the enum constant's name)", stored);
        }

        @Override
        Binding bind(FieldVector vector) {
            VarCharVector v = (VarCharVector) vector;
            return new Binding(vector) {
                @Override
                void write(int index, Object value) {
                    v.setSafe(index, ((Enum<?>) value).name().getBytes(StandardCharsets.UTF_8));
                }

                @Override
                Object read(int index) {
                    String name = new String(v.get(index), StandardCharsets.UTF_8);
                    Object constant = constants.get(name);
                    if (constant == null) {
                        throw new UnsupportedTypeException("component '" + path + "': the stored value '" + name + "' is not a constant of "
                                + javaType.getTypeName() + " (constants: " + new java.util.TreeSet<>(constants.keySet()) + ")");
                    }
                    return constant;
                }
            };
        }
    }

    // ----- containers -----

    /** {@code List<E>} as an Arrow list of nullable elements. */
    private static final class ListColumn extends JavaColumn {
        private final JavaColumn element;

        ListColumn(String path, Type type, JavaColumn element) {
            super(path, type);
            this.element = element;
        }

        @Override
        boolean observes() {
            return element.observes();
        }

        @Override
        void observe(Object value) {
            for (Object item : (List<?>) value) {
                if (item != null) {
                    element.observe(item);
                }
            }
        }

        @Override
        Field field(String name, boolean nullable) {
            return new Field(name, new FieldType(nullable, ArrowType.List.INSTANCE, null),
                    List.of(element.field(ParquetSchemas.LIST_ELEMENT, true)));
        }

        @Override
        @Nullable String mismatch(Field stored) {
            if (!(stored.getType() instanceof ArrowType.List)) {
                return expected(this, "a list column", stored);
            }
            return element.mismatch(stored.getChildren().get(0));
        }

        @Override
        Binding bind(FieldVector vector) {
            ListVector list = (ListVector) vector;
            Binding elements = element.bind(list.getDataVector());
            return new Binding(vector) {
                @Override
                void write(int index, Object value) {
                    int offset = list.startNewValue(index);
                    int count = 0;
                    for (Object item : (List<?>) value) {
                        elements.writeNullable(offset + count, item);
                        count++;
                    }
                    list.endValue(index, count);
                }

                @Override
                Object read(int index) {
                    int start = list.getElementStartIndex(index);
                    int end = list.getElementEndIndex(index);
                    List<Object> items = new ArrayList<>(end - start);
                    for (int j = start; j < end; j++) {
                        items.add(elements.vector.isNull(j) ? null : elements.read(j));
                    }
                    return Collections.unmodifiableList(items);
                }
            };
        }
    }

    /** A record as a struct of its components (or, at the top level, as the columns of a table). */
    static final class RecordColumn extends JavaColumn {
        private final Class<?> recordClass;
        private final String[] names;
        private final boolean[] primitive;
        private final JavaColumn[] components;
        private final MethodHandle[] accessors;
        private final MethodHandle constructor;

        RecordColumn(String path, Class<?> recordClass, Deque<Class<?>> enclosing) {
            super(path, recordClass);
            this.recordClass = recordClass;
            RecordComponent[] declared = recordClass.getRecordComponents();
            this.names = new String[declared.length];
            this.primitive = new boolean[declared.length];
            this.components = new JavaColumn[declared.length];
            this.accessors = new MethodHandle[declared.length];
            Class<?>[] parameterTypes = new Class<?>[declared.length];
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            try {
                for (int i = 0; i < declared.length; i++) {
                    RecordComponent component = declared[i];
                    names[i] = component.getName();
                    primitive[i] = component.getType().isPrimitive();
                    parameterTypes[i] = component.getType();
                    components[i] = JavaColumn.of(component.getGenericType(), path + "." + component.getName(), enclosing);
                    component.getAccessor().setAccessible(true);
                    accessors[i] = lookup.unreflect(component.getAccessor()).asType(MethodType.methodType(Object.class, Object.class));
                }
                java.lang.reflect.Constructor<?> canonical = recordClass.getDeclaredConstructor(parameterTypes);
                canonical.setAccessible(true);
                this.constructor = lookup.unreflectConstructor(canonical)
                        .asSpreader(Object[].class, declared.length)
                        .asType(MethodType.methodType(Object.class, Object[].class));
            } catch (ReflectiveOperationException | RuntimeException e) {
                if (e instanceof UnsupportedTypeException unsupported) {
                    throw unsupported;
                }
                throw new UnsupportedTypeException("record " + recordClass.getName() + " (at '" + path + "') cannot be accessed: " + e
                        + ". Make it public, or open its package to Cairn's class loader.");
            }
        }

        static RecordColumn forRecord(Class<?> recordClass) {
            JavaColumn column = of(recordClass, recordClass.getSimpleName());
            return (RecordColumn) column;
        }

        Class<?> recordClass() {
            return recordClass;
        }

        List<String> names() {
            return Arrays.asList(names.clone());
        }

        @Override
        boolean observes() {
            for (JavaColumn component : components) {
                if (component.observes()) {
                    return true;
                }
            }
            return false;
        }

        @Override
        void observe(Object value) {
            for (int i = 0; i < components.length; i++) {
                if (components[i].observes()) {
                    Object item = get(i, value);
                    if (item != null) {
                        components[i].observe(item);
                    }
                }
            }
        }

        private @Nullable Object get(int component, Object record) {
            try {
                return (Object) accessors[component].invokeExact(record);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException("Accessor " + names[component] + "() of " + recordClass.getName() + " threw " + e, e);
            }
        }

        List<Field> fields() {
            List<Field> fields = new ArrayList<>(components.length);
            for (int i = 0; i < components.length; i++) {
                fields.add(components[i].field(names[i], !primitive[i]));
            }
            return fields;
        }

        /** The schema of a table of these records, one column per component. */
        Schema schema() {
            return new Schema(fields());
        }

        @Override
        Field field(String name, boolean nullable) {
            return new Field(name, new FieldType(nullable, ArrowType.Struct.INSTANCE, null), fields());
        }

        @Override
        @Nullable String mismatch(Field stored) {
            if (!(stored.getType() instanceof ArrowType.Struct)) {
                return expected(this, "a struct column", stored);
            }
            return mismatch(stored.getChildren(), "struct column '" + stored.getName() + "'");
        }

        /** Why records cannot be read from these stored fields (matched by component name); {@code null} when they can. */
        @Nullable String mismatch(List<Field> stored, String where) {
            for (int i = 0; i < components.length; i++) {
                Field match = null;
                for (Field field : stored) {
                    if (field.getName().equals(names[i])) {
                        match = field;
                    }
                }
                if (match == null) {
                    List<String> storedNames = stored.stream().map(Field::getName).toList();
                    return "component '" + components[i].path + "' has no column in " + where + " (it has " + storedNames + ")";
                }
                String problem = components[i].mismatch(match);
                if (problem != null) {
                    return problem;
                }
            }
            return null;
        }

        @Override
        Binding bind(FieldVector vector) {
            StructVector struct = (StructVector) vector;
            Binding[] children = new Binding[components.length];
            for (int i = 0; i < components.length; i++) {
                children[i] = components[i].bind((FieldVector) struct.getChild(names[i]));
            }
            return new Binding(vector) {
                @Override
                void write(int index, Object value) {
                    struct.setIndexDefined(index);
                    writeComponents(children, index, value);
                }

                @Override
                Object read(int index) {
                    return readComponents(children, index);
                }
            };
        }

        /** Binds to the columns of a table: one vector per component, found by name. */
        Rows bindRows(VectorSchemaRoot root) {
            Binding[] columns = new Binding[components.length];
            for (int i = 0; i < components.length; i++) {
                columns[i] = components[i].bind(root.getVector(names[i]));
            }
            return new Rows(columns);
        }

        /** Writes and reads whole records as rows of a table. */
        final class Rows {
            private final Binding[] columns;

            private Rows(Binding[] columns) {
                this.columns = columns;
            }

            void write(int row, Object record) {
                writeComponents(columns, row, record);
            }

            Object read(int row) {
                return readComponents(columns, row);
            }
        }

        private void writeComponents(Binding[] children, int index, Object record) {
            for (int i = 0; i < children.length; i++) {
                children[i].writeNullable(index, get(i, record));
            }
        }

        private Object readComponents(Binding[] children, int index) {
            Object[] arguments = new Object[children.length];
            for (int i = 0; i < children.length; i++) {
                if (children[i].vector.isNull(index)) {
                    if (primitive[i]) {
                        throw new UnsupportedTypeException("component '" + components[i].path + "' is a primitive "
                                + components[i].javaType.getTypeName() + " but the stored column '" + children[i].vector.getName()
                                + "' holds a null (at index " + index + "); declare the component with its boxed type to load nulls");
                    }
                    continue;
                }
                arguments[i] = children[i].read(index);
            }
            try {
                return (Object) constructor.invokeExact(arguments);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException("The constructor of " + recordClass.getName() + " threw " + e, e);
            }
        }
    }
}
